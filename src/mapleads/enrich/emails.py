"""Email addresses: found in every form websites hide them in, cleaned of look-alikes, then classified.

Classification drives what is exported: role addresses (info@, kontakt@ ...) are business contact data;
anything else is treated as a person's address: personal data, only exported when the user opts in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from email_validator import EmailNotValidError, validate_email

from mapleads.enrich.domains import registered_domain


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+'-]{1,64}@(?:[\w-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])", re.UNICODE)
_AT = re.compile(r"\s*(?:[\[({<]\s*(?:at|ät|@|arobase|snabel-a|chez)\s*[\])}>]|\s@\s)\s*", re.IGNORECASE)
_AT_SPACED = re.compile(r"(?<=\w)\s+AT\s+(?=\w)")
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|punkt|piste|point|punto)\s*[\])}>]\s*", re.IGNORECASE)
_DOT_SPACED = re.compile(r"(?<=\w)\s+DOT\s+(?=\w)")

ASSET_SUFFIXES = _words(
    """png jpg jpeg gif svg webp avif bmp ico tif tiff css js mjs map json xml txt pdf zip gz woff woff2
    ttf otf eot mp3 mp4 webm mov avi php html htm asp aspx jsp"""
)
PLACEHOLDER_DOMAINS = _words(
    """example.com example.org example.net example.de example.fi example.fr domain.com domain.tld
    yourdomain.com your-domain.com yourcompany.com company.com email.com mail.com test.com testing.com
    sample.com site.com website.com yoursite.com mysite.com mydomain.com address.com adresse.de
    beispiel.de musterfirma.de mustermann.de firma.de sinunyritys.fi yritys.fi esimerkki.fi"""
)
PLACEHOLDER_LOCALS = _words(
    """name yourname your.name your-name user username email youremail your.email you me someone somebody
    firstname.lastname first.last john.doe jane.doe johndoe max.mustermann maxmustermann
    vorname.nachname etunimi.sukunimi prenom.nom nome.cognome nombre.apellido"""
)
TRACKER_DOMAIN_WORDS = ("sentry", "wixpress", "sentry-next", "bugsnag", "rollbar", "raygun")
NOREPLY = re.compile(r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|bounces?)(?:[-_.+].*)?$")
HEX_KEY = re.compile(r"^[0-9a-f]{16,}$")

ROLE_WORDS = _words(
    """info infos information contact contacts kontakt kontakti contacto contatto contato office toimisto
    mail email post posti hello hei hallo hola bonjour ciao moi terve sales myynti vertrieb verkauf
    ventes ventas vendite support tuki service services asiakaspalvelu kundenservice kundservice
    customerservice customercare care help booking bookings book varaus varaukset reservations
    reservation reservierung reserva reservas prenotazioni reception front frontdesk admin
    administration team shop store kauppa orders order tilaus tilaukset bestellung bestellungen
    enquiries enquiry inquiries inquiry marketing press media jobs job careers career rekry rekrytointi
    hr billing laskutus invoice invoices accounts accounting finance webmaster hq general mailbox praxis
    clinic klinikka vastaanotto ajanvaraus termin termine appointments appointment restaurant ravintola
    hotel hotelli events tapahtumat studio kanzlei buero büro bureau secretariat sekretariat direction
    management toimitus editor redaktion feedback palaute privacy tietosuoja datenschutz gdpr dpo legal
    welcome kunde kunden client clients clientes cliente commercial commande impressum imprint verwaltung
    anfrage anfragen zentrale rezeption accueil recepcion reservaties"""
)
FREE_MAIL_DOMAINS = _words(
    """gmail.com googlemail.com outlook.com outlook.fr outlook.de hotmail.com hotmail.fr hotmail.de
    hotmail.it hotmail.es hotmail.co.uk live.com live.fr live.de live.it live.nl msn.com yahoo.com
    yahoo.fr yahoo.de yahoo.it yahoo.es yahoo.co.uk ymail.com rocketmail.com icloud.com me.com mac.com
    aol.com aol.de gmx.de gmx.net gmx.at gmx.ch gmx.com web.de t-online.de freenet.de arcor.de posteo.de
    mailbox.org mail.ru list.ru bk.ru inbox.ru yandex.ru yandex.com protonmail.com protonmail.ch
    proton.me pm.me tutanota.com tuta.io zoho.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr
    neuf.fr libero.it virgilio.it tiscali.it alice.it tim.it seznam.cz centrum.cz wp.pl o2.pl onet.pl
    interia.pl suomi24.fi luukku.com kolumbus.fi elisanet.fi saunalahti.fi welho.com pp.inet.fi
    btinternet.com sky.com virginmedia.com talktalk.net mail.com qq.com 163.com 126.com naver.com
    hanmail.net daum.net rediffmail.com bluewin.ch hetnet.nl ziggo.nl kpnmail.nl planet.nl telenet.be
    skynet.be hushmail.com fastmail.com fastmail.fm gmx.fr"""
)


@dataclass(frozen=True, slots=True)
class EmailClass:
    role: bool
    own_domain: bool
    free_mail: bool


def candidates_in_text(text: str) -> list[tuple[str, str]]:
    """(address, rule) pairs: plain addresses first, then those written as "name [at] domain [dot] fi"."""
    found = [(m.group(0), "text") for m in _EMAIL.finditer(text)]
    if _AT.search(text) or _AT_SPACED.search(text):
        clear = _DOT_SPACED.sub(".", _DOT.sub(".", _AT_SPACED.sub("@", _AT.sub("@", text))))
        plain = {address for address, _ in found}
        found += [(m.group(0), "text-obfuscated") for m in _EMAIL.finditer(clear) if m.group(0) not in plain]
    return found


def from_mailto(href: str) -> list[str]:
    """The addresses of a mailto: link (several may be comma-separated; the query is not an address)."""
    target = unquote(href.split("?", 1)[0]).strip()
    return [part.strip() for part in target.split(",") if "@" in part]


def decode_cfemail(hex_text: str) -> str | None:
    """Cloudflare's email obfuscation: the first byte is an XOR key for the ones that follow."""
    hex_text = hex_text.strip()
    if len(hex_text) < 4 or len(hex_text) % 2 or not re.fullmatch(r"[0-9a-fA-F]+", hex_text):
        return None
    data = bytes.fromhex(hex_text)
    try:
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


@lru_cache(maxsize=65536)
def clean(raw: str) -> str | None:
    """The normalised address, or None when it is invalid or one of the well-known look-alikes."""
    raw = raw.strip().strip(".,;:!?'\"<>()[]{}").removeprefix("mailto:")
    if raw.count("@") != 1:
        return None
    try:
        address = validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
    address = address.lower()
    local, _, domain = address.partition("@")
    if domain.rsplit(".", 1)[-1] in ASSET_SUFFIXES or re.search(r"@\d+x\.", address):
        return None
    if domain in PLACEHOLDER_DOMAINS or registered_domain(domain) in PLACEHOLDER_DOMAINS:
        return None
    if domain.startswith("example.") or ".example." in domain:
        return None
    if local in PLACEHOLDER_LOCALS or NOREPLY.match(local) or HEX_KEY.match(local):
        return None
    if any(word in domain for word in TRACKER_DOMAIN_WORDS):
        return None
    return address


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS or registered_domain(domain) in FREE_MAIL_DOMAINS


def classify(address: str, site_domains: set[str], business_words: set[str]) -> EmailClass:
    """Role or personal, on the business's own domain or not, at a free-mail provider or not.

    A local part that is a role word, or that spells the business's name or domain ("kahvilahelmi@gmail.com"
    for Kahvila Helmi), is a role address; everything else may be a person and is treated as personal.
    """
    local, _, domain = address.partition("@")
    own = registered_domain(domain) in site_domains
    tokens = [t for t in re.split(r"[._+\-\d]+", local) if t]
    squashed = re.sub(r"[^a-z]", "", local)
    role = (
        any(t in ROLE_WORDS for t in tokens)
        or (bool(squashed) and squashed in business_words)
        or (len(squashed) >= 4 and any(len(w) >= 4 and w in squashed for w in business_words))
    )
    return EmailClass(role=role, own_domain=own, free_mail=is_free_mail(domain))


def business_words(name: str | None, site_domains: set[str]) -> set[str]:
    """Words that identify the business: its domain labels and its name ("Café Helmi" → cafehelmi)."""
    words = {d.split(".", 1)[0].replace("-", "") for d in site_domains}
    if name:
        lowered = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        words.add(re.sub(r"[^a-z]", "", lowered))
        words.update(w for w in re.findall(r"[a-z]{4,}", lowered))
    return {w for w in words if w}


def keep(cls: EmailClass, keep_personal: bool) -> bool:
    """Export policy: role addresses of the business (own domain, or a free-mail box it uses); personal
    ones on opt-in; another company's address (a web agency's, a partner's) never."""
    if not (cls.own_domain or cls.free_mail):
        return False
    return cls.role or keep_personal
