"""Counts cross-checked against osmium-tool (Debian's osmium-tool, run inside the test)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from mapleads.lead import Lead
from mapleads.taxonomy import get_taxonomy
from tests.conftest import DEMO_PBF

KEYS = "amenity,shop,office,craft,tourism,healthcare,leisure,club"


@pytest.fixture(scope="module")
def osmium_features(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    if shutil.which("osmium") is None:
        pytest.skip("osmium-tool is not installed (apt-get install osmium-tool; make test installs it)")
    tmp: Path = tmp_path_factory.mktemp("osmium")
    filtered, exported = tmp / "f.osm.pbf", tmp / "f.geojsonseq"
    subprocess.run(
        ["osmium", "tags-filter", str(DEMO_PBF), "-t", f"nwr/{KEYS}", "-O", "-o", str(filtered)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["osmium", "export", str(filtered), "-f", "geojsonseq", "-a", "type,id", "-O", "-o", str(exported)],
        check=True,
        capture_output=True,
    )
    taxonomy = get_taxonomy()
    features = {}
    for line in exported.read_bytes().splitlines():
        line = line.strip().lstrip(b"\x1e")
        if not line:
            continue
        feature = orjson.loads(line)
        props = feature["properties"]
        tags = {k: v for k, v in props.items() if not k.startswith("@")}
        if "name" in tags and taxonomy.is_business(tags):
            features[f"osm:{props['@type'][0]}{props['@id']}"] = feature
    return features


def test_it_finds_every_business_that_osmium_tool_exports(
    all_leads: dict[str, Lead], osmium_features: dict[str, dict[str, object]]
) -> None:
    assert len(osmium_features) > 1000
    assert set(osmium_features) <= set(all_leads)


def test_it_finds_exactly_the_same_business_nodes_at_the_same_coordinates(
    all_leads: dict[str, Lead], osmium_features: dict[str, dict[str, object]]
) -> None:
    theirs = {k: f for k, f in osmium_features.items() if k.startswith("osm:n")}
    ours = {k: v for k, v in all_leads.items() if k.startswith("osm:n")}
    assert set(theirs) == set(ours)
    for key, feature in theirs.items():
        lon, lat = feature["geometry"]["coordinates"]  # type: ignore[index]
        assert (ours[key].lon, ours[key].lat) == pytest.approx((lon, lat), abs=1e-7)


def test_its_extra_leads_are_only_ways_osmium_cannot_build(
    all_leads: dict[str, Lead], osmium_features: dict[str, dict[str, object]]
) -> None:
    extra = set(all_leads) - set(osmium_features)
    # osmium export drops ways whose nodes were cut off at the extract's edge; we keep them with a point
    assert all(key.startswith(("osm:w", "osm:r")) for key in extra)
    assert len(extra) <= 0.01 * len(all_leads)
