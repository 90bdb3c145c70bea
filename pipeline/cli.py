"""The ``pilar`` command line. An entry point: configures logging, maps errors to exit codes."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline.errors import PilarError
from pipeline.settings import Settings, load_settings

app = typer.Typer(
    name="pilar",
    help="Pilar: evidence for policy briefs in which every sentence is cited and checked.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="PILAR_CONFIG", help="TOML config file.", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line, for scripts.")]


def _settings(config: Path | None) -> Settings:
    return load_settings(config)


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    _configure_logging(verbose)


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Read documents and print metadata, regulation structure and relations.

    Example: pilar inspect samples/regulations/*.md --json
    """
    from pipeline import describe
    from pipeline.ingest import ingest_paths

    settings = _settings(config)
    report = ingest_paths(files, settings.ingest)
    for doc in report.documents:
        if as_json:
            typer.echo(json.dumps(describe.to_json(doc), ensure_ascii=False))
        else:
            describe.print_tree(doc, out)
    for skipped in report.skipped:
        if as_json:
            record = {"source": skipped.source, "errors": [f"{skipped.reason}: {skipped.error}"]}
            typer.echo(json.dumps(record, ensure_ascii=False))
    regulations = sum(doc.regulation is not None for doc in report.documents)
    err.print(
        f"Read {len(report.documents)} document(s) ({regulations} regulation(s), "
        f"{sum(d.page_count for d in report.documents)} page(s)) in {report.elapsed_s:.1f} s; "
        f"skipped {len(report.skipped)}.",
        highlight=False,
    )
    _print_skipped(report.skipped)


@app.command()
def stats(
    files: Annotated[list[Path], typer.Argument(help="CSV, XLSX or Parquet tables.")],
    as_json: JsonOpt = False,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Column roles when ambiguous: region=COL,indicator=COL,period=COL,value=COL,unit=COL",
        ),
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Only cards for these regions.")
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="Only cards for these indicators.")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Turn statistics tables into evidence cards with cell-level provenance.

    Example: pilar stats samples/stats/indikator_provinsi.csv --region "JAWA BARAT"
    """
    from pipeline import stats as stats_mod

    settings = _settings(config)
    report = stats_mod.cards_from_files(
        files,
        settings=settings.stats,
        mapping=stats_mod.parse_mapping(mapping) if mapping else None,
        regions=region,
        indicators=indicator,
    )
    for card in report.cards:
        if as_json:
            typer.echo(card.model_dump_json())
        else:
            out.print(stats_mod.format_card(card))
    _print_skipped(report.skipped)


def _print_skipped(skipped: list) -> None:
    if not skipped:
        return
    err.print(f"[yellow]Skipped {len(skipped)} file(s):[/yellow]")
    for item in skipped:
        err.print(f"  {item.source}: {item.reason} — {item.error}", markup=False)


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
