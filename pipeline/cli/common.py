"""What every ``pilar`` command shares: the Typer app, the consoles, the common options, logging."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.settings import Settings, load_settings

app = typer.Typer(
    name="pilar",
    help="Pilar: evidence for policy briefs in which every sentence is cited and checked.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts show [n] markers and JSON literally
)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="PILAR_CONFIG", help="TOML config file.", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line, for scripts.")]


def settings_from(config: Path | None) -> Settings:
    """The settings, from ``--config`` when given."""
    return load_settings(config)


def configure_logging(verbose: bool) -> None:
    """Log to stderr: warnings, or progress with ``--verbose``; third-party chatter kept down."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    noisy = ("bm25s", "faiss", "sentence_transformers", "httpx")
    floor = logging.INFO if verbose else logging.WARNING

    def quiet(record: logging.LogRecord) -> bool:  # bm25s resets its own level on import
        return not (record.name.startswith(noisy) and record.levelno < floor)

    for handler in logging.getLogger().handlers:
        handler.addFilter(quiet)


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    configure_logging(verbose)


IndexOpt = Annotated[
    str,
    typer.Option(
        "--index", "-i", envvar="PILAR_INDEX", help="Index name (under indexes/) or path."
    ),
]


def print_skipped(skipped: list) -> None:
    """The files a command skipped, with reasons, on stderr."""
    if not skipped:
        return
    err.print(f"[yellow]Skipped {len(skipped)} file(s):[/yellow]")
    for item in skipped:
        err.print(f"  {item.source}: {item.reason} — {item.error}", markup=False)
