"""The ``pilar`` command line. An entry point: configures logging, maps errors to exit codes.

Each command lives in the module of its stage (``documents``, ``indexing``, ``laws``, ``briefs``) and is
registered on the one Typer app of ``common``.
"""

from __future__ import annotations

# isort: off
from pipeline.cli import documents  # noqa: F401 - importing a module registers its commands,
from pipeline.cli import indexing  # noqa: F401 - in the order `pilar --help` lists them
from pipeline.cli import laws  # noqa: F401
from pipeline.cli import briefs  # noqa: F401

# isort: on
from pipeline.cli.common import app, err
from pipeline.errors import PilarError

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: runs the app and turns PilarError into a clean exit."""
    try:
        app()
    except PilarError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        err.print(f"[dim]{exc.help}[/dim]", highlight=False)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
