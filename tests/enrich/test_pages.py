"""Which pages follow the home page: one contact, imprint, about and privacy page each, in many languages."""

from __future__ import annotations

from mapleads.enrich.page import Link
from mapleads.enrich.pages import choose

HOME = "https://www.helmi.de/"


def test_it_picks_one_page_of_each_kind_by_link_text_and_path() -> None:
    links = [
        Link("https://www.helmi.de/leistungen", "Leistungen"),
        Link("https://www.helmi.de/ueber-uns", "Über uns"),
        Link("https://www.helmi.de/kontakt#form", "Kontakt"),
        Link("https://www.helmi.de/seite?id=7", "Impressum"),
        Link("https://www.helmi.de/datenschutzerklaerung", "Datenschutz"),
        Link("https://www.helmi.de/blog/kontakt-tipps-2023", "Tipps"),
    ]
    assert choose(HOME, links) == [
        ("contact", "https://www.helmi.de/kontakt"),
        ("imprint", "https://www.helmi.de/seite?id=7"),
        ("about", "https://www.helmi.de/ueber-uns"),
        ("privacy", "https://www.helmi.de/datenschutzerklaerung"),
    ]


def test_it_understands_several_languages() -> None:
    for text, path in [
        ("Yhteystiedot", "/yhteystiedot"),
        ("Nous contacter", "/nous-contacter"),
        ("Contacto", "/contacto"),
        ("Kontakta oss", "/kontakta-oss"),
        ("Contact us", "/get-in-touch"),
    ]:
        assert choose(HOME, [Link(f"https://www.helmi.de{path}", text)]) == [("contact", f"https://www.helmi.de{path}")]


def test_it_stays_on_the_site_and_skips_files_and_the_home_page() -> None:
    links = [
        Link("https://facebook.com/contact", "Contact"),
        Link("https://www.helmi.de/kontakt.pdf", "Kontakt"),
        Link("https://www.helmi.de/", "Contact"),
        Link("https://shop.helmi.de/contact", "Contact"),
    ]
    assert choose(HOME, links) == [("contact", "https://shop.helmi.de/contact")]


def test_it_respects_the_page_limit() -> None:
    links = [
        Link("https://www.helmi.de/kontakt", "Kontakt"),
        Link("https://www.helmi.de/impressum", "Impressum"),
    ]
    assert choose(HOME, links, limit=1) == [("contact", "https://www.helmi.de/kontakt")]
