"""`mapleads categories` and `mapleads settings`: what the tool understands and which values are in force."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mapleads.errors import MapleadsError
from mapleads.settings import descriptions, get_settings
from mapleads.taxonomy import get_taxonomy
from mapleads.taxonomy.model import LANGUAGES, fold

SECRET_FIELDS = frozenset({"google_api_key", "secret_key", "suppression_key"})


def categories_command(
    search: Annotated[str | None, typer.Argument(help="Only categories whose words contain this.")] = None,
) -> None:
    """Every category, the OSM tags it matches, and words to type for it."""
    taxonomy = get_taxonomy()
    table = Table(show_header=True, header_style="bold")
    table.add_column("category")
    table.add_column("group")
    table.add_column("OSM tags")
    for lang in LANGUAGES:
        table.add_column(lang)
    shown = 0
    for cat in sorted(taxonomy.categories.values(), key=lambda c: (c.group, c.key)):
        if search and not any(fold(search) in fold(word) for word in cat.words()):
            continue
        tags = " | ".join("+".join(f"{k}={v}" for k, v in alt) for alt in cat.osm)
        table.add_row(cat.key, cat.group, tags, *(", ".join(cat.synonyms.get(lang, ())) for lang in LANGUAGES))
        shown += 1
    if search and not shown:
        near = taxonomy.suggest(search)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise MapleadsError(f"no category has a word containing '{search}'{hint}")
    Console().print(table)
    Console(stderr=True).print(f"{shown} categories; type any of these words, or 'all'")


def settings_command() -> None:
    """The settings in force (MAPLEADS_* environment variables and the optional MAPLEADS_CONFIG file)."""
    settings = get_settings()
    table = Table(show_header=True, header_style="bold")
    table.add_column("environment variable")
    table.add_column("value")
    table.add_column("meaning")
    for name, meaning in descriptions().items():
        value = getattr(settings, name)
        shown = "(set)" if name in SECRET_FIELDS and value else str(value)
        table.add_row(f"MAPLEADS_{name.upper()}", shown, meaning)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("categories")(categories_command)
    app.command("settings")(settings_command)
