"""The `mapleads` command line: a thin layer over the Python API.

Every module in this package that defines ``register(app)`` adds its commands, so features plug in without
editing this file. Errors the user can fix are printed as one line with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pkgutil
import sys
import threading

import typer
from rich.console import Console
from rich.markup import escape

from mapleads.errors import MapleadsError
from mapleads.memory import ending_without_teardown

app = typer.Typer(
    name="mapleads",
    help="MapLeadExtractor: business leads from map data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"mapleads {version('mapleads')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("mapleads (not installed)")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """MapLeadExtractor: business leads from map data."""


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


def main(argv: list[str] | None = None) -> int:
    _register_all()
    try:
        app(args=argv, standalone_mode=False)
    except MapleadsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except OSError as exc:  # the machine, not the input: a full disk, a data_dir that cannot be created ...
        where = f": {exc.filename}" if exc.filename else ""
        err.print(f"[red]error:[/red] {escape((exc.strerror or str(exc)) + where)}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]")
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return 1
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, (click.ClickException, typer.TyperException)) and hasattr(exc, "format_message"):
            message = exc.format_message()  # empty when the help was shown for a bare group
            ctx = getattr(exc, "ctx", None)  # usage errors know their command: point at its --help
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            if message:
                err.print(f"[red]error:[/red] {escape(message + hint)}", highlight=False, soft_wrap=True)
            return int(getattr(exc, "exit_code", 2))
        raise
    return 0


def run() -> None:
    """The `mapleads` console script: `main`, then the process ends."""
    ending_without_teardown()
    code = main()
    if threading.active_count() == 1:  # no other thread a normal shutdown would wait for
        _exit_without_teardown(code)
    sys.exit(code)


def _exit_without_teardown(code: int) -> None:
    """Run the exit handlers and flush the output, then end the process without releasing the interpreter's
    objects one by one: after a large extraction that release took 0.3 s of a 4 s run, and the kernel frees the
    memory at once anyway. Everything the command wrote is closed by then."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing left to say
            stream.flush()
    os._exit(code)
