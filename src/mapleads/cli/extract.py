"""`mapleads extract`: categories in an area → a lead file, with a closing summary."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mapleads.api import extract, extract_parts, resolve_area
from mapleads.errors import EmptyResultError, MapleadsError
from mapleads.export import write_leads
from mapleads.export.formats import check_fields, check_writable
from mapleads.export.parts import write_lead_parts
from mapleads.index import auto_source
from mapleads.lead import Lead
from mapleads.memory import paused_gc, release_at_exit
from mapleads.settings import get_settings
from mapleads.sources import LeadParts, Source, get_source
from mapleads.taxonomy import get_taxonomy

if TYPE_CHECKING:
    from mapleads.areas import Area

out = Console(stderr=True)


class Summary:
    """Counts for the closing table, gathered while the leads stream to the file."""

    FIELDS = ("phone", "website", "email", "opening hours", "full address")

    def __init__(self) -> None:
        self.count = 0
        self.have = dict.fromkeys(self.FIELDS, 0)

    def watch(self, leads: Iterator[Lead]) -> Iterator[Lead]:
        # counted in locals and added up once the leads are through (per lead, the dict updates were a twentieth of
        # writing a lead)
        count = phone = website = email = hours = address = 0
        try:
            for lead in leads:
                count += 1
                phone += bool(lead.phones or lead.phones_raw)
                website += bool(lead.website)
                email += bool(lead.emails)
                hours += bool(lead.opening_hours)
                address += lead.address.is_full
                yield lead
        finally:
            self.count += count
            for name, n in zip(self.FIELDS, (phone, website, email, hours, address), strict=True):
                self.have[name] += n

    @classmethod
    def total(cls, parts: Iterable[Summary]) -> Summary:
        """One summary of leads tallied in parts (by several processes)."""
        whole = cls()
        for part in parts:
            whole.count += part.count
            for name, n in part.have.items():
                whole.have[name] += n
        return whole

    def table(self, title: str) -> Table:
        table = Table(title=title, show_header=True, header_style="bold")
        table.add_column("leads", justify="right")
        for name in self.FIELDS:
            table.add_column(f"with {name}", justify="right")
        pct = [f"{100 * v / self.count:.0f}%" if self.count else "-" for v in self.have.values()]
        table.add_row(str(self.count), *pct)
        return table


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]reading"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
        disable=not out.is_terminal,  # off a terminal a bar is noise (and leaves a blank line before an error)
    )


def extract_command(
    what: Annotated[list[str], typer.Argument(help='Categories, in any supported language, or "all".')],
    source_file: Annotated[
        Path | None, typer.Option("--from", help="OpenStreetMap .pbf file (or another source's input).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Lead file: .csv .xlsx .json .ndjson .geojson .parquet"),
    ] = None,
    place: Annotated[str | None, typer.Option("--in", help="A place name found in the data.")] = None,
    bbox: Annotated[str | None, typer.Option("--bbox", help="W,S,E,N in degrees.")] = None,
    near: Annotated[str | None, typer.Option("--near", help="LAT,LON centre for --radius.")] = None,
    radius: Annotated[str | None, typer.Option("--radius", help="Distance from --near, e.g. 500m, 2km.")] = None,
    polygon: Annotated[Path | None, typer.Option("--polygon", help="GeoJSON (Multi)Polygon file.")] = None,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="auto (an index if one covers the area, else pbf) | pbf | index | overpass | overture | google",
        ),
    ] = "auto",
    fields: Annotated[str | None, typer.Option("--fields", help="Comma-separated columns to write.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many leads.")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="CSV with a UTF-8 BOM, for Excel.")] = False,
    enrich: Annotated[
        bool, typer.Option("--enrich", help="Read each lead's website for emails, phones, social profiles.")
    ] = False,
    resolve: Annotated[
        bool,
        typer.Option(
            "--resolve/--no-resolve",
            help="Deduplicate, apply the suppression list and score (default); --no-resolve writes raw leads.",
        ),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0, help="google: hard cost cap in USD for this run.")
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0, max=1, help="overture: drop places below this confidence."),
    ] = None,
) -> None:
    """Extract business leads: mapleads extract dentist --in Kamppi --from helsinki.osm.pbf -o leads.xlsx"""
    if not any(word.strip(" ,;") for word in what):  # the API reads "" as "all"; on the command line it is a slip
        raise MapleadsError("no category given: name one (e.g. dentist) or 'all'")
    get_taxonomy().resolve(what)  # unknown words fail before any file is read
    field_list = check_fields(fields.split(",")) if fields is not None else None
    if output is not None:
        check_writable(output)  # before the file is read, which may take minutes
    progress = None if quiet else _progress()
    task = progress.add_task("read", total=None) if progress else None

    def report(done: int, total: int) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=done, total=total or None)

    options: dict[str, Any] = {"path": source_file} if source_file is not None else {}
    options.update(_source_options(source, budget=budget, min_confidence=min_confidence))
    if source == "auto":  # a current local index when one covers the query, else the .pbf
        source, options = auto_source(options, place=place, bbox=bbox, near=near, radius=radius, polygon=polygon)
    src = get_source(source, **options)
    area = resolve_area(src, place=place, bbox=bbox, near=near, radius=radius, polygon=polygon)
    if area is not None and not quiet:
        for note in area.notes:
            out.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    # a plain extraction to a file is built and written by several processes once the file is read
    processes = get_settings().write_processes
    plain = output is not None and not (resolve or enrich) and limit is None and processes > 1
    parts: LeadParts | None = None
    # a plain extraction's read candidates are a million acyclic objects: a collection between the read and the
    # writing would walk them all (0.2 s a time), so the collector stays off until they are written
    with paused_gc() if plain else contextlib.nullcontext():
        if progress:
            progress.start()
        try:
            if plain:
                parts = extract_parts(what, src, area=area, progress=report if progress else None, parts=processes)
            if parts is None:
                leads = extract(
                    what,
                    source=src,  # the one the area was resolved with: a .pbf is checked once
                    area=area,
                    limit=limit,
                    enrich=enrich,
                    resolve=resolve,
                    progress=report if progress else None,
                )
                first = next(leads, None)
        finally:
            if progress:
                progress.stop()
        empty = parts.count == 0 if parts is not None else first is None
        if empty:
            raise _outside_error(src, area, source_file) or EmptyResultError(
                "no leads matched: try other categories or a larger area (nothing was written)"
            )
        meta = {"query": " ".join(what)}
        if parts is not None and output is not None:
            tallies = [Summary() for _ in parts.streams]
            _, reports = write_lead_parts(
                [tally.watch(stream) for tally, stream in zip(tallies, parts.streams, strict=True)],
                output,
                fields=field_list,
                bom=bom,
                metadata=meta,
                report=tallies.__getitem__,
            )
            summary = Summary.total(r for r in reports if r is not None)
            release_at_exit(parts)  # the read file's objects
        else:
            assert first is not None
            summary = Summary()
            stream = summary.watch(chain([first], leads))
            if output is None:
                _preview(stream)
            else:
                write_leads(stream, output, fields=field_list, bom=bom, metadata=meta)
    if not quiet:
        where = place or bbox or (f"{radius or '500m'} around {near}" if near else None) or polygon or "everywhere"
        out.print(summary.table(f"{' '.join(what)} — {where}"))
        if output is not None:
            out.print(f"wrote {summary.count} leads to {output}")


def _outside_error(src: Source, area: Area | None, source_file: Path | None) -> EmptyResultError | None:
    """The error for an area that misses the source's data entirely, stating the data's extent.

    Sources that know their extent cheaply (a .pbf header's box, an index's data box) offer `extent()`; with
    none known, or an area that overlaps it, the plain empty-result message stands.
    """
    extent_of = getattr(src, "extent", None)
    extent = extent_of() if area is not None and extent_of is not None else None
    if area is None or extent is None:
        return None
    from shapely.geometry import box

    if area.geometry.intersects(box(*extent)):
        return None
    where = f" of {source_file}" if source_file is not None else ""
    covers = ",".join(f"{v:.4f}" for v in extent)
    return EmptyResultError(
        f"the area ({area.name}) lies outside the data{where}, which covers {covers} (W,S,E,N): nothing was written"
    )


#: source-specific flags and the one source each applies to
SOURCE_FLAGS = {"budget": "google", "min_confidence": "overture"}


def _source_options(source: str, **given: float | None) -> dict[str, float]:
    """Source-specific flags that were given (the sources read their defaults from settings)."""
    options = {name: value for name, value in given.items() if value is not None}
    for name in options:
        if SOURCE_FLAGS[name] != source:
            flag = "--" + name.replace("_", "-")
            raise MapleadsError(f"{flag} applies to --source {SOURCE_FLAGS[name]} only")
    return options


def _preview(leads: Iterator[Lead], rows: int = 20) -> None:
    table = Table(show_header=True, header_style="bold")
    for col in ("name", "category", "phone", "website", "address"):
        table.add_column(col, overflow="fold")
    for i, lead in enumerate(leads):
        if i < rows:
            table.add_row(
                lead.name, lead.category or "", lead.phone or "", lead.website or "", lead.address.formatted()
            )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)


__all__ = ["MapleadsError", "register"]
