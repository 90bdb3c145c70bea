"""Assembly of the Brief: one reference list in reading order, Dasar Hukum, the summary line,
and the parts of the audit record and run folder that describe the index."""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.draft.answer import renumber_markers
from pipeline.draft.evidence import EvidenceItem
from pipeline.draft.notes import NOTES
from pipeline.draft.section import DraftedSection
from pipeline.draft.templates import Template
from pipeline.legal.refs import hierarchy_level
from pipeline.llm import ChatModel
from pipeline.settings import Settings
from pipeline.text.markers import extract_markers
from pipeline.types import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefSummary,
    LegalBasisItem,
    Reason,
    Source,
    Verdict,
    regulation_label,
)

if TYPE_CHECKING:
    from pipeline.index import Index

__all__ = [
    "assemble_brief",
    "index_manifest",
    "legal_basis",
    "renumber_verdict",
    "run_name",
    "summarise",
]


def assemble_brief(
    tpl: Template,
    topic: str,
    lang: str,
    drafted: dict[str, DraftedSection],
    settings: Settings,
    index: Index,
    chat: ChatModel,
    started: _dt.datetime,
) -> tuple[Brief, list[dict[str, Any]]]:
    """Renumber markers to one reference list in reading order; build Dasar Hukum; summarise."""
    numbers: dict[str, int] = {}
    references: list[Source] = []

    def number_of(item: EvidenceItem) -> int:
        if item.id not in numbers:
            numbers[item.id] = len(references) + 1
            references.append(item.source_record(numbers[item.id]))
        return numbers[item.id]

    drop = settings.draft.drop_unsupported
    sections: list[BriefSection] = []
    audit_sections: list[dict[str, Any]] = []
    legal_at: int | None = None
    for spec in tpl.sections:
        if spec.kind == "legal_basis":
            legal_at = len(sections)
            sections.append(BriefSection(key=spec.key, heading=spec.heading, kind=spec.kind))
            continue
        d = drafted[spec.key]
        sentences = []
        verdicts = d.verdicts or [None] * len(d.sentences)
        for i, (text, verdict) in enumerate(zip(d.sentences, verdicts, strict=True)):
            local = extract_markers(text)
            mapping = {n: number_of(d.items[n - 1]) for n in local}
            dropped = drop and verdict is not None and verdict.verdict == "unsupported"
            sentences.append(
                BriefSentence(
                    text=renumber_markers(text, mapping),
                    refs=[mapping[n] for n in local],
                    verdict=renumber_verdict(verdict, mapping) if verdict else None,
                    dropped=dropped,
                    attributed=i in d.attributed,
                )
            )
        sections.append(
            BriefSection(
                key=spec.key,
                heading=spec.heading,
                kind=spec.kind,
                sentences=sentences,
                query=d.query,
                note=d.note,
            )
        )
        audit_sections.append({**d.audit, "renumbered": {str(k): v for k, v in numbers.items()}})
    if legal_at is not None:
        spec = sections[legal_at]
        items = legal_basis(sections, references, index, settings, lang)
        note = None if items else NOTES[lang]["no_regulation"]
        sections[legal_at] = spec.model_copy(update={"legal_basis": items, "note": note})
        audit_sections.append(
            {"key": spec.key, "legal_basis": [i.model_dump(mode="json") for i in items]}
        )
    left_out = sum(len(d.audit.get("left_out") or ()) for d in drafted.values())
    summary = summarise(sections, lang, left_out=left_out)
    brief = Brief(
        title=tpl.title.format(topic=topic),
        topic=topic,
        lang=tpl.lang,
        template=tpl.label,
        created=started.isoformat(timespec="seconds"),
        index=str(index.path),
        model=chat.model_id,
        sections=sections,
        references=references,
        summary=summary,
    )
    return brief, audit_sections


def renumber_verdict(verdict: Verdict, mapping: dict[int, int]) -> Verdict:
    """The verdict with its claim, cited passages and reasons in the brief's numbers."""

    def g(n: int | None) -> int | None:
        return mapping.get(n) if n is not None else None

    reasons = [
        r.model_copy(update={"passage": g(r.passage)}) if r.passage else r for r in verdict.reasons
    ]
    return verdict.model_copy(
        update={
            "claim": renumber_markers(verdict.claim, mapping),
            "cited": [mapping[n] for n in verdict.cited if n in mapping],
            "best_passage": g(verdict.best_passage),
            "reasons": [Reason.model_validate(r.model_dump()) for r in reasons],
        }
    )


def legal_basis(
    sections: Sequence[BriefSection],
    references: Sequence[Source],
    index: Index,
    settings: Settings,
    lang: str = "id",
) -> list[LegalBasisItem]:
    """The regulations behind the references the kept sentences cite, by hierarchy, then year;
    a law amended by others in the index is named with them ("UU 23/2014 … sebagaimana telah
    diubah dengan Undang-Undang Nomor 9 Tahun 2015 …"), as Indonesian legal writing does."""
    cited = {n for s in sections for st in s.sentences if not st.dropped for n in st.refs}
    docs = {d["doc_id"]: d for d in index.documents()}
    by_doc: dict[str, dict[str, Any]] = {}
    for ref in references:
        if ref.n not in cited or ref.kind != "chunk":
            continue
        doc_id = ref.id.split("-")[0]
        doc = docs.get(doc_id)
        if not doc or not doc.get("jenis"):
            continue
        entry = by_doc.setdefault(doc_id, {"doc": doc, "refs": []})
        entry["refs"].append(ref.n)
    titles = {
        regulation_label(d["jenis"], d["nomor"], d["tahun"]): d["title"]
        for d in docs.values()
        if d.get("jenis")
    }
    items = []
    for entry in by_doc.values():
        doc = entry["doc"]
        status, note = doc.get("status") or "n/a", doc.get("status_note")
        if status == "revoked" and settings.draft.revoked_in_legal_basis == "omit":
            continue
        label = regulation_label(doc["jenis"], doc["nomor"], doc["tahun"])
        title = doc.get("title") or label
        amended = index.amendments(label)
        if amended:
            phrase = NOTES[lang]["amended_once" if len(amended) == 1 else "amended_more"]
            title = f"{title} {phrase.format(last=titles.get(amended[-1]) or amended[-1])}"
            if status == "amended":  # the title says it: the law as amended is in force
                status, note = "in_force", None
        items.append(
            LegalBasisItem(
                title=title,
                citation=label,
                jenis=doc["jenis"],
                nomor=str(doc["nomor"]) if doc.get("nomor") is not None else None,
                tahun=doc.get("tahun"),
                hierarchy_level=doc.get("hierarchy_level") or hierarchy_level(doc["jenis"]),
                status=status,
                status_note=note,
                refs=sorted(entry["refs"]),
            )
        )

    def order(item: LegalBasisItem) -> tuple[int, int, int]:
        nomor = int(item.nomor) if item.nomor and item.nomor.isdigit() else 0
        return (item.hierarchy_level or 99, item.tahun or 0, nomor)

    return sorted(items, key=order)


def summarise(sections: Sequence[BriefSection], lang: str, left_out: int = 0) -> BriefSummary:
    """The counts of verdicts and the problems worth a line at the top of the brief;
    ``left_out``: model sentences left out while drafting because no fact supported them."""
    notes = NOTES[lang]
    verdicts = [st.verdict for s in sections for st in s.sentences if st.verdict is not None]
    counts = Counter(v.verdict for v in verdicts)
    codes = Counter(code for v in verdicts for code in set(v.codes))
    problems = []
    for code, key in (
        ("number_mismatch", "number"),
        ("source_revoked", "revoked"),
        ("no_citation", "uncited"),
        ("citation_not_in_evidence", "uncited"),
        ("wrong_reference", "reference"),
        ("low_support", "low"),
        ("source_is_instruction", "instruction"),
    ):
        if codes.get(code):
            line = notes[key].format(n=codes[code])
            if line not in problems:
                problems.append(line)
    dropped = sum(st.dropped for s in sections for st in s.sentences)
    if dropped:
        problems.append(notes["dropped"].format(n=dropped))
    if left_out:
        problems.append(notes["left_out"].format(n=left_out))
    total = len(verdicts)
    return BriefSummary(
        sentences=total,
        supported=counts.get("supported", 0),
        weak=counts.get("weak", 0),
        unsupported=counts.get("unsupported", 0),
        dropped=dropped,
        left_out=left_out,
        supported_share=round(counts.get("supported", 0) / total, 4) if total else 0.0,
        problems=problems,
    )


def index_manifest(index: Index) -> dict[str, Any]:
    """The index's description for the audit record (an error message if it cannot be read)."""
    try:
        info = index.info()
    except Exception as exc:  # the audit must not fail the run
        return {"error": str(exc)}
    info.pop("skipped", None)
    return info


def run_name(started: _dt.datetime, topic: str) -> str:
    """The run folder's name: start time and a slug of the topic."""
    slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")[:40] or "brief"
    return f"{started.strftime('%Y%m%d-%H%M%S')}-{slug}"
