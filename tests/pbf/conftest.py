from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import osmium
import pytest

import mapleads
from mapleads.lead import Lead
from tests.conftest import DEMO_PBF


@pytest.fixture(scope="session")
def all_leads() -> dict[str, Lead]:
    """Every business in the demo file, by lead id (extracted once per session)."""
    return {lead.id: lead for lead in mapleads.extract("all", path=DEMO_PBF)}


@pytest.fixture(scope="session")
def sorted_pbf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo extract written again with the header Geofabrik's extracts have: sorted by type, then id."""
    path = tmp_path_factory.mktemp("sorted") / "helsinki-sorted.osm.pbf"
    write_declared_sorted(path, osmium.FileProcessor(str(DEMO_PBF)))
    return path


def write_declared_sorted(path: Path, objects: Iterable[osmium.osm.OSMObject]) -> None:
    """The objects written in the order given, under a header that declares them sorted by type, then id."""
    header = osmium.io.Header()
    header.set("sorting", "Type_then_ID")
    writer = osmium.SimpleWriter(str(path), header=header)
    try:
        for obj in objects:
            if isinstance(obj, osmium.osm.Node):
                writer.add_node(obj)
            elif isinstance(obj, osmium.osm.Way):
                writer.add_way(obj)
            elif isinstance(obj, osmium.osm.Relation):
                writer.add_relation(obj)
    finally:
        writer.close()
