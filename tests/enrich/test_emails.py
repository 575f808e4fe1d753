"""Email finding, cleaning, classifying and the export policy."""

from __future__ import annotations

import pytest

from mapleads.enrich import emails
from mapleads.enrich.extract import analyse
from mapleads.enrich.page import parse_html

SITE = {"kahvilahelmi.fi"}


def found_in(markup: str) -> set[str]:
    return {a for a, _ in analyse(parse_html("https://kahvilahelmi.fi/", markup), "FI").emails}


def test_it_decodes_cloudflare_email_protection() -> None:
    assert emails.decode_cfemail("5a33343c351a313b322c33363b323f363733743c33") == "info@kahvilahelmi.fi"
    assert emails.decode_cfemail("zz") is None


@pytest.mark.parametrize(
    "text",
    [
        "info [at] kahvilahelmi [dot] fi",
        "info(at)kahvilahelmi(dot)fi",
        "info AT kahvilahelmi DOT fi",
        "info {at} kahvilahelmi.fi",
        "info [ät] kahvilahelmi.fi",
        "info @ kahvilahelmi.fi",
    ],
)
def test_it_reads_addresses_written_out_to_fool_harvesters(text: str) -> None:
    assert found_in(f"<p>{text}</p>") == {"info@kahvilahelmi.fi"}


def test_it_does_not_turn_prose_with_at_into_addresses() -> None:
    assert found_in("<p>Meet us at kahvilahelmi.fi or at noon. Find us at the market.</p>") == set()


def test_it_reads_entity_encoded_and_percent_encoded_mailto_links() -> None:
    markup = (
        '<a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;info&#64;kahvilahelmi.fi">x</a>'
        '<a href="mailto:sales%40kahvilahelmi.fi,office@kahvilahelmi.fi?cc=x@y.fi&subject=Hi">y</a>'
    )
    assert found_in(markup) == {"info@kahvilahelmi.fi", "sales@kahvilahelmi.fi", "office@kahvilahelmi.fi"}


def test_it_ignores_addresses_in_scripts_and_styles() -> None:
    markup = "<script>var a='js@kahvilahelmi.fi'</script><style>/* css@kahvilahelmi.fi */</style><p>ok</p>"
    assert found_in(markup) == set()


@pytest.mark.parametrize(
    "raw",
    [
        "logo@2x.png",
        "icon-home@3x.webp",
        "user@example.com",
        "someone@example.fi",
        "name@domain.com",
        "info@yourdomain.com",
        "8f14e45fceea167a5a36dedd4bea2543@sentry.io",
        "abc@sentry.wixpress.com",
        "x@sentry-next.wixpress.com",
        "a3f9c2e1b4d5e6f7a8b9c0d1e2f3a4b5@o1.ingest.sentry.io",
        "noreply@kahvilahelmi.fi",
        "no-reply@kahvilahelmi.fi",
        "do-not-reply@kahvilahelmi.fi",
        "mailer-daemon@kahvilahelmi.fi",
        "firstname.lastname@kahvilahelmi.fi",
        "not-an-address@",
        "a@b",
    ],
)
def test_it_drops_look_alikes_and_placeholders(raw: str) -> None:
    assert emails.clean(raw) is None


def test_it_normalises_case_and_keeps_valid_addresses() -> None:
    assert emails.clean(" Info@KahvilaHelmi.FI. ") == "info@kahvilahelmi.fi"


@pytest.mark.parametrize(
    ("address", "role", "own", "free"),
    [
        ("info@kahvilahelmi.fi", True, True, False),
        ("ajanvaraus@kahvilahelmi.fi", True, True, False),
        ("matti.virtanen@kahvilahelmi.fi", False, True, False),
        ("kahvilahelmi@gmail.com", True, False, True),
        ("matti.v@hotmail.com", False, False, True),
        ("hello@webagency.com", True, False, False),
    ],
)
def test_it_classifies_role_personal_own_domain_and_free_mail(address: str, role: bool, own: bool, free: bool) -> None:
    words = emails.business_words("Kahvila Helmi", SITE)
    assert emails.classify(address, SITE, words) == emails.EmailClass(role, own, free)


def test_the_default_policy_keeps_role_addresses_of_the_business_only() -> None:
    keep = emails.keep
    assert keep(emails.EmailClass(role=True, own_domain=True, free_mail=False), keep_personal=False)
    assert keep(emails.EmailClass(role=True, own_domain=False, free_mail=True), keep_personal=False)
    assert not keep(emails.EmailClass(role=False, own_domain=True, free_mail=False), keep_personal=False)
    assert not keep(emails.EmailClass(role=True, own_domain=False, free_mail=False), keep_personal=True)
    assert keep(emails.EmailClass(role=False, own_domain=True, free_mail=False), keep_personal=True)
