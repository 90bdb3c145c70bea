"""A brief's shared evidence (templates with ``evidence = "shared"``): retrieved once for all
sections, read into a fact sheet, numbered once, and shown to the model as facts — the
normative sentences of each Pasal and the figures of each statistics card — at the start of
every section's prompt, so that llama.cpp's prompt cache reads it once per brief.

The sections the facts write alone (``provisions``: Ketentuan Kunci; ``data``: Data dan Tren)
are made here too, without a model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.draft.evidence import (
    EvidenceItem,
    copy_item,
    item_from_card,
    retrieve_items,
    to_evidence,
)
from pipeline.draft.evidence import select_cards as _select_cards
from pipeline.draft.facts import build_fact_sheet, clean_provision
from pipeline.draft.notes import NOTES
from pipeline.draft.section import DraftedSection
from pipeline.draft.templates import SectionSpec, Template
from pipeline.draft.written import (
    data_sentences,
    fallback_sentences,
    key_provisions,
    pick_provisions,
)
from pipeline.settings import Settings
from pipeline.text.words import Vocabulary
from pipeline.types import EvidenceCard, FactSheet
from pipeline.verify import verify_sentences

if TYPE_CHECKING:
    from pipeline.embed import Embedder
    from pipeline.index import Index

__all__ = ["SharedEvidence", "gather", "write_facts_section", "write_fallback"]

#: words of one fact as the model sees it: short facts make short sentences
_FACT_WORDS = 32
_CROSS_REF = re.compile(
    r"\s*sebagaimana dimaksud (?:dalam|pada)(?: Pasal \d+[A-Z]?)?(?: ayat \(\d+\))?"
    r"(?: huruf [a-z])?(?: angka \d+)?",
    re.IGNORECASE,
)


def _short(text: str, words: int) -> str:
    """``text`` without its cross-references ("sebagaimana dimaksud dalam Pasal 4 huruf d"),
    cut to ``words`` words."""
    tokens = _CROSS_REF.sub("", text).split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


class SharedEvidence:
    """The numbered items every section of the brief sees, and the fact sheet read from them."""

    def __init__(self, items: list[EvidenceItem], sheet: FactSheet) -> None:
        self.items = items
        self.sheet = sheet
        self.numbers = {item.id: n for n, item in enumerate(items, 1)}
        #: the words a model sentence may use: the dictionary, the evidence and the topic
        self.vocabulary = Vocabulary([sheet.topic, *(i.text for i in items)])

    def copies(self) -> list[EvidenceItem]:
        """The items for one section (own copies: a section may add items later)."""
        return [copy_item(i) for i in self.items]

    def audit(self) -> dict[str, Any]:
        """The fact sheet and the numbered evidence, for the audit record."""
        return {
            "fact_sheet": self.sheet.model_dump(mode="json"),
            "evidence": [
                {"n": n, "id": i.id, "citation": i.citation, "shown": i.shown}
                for n, i in enumerate(self.items, 1)
            ],
        }


def gather(
    index: Index,
    tpl: Template,
    topic: str,
    settings: Settings,
    *,
    cards: Sequence[EvidenceCard] = (),
    region: str | None = None,
    filters: dict[str, Any] | None = None,
) -> SharedEvidence:
    """Retrieve every section's query once, keep the passages in first-seen order (the ones
    with normative facts first) up to ``draft.shared_passages``, add the matching statistics
    cards, and read the fact sheet."""
    seen: dict[str, EvidenceItem] = {}
    queries = [s.query.format(topic=topic) for s in tpl.sections if s.kind in ("llm", "provisions")]
    for query in dict.fromkeys(queries or [topic]):
        for item in retrieve_items(index, query, settings.draft.k, filters):
            seen.setdefault(item.id, item)
    found = list(seen.values())
    sheet = build_fact_sheet(topic, found)
    with_facts = {f.ref for f in sheet.provisions}
    ranked = [i for i in found if i.id in with_facts] + [i for i in found if i.id not in with_facts]
    chunks = ranked[: settings.draft.shared_passages]
    if any(s.lead == "preamble" for s in tpl.sections):
        preamble = _preamble(index, chunks, with_facts, topic, filters)
        if preamble is not None:
            chunks.append(preamble)
    chosen_cards: list[EvidenceCard] = []
    if cards and any(s.stats or s.kind == "data" for s in tpl.sections):
        # the indicators the topic names; when it names none, the cards of the region the
        # analyst asked for (--region), else none: a figure that bears on nothing is left out
        chosen_cards = _select_cards(cards, topic, settings.draft.cards_per_section, region=region)
        if not chosen_cards and region:
            names = " ".join(dict.fromkeys(c.indicator_name for c in cards))
            chosen_cards = [
                c
                for c in _select_cards(cards, names, len(cards), region=region)
                if c.region_level != "national"
            ][:2]
    items = chunks + [item_from_card(c) for c in chosen_cards]
    sheet = build_fact_sheet(topic, chunks, chosen_cards)
    by_ref: dict[str, list[str]] = {}
    for fact in sheet.provisions:
        by_ref.setdefault(fact.ref, []).append(_short(fact.text, _FACT_WORDS))
    for item in items:
        facts = by_ref.get(item.id)
        item.shown = " ".join(facts[:3]) if facts else _short(clean_provision(item.text), 40)
    return SharedEvidence(items, sheet)


def _preamble(
    index: Index,
    chunks: list[EvidenceItem],
    with_facts: set[str],
    topic: str,
    filters: dict[str, Any] | None,
) -> EvidenceItem | None:
    """The Menimbang of the main regulation (the first passage with facts), when the
    evidence does not hold it yet."""
    main = next((i.doc_id for i in chunks if i.id in with_facts and i.doc_id), None)
    if main is None or any(i.doc_id == main and i.citation.endswith(" Menimbang") for i in chunks):
        return None
    wanted = {**(filters or {}), "doc_id": [main], "kind": ["preamble"]}
    found = retrieve_items(index, topic, 1, wanted)
    return found[0] if found else None


def write_facts_section(
    spec: SectionSpec, tpl: Template, shared: SharedEvidence, topic: str
) -> DraftedSection:
    """Ketentuan Kunci (``provisions``) or Data dan Tren (``data``), written from the fact sheet
    without a model; an empty section says why."""
    section = DraftedSection(spec=spec, items=shared.copies(), query=topic)
    if spec.kind == "provisions":
        chosen = pick_provisions(shared.sheet.provisions, topic, spec.k or 6)
        section.sentences = key_provisions(chosen, shared.numbers, tpl.lang)
    else:
        for figure in shared.sheet.figures[: spec.k or 3]:
            section.sentences += data_sentences(figure, shared.numbers[figure.ref], tpl.lang)
    if not section.sentences:
        section.note = NOTES[tpl.lang]["no_evidence" if spec.kind == "provisions" else "no_figures"]
    section.audit = {
        "key": spec.key,
        "heading": spec.heading,
        "written_by": "fact sheet",
        "sentences": list(section.sentences),
        "note": section.note,
    }
    return section


def write_fallback(
    spec: SectionSpec,
    tpl: Template,
    shared: SharedEvidence,
    topic: str,
    drafted: Mapping[str, DraftedSection],
    settings: Settings,
    embedder: Embedder,
    *,
    top_up: bool = False,
) -> list[str]:
    """What the facts write for a model section left empty or short (``spec.fallback``;
    ``top_up``: after the model's sentences): the provisions no ``drafted`` section states yet
    first, a recommendation resting on the first option, each sentence one the verifier
    supports."""
    assert spec.fallback is not None
    quoted = [s for section in drafted.values() for s in section.sentences]
    options = next((s.key for s in tpl.sections if s.fallback == "options"), None)
    follow = drafted[options].sentences[:1] if options in drafted else []
    most = spec.sentence_range[1]
    evidence = [to_evidence(i) for i in shared.items]

    def supported(sentences: Sequence[str]) -> list[bool]:
        verdicts = verify_sentences(sentences, evidence, settings, embedder, require_markers=True)
        return [v.verdict == "supported" for v in verdicts]

    return fallback_sentences(
        spec.fallback,
        shared.sheet.provisions,
        shared.sheet.figures,
        shared.numbers,
        topic,
        tpl.lang,
        quoted=quoted,
        follow=follow,
        most=most,
        supported=supported,
        top_up=top_up,
    )
