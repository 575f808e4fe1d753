"""Optional check that an email domain can receive mail: an MX record, or an address (RFC 5321)."""

from __future__ import annotations

import asyncio

import dns.asyncresolver
import dns.exception
import dns.resolver


class MxChecker:
    def __init__(self, servers: tuple[str, ...] = (), timeout: float = 5.0) -> None:
        self.resolver = dns.asyncresolver.Resolver(configure=not servers)
        if servers:
            addresses: list[str] = []
            for server in servers:  # "IP" or "IPv4:port"; one port for all, as dnspython has
                host, sep, port = server.rpartition(":")
                if sep and "." in host and port.isdigit():
                    addresses.append(host)
                    self.resolver.port = int(port)
                else:
                    addresses.append(server)
            self.resolver.nameservers = addresses
        self.resolver.lifetime = timeout
        self._known: dict[str, asyncio.Task[bool | None]] = {}

    async def accepts_mail(self, domain: str) -> bool | None:
        """True / False, or None when DNS did not answer (the address is then kept)."""
        task = self._known.get(domain)
        if task is None:
            task = self._known[domain] = asyncio.ensure_future(self._lookup(domain))
        return await asyncio.shield(task)

    async def _lookup(self, domain: str) -> bool | None:
        for rdtype in ("MX", "A", "AAAA"):
            try:
                await self.resolver.resolve(domain, rdtype)
                return True
            except dns.resolver.NXDOMAIN:
                return False
            except (dns.resolver.NoAnswer, dns.resolver.NoNameservers):
                continue
            except dns.exception.DNSException:
                return None
        return False
