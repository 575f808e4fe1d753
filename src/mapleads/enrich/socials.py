"""Social profiles, recognised by URL shape; share buttons, pixels and posts are not profiles."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from mapleads.lead import SOCIAL_HOSTS

_HOSTS = SOCIAL_HOSTS
_CANONICAL_HOST = {
    "facebook": "www.facebook.com",
    "instagram": "www.instagram.com",
    "linkedin": "www.linkedin.com",
    "twitter": "x.com",
    "youtube": "www.youtube.com",
    "tiktok": "www.tiktok.com",
}
_NOT_PROFILES = {
    "facebook": {
        "sharer",
        "sharer.php",
        "share",
        "share.php",
        "dialog",
        "plugins",
        "tr",
        "login",
        "login.php",
        "l.php",
        "photo",
        "photo.php",
        "photos",
        "watch",
        "hashtag",
        "help",
        "policies",
        "privacy",
        "policy.php",
        "legal",
        "ads",
        "business",
        "events",
        "groups",
        "stories",
        "reel",
        "reels",
        "permalink.php",
        "story.php",
        "settings",
        "recover",
        "signup",
        "r.php",
        "v2.0",
        "v3.0",
        "gaming",
        "marketplace",
        "search",
    },
    "instagram": {
        "p",
        "reel",
        "reels",
        "explore",
        "stories",
        "accounts",
        "share",
        "tv",
        "direct",
        "about",
        "legal",
    },
    "linkedin": set(),
    "twitter": {
        "intent",
        "share",
        "home",
        "search",
        "hashtag",
        "i",
        "explore",
        "settings",
        "login",
        "signup",
        "tos",
        "privacy",
        "widgets",
        "widgets.js",
        "notifications",
        "messages",
        "compose",
        "oauth",
    },
    "youtube": {
        "watch",
        "embed",
        "shorts",
        "playlist",
        "results",
        "feed",
        "redirect",
        "live",
        "account",
        "t",
    },
    "tiktok": set(),
}
_LINKEDIN_KINDS = ("company", "school", "showcase", "in")
_HANDLE = re.compile(r"^[\w.\-@%]+$", re.UNICODE)


_HINT = re.compile(r"facebook|fb\.(?:com|me)|instagram|linkedin|twitter|x\.com|youtube|tiktok", re.IGNORECASE)


def network_of(url: str) -> str | None:
    if not _HINT.search(url):  # most links are not social: skip parsing them
        return None
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    for n in range(len(parts) - 1):
        network = _HOSTS.get(".".join(parts[n:]))
        if network:
            return network
    return None


def profile_url(url: str) -> tuple[str, str] | None:
    """(network, canonical profile URL) for a link to a business profile; None for anything else."""
    network = network_of(url)
    if network is None:
        return None
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    head = segments[0].lower()
    if head in _NOT_PROFILES[network]:
        return None
    path: str | None
    if network == "facebook":
        if head == "profile.php":
            ids = parse_qs(parts.query).get("id")
            return (network, f"https://www.facebook.com/profile.php?id={ids[0]}") if ids else None
        path = "/".join(segments[:3]) if head in ("pages", "pg") else segments[0]
    elif network == "linkedin":
        path = "/".join(segments[:2]) if head in _LINKEDIN_KINDS and len(segments) >= 2 else None
    elif network == "youtube":
        if head.startswith("@"):
            path = segments[0]
        elif head in ("channel", "c", "user") and len(segments) >= 2:
            path = "/".join(segments[:2])
        else:
            path = None
    elif network == "tiktok":
        path = segments[0] if head.startswith("@") and len(head) > 1 else None
    else:
        path = segments[0]
    if not path or not all(_HANDLE.match(s) for s in path.split("/")):
        return None
    return network, f"https://{_CANONICAL_HOST[network]}/{path}"
