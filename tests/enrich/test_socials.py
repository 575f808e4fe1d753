"""Social profile links are recognised and canonicalised; share, pixel and post links are not profiles."""

from __future__ import annotations

import pytest

from mapleads.enrich.socials import profile_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.facebook.com/kahvilahelmi/", ("facebook", "https://www.facebook.com/kahvilahelmi")),
        ("https://m.facebook.com/kahvilahelmi?ref=x", ("facebook", "https://www.facebook.com/kahvilahelmi")),
        (
            "https://facebook.com/profile.php?id=1000123",
            ("facebook", "https://www.facebook.com/profile.php?id=1000123"),
        ),
        (
            "https://www.instagram.com/kahvila.helmi/?hl=fi",
            ("instagram", "https://www.instagram.com/kahvila.helmi"),
        ),
        (
            "https://fi.linkedin.com/company/helmi-oy/about/",
            ("linkedin", "https://www.linkedin.com/company/helmi-oy"),
        ),
        ("https://twitter.com/helmi", ("twitter", "https://x.com/helmi")),
        ("https://x.com/helmi/status/123", ("twitter", "https://x.com/helmi")),
        ("https://www.youtube.com/@helmi", ("youtube", "https://www.youtube.com/@helmi")),
        ("https://youtube.com/channel/UC123abc", ("youtube", "https://www.youtube.com/channel/UC123abc")),
        ("https://www.tiktok.com/@helmi?lang=fi", ("tiktok", "https://www.tiktok.com/@helmi")),
    ],
)
def test_it_recognises_profiles_and_gives_one_canonical_url(url: str, expected: tuple[str, str]) -> None:
    assert profile_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/sharer/sharer.php?u=https://kahvilahelmi.fi",
        "https://www.facebook.com/dialog/share?app_id=1",
        "https://www.facebook.com/tr?id=123&ev=PageView",
        "https://www.facebook.com/plugins/page.php?href=x",
        "https://twitter.com/intent/tweet?text=x",
        "https://twitter.com/share?url=x",
        "https://www.linkedin.com/shareArticle?mini=true&url=x",
        "https://www.linkedin.com/sharing/share-offsite/?url=x",
        "https://www.instagram.com/p/Cx123/",
        "https://www.instagram.com/reel/Cx123/",
        "https://www.youtube.com/watch?v=abc",
        "https://www.youtube.com/embed/abc",
        "https://www.tiktok.com/embed/v2/123",
        "https://www.facebook.com/",
        "https://kahvilahelmi.fi/facebook",
    ],
)
def test_it_does_not_take_share_buttons_pixels_or_posts_for_profiles(url: str) -> None:
    assert profile_url(url) is None
