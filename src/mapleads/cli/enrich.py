"""`mapleads enrich leads.csv -o enriched.xlsx`: read each lead's website for contacts, keep every row."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mapleads.errors import InputError
from mapleads.lead import Lead

if TYPE_CHECKING:  # the crawler (aiohttp, tldextract, ...) is imported only when a command uses it
    from mapleads.enrich.config import EnrichConfig

out = Console(stderr=True)


def enrich_options(
    concurrency: int | None = None,
    keep_personal_emails: bool = False,
    mx: bool = False,
    browser: bool = False,
    fresh: bool = False,
) -> EnrichConfig:
    """MAPLEADS_ settings, overridden by the flags given (shared with `extract --enrich`)."""
    from mapleads.enrich.config import EnrichConfig

    overrides: dict[str, Any] = {"fresh": fresh}
    if concurrency is not None:
        overrides["concurrency"] = concurrency
    if keep_personal_emails:
        overrides["keep_personal_emails"] = True
    if mx:
        overrides["mx_check"] = True
    if browser:
        overrides["browser_fallback"] = True
    return EnrichConfig.from_settings(**overrides)


def enrich_command(
    source: Annotated[Path, typer.Argument(help="Lead file: our export, or any CSV / XLSX with a website column.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Enriched file: .csv .xlsx .json .ndjson")],
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Sites crawled at once (default: setting).")
    ] = None,
    keep_personal_emails: Annotated[
        bool, typer.Option("--keep-personal-emails", help="Also export personal addresses (personal data!).")
    ] = False,
    mx: Annotated[bool, typer.Option("--mx", help="Keep only emails whose domain accepts mail (DNS).")] = False,
    browser: Annotated[
        bool, typer.Option("--browser", help="Render JavaScript-only sites with the system Chromium.")
    ] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Crawl again leads a previous run finished.")] = False,
    resolve: Annotated[
        bool,
        typer.Option(
            "--resolve/--no-resolve",
            help="Leave out rows on the suppression list and update scores (default). Duplicates are kept: "
            "merge them with `mapleads resolve`.",
        ),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Find emails, phones and social profiles on each lead's own website."""
    if not source.is_file():
        raise InputError(f"no such file: {source}" if not source.exists() else f"not a file: {source}")
    from mapleads.export import check_writable

    check_writable(output)  # before the crawl, which may take an hour
    config = enrich_options(concurrency, keep_personal_emails, mx, browser, fresh)
    statuses: Counter[str] = Counter()
    found: Counter[str] = Counter()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    progress = None if quiet else Progress(*columns, console=out, transient=True, disable=not out.is_terminal)
    task = progress.add_task("enriching", total=None) if progress else None

    def seen(lead: Lead) -> None:
        statuses[lead.extra.get("enrich", {}).get("status", "?")] += 1
        found["email"] += bool(lead.emails)
        found["phone"] += bool(lead.phones)
        found["social profile"] += bool(lead.socials)
        if progress is not None and task is not None:
            progress.update(task, description=f"enriching: {sum(statuses.values())} leads, {found['email']} with email")

    if progress:
        progress.start()
    from mapleads.enrich.table import enrich_table
    from mapleads.resolve.gate import LeadGate

    gate = LeadGate() if resolve else None
    try:
        count = enrich_table(source, output, config, on_lead=seen, gate=gate.admit if gate else None)
    finally:
        if progress:
            progress.stop()
        if gate:
            gate.close()
    if not quiet:
        out.print(_summary(count, statuses, found))
        held = f" ({gate.suppressed} left out: on the suppression list)" if gate and gate.suppressed else ""
        out.print(f"wrote {count} rows to {output}{held}")


def _summary(count: int, statuses: Counter[str], found: Counter[str]) -> Table:
    table = Table(title="website enrichment", show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("leads", justify="right")
    for name in ("email", "phone", "social profile"):
        table.add_row(f"with {name}", f"{found[name]} ({100 * found[name] / count:.0f}%)" if count else "0")
    for status, n in statuses.most_common():
        table.add_row(f"site: {status}", str(n))
    return table


def register(app: typer.Typer) -> None:
    app.command("enrich")(enrich_command)
