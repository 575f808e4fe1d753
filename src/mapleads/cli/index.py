"""`mapleads index build|update`: a local index per region for millisecond queries."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from mapleads.cli.data import byte_progress

out = Console()


def build(
    target: str = typer.Argument(..., help="A .pbf file or a downloaded region name."),
) -> None:
    """Index every lead and named area of an extract (one pass over the file)."""
    from mapleads.index.build import build_index
    from mapleads.regions.store import human_size

    with byte_progress(f"indexing {Path(target).name}", unit="leads") as progress:
        result = build_index(target, progress)
    m = result.manifest
    size = sum(p.stat().st_size for p in result.index_dir.iterdir())
    out.print(
        f"{result.region.path}: indexed {m['leads']:,} leads and {m['areas']:,} named areas "
        f"(snapshot {m.get('snapshot_date') or '?'}) in {result.seconds:.1f} s — {human_size(size)} at "
        f"{result.index_dir}",
        highlight=False,
        soft_wrap=True,
    )


def update(
    target: str = typer.Argument(..., help="A downloaded region name, or a .pbf file replaced by a newer one."),
    no_download: bool = typer.Option(
        False, "--no-download", help="Do not fetch a newer snapshot; re-index the local file."
    ),
    changes: Path | None = typer.Option(
        None,
        "--changes",
        "-o",
        help="Write the new / changed / gone leads to this file (csv, xlsx, json...).",
    ),
) -> None:
    """Refresh a region's index from its newest snapshot and report new / changed / gone leads."""
    from mapleads.index.update import update_index

    with byte_progress(f"updating {target}") as progress:
        report = update_index(target, progress=progress, download=not no_download, changes_path=changes)
    out.print(report.summary(), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    index = typer.Typer(help="Region indexes for fast repeated queries (build, update).", no_args_is_help=True)
    index.command("build")(build)
    index.command("update")(update)
    app.add_typer(index, name="index")
