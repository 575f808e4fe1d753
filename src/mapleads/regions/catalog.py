"""Geofabrik's published index of regions (index-v1.json) and forgiving region-name matching.

Users type "Berlin", "germany/berlin", "berlin-latest" or paste a file name; all of them should find the same
region, and a name that matches several regions (Georgia the country, Georgia the US state) must say so
instead of silently picking one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from mapleads.errors import MapleadsError
from mapleads.settings import get_settings
from mapleads.taxonomy.model import fold

_SUFFIXES = (".osm.pbf", ".pbf", ".md5", "-latest")


class RegionError(MapleadsError):
    """A region name that matches nothing, or several regions."""


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str
    parent: str | None
    #: "europe/germany/berlin": the download path without "-latest.osm.pbf"; also the local directory
    path: str
    pbf_url: str
    iso_codes: tuple[str, ...] = ()
    #: GeoJSON geometry of the area the extract covers (used to pick the index that covers a query)
    boundary: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def md5_url(self) -> str:
        return self.pbf_url + ".md5"


def _strip(text: str) -> str:
    text = text.strip().strip("/")
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.lower().endswith(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def _key(text: str) -> str:
    """Folded form for comparing: case, accents, spaces, dashes and underscores do not matter."""
    return re.sub(r"[\s_\-]+", "-", fold(_strip(text)).replace(" ", "-"))


class Catalog:
    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions

    def find(self, name: str) -> Region:
        """The one region a user meant; RegionError with candidates or suggestions otherwise."""
        if not name.strip():
            raise RegionError("empty region name; see 'mapleads data download --list'")
        key = _key(name.split("://", 1)[-1].split("download.geofabrik.de/", 1)[-1])
        exact = [r for r in self.regions if _key(r.path) == key]
        if len(exact) == 1:
            return exact[0]
        by_name = [r for r in self.regions if _names_match(r, key)]
        hits = by_name or [r for r in self.regions if key.upper() in r.iso_codes]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            options = ", ".join(sorted(r.path for r in hits))
            raise RegionError(f"region '{name}' is ambiguous: it matches {options}; give one of these")
        raise RegionError(f"unknown region '{name}'{self._hint(name)}")

    def _hint(self, name: str) -> str:
        from rapidfuzz import fuzz, process  # only for an unknown name: not at every command's start

        choices = {r.path: f"{_key(r.name)} {_key(r.path)}" for r in self.regions}
        found = process.extract(_key(name), choices, scorer=fuzz.WRatio, limit=5)
        names = [path for _, score, path in found if score >= 70]
        return f"; did you mean: {', '.join(names)}?" if names else "; see 'mapleads data download --list'"


def _names_match(region: Region, key: str) -> bool:
    """Its id, its name, the last part of its path, or a tail of its path ("germany/berlin")."""
    path = _key(region.path)
    return key in (_key(region.id), _key(region.name), path.rsplit("/", 1)[-1]) or path.endswith("/" + key)


def parse_catalog(data: bytes, source: str) -> Catalog:
    """Regions from an index-v1.json document; a document of another shape is refused with its origin."""
    try:
        doc = orjson.loads(data)
        features = doc["features"]
        regions = []
        for feature in features:
            props = feature["properties"]
            url = props.get("urls", {}).get("pbf")
            if not url:
                continue
            path = _strip(urlsplit(url).path)
            iso = tuple(props.get("iso3166-1:alpha2", []) or []) + tuple(props.get("iso3166-2", []) or [])
            regions.append(
                Region(
                    id=str(props["id"]),
                    name=str(props.get("name") or props["id"]),
                    parent=props.get("parent"),
                    path=path,
                    pbf_url=url,
                    iso_codes=tuple(c.upper() for c in iso),
                    boundary=feature.get("geometry"),
                )
            )
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise MapleadsError(f"the region index at {source} is not a Geofabrik index-v1.json ({exc})") from None
    if not regions:
        raise MapleadsError(f"the region index at {source} lists no downloadable regions")
    return Catalog(regions)


def load_catalog(url: str | None = None, client: httpx.Client | None = None) -> Catalog:
    """Fetch the published index (MAPLEADS_GEOFABRIK_INDEX_URL)."""
    settings = get_settings()
    url = url or settings.geofabrik_index_url
    owned = client is None
    import httpx  # imported on use: the catalogue is fetched rarely, and httpx is slow to import

    http = client or httpx.Client(headers={"User-Agent": settings.user_agent}, timeout=60, follow_redirects=True)
    try:
        resp = http.get(url)
        if resp.status_code != 200:
            raise MapleadsError(f"could not fetch the region index {url}: HTTP {resp.status_code}")
        return parse_catalog(resp.content, url)
    except httpx.HTTPError as exc:
        raise MapleadsError(f"could not fetch the region index {url}: {exc}") from None
    finally:
        if owned:
            http.close()
