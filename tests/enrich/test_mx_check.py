"""The optional MX check asks DNS (a local server here) and drops addresses whose domain cannot take mail."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from mapleads.enrich import enrich_leads
from tests.enrich.conftest import crawl_config, lead_for
from tests.enrich.sitefarm import FarmServer, Site


class TinyDns:
    """A UDP DNS server answering MX for the given domains and NXDOMAIN for every other name."""

    def __init__(self, mail_domains: set[str]) -> None:
        self.mail_domains = mail_domains
        self.questions: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            question = query.question[0]
            name = question.name.to_text().rstrip(".")
            self.questions.append(name)
            reply = dns.message.make_response(query)
            reply.flags |= dns.flags.AA
            if name in self.mail_domains:
                if dns.rdatatype.to_text(question.rdtype) == "MX":
                    answer = dns.rrset.from_text(question.name, 300, "IN", "MX", f"10 mail.{name}.")
                    reply.answer.append(answer)
            else:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(reply.to_wire(), peer)

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def two_sites(farm: tuple[FarmServer, list[Site]]) -> list[Site]:
    return [s for s in farm[1] if s.kind == "mailto"][:2]


@pytest.fixture
def tiny_dns(two_sites: list[Site]) -> Iterator[TinyDns]:
    server = TinyDns({two_sites[0].host.removeprefix("www.")})
    yield server
    server.close()


def test_the_mx_check_keeps_deliverable_domains_and_drops_the_rest(
    farm: tuple[FarmServer, list[Site]], two_sites: list[Site], tiny_dns: TinyDns, tmp_path: Path
) -> None:
    config = crawl_config(farm[0], tmp_path, mx_check=True, dns_servers=(f"127.0.0.1:{tiny_dns.port}",))
    good, bad = list(enrich_leads([lead_for(s) for s in two_sites], config))
    assert set(good.emails) == two_sites[0].expect.emails
    assert bad.emails == []
    assert set(tiny_dns.questions) == {s.host.removeprefix("www.") for s in two_sites}


def test_the_mx_check_is_off_by_default(
    farm: tuple[FarmServer, list[Site]], two_sites: list[Site], tiny_dns: TinyDns, tmp_path: Path
) -> None:
    _, bad = list(enrich_leads([lead_for(s) for s in two_sites], crawl_config(farm[0], tmp_path)))
    assert set(bad.emails) == two_sites[1].expect.emails
    assert tiny_dns.questions == []
