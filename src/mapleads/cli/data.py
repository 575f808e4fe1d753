"""`mapleads data download|list`: OSM extracts on the local disk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from mapleads.sources.base import Progress as ProgressFn

out = Console()
err = Console(stderr=True)


@contextmanager
def byte_progress(label: str) -> Iterator[ProgressFn]:
    """A rich progress bar on stderr, fed by a source-style progress(done, total) callback."""
    columns = (DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        *columns,
        console=err,
        transient=True,
        disable=not err.is_terminal,  # off a terminal a bar is noise (and leaves a blank line before an error)
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def download(
    region: str = typer.Argument(..., help='Region name: "berlin", "germany/berlin", "berlin-latest", ...'),
    keep_old: bool = typer.Option(False, "--keep-old", help="Keep the previous snapshot's file."),
    force: bool = typer.Option(False, "--force", help="Download again even when the local file is current."),
) -> None:
    """Download (or resume) a region's OSM extract from Geofabrik, verified against its published md5."""
    from mapleads.regions import download_region
    from mapleads.regions.store import human_size

    with byte_progress(region) as progress:
        result = download_region(region, progress=progress, keep_old=keep_old, force=force)
    local = result.region
    verb = {"up-to-date": "already up to date", "resumed": "resumed and verified"}.get(
        result.status, "downloaded and verified"
    )
    out.print(
        f"{local.path}: {verb} — snapshot {local.snapshot_date}, {human_size(local.size)}, {local.pbf}",
        highlight=False,
        soft_wrap=True,
    )
    for old in result.replaced:
        out.print(f"removed the previous snapshot {old}", highlight=False, soft_wrap=True)


def list_regions(
    available: bool = typer.Option(False, "--available", help="List the regions the download site offers."),
) -> None:
    """Show the regions on this machine: snapshot date, extract size and index."""
    from mapleads.regions import list_local, load_catalog
    from mapleads.regions.store import data_dir, human_size

    if available:
        for offered in sorted(load_catalog().regions, key=lambda r: r.path):
            print(f"{offered.path}\t{offered.name}")
        return
    regions = list_local()
    if not regions:
        out.print(f"no regions under {data_dir()}; try 'mapleads data download <region>'", soft_wrap=True)
        return
    from mapleads.index.store import index_summary

    table = Table("region", "snapshot", "extract", "index", "leads", "index size")
    for region in regions:
        summary = index_summary(region)
        extract = human_size(region.pbf.stat().st_size) if region.pbf.exists() else "missing"
        table.add_row(
            region.path,
            region.snapshot_date or "?",
            extract,
            summary.state,
            "" if summary.leads is None else f"{summary.leads:,}",
            human_size(summary.size) if summary.size else "",
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    data = typer.Typer(help="OSM extracts on this machine (download, list).", no_args_is_help=True)
    data.command("download")(download)
    data.command("list")(list_regions)
    app.add_typer(data, name="data")
