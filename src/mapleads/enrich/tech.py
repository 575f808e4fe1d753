"""Which site builder or shop system a website runs on: a sales hint ("uses Wix") and a crawl hint."""

from __future__ import annotations

import re
from collections.abc import Mapping

# (technology, where, pattern): where is "html" (markup), "generator" (<meta name=generator>) or a header name
_RULES: tuple[tuple[str, str, str], ...] = (
    ("WordPress", "html", r"/wp-content/|/wp-includes/"),
    ("WordPress", "generator", r"wordpress"),
    ("WooCommerce", "html", r"woocommerce"),
    ("Shopify", "html", r"cdn\.shopify\.com|shopify\.theme"),
    ("Shopify", "x-shopid", r"."),
    ("Wix", "html", r"static\.wixstatic\.com|static\.parastorage\.com"),
    ("Wix", "generator", r"wix\.com"),
    ("Wix", "x-wix-request-id", r"."),
    ("Squarespace", "html", r"static1\.squarespace\.com|squarespace-cdn\.com"),
    ("Squarespace", "generator", r"squarespace"),
    ("Webflow", "html", r"data-wf-site=|assets\.website-files\.com"),
    ("Joomla", "generator", r"joomla"),
    ("Drupal", "generator", r"drupal"),
    ("Drupal", "x-generator", r"drupal"),
    ("Drupal", "html", r"drupal-settings-json|/sites/default/files/"),
    ("Jimdo", "html", r"jimdo(?:cdn|static)?\.com"),
    ("Weebly", "html", r"editmysite\.com|weebly\.com"),
    ("GoDaddy Website Builder", "html", r"img1\.wsimg\.com"),
    ("PrestaShop", "generator", r"prestashop"),
    ("PrestaShop", "html", r"prestashop"),
    ("Magento", "html", r"mage/cookies|/static/version\d+/frontend/"),
    ("TYPO3", "generator", r"typo3"),
    ("Ghost", "generator", r"ghost"),
    ("Hugo", "generator", r"hugo"),
    ("Next.js", "html", r"__NEXT_DATA__|/_next/static/"),
    ("Nuxt", "html", r"__NUXT__|/_nuxt/"),
    ("Gatsby", "generator", r"gatsby"),
    ("Google Tag Manager", "html", r"googletagmanager\.com/gtm\.js"),
    ("Google Analytics", "html", r"google-analytics\.com/|googletagmanager\.com/gtag/js"),
    ("Meta Pixel", "html", r"connect\.facebook\.net/[^\"']*/fbevents\.js"),
    ("HubSpot", "html", r"js\.hs-scripts\.com|js\.hsforms\.net"),
    ("Cloudflare", "server", r"cloudflare"),
    ("nginx", "server", r"^nginx"),
    ("Apache", "server", r"^apache"),
)
_COMPILED = tuple((name, where, re.compile(pattern, re.IGNORECASE)) for name, where, pattern in _RULES)
# The markup rules as one alternation, so a page is scanned once instead of once per rule.
_HTML_NAMES = [name for name, where, _ in _RULES if where == "html"]
_HTML_SCAN = re.compile(
    "|".join(f"(?P<g{i}>{pattern})" for i, (_, where, pattern) in enumerate(r for r in _RULES if r[1] == "html")),
    re.IGNORECASE,
)


def detect(markup: str, generator: str, headers: Mapping[str, str]) -> list[str]:
    seen = {_HTML_NAMES[int(m.lastgroup[1:])] for m in _HTML_SCAN.finditer(markup) if m.lastgroup}
    found: list[str] = []
    for name, where, pattern in _COMPILED:
        if name in found:
            continue
        if where == "html":
            hit = name in seen
        else:
            subject = generator if where == "generator" else headers.get(where, "")
            hit = bool(subject and pattern.search(subject))
        if hit:
            found.append(name)
    return found
