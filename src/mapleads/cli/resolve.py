"""`mapleads resolve`, `mapleads diff` and `mapleads suppress`: the resolver on the command line."""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from mapleads.errors import InputError

out = Console()
err = Console(stderr=True)
suppress_app = typer.Typer(
    help="The suppression list: businesses and people never exported again.", no_args_is_help=True
)


def resolve(
    files: Annotated[list[Path], typer.Argument(help="Lead files (our exports or your own CSV/XLSX lists).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Resolved file; format from its extension.")],
    history: Annotated[
        bool,
        typer.Option("--history/--no-history", help="Keep lead ids stable across runs (state in data_dir)."),
    ] = True,
    suppress: Annotated[bool, typer.Option("--suppress/--no-suppress", help="Leave out suppressed leads.")] = True,
    score: Annotated[bool, typer.Option("--score/--no-score", help="Add the lead score.")] = True,
    prefer: Annotated[str | None, typer.Option(help="Merge conflict policy: trust (default) or fresh.")] = None,
    country: Annotated[
        str | None, typer.Option(help="Country (ISO code) of phone numbers written without one.")
    ] = None,
    fields: Annotated[str | None, typer.Option(help="Comma-separated columns to write.")] = None,
) -> None:
    """Merge and deduplicate lead files into one clean record per business."""
    from mapleads.export import check_writable, write_leads
    from mapleads.export.formats import check_fields
    from mapleads.resolve import MergePolicy, ResolveStats, resolve_leads
    from mapleads.resolve.files import read_any_leads
    from mapleads.settings import get_settings

    if prefer not in (None, "trust", "fresh"):
        raise InputError(f"--prefer must be trust or fresh, not {prefer!r}")
    region = _country(country)
    check_writable(output)
    columns = check_fields(fields.split(",")) if fields is not None else None  # before the files are read
    settings = get_settings()
    policy = MergePolicy(
        trust=tuple(settings.resolve_trust),
        prefer=_prefer(prefer or settings.resolve_prefer),
    )
    stream = (lead for path in files for lead in read_any_leads(path))  # handed over: merged ones are freed early
    first = next(stream, None)
    if first is None:
        raise InputError(f"no leads in {', '.join(map(str, files))}: nothing was written")
    leads = chain([first], stream)
    stats = ResolveStats()
    resolved = resolve_leads(
        leads,
        suppression=suppress,
        history=history,
        score=score,
        policy=policy,
        default_region=region,
        stats=stats,
    )
    write_leads(resolved, output, fields=columns)
    err.print(
        f"{stats.read} leads from {len(files)} file(s): {stats.merged} duplicates merged, "
        f"{stats.suppressed} suppressed, {stats.written} written to {output}",
        highlight=False,
        soft_wrap=True,
    )


def _country(code: str | None) -> str | None:
    """An ISO country code phone numbers can be read with ("fi" -> "FI"); an unknown one is refused, not ignored."""
    if code is None:
        return None
    import phonenumbers

    region = code.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError(f"--country {code!r} is not an ISO country code like FI, DE or US")
    return region


def _prefer(value: str) -> Literal["trust", "fresh"]:
    return "fresh" if value == "fresh" else "trust"


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier run's file.")],
    new: Annotated[Path, typer.Argument(help="The later run's file.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write every change as CSV (change, id, name, fields)."),
    ] = None,
    show: Annotated[int, typer.Option(help="Rows shown per section.")] = 20,
    resolve: Annotated[
        bool,
        typer.Option(
            "--resolve/--no-resolve",
            help="Match leads left over after the id match by the resolver's rule (default), e.g. files from "
            "another tool or source.",
        ),
    ] = True,
) -> None:
    """Report new, changed and gone leads between two runs (matched by stable lead id, then by resolution)."""
    from mapleads.resolve.diff import diff_leads
    from mapleads.resolve.files import read_any_leads

    if output is not None and output.is_dir():
        raise InputError(f"{output} is a directory: give a file name, e.g. {output / 'changes.csv'}")
    if output is not None and output.suffix.lower() != ".csv":
        raise InputError(f"diff writes its changes as CSV: name the file like changes.csv, not {output}")
    result = diff_leads(read_any_leads(old), read_any_leads(new), resolve=resolve)
    by_resolution = f"  ({result.resolved} matched by resolution, not by id)" if result.resolved else ""
    out.print(
        f"new: {len(result.new)}  changed: {len(result.changed)}  gone: {len(result.gone)}  "
        f"unchanged: {result.unchanged}{by_resolution}",
        highlight=False,
    )
    rows: list[tuple[str, str, str, str]] = [("new", lead.id, lead.name, "") for lead in result.new]
    rows += [("changed", c.new.id, c.new.name, ", ".join(c.fields)) for c in result.changed]
    rows += [("gone", lead.id, lead.name, "") for lead in result.gone]
    for section in ("new", "changed", "gone"):
        part = [r for r in rows if r[0] == section]
        if not part:
            continue
        table = Table(title=f"{section} ({len(part)})", title_justify="left")
        for column in ("id", "name", "fields"):
            table.add_column(column)
        for _, lead_id, name, changed in part[:show]:
            table.add_row(lead_id, name, changed)
        out.print(table)
    if output is not None:
        _write_changes(rows, output)


def _write_changes(rows: list[tuple[str, str, str, str]], output: Path) -> None:
    """The change list as CSV, written whole or not at all (a temporary name, renamed at the end)."""
    import csv
    import os

    tmp = output.with_name(f".{output.name}.partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(("change", "id", "name", "fields"))
            writer.writerows(rows)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


@suppress_app.command("add")
def suppress_add(
    values: Annotated[list[str] | None, typer.Argument(help="Emails, phone numbers, domains or websites.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="email, phone or domain (guessed from the value when not given).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Business or person name (with --address).")] = None,
    address: Annotated[str | None, typer.Option(help='Street address, e.g. "Mikonkatu 18, 00100 Helsinki".')] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code) of phone numbers and addresses.")] = None,
    note: Annotated[str | None, typer.Option(help="Why (kept with the entry; no contact data).")] = None,
) -> None:
    """Add entries (stored as keyed hashes only)."""
    from mapleads.resolve import SuppressionList

    if bool(name) != bool(address):
        raise InputError("--name and --address go together")
    if not values and not name:
        raise InputError("give values to suppress, or --name and --address")
    store = SuppressionList()
    added = 0
    for value in values or []:
        store.add(value, kind, country=_country(country), note=note)
        added += 1
    if name and address:
        store.add_name_address(name, address, country=_country(country), note=note)
        added += 1
    err.print(f"added {added} entr{'y' if added == 1 else 'ies'}; the list has {len(store)}", highlight=False)


@suppress_app.command("remove")
def suppress_remove(
    values: Annotated[list[str], typer.Argument(help="Values given to 'suppress add'.")],
    kind: Annotated[str | None, typer.Option(help="email, phone or domain.")] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code) of phone numbers.")] = None,
) -> None:
    """Remove entries."""
    from mapleads.resolve import SuppressionList

    store = SuppressionList()
    removed = sum(store.remove(v, kind, country=_country(country)) for v in values)
    err.print(f"removed {removed}; the list has {len(store)}", highlight=False)


@suppress_app.command("import")
def suppress_import(
    path: Annotated[Path, typer.Argument(help="An exported list, a lead file or contact list, or a .txt file.")],
    country: Annotated[str | None, typer.Option(help="Country (ISO code) of phone numbers.")] = None,
) -> None:
    """Import entries from a file."""
    from mapleads.resolve import SuppressionList

    store = SuppressionList()
    result = store.import_file(path, country=_country(country))
    skipped = f" ({result.skipped} values skipped: not valid)" if result.skipped else ""
    err.print(f"imported {result.added}{skipped}; the list has {len(store)}", highlight=False)


@suppress_app.command("export")
def suppress_export(path: Annotated[Path, typer.Argument(help="CSV file to write (hashes only).")]) -> None:
    """Export the list (hashes only: importable where the same suppression key is set)."""
    from mapleads.resolve import SuppressionList

    count = SuppressionList().export(path)
    err.print(f"exported {count} entries to {path}", highlight=False)


@suppress_app.command("list")
def suppress_list() -> None:
    """Show the entries: kind, hash prefix, when added, note."""
    from mapleads.resolve import SuppressionList

    store = SuppressionList()
    table = Table(title=f"suppression list ({len(store)}) at {store.path}", title_justify="left")
    for column in ("kind", "hash", "added", "note"):
        table.add_column(column)
    for e in store.entries():
        table.add_row(e.kind, e.digest[:16], e.added_at, e.note or "")
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve)
    app.command("diff")(diff)
    app.add_typer(suppress_app, name="suppress")
