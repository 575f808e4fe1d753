"""A farm of generated business websites served by one aiohttp server on 127.0.0.1.

Every site has its own host name (``s0042-kahvila.fi``); the crawler reaches them through its host map, so
per-host politeness, robots.txt per host and cross-domain redirects are real. Each site is built for one case
(an obfuscation, a robots rule, a slow or huge page, a bot challenge ...) and carries what a correct crawler
must report for it (`Expect`) and what it must never report (decoys).

Used by tests/enrich and by bench/bench_enrich.py (``python tests/enrich/sitefarm.py serve`` runs it alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from aiohttp import web

UA_TOKEN = "MapLeadExtractor"


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream_bytes: int = 0  # > 0: stream this many bytes of filler after `body`, then `tail`
    tail: bytes = b""


@dataclass
class Expect:
    status: str = "ok"
    emails: set[str] = field(default_factory=set)  # exported with the default (role-only) policy
    personal: set[str] = field(default_factory=set)  # exported too when personal emails are kept
    phones: set[str] = field(default_factory=set)  # confirmed
    unconfirmed: set[str] = field(default_factory=set)
    socials: dict[str, str] = field(default_factory=dict)
    tech: set[str] = field(default_factory=set)
    redirected_to: str | None = None
    decoy_emails: set[str] = field(default_factory=set)
    decoy_phones: set[str] = field(default_factory=set)
    forbidden_paths: set[str] = field(default_factory=set)  # must never be requested


@dataclass
class Site:
    index: int
    kind: str
    host: str
    name: str
    country: str | None
    lang: str
    pages: dict[str, Resp] = field(default_factory=dict)
    expect: Expect = field(default_factory=Expect)
    in_host_map: bool = True
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"


@dataclass(frozen=True)
class Lang:
    code: str
    tld: str
    country: str
    nav: dict[str, tuple[str, str]]  # kind -> (link text, path)
    business: str
    words: tuple[str, str]  # "Email", "Phone" labels


LANGS = (
    Lang(
        "fi",
        "fi",
        "FI",
        {
            "contact": ("Yhteystiedot", "/yhteystiedot"),
            "about": ("Meistä", "/meista"),
            "privacy": ("Tietosuojaseloste", "/tietosuoja"),
        },
        "Kahvila",
        ("Sähköposti", "Puhelin"),
    ),
    Lang(
        "de",
        "de",
        "DE",
        {
            "contact": ("Kontakt", "/kontakt"),
            "imprint": ("Impressum", "/impressum"),
            "about": ("Über uns", "/ueber-uns"),
            "privacy": ("Datenschutz", "/datenschutz"),
        },
        "Zahnarztpraxis",
        ("E-Mail", "Telefon"),
    ),
    Lang(
        "fr",
        "fr",
        "FR",
        {
            "contact": ("Nous contacter", "/nous-contacter"),
            "imprint": ("Mentions légales", "/mentions-legales"),
            "about": ("Qui sommes-nous", "/qui-sommes-nous"),
            "privacy": ("Confidentialité", "/confidentialite"),
        },
        "Boulangerie",
        ("Courriel", "Téléphone"),
    ),
    Lang(
        "en",
        "co.uk",
        "GB",
        {
            "contact": ("Contact us", "/contact-us"),
            "about": ("About", "/about"),
            "privacy": ("Privacy policy", "/privacy-policy"),
        },
        "Barbers",
        ("Email", "Phone"),
    ),
    Lang(
        "sv",
        "se",
        "SE",
        {
            "contact": ("Kontakta oss", "/kontakta-oss"),
            "about": ("Om oss", "/om-oss"),
            "privacy": ("Integritetspolicy", "/integritetspolicy"),
        },
        "Frisör",
        ("E-post", "Telefon"),
    ),
)


def national_phone(lang: Lang, n: int) -> tuple[str, str]:
    """(as written on the page, E.164) for a valid number of the language's country."""
    if lang.country == "FI":
        d = f"{2000000 + n * 37 % 7000000:07d}"
        return f"09 {d}", f"+3589{d}"
    if lang.country == "DE":
        d = f"{20000000 + n * 41 % 70000000:08d}"
        return f"030 {d}", f"+4930{d}"
    if lang.country == "FR":
        d = f"{20000000 + n * 43 % 70000000:08d}"
        return f"01 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}", f"+331{d}"
    if lang.country == "GB":
        d = f"{n % 1000:04d}"
        return f"020 7946 {d}", f"+44207946{d}"
    d = f"{2000000 + n * 53 % 7000000:07d}"
    return f"08-{d[:3]} {d[3:5]} {d[5:]}", f"+468{d}"


def page(title: str, body: str, *, lang: str = "en", head: str = "", charset: str = "utf-8") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}"><title>{escape(title)}</title>'
        f"{head}</head><body>{body}</body></html>"
    ).encode(charset)


def cf_encode(email: str, key: int) -> str:
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in email.encode())


def entities(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


class Builder:
    """Builds one site of a kind; helpers keep the per-kind code to what makes the kind special."""

    def __init__(self, index: int, kind: str, port: int) -> None:
        self.lang = LANGS[index % len(LANGS)]
        slug = f"{self.lang.business.lower().replace('ö', 'o')}{index}"
        self.domain = f"s{index:04d}-{slug}.{self.lang.tld}"
        self.site = Site(
            index,
            kind,
            f"www.{self.domain}" if index % 3 == 0 else self.domain,
            f"{self.lang.business} {['Aurora', 'Helmi', 'Linde', 'Soleil', 'Crown'][index % 5]} {index}",
            self.lang.country if index % 4 else None,  # a quarter rely on the country-code TLD
            self.lang.code,
            port=port,
        )
        self.phone_text, self.phone = national_phone(self.lang, index)
        self.site.pages["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain")

    def mail(self, local: str) -> str:
        return f"{local}@{self.domain}"

    def home(self, body: str = "", head: str = "", nav: tuple[str, ...] = ("contact", "about", "privacy")) -> None:
        links = "".join(
            f'<li><a href="{self.lang.nav[k][1]}">{escape(self.lang.nav[k][0])}</a></li>'
            for k in nav
            if k in self.lang.nav
        )
        filler = '<li><a href="/menu">Menu</a></li><li><a href="/blog/post-1">Blog</a></li>'
        self.add(
            "/",
            f"<header><nav><ul>{links}{filler}</ul></nav></header><main><h1>{escape(self.site.name)}</h1>"
            f"<p>Tervetuloa! Welcome. Avoinna 1.1.2024 alkaen, hinta 12,50 €.</p>{body}</main>",
            head,
        )

    def add(self, path: str, body: str, head: str = "") -> None:
        self.site.pages[path] = Resp(body=page(self.site.name, body, lang=self.lang.code, head=head))

    def contact(self, body: str, kind: str = "contact") -> None:
        self.add(self.lang.nav.get(kind, self.lang.nav["contact"])[1], body)

    def expect_phone_link(self) -> str:
        self.site.expect.phones.add(self.phone)
        return f'<a href="tel:{self.phone_text.replace(" ", "")}">{self.phone_text}</a>'


# --- the kinds -------------------------------------------------------------------------------------------


def k_mailto(b: Builder) -> None:
    b.home()
    b.contact(
        f'<p><a href="mailto:{b.mail("info")}?subject=Kysely%20tarjouksesta">Email us</a> {b.expect_phone_link()}</p>'
    )
    b.site.expect.emails.add(b.mail("info"))


def k_plain_text(b: Builder) -> None:
    b.home(f"<footer><p>{b.lang.words[0]}: {b.mail('kontakt')}<br>{b.lang.words[1]}: {b.phone_text}</p></footer>")
    b.site.expect.emails.add(b.mail("kontakt"))
    b.site.expect.unconfirmed.add(b.phone)


def k_entities(b: Builder) -> None:
    address = b.mail("office")
    b.home()
    b.contact(
        f'<p><a href="{entities("mailto:" + address)}">{entities(address)}</a></p><p>{entities(b.mail("sales"))}</p>'
    )
    b.site.expect.emails |= {address, b.mail("sales")}


def k_at_forms(b: Builder) -> None:
    label, tld = b.domain.split(".", 1)
    forms = [
        (f"info [at] {label} [dot] {tld.replace('.', ' [dot] ')}", "info"),
        (f"booking (at) {b.domain}", "booking"),
        (f"hello AT {label} DOT {tld.replace('.', ' DOT ')}", "hello"),
        (f"team{{at}}{b.domain}", "team"),
    ]
    b.home()
    b.contact("".join(f"<p>{escape(text)}</p>" for text, _ in forms) + "<p>Meet us at noon at the market.</p>")
    b.site.expect.emails |= {b.mail(local) for _, local in forms}


def k_cfemail(b: Builder) -> None:
    b.home()
    info, support, sales = (cf_encode(b.mail(n), k) for n, k in (("info", 0x5A), ("support", 0x17), ("sales", 0xC3)))
    b.contact(
        f'<p><a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{info}">'
        "[email&#160;protected]</a></p>"
        f'<p><a href="/cdn-cgi/l/email-protection#{support}">Write to support</a></p>'
        f'<p><span class="__cf_email__" data-cfemail="{sales}">[email protected]</span></p>'
    )
    b.site.expect.emails |= {b.mail("info"), b.mail("support"), b.mail("sales")}


def k_jsonld(b: Builder) -> None:
    good = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": b.site.name, "url": b.site.url},
            {
                "@type": ["LocalBusiness", "CafeOrCoffeeShop"],
                "name": b.site.name,
                "telephone": b.phone_text,
                "email": f"mailto:{b.mail('reservations')}",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "Mannerheimintie 1",
                    "postalCode": "00100",
                },
                "sameAs": [
                    f"https://www.facebook.com/{b.domain.split('.')[0]}",
                    f"https://instagram.com/{b.domain.split('.')[0]}/",
                ],
                "openingHoursSpecification": [{"dayOfWeek": "Monday", "opens": "08:00", "closes": "16:00"}],
            },
        ],
    }
    broken = '<script type="application/ld+json">{"@type": "Organization", "telephone": "+358 40 0", </script>'
    trailing = (
        '<script type="application/ld+json"><!-- {"@context": "https://schema.org", "@type": "Organization", '
        f'"email": "{b.mail("office")}",}} --></script>'
    )
    b.home(head=broken + jsonld(good) + trailing)
    slug = b.domain.split(".")[0]
    b.site.expect.emails |= {b.mail("reservations"), b.mail("office")}
    b.site.expect.phones.add(b.phone)
    b.site.expect.socials |= {
        "facebook": f"https://www.facebook.com/{slug}",
        "instagram": f"https://www.instagram.com/{slug}",
    }


def k_microdata(b: Builder) -> None:
    b.home(
        '<div itemscope itemtype="https://schema.org/LocalBusiness">'
        f'<span itemprop="name">{escape(b.site.name)}</span>'
        f'<span itemprop="telephone">{b.phone_text}</span>'
        f'<span itemprop="email">{b.mail("asiakaspalvelu")}</span></div>'
    )
    b.site.expect.emails.add(b.mail("asiakaspalvelu"))
    b.site.expect.phones.add(b.phone)


def k_decoys(b: Builder) -> None:
    decoys = {
        "logo@2x.png",
        "hero@3x.webp",
        "user@example.com",
        "name@domain.com",
        "abc123@sentry.wixpress.com",
        "a3f9c2e1b4d5e6f7a8b9c0d1e2f3a4b5@o123.ingest.sentry.io",
        b.mail("noreply"),
        b.mail("no-reply"),
        b.mail("script-only"),
        "hello@webagency-studio.com",
        b.mail("matti.virtanen"),
    }
    b.home(
        '<img src="/img/logo@2x.png" alt="logo@2x.png"><p>Bild: hero@3x.webp</p>'
        "<p>Beispiel: user@example.com, name@domain.com</p>"
        f'<script>var dsn="https://abc123@sentry.wixpress.com/1"; var k="{b.mail("script-only")}";</script>'
        "<p>a3f9c2e1b4d5e6f7a8b9c0d1e2f3a4b5@o123.ingest.sentry.io</p>"
        f"<p>Automatic mail from {b.mail('noreply')} and {b.mail('no-reply')}</p>"
        "<p>Site by Webagency Studio: hello@webagency-studio.com</p>"
        "<style>.x{background:url(a@2x.png)}</style>"
        f"<p>Owner: {b.mail('matti.virtanen')}</p>"
        f"<p>{b.lang.words[0]}: {b.mail('info')}</p>"
        '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>'
        '<a href="https://twitter.com/intent/tweet?text=x">Tweet</a>'
        '<a href="https://www.linkedin.com/shareArticle?mini=true">Share</a>'
        "<p>Y-tunnus 1234567-8, 12,50 €, 24.12.2023</p>"
    )
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.personal.add(b.mail("matti.virtanen"))
    b.site.expect.decoy_emails |= decoys - {b.mail("matti.virtanen")}


def k_socials(b: Builder) -> None:
    slug = b.domain.split(".")[0]
    b.home(
        f'<a href="https://www.facebook.com/{slug}/">fb</a><a href="https://m.facebook.com/{slug}">fb</a>'
        f'<a href="https://www.instagram.com/{slug}/?hl=fi">ig</a><a href="https://www.instagram.com/p/Cx1/">post</a>'
        f'<a href="https://www.linkedin.com/company/{slug}/">in</a>'
        f'<a href="https://twitter.com/{slug}">tw</a><a href="https://twitter.com/intent/tweet?url=x">share</a>'
        f'<a href="https://www.youtube.com/@{slug}">yt</a><a href="https://www.youtube.com/watch?v=abc">video</a>'
        f'<a href="https://www.tiktok.com/@{slug}?lang=fi">tt</a>'
        '<a href="https://www.facebook.com/tr?id=123&ev=PageView">px</a>'
        f"<p>{b.mail('info')}</p>"
    )
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.socials |= {
        "facebook": f"https://www.facebook.com/{slug}",
        "instagram": f"https://www.instagram.com/{slug}",
        "linkedin": f"https://www.linkedin.com/company/{slug}",
        "twitter": f"https://x.com/{slug}",
        "youtube": f"https://www.youtube.com/@{slug}",
        "tiktok": f"https://www.tiktok.com/@{slug}",
    }


def k_robots_disallow_all(b: Builder) -> None:
    b.site.pages["/robots.txt"] = Resp(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.expect.status = "robots_disallowed"
    b.site.expect.decoy_emails.add(b.mail("info"))
    b.site.expect.forbidden_paths.add("/")


def k_robots_disallow_contact(b: Builder) -> None:
    path = b.lang.nav["contact"][1]
    b.site.pages["/robots.txt"] = Resp(
        body=f"User-agent: *\nDisallow: /admin/\n\nUser-agent: {UA_TOKEN}\nDisallow: {path}\n".encode(),
        content_type="text/plain",
    )
    b.home(f"<p>{b.mail('info')}</p>")
    b.contact(f"<p>{b.mail('secret')}</p>")
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.decoy_emails.add(b.mail("secret"))
    b.site.expect.forbidden_paths.add(path)


def k_robots_404(b: Builder) -> None:
    b.site.pages["/robots.txt"] = Resp(status=404, body=b"not found", content_type="text/plain")
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.expect.emails.add(b.mail("info"))


def k_robots_500(b: Builder) -> None:
    b.site.pages["/robots.txt"] = Resp(status=500, body=b"oops", content_type="text/plain")
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.expect.status = "robots_unavailable"
    b.site.expect.decoy_emails.add(b.mail("info"))
    b.site.expect.forbidden_paths.add("/")


def k_crawl_delay(b: Builder) -> None:
    b.site.pages["/robots.txt"] = Resp(body=b"User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain")
    k_mailto(b)


def k_crawl_delay_too_long(b: Builder) -> None:
    b.site.pages["/robots.txt"] = Resp(body=b"User-agent: *\nCrawl-delay: 60\n", content_type="text/plain")
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.expect.status = "crawl_delay_too_long"
    b.site.expect.decoy_emails.add(b.mail("info"))
    b.site.expect.forbidden_paths.add("/")


def k_slow(b: Builder) -> None:
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.pages["/"].delay = 15.0
    b.site.expect.status = "timeout"
    b.site.expect.decoy_emails.add(b.mail("info"))


def k_slow_subpage(b: Builder) -> None:
    """The home page answers; a slow contact page must not cost the home page's findings."""
    b.home(f"<p>{b.mail('info')}</p>")
    b.contact(f"<p>{b.mail('late')}</p>")
    b.site.pages[b.lang.nav["contact"][1]].delay = 15.0
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.decoy_emails.add(b.mail("late"))


def k_huge(b: Builder) -> None:
    b.home()
    head = page(b.site.name, f"<p>{b.mail('info')}</p><div>", lang=b.lang.code)
    b.site.pages["/"] = Resp(body=head, stream_bytes=3_000_000, tail=f"</div><p>{b.mail('tail')}</p>".encode())
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.decoy_emails.add(b.mail("tail"))


def k_redirect_same_domain(b: Builder) -> None:
    b.home()
    b.site.pages["/fi/etusivu"] = b.site.pages.pop("/")
    b.site.pages["/"] = Resp(status=301, headers={"Location": "/fi/"})
    b.site.pages["/fi/"] = Resp(status=302, headers={"Location": f"http://{b.site.host}:{b.site.port}/fi/etusivu"})
    _contact_only(b)


def k_meta_refresh(b: Builder) -> None:
    """A home page that only says <meta http-equiv=refresh>: read the page it points to instead."""
    b.home(f"<p>{b.mail('info')}</p>")
    b.site.pages["/fi/index.html"] = b.site.pages.pop("/")
    b.site.pages["/"] = Resp(
        body=page(b.site.name, "", head='<meta http-equiv="refresh" content="0; URL=\'/fi/index.html\'">')
    )
    b.site.expect.emails.add(b.mail("info"))


def k_meta_refresh_offsite(b: Builder) -> None:
    target = f"http://s{b.site.index:04d}-refreshed.example-new.{b.lang.tld}:{b.site.port}/"
    b.site.pages["/"] = Resp(body=page(b.site.name, "", head=f'<meta http-equiv="refresh" content="5;url={target}">'))
    b.site.expect.status = "redirected_offsite"
    b.site.expect.redirected_to = target


def _contact_only(b: Builder) -> None:
    b.contact(f'<p><a href="mailto:{b.mail("info")}">{b.mail("info")}</a></p>')
    b.site.expect.emails.add(b.mail("info"))


def k_redirect_loop(b: Builder) -> None:
    for n in range(8):
        b.site.pages["/" if n == 0 else f"/r{n}"] = Resp(status=302, headers={"Location": f"/r{n + 1}"})
    b.site.expect.status = "unreachable"
    b.site.expect.forbidden_paths |= {"/r6", "/r7"}


def k_redirect_offsite(b: Builder) -> None:
    target = f"http://s{b.site.index:04d}-moved.example-new.{b.lang.tld}:{b.site.port}/"
    b.site.pages["/"] = Resp(status=301, headers={"Location": target})
    b.site.expect.status = "redirected_offsite"
    b.site.expect.redirected_to = target


def k_not_html(b: Builder) -> None:
    b.site.pages["/"] = Resp(body=b"%PDF-1.4 info@" + b.domain.encode(), content_type="application/pdf")
    b.site.expect.status = "not_html"
    b.site.expect.decoy_emails.add(b.mail("info"))


def k_utf16_bom(b: Builder) -> None:
    """The header claims Latin-1, the body is UTF-16 with a byte-order mark: the BOM wins."""
    markup = page(b.site.name, f"<p>Grüße — {b.mail('info')} — {b.phone_text}</p>", charset="utf-8").decode()
    b.site.pages["/"] = Resp(
        body=b"\xff\xfe" + markup.encode("utf-16-le"), content_type="text/html; charset=iso-8859-1"
    )
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.unconfirmed.add(b.phone)


def k_meta_charset(b: Builder) -> None:
    """No charset in the header; a <meta> says windows-1252; the address has a non-ASCII local part."""
    body = page(b.site.name, f"<p>Büro: {b.mail('büro')}</p>", charset="windows-1252")
    b.site.pages["/"] = Resp(body=body, content_type="text/html")
    b.site.expect.emails.add(b.mail("büro"))


def k_challenge(b: Builder) -> None:
    body = (
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>'
    )
    b.site.pages["/"] = Resp(status=403, body=body, headers={"Server": "cloudflare", "cf-ray": "8a1b-HEL"})
    b.site.expect.status = "blocked"


def k_challenge_header(b: Builder) -> None:
    b.site.pages["/"] = Resp(status=503, body=b"<html><body>wait</body></html>", headers={"cf-mitigated": "challenge"})
    b.site.expect.status = "blocked"


def k_broken_html(b: Builder) -> None:
    b.site.pages["/"] = Resp(
        body=(
            f"<html><head><title>{b.site.name}</title><body><div <p>Tervetuloa<table><tr><td>"
            f"{b.lang.words[0]}: "
            f'<a href="mailto:{b.mail("info")}">{b.mail("info")}</a><td><b><i>{b.expect_phone_link()}</b></i>'
            "<p>unclosed <span>everywhere <div></table></form></html></html>trailing garbage <"
        ).encode()
    )
    b.site.expect.emails.add(b.mail("info"))


def k_bad_jsonld(b: Builder) -> None:
    blocks = (
        '<script type="application/ld+json">{not json at all</script>'
        '<script type="application/ld+json"></script>'
        + jsonld({"@context": "https://schema.org", "@type": "Dentist", "telephone": b.phone_text})
        + '<script type="application/ld+json">[{"@type": "Organization", "email": "broken@</script>'
    )
    b.home(head=blocks)
    b.site.expect.phones.add(b.phone)


def k_app_shell(b: Builder) -> None:
    local, domain = b.mail("info").split("@")
    script = (
        "document.getElementById('root').innerHTML = '<h1>App</h1><p>Contact: ' + "
        f"'{local}' + '@' + '{domain}' + '</p>';"
    )
    b.site.pages["/"] = Resp(
        body=page(
            b.site.name,
            '<div id="root"></div><script src="/static/app.js"></script>',
            head="<noscript>Enable JavaScript</noscript>",
        )
    )
    b.site.pages["/static/app.js"] = Resp(body=script.encode(), content_type="application/javascript")
    b.site.expect.decoy_emails.add(b.mail("info"))  # without the browser fallback


def k_multilingual_imprint(b: Builder) -> None:
    nav = ("contact", "imprint", "about", "privacy")
    b.home(nav=nav)
    if "imprint" in b.lang.nav:
        b.contact("<p>Formular</p>")
        b.contact(f"<p>{b.mail('impressum')}</p><p>{b.expect_phone_link()}</p>", kind="imprint")
        b.site.expect.emails.add(b.mail("impressum"))
    else:
        b.add(b.lang.nav["about"][1], f"<p>{b.mail('info')}</p>")
        b.site.expect.emails.add(b.mail("info"))
    b.add(b.lang.nav["privacy"][1], f"<p>{b.mail('privacy')}</p>")
    b.site.expect.emails.add(b.mail("privacy"))


def k_free_mail(b: Builder) -> None:
    business = b.site.name.split()[1].lower()
    address = f"{b.lang.business.lower().replace('ö', 'o')}{business}@gmail.com"
    b.home(f"<p>{b.lang.words[0]}: <a href='mailto:{address}'>{address}</a></p>")
    b.site.expect.emails.add(address)


def k_personal_only(b: Builder) -> None:
    b.home(f"<p>Anna Schmidt: {b.mail('anna.schmidt')}</p>")
    b.site.expect.personal.add(b.mail("anna.schmidt"))


def k_tech(b: Builder) -> None:
    b.home(
        f"<p>{b.mail('info')}</p>",
        head='<meta name="generator" content="WordPress 6.5">'
        '<link rel="stylesheet" href="/wp-content/themes/x.css">'
        '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-X"></script>',
    )
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.tech |= {"WordPress", "Google Tag Manager"}


def k_deep_link(b: Builder) -> None:
    """Only the home page and the chosen pages are read: an address on a blog post stays unknown."""
    b.home(f"<p>{b.mail('info')}</p>")
    b.add("/blog/post-1", f"<p>{b.mail('deep')}</p>")
    b.site.expect.emails.add(b.mail("info"))
    b.site.expect.decoy_emails.add(b.mail("deep"))
    b.site.expect.forbidden_paths |= {"/blog/post-1", "/menu"}


def k_dead(b: Builder) -> None:
    b.site.in_host_map = False
    b.site.expect.status = "unreachable"


def k_http_404(b: Builder) -> None:
    b.site.pages["/"] = Resp(status=404, body=b"<html><body>gone</body></html>")
    b.site.expect.status = "http_error"


def k_etag(b: Builder) -> None:
    k_mailto(b)
    for path, resp in b.site.pages.items():
        if path != "/robots.txt":
            resp.headers["ETag"] = f'"v1-{b.site.index}-{len(path)}"'


KINDS: dict[str, Callable[[Builder], None]] = {
    name.removeprefix("k_"): fn for name, fn in globals().items() if name.startswith("k_") and callable(fn)
}
# Sites whose cost is waiting (timeouts, delays) appear once; the benchmark uses the ordinary ones.
SPECIAL = {"slow", "slow_subpage", "crawl_delay", "dead", "huge", "app_shell", "etag"}
ORDINARY = tuple(
    k
    for k in KINDS
    if k not in SPECIAL
    and k
    not in {
        "robots_disallow_all",
        "meta_refresh_offsite",
        "robots_500",
        "crawl_delay_too_long",
        "redirect_loop",
        "redirect_offsite",
        "not_html",
        "challenge",
        "challenge_header",
        "http_404",
    }
)


def build_farm(count: int, port: int, *, ordinary_only: bool = False) -> list[Site]:
    """`count` sites: each kind once (unless `ordinary_only`), then the ordinary kinds in turn."""
    kinds = [] if ordinary_only else list(KINDS)
    while len(kinds) < count:
        kinds.append(ORDINARY[len(kinds) % len(ORDINARY)])
    sites = []
    for index, kind in enumerate(kinds[:count]):
        builder = Builder(index, kind, port)
        KINDS[kind](builder)
        sites.append(builder.site)
    return sites


@dataclass
class Hit:
    host: str
    path: str
    at: float
    conditional: bool
    agent: str
    end: float = 0.0


class Farm:
    """The server: routes by Host header; logs every request for the politeness assertions."""

    def __init__(self, sites: list[Site], latency: float = 0.0, seed: int = 5) -> None:
        self.sites = {s.host: s for s in sites}
        self.latency = latency
        self.random = random.Random(seed)
        self.hits: list[Hit] = []
        self.log_hits = True

    def host_map(self) -> dict[str, str]:
        return {s.host: "127.0.0.1" for s in self.sites.values() if s.in_host_map} | {"*.example-new.*": "127.0.0.1"}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        path = request.path_qs if request.path_qs in ("/", "/robots.txt") else request.path
        hit = Hit(
            host,
            path,
            time.monotonic(),
            "If-None-Match" in request.headers,
            request.headers.get("User-Agent", ""),
        )
        if self.log_hits:
            self.hits.append(hit)
        try:
            return await self._respond(request, self.sites.get(host), path)
        finally:
            hit.end = time.monotonic()

    async def _respond(self, request: web.Request, site: Site | None, path: str) -> web.StreamResponse:
        resp = site.pages.get(path) if site else None
        if self.latency:
            await asyncio.sleep(self.random.uniform(0.5, 1.5) * self.latency)
        if resp is None:
            return web.Response(status=404, text="not found", content_type="text/html")
        if resp.delay:
            await asyncio.sleep(resp.delay)
        etag = resp.headers.get("ETag")
        if etag and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        headers = dict(resp.headers)
        if resp.content_type:
            headers["Content-Type"] = resp.content_type
        if not resp.stream_bytes:
            return web.Response(status=resp.status, body=resp.body, headers=headers)
        stream = web.StreamResponse(status=resp.status, headers=headers)
        await stream.prepare(request)
        await stream.write(resp.body)
        chunk = b"<p>" + b"filler text " * 5000 + b"</p>"
        sent = 0
        try:
            while sent < resp.stream_bytes:
                await stream.write(chunk)
                sent += len(chunk)
            await stream.write(resp.tail)
            await stream.write_eof()
        except (ConnectionResetError, RuntimeError):
            pass  # the crawler stopped reading at its cap, as it should
        return stream

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        return app


class FarmServer:
    """The farm in a background thread with its own event loop (tests), stopped with `stop()`."""

    def __init__(self, farm: Farm) -> None:
        self.farm = farm
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> FarmServer:
        self.thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        # handler_cancellation: a request the client gave up on ends there, as on a real server
        self.runner = web.AppRunner(self.farm.app(), access_log=None, handler_cancellation=True)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self.loop.run_forever()

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.runner.cleanup()
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        self.thread.join(10)


def start_farm(count: int, *, latency: float = 0.0, ordinary_only: bool = False) -> tuple[FarmServer, list[Site]]:
    """Start an empty server to learn its port, then build sites whose absolute URLs carry that port."""
    farm = Farm([], latency)
    server = FarmServer(farm).start()
    sites = build_farm(count, server.port, ordinary_only=ordinary_only)
    farm.sites = {s.host: s for s in sites}
    return server, sites


def main() -> None:
    """`serve`: run the farm in the foreground, printing the port and the host map as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.0, help="mean seconds per response")
    parser.add_argument("--ordinary", action="store_true")
    args = parser.parse_args()
    server, sites = start_farm(args.sites, latency=args.latency, ordinary_only=args.ordinary)
    server.farm.log_hits = False
    print(
        json.dumps(
            {
                "port": server.port,
                "host_map": server.farm.host_map(),
                "sites": [[s.url, s.country, s.name] for s in sites],
            }
        ),
        flush=True,
    )
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
