"""Website canonicalisation and the business's own domain."""

import pytest

from mapleads.resolve.urls import canonical_url, domain_key, registered_domain, url_key


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://WWW.Maya.fi/?utm_source=google&utm_medium=maps",
        "https://maya.fi",
        "maya.fi/",
        "https://www.maya.fi/#menu",
        "https://www.maya.fi:443/?fbclid=IwAR0abc",
    ],
)
def test_renderings_of_one_site_share_a_key(url: str) -> None:
    assert url_key(url) == "maya.fi"
    assert domain_key(url) == "maya.fi"


def test_canonical_url_keeps_the_host_a_user_can_open_and_the_parameters_that_select_content() -> None:
    assert canonical_url("HTTP://WWW.Example.COM/Shop/?utm_campaign=x&b=2&a=1#top") == (
        "http://www.example.com/Shop?a=1&b=2"
    )
    assert canonical_url("https://example.com:8443/") == "https://example.com:8443"


def test_tracking_parameters_of_real_osm_websites_are_removed() -> None:
    hilton = "https://www3.hilton.com/en/hotels/x/index.html?WT.mc_id=zELWAKN0EMEA1HI2DMH3LocalSearch"
    assert canonical_url(hilton) == "https://www3.hilton.com/en/hotels/x/index.html"


@pytest.mark.parametrize("value", ["mailto:info@maya.fi", "not a url", "", None, "ftp://files.example.com"])
def test_it_rejects_what_is_not_a_web_address(value: str | None) -> None:
    assert canonical_url(value) is None


def test_registered_domain_uses_the_public_suffix_list_offline() -> None:
    assert registered_domain("https://shop.example.co.uk/x") == "example.co.uk"
    assert registered_domain("www3.hilton.com") == "hilton.com"
    assert registered_domain("http://10.0.0.1/") is None


def test_on_shared_platforms_the_page_identifies_the_business() -> None:
    assert domain_key("https://www.facebook.com/RavintolalaivaMaria/") == "facebook.com/ravintolalaivamaria"
    assert domain_key("https://m.facebook.com/ravintolalaivamaria") == "facebook.com/ravintolalaivamaria"
    assert domain_key("https://maria.wixsite.com/home") == "maria.wixsite.com"
    assert domain_key("https://www.facebook.com/") is None
