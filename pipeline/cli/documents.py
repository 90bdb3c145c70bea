"""``pilar inspect`` and ``pilar stats``: read documents and tables, print what Pilar sees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import (
    ConfigOpt,
    JsonOpt,
    app,
    err,
    out,
    print_skipped,
    settings_from,
)
from pipeline.settings import Settings


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Read documents and print metadata, regulation structure and relations.

    Example: pilar inspect samples/regulations/*.md --json
    """
    from pipeline.cli import describe
    from pipeline.ingest import ingest_paths

    settings = settings_from(config)
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
    print_skipped(report.skipped)


@app.command()
def stats(
    files: Annotated[list[Path] | None, typer.Argument(help="CSV, XLSX or Parquet tables.")] = None,
    ask: Annotated[
        str | None,
        typer.Option(
            "--ask",
            help='A figure question ("Berapa TPT Banten tahun 2020?"), answered from the '
            "tables given or from --index, with its cell.",
        ),
    ] = None,
    index_name: Annotated[
        str | None, typer.Option("--index", "-i", help="Answer --ask from this index.")
    ] = None,
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
    """Turn statistics tables into evidence cards with cell-level provenance, or answer a
    figure question with the exact figure and its cell (--ask).

    Example: pilar stats samples/stats/indikator_provinsi.csv --region "JAWA BARAT"
    Example: pilar stats --index sampel --ask "What was the poverty rate of West Java in 2019?"
    """
    from pipeline import stats as stats_mod

    settings = settings_from(config)
    if ask is not None:
        _ask(ask, files or [], index_name, settings, as_json)
        return
    if not files:
        err.print("[red]error:[/red] give tables to read, or --ask with --index")
        raise typer.Exit(2)
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
    print_skipped(report.skipped)


def _ask(
    question: str, files: list[Path], index_name: str | None, settings: Settings, as_json: bool
) -> None:
    """``pilar stats --ask``: the answer from an index's figure store, or from the tables given."""
    import tempfile

    from pipeline import stats as stats_mod
    from pipeline.stats.ask import answer_question
    from pipeline.stats.store import FigureStore

    if index_name:
        from pipeline.index import Index

        answer = Index.open(index_name).figure(question)
    else:
        with tempfile.TemporaryDirectory(prefix="pilar-ask-") as tmp:
            parquet = []
            for i, path in enumerate(files):
                target = Path(tmp) / f"t{i}.parquet"
                report = stats_mod.cards_from_files(
                    [path], settings=settings.stats, figures_to=target
                )
                print_skipped(report.skipped)
                if target.exists():
                    parquet.append(target)
            answer = answer_question(question, FigureStore(parquet)) if parquet else None
    if answer is None:
        err.print(
            "[red]error:[/red] the question names no indicator and region these figures hold",
            highlight=False,
        )
        err.print(
            '[dim]Name both, e.g. "TPT Banten 2020" or "poverty rate of Papua in 2019".[/dim]'
        )
        raise typer.Exit(2)
    if as_json:
        typer.echo(answer.model_dump_json())
    else:
        out.print(answer.message, markup=False, highlight=False)
