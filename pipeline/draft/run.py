"""The run: draft every section of a template, verify it, assemble the brief, write the files;
and change a drafted brief later (redraft one section, verify an analyst's edits)."""

from __future__ import annotations

import datetime as _dt
import getpass
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.draft.answer import split_answer
from pipeline.draft.assemble import assemble_brief, index_manifest, run_name
from pipeline.draft.evidence import (
    copy_item,
    item_from_card,
    retrieve_items,
    select_cards,
    to_evidence,
)
from pipeline.draft.notes import NOTES
from pipeline.draft.section import (
    DraftedSection,
    DraftEvent,
    attribute,
    draft_section,
    keep_supported,
    recite,
    renumber_openers,
    summary_items,
)
from pipeline.draft.shared import SharedEvidence, gather, write_facts_section, write_fallback
from pipeline.draft.templates import LENGTHS, SectionSpec, Template, load_template, with_length
from pipeline.draft.written import answer_sentence, preamble_sentences
from pipeline.embed import MemoEmbedder
from pipeline.errors import ConfigError
from pipeline.llm import ChatModel, as_chat_model
from pipeline.settings import Settings
from pipeline.text.analyzer import Analyzer
from pipeline.text.markers import MARKER_RE, extract_markers
from pipeline.types import Brief, EvidenceCard
from pipeline.verify import (
    LLMJudge,
    add_reasons,
    check_already_regulated,
    mark_contradictions,
    verify_sentences,
)

if TYPE_CHECKING:
    from pipeline.embed import Embedder
    from pipeline.index import Index

__all__ = ["DraftResult", "DraftRun", "draft_brief", "redraft_section", "reverify"]


@dataclass(slots=True)
class DraftResult:
    """The brief, its audit record and the files written for the run (if any).

    It also keeps what :func:`redraft_section` and :func:`reverify` need to change one section
    and assemble the brief again.
    """

    brief: Brief
    audit: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    run: DraftRun | None = field(default=None, repr=False)


@dataclass(slots=True)
class DraftRun:
    """Everything one brief is drafted with; kept so a section can be redrafted later."""

    topic: str
    index: Index
    tpl: Template
    settings: Settings
    chat: ChatModel
    embedder: Embedder
    analyzer: Analyzer
    cards: Sequence[EvidenceCard]
    region: str | None
    filters: dict[str, Any] | None
    audience: str | None
    started: _dt.datetime
    folder: Path | None
    user: str | None = None
    index_version: str | None = None
    drafted: dict[str, DraftedSection] = field(default_factory=dict)
    seconds: float = 0.0
    judge_log: list[dict[str, Any]] = field(default_factory=list)
    shared: SharedEvidence | None = None


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return None


def draft_brief(
    topic: str,
    index: Index,
    *,
    settings: Settings | None = None,
    template: Template | str | Path | None = None,
    lang: Literal["id", "en"] | None = None,
    model: Any = None,
    cards: Sequence[EvidenceCard] = (),
    region: str | None = None,
    filters: dict[str, Any] | None = None,
    audience: str | None = None,
    length: Literal["short", "standard", "long"] = "standard",
    embedder: Embedder | None = None,
    on_event: Callable[[DraftEvent], None] | None = None,
    run_dir: str | Path | bool = True,
    user: str | None = None,
) -> DraftResult:
    """Draft, verify and (with ``run_dir``) save a brief on ``topic`` from ``index``.

    ``template`` is a :class:`Template`, a name or a path (default ``draft.template``);
    ``model`` a :class:`~pipeline.llm.ChatModel`, a LangChain chat model, or ``None`` for the
    backend in ``settings.llm``; ``cards`` statistics evidence cards (see
    :func:`pipeline.stats.cards_from_files`) offered to sections with ``stats = true`` — by
    default the index's own, for the region the topic or ``region`` names;
    ``filters`` apply to every retrieval (same keys as ``pilar search --filter``);
    ``audience`` (e.g. "Bupati dan Sekda") is told to the model; ``length`` scales the answers.
    ``run_dir=True`` writes the run folder under ``draft.runs_dir``; a path writes there;
    ``False`` writes nothing. ``user`` (default: the operating-system account) goes into the
    audit record with the index version the brief was drafted from.
    """
    topic = re.sub(r"\s+", " ", topic).strip()
    if not topic:
        raise ConfigError("the topic is empty", help='Give the brief a topic, e.g. "disiplin PNS".')
    if length not in LENGTHS:
        raise ConfigError(f"unknown length {length!r}", help="Use short, standard or long.")
    settings = settings or index.settings
    lang = lang or settings.draft.lang
    # no tables given: the figures come from the index's statistics, if it has any
    cards = cards or index.figure_cards(topic, region)
    tpl = template if isinstance(template, Template) else None
    tpl = tpl or load_template(template or settings.draft.template, lang, settings)
    tpl = with_length(tpl, length)
    started = _dt.datetime.now(_dt.UTC)
    folder = None
    if run_dir:
        folder = (
            Path(run_dir)
            if not isinstance(run_dir, bool)
            else settings.home / settings.draft.runs_dir / run_name(started, topic)
        )
    run = DraftRun(
        topic=topic,
        index=index,
        tpl=tpl,
        settings=settings,
        chat=as_chat_model(model, settings.llm),
        embedder=MemoEmbedder(embedder or index.embedder),
        analyzer=Analyzer(stem=True),
        cards=cards,
        region=region,
        filters=filters,
        audience=(audience or "").strip() or None,
        started=started,
        folder=folder,
        user=user or _os_user(),
        index_version=index.manifest.get("version"),
    )
    emit = on_event or (lambda event: None)
    t0 = time.perf_counter()
    if tpl.evidence == "shared":
        emit(DraftEvent("section", "fakta", "Fakta", "reading the evidence into a fact sheet"))
        run.shared = gather(
            index, tpl, topic, settings, cards=cards, region=region, filters=filters
        )
    order = [s for s in tpl.sections if s.kind in ("provisions", "data")]
    order += [s for s in tpl.sections if s.kind == "llm"]
    order += [s for s in tpl.sections if s.kind == "summary"]
    for spec in order:
        _run_section(run, spec, emit)
    emit(DraftEvent("verify", text="verifying sentences"))
    for section in run.drafted.values():
        _verify_section(run, section)
    _check_brief(run)
    run.seconds = time.perf_counter() - t0
    return _finish(run, emit)


def redraft_section(
    result: DraftResult,
    key: str,
    *,
    seed: int | None = None,
    on_event: Callable[[DraftEvent], None] | None = None,
) -> DraftResult:
    """Draft one section again (a new seed unless given), verify it, and assemble the brief
    again; the run folder (if any) is rewritten. Dasar Hukum follows the new citations."""
    run = _require_run(result)
    spec = next((s for s in run.tpl.sections if s.key == key), None)
    if spec is None or spec.kind == "legal_basis":
        raise ConfigError(
            f"section {key!r} cannot be redrafted",
            help="Choose one of: "
            + ", ".join(s.key for s in run.tpl.sections if s.kind != "legal_basis"),
        )
    emit = on_event or (lambda event: None)
    base = run.settings.llm.seed if run.settings.llm.seed is not None else 0
    new_seed = (
        seed
        if seed is not None
        else base + 1 + sum(1 for d in run.drafted.values() for _ in d.audit.get("redrafts", []))
    )
    llm = run.settings.llm.model_copy(update={"seed": new_seed})
    settings = run.settings.model_copy(update={"llm": llm})
    previous = run.drafted.get(key)
    t0 = time.perf_counter()
    section = _run_section(run, spec, emit, settings=settings)
    section.audit["redrafts"] = [
        *(previous.audit.get("redrafts", []) if previous else []),
        {
            "seed": new_seed,
            "previous_raw_output": previous.audit.get("raw_output") if previous else None,
        },
    ]
    _verify_section(run, section)
    _check_brief(run)
    run.seconds += time.perf_counter() - t0
    return _finish(run, emit)


def reverify(
    result: DraftResult,
    edits: dict[str, str],
    *,
    on_event: Callable[[DraftEvent], None] | None = None,
) -> DraftResult:
    """Replace the text of sections with an analyst's edits and verify them again.

    ``edits`` maps a section key to its new text, whose ``[n]`` markers use the brief's
    reference numbers. A marker may point at any reference of the brief; one that points at no
    reference is removed, as in drafting.
    """
    run = _require_run(result)
    by_number = {ref.n: ref.id for ref in result.brief.references}
    items_by_id = {i.id: i for d in run.drafted.values() for i in d.items}
    emit = on_event or (lambda event: None)
    for key, text in edits.items():
        section = run.drafted.get(key)
        if section is None:
            raise ConfigError(f"no drafted section {key!r} in this brief")
        local: dict[int, int] = {}
        for n, ref_id in by_number.items():
            item = items_by_id.get(ref_id)
            if item is None:
                continue
            positions = [i for i, it in enumerate(section.items) if it.id == ref_id]
            if not positions:
                section.items.append(copy_item(item))
                positions = [len(section.items) - 1]
            local[n] = positions[0] + 1

        def to_local(match: re.Match[str], local: dict[int, int] = local) -> str:
            numbers = [local[n] for n in extract_markers(match[0]) if n in local]
            return f"[{', '.join(map(str, numbers))}]" if numbers else ""

        sentences = []
        for sentence in split_answer(text):
            fixed = MARKER_RE.sub(to_local, sentence)
            fixed = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", fixed)).strip()
            if re.search(r"\w", MARKER_RE.sub("", fixed)):
                sentences.append(fixed)
        section.audit.setdefault("edits", []).append(
            {"before": list(section.sentences), "after": sentences}
        )
        section.sentences = sentences
        section.attributed = set()
        section.note = None if sentences else section.note
        _verify_section(run, section)
    _check_brief(run)
    return _finish(run, emit)


def _require_run(result: DraftResult) -> DraftRun:
    if result.run is None:
        raise ConfigError("this draft result keeps no run state (it was loaded from a file)")
    return result.run


def _run_section(
    run: DraftRun,
    spec: SectionSpec,
    emit: Callable[[DraftEvent], None],
    settings: Settings | None = None,
) -> DraftedSection:
    """Retrieve, draft and attribute one section (stored in ``run.drafted``)."""
    settings = settings or run.settings
    emit(DraftEvent("section", spec.key, spec.heading))
    if run.shared is not None:
        return _run_shared_section(run, spec, emit, settings)
    if spec.kind == "summary":
        others = [d for k, d in run.drafted.items() if k != spec.key]
        items = summary_items(others, spec.k or 5)
        query = None
        if not items:  # nothing cited yet: fall back to the topic itself
            query = run.topic
            items = retrieve_items(run.index, query, spec.k or settings.draft.k, run.filters)
    else:
        query = spec.query.format(topic=run.topic)
        items = retrieve_items(run.index, query, spec.k or settings.draft.k, run.filters)
        if spec.stats and run.cards:
            chosen = select_cards(
                run.cards,
                f"{run.topic} {query}",
                settings.draft.cards_per_section,
                region=run.region,
            )
            items += [item_from_card(c) for c in chosen]
    if run.audience:
        who = "Pembaca" if run.tpl.lang == "id" else "Audience"
        spec = replace(spec, instruction=f"{spec.instruction} {who}: {run.audience}.".strip())
    section = draft_section(
        spec, run.tpl, run.topic, query, items, run.chat, settings, run.analyzer, emit
    )
    if section.sentences:
        attribute(section, settings, run.embedder)
    run.drafted[spec.key] = section
    emit(DraftEvent("section_done", spec.key, spec.heading, f"{len(section.sentences)}"))
    return section


def _run_shared_section(
    run: DraftRun, spec: SectionSpec, emit: Callable[[DraftEvent], None], settings: Settings
) -> DraftedSection:
    """A section of a brief with shared evidence: written from the fact sheet (provisions,
    data) or by the model from the numbered facts, every sentence cited by construction, after
    the section's lead sentence from the facts (the summary: the rule the topic turns on, for a
    question its direct answer)."""
    shared = run.shared
    assert shared is not None
    if spec.kind in ("provisions", "data"):
        section = write_facts_section(spec, run.tpl, shared, run.topic)
        for sentence in section.sentences:  # on screen at once: no model is waited for
            emit(DraftEvent("token", spec.key, spec.heading, sentence + " "))
    else:
        if run.audience:
            who = "Pembaca" if run.tpl.lang == "id" else "Audience"
            spec = replace(spec, instruction=f"{spec.instruction} {who}: {run.audience}.".strip())
        leads = _lead_sentences(run, spec)
        for lead in leads:  # on screen at once, before the model's sentences
            emit(DraftEvent("token", spec.key, spec.heading, lead + " "))
        # asked once more only when nothing else would write the section: with a fallback the
        # facts do (the retry rescued 8 of 17 empty sections in brief_quality.py at ~13 s each)
        section = _model_section(run, spec, emit, settings, retry=not leads and not spec.fallback)
        leads = [lead for lead in leads if lead not in section.sentences]
        if leads:
            section.sentences[:0] = leads
            section.attributed = {i + len(leads) for i in section.attributed}
            section.note = None
            section.audit["leads"] = leads
        least = spec.sentence_range[0]
        if spec.fallback and len(section.sentences) < least:
            wrote = len(section.sentences)
            run.drafted[spec.key] = section  # what the model wrote counts as quoted
            extra = write_fallback(
                spec,
                run.tpl,
                shared,
                run.topic,
                run.drafted,
                run.settings,
                run.embedder,
                top_up=bool(wrote),
            )
            extra = extra if not wrote else extra[: least - wrote]
            section.sentences += extra
            for sentence in extra:
                emit(DraftEvent("token", spec.key, spec.heading, sentence + " "))
            if extra:
                section.note = None
                section.audit["from_facts"] = extra
                section.audit["written_by"] = (
                    f"fact sheet: {len(extra)} sentence(s) after the {wrote} drafted"
                    if wrote
                    else "fact sheet (the model wrote nothing usable)"
                )
                section.audit["sentences"] = list(section.sentences)
    run.drafted[spec.key] = section
    emit(DraftEvent("section_done", spec.key, spec.heading, f"{len(section.sentences)}"))
    return section


def _lead_sentences(run: DraftRun, spec: SectionSpec) -> list[str]:
    """The sentences the facts write before the model's (``lead`` of the section; a summary
    opens with the rule the topic turns on, for a question its direct answer; Latar Belakang
    with the considerations of the main regulation's Menimbang)."""
    shared = run.shared
    assert shared is not None
    lead = spec.lead or ("rule" if spec.kind == "summary" else None)
    if lead == "rule":
        rule = answer_sentence(run.topic, shared.sheet.provisions, shared.numbers, run.tpl.lang)
        return [rule] if rule else []
    if lead == "preamble":
        return preamble_sentences(shared.items, shared.numbers, run.topic, run.tpl.lang)
    return []


def _model_section(
    run: DraftRun,
    spec: SectionSpec,
    emit: Callable[[DraftEvent], None],
    settings: Settings,
    *,
    retry: bool = True,
) -> DraftedSection:
    """A section the model writes from the shared facts. With ``draft.model_sentences =
    "verified"`` a sentence the verifier does not find supported is left out as the section is
    drafted, and when none remains (and ``retry``: the section has no lead sentence from the
    facts) the model is asked once more (another seed, more varied sampling); what was left out
    stays in the audit record."""
    shared = run.shared
    assert shared is not None

    def attempt(attempt_settings: Settings) -> DraftedSection:
        drafted = draft_section(
            spec,
            run.tpl,
            run.topic,
            None,
            shared.copies(),
            run.chat,
            attempt_settings,
            run.analyzer,
            emit,
            cited=True,
            # the dictionary is Indonesian: English briefs are not checked word by word
            vocabulary=shared.vocabulary if run.tpl.lang == "id" else None,
        )
        recite(drafted, attempt_settings, run.embedder)
        return drafted

    section = attempt(settings)
    if settings.draft.model_sentences != "verified":
        return section
    documents = run.index.documents()
    left_out = keep_supported(section, settings, run.embedder, documents)
    most = spec.sentence_range[1]
    if not section.sentences and retry:
        emit(DraftEvent("section", spec.key, f"{spec.heading} ↻"))
        llm = settings.llm
        again = settings.model_copy(
            update={
                "llm": llm.model_copy(
                    update={
                        "seed": (llm.seed or 0) + 1,
                        "temperature": max(llm.temperature, 0.7),
                    }
                )
            }
        )
        second = attempt(again)
        left_out += keep_supported(second, settings, run.embedder, documents)
        for i, sentence in enumerate(second.sentences):
            if len(section.sentences) >= most:
                break
            if sentence not in section.sentences:
                if i in second.attributed:
                    section.attributed.add(len(section.sentences))
                section.sentences.append(sentence)
        section.audit["second_answer"] = second.audit.get("raw_output")
        for key in ("prompt_tokens", "output_tokens", "seconds"):
            if isinstance(second.audit.get(key), int | float):
                section.audit[key] = section.audit.get(key, 0) + second.audit[key]
        if section.audit.get("prompt_reused_tokens") is not None:
            reused = second.audit.get("prompt_reused_tokens") or 0
            section.audit["prompt_reused_tokens"] += reused
    section.audit["left_out"] = left_out
    if left_out and len(spec.starts) > 1:
        section.sentences = renumber_openers(section.sentences, spec.starts)
    section.audit["sentences"] = list(section.sentences)
    section.note = None if section.sentences else NOTES[run.tpl.lang]["no_sentences"]
    return section


def _verify_section(run: DraftRun, section: DraftedSection) -> None:
    section.verdicts = []
    if not section.sentences:
        return
    judge = LLMJudge(run.chat, run.tpl.lang) if run.settings.draft.judge else None
    section.checked = verify_sentences(
        section.sentences,
        [to_evidence(i) for i in section.items],
        run.settings,
        run.embedder,
        judge=judge,
        require_markers=True,
    )
    section.verdicts = list(section.checked)
    section.audit["verdicts"] = [v.to_json() for v in section.verdicts]
    if judge:
        section.audit["judge"] = judge.log


def _check_brief(run: DraftRun) -> None:
    """The checks across the whole brief, on top of each section's own verdicts: sentences of
    different sections that contradict each other, and recommendations of a regulation the
    index already holds."""
    sections = [d for d in run.drafted.values() if d.checked]
    flat = [v for d in sections for v in d.checked]
    groups = [n for n, d in enumerate(sections) for _ in d.checked]
    marked = mark_contradictions(flat, groups=groups)
    documents = run.index.documents()
    start = 0
    for section in sections:
        own = marked[start : start + len(section.checked)]
        start += len(section.checked)
        section.verdicts = [
            add_reasons(v, check_already_regulated(v.claim, documents)) for v in own
        ]
        section.audit["verdicts"] = [v.to_json() for v in section.verdicts]


def _prompt_tokens(run: DraftRun) -> dict[str, int | None]:
    """Prompt tokens of the model calls, and how many the backend read (not reused from its
    cache; ``None`` when the backend does not say)."""
    audits = [d.audit for d in run.drafted.values() if "prompt_tokens" in d.audit]
    total = sum(a["prompt_tokens"] for a in audits)
    reused = [a.get("prompt_reused_tokens") for a in audits]
    known = all(r is not None for r in reused) and bool(reused)
    return {
        "prompt_tokens": total,
        "read": total - sum(r for r in reused if r is not None) if known else None,
        "calls": len(audits),
    }


def _finish(run: DraftRun, emit: Callable[[DraftEvent], None]) -> DraftResult:
    """Assemble the brief from the drafted sections, build the audit record, write the files."""
    tpl, index, settings = run.tpl, run.index, run.settings
    brief, audit_sections = assemble_brief(
        tpl, run.topic, tpl.lang, run.drafted, settings, index, run.chat, run.started
    )
    if run.folder is not None:
        brief = brief.model_copy(update={"run_dir": str(run.folder)})
    audit = {
        "request": {
            "topic": run.topic,
            "template": tpl.label,
            "template_path": str(tpl.path) if tpl.path else None,
            "lang": tpl.lang,
            "index": str(index.path),
            "index_version": run.index_version,
            "user": run.user,
            "filters": run.filters or {},
            "region": run.region,
            "audience": run.audience,
            "cards_offered": len(run.cards),
        },
        "created": brief.created,
        "seconds": round(run.seconds, 2),
        "model": run.chat.model_id,
        "settings": settings.model_dump(mode="json"),
        "index_manifest": index_manifest(index),
        "template": {
            "system": tpl.system,
            "section_prompt": tpl.section_prompt,
            "sections": [
                {"key": s.key, "kind": s.kind, "max_tokens": s.max_tokens, "sentences": s.sentences}
                for s in tpl.sections
            ],
        },
        "sections": audit_sections,
        "shared_evidence": run.shared.audit() if run.shared else None,
        "prompt_tokens": _prompt_tokens(run),
        "brief": brief.model_dump(mode="json"),
    }
    files: dict[str, Path] = {}
    if run.folder is not None:
        from pipeline.export import write_run

        files = write_run(brief, audit, run.folder)
    emit(DraftEvent("done", text=f"{brief.summary.supported}/{brief.summary.sentences} supported"))
    return DraftResult(brief=brief, audit=audit, files=files, run=run)
