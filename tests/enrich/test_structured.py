"""schema.org data: each JSON-LD block on its own, @graph walked, broken blocks repaired or skipped."""

from __future__ import annotations

import json

from mapleads.enrich.structured import businesses_from_jsonld, businesses_from_microdata, parse_block

BUSINESS = {
    "@context": "https://schema.org",
    "@type": "Dentist",
    "name": "Hammaslääkäri Helmi",
    "telephone": "+358 9 1234567",
    "address": {"@type": "PostalAddress", "streetAddress": "Mannerheimintie 1", "postalCode": "00100"},
    "contactPoint": {"@type": "ContactPoint", "email": "ajanvaraus@helmi.fi"},
    "openingHoursSpecification": [{"dayOfWeek": ["Monday", "Tuesday"], "opens": "08:00", "closes": "16:00"}],
}


def test_one_bad_block_does_not_hide_the_good_ones() -> None:
    records, bad = businesses_from_jsonld(["{broken", json.dumps(BUSINESS), '[{"@type": "Organization", "email": "x@'])
    assert bad == 2
    assert records == [
        {
            "type": "Dentist",
            "name": "Hammaslääkäri Helmi",
            "telephone": ["+358 9 1234567"],
            "email": ["ajanvaraus@helmi.fi"],
            "address": {"streetAddress": "Mannerheimintie 1", "postalCode": "00100"},
            "openingHours": ["Mo,Tu 08:00-16:00"],
        }
    ]


def test_it_walks_graph_and_skips_non_business_nodes() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Site", "url": "https://helmi.fi"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            {"@type": "Organization", "name": "Helmi Oy", "sameAs": ["https://www.facebook.com/helmi"]},
        ],
    }
    records, _ = businesses_from_jsonld([json.dumps(graph)])
    assert records == [{"type": "Organization", "name": "Helmi Oy", "sameAs": ["https://www.facebook.com/helmi"]}]


def test_it_repairs_comment_wrappers_trailing_commas_and_concatenated_documents() -> None:
    assert parse_block('<!-- {"@type": "Store", "name": "A",} -->') == [{"@type": "Store", "name": "A"}]
    assert parse_block('{"@type": "Store"}\n{"@type": "Bakery"}') == [{"@type": "Store"}, {"@type": "Bakery"}]
    assert parse_block("") == []


def test_it_reads_microdata_through_extruct() -> None:
    markup = (
        '<div itemscope itemtype="https://schema.org/Restaurant"><span itemprop="name">Ravintola</span>'
        '<span itemprop="telephone">09 7654321</span></div>'
    )
    assert businesses_from_microdata(markup, "https://helmi.fi/") == [
        {"type": "Restaurant", "name": "Ravintola", "telephone": ["09 7654321"]}
    ]
