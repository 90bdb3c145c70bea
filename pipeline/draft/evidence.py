"""The evidence of a section: numbered passages (retrieved chunks and statistics cards).

An :class:`EvidenceItem` is made from a retrieval hit or an evidence card; the model is shown
each one trimmed to the sentences that best match the query (:func:`shown_text`) and fenced as
data (:func:`evidence_block`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipeline.legal.refs import parse_citation
from pipeline.text.analyzer import Analyzer
from pipeline.text.labels import NOT_IN_FORCE, status_label
from pipeline.text.markers import MARKER_RE
from pipeline.types import Evidence, EvidenceCard, Figure, Hit, Source, Status, regulation_label
from pipeline.verify import split_sentences

if TYPE_CHECKING:
    from pipeline.index import Index

__all__ = [
    "EvidenceItem",
    "copy_item",
    "evidence_block",
    "fence_safe",
    "item_from_card",
    "item_from_hit",
    "retrieve_items",
    "select_cards",
    "shown_text",
    "to_evidence",
]


@dataclass(slots=True)
class EvidenceItem:
    """A numbered passage of a section: a retrieved chunk or a statistics card."""

    kind: Literal["chunk", "card"]
    id: str
    citation: str
    full_citation: str
    text: str
    status: Status = "n/a"
    status_note: str | None = None
    doc_title: str | None = None
    source: str | None = None
    page: int | None = None
    doc_id: str | None = None
    jenis: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    shown: str = ""
    unit: str | None = None
    series: list[Figure] = field(default_factory=list)
    #: a card's exact values with their cells (its series and the national figure): what the
    #: verifier checks a sentence's figures against
    figures: list[Figure] = field(default_factory=list)

    def source_record(self, n: int) -> Source:
        """The item as reference ``n`` of the brief."""
        return Source(
            n=n,
            kind=self.kind,
            id=self.id,
            citation=self.citation,
            full_citation=self.full_citation,
            text=self.text,
            doc_title=self.doc_title,
            source=self.source,
            page=self.page,
            status=self.status,
            status_note=self.status_note,
            unit=self.unit,
            series=list(self.series),
        )


def item_from_hit(hit: Hit) -> EvidenceItem:
    """An item from a retrieval hit; the full citation names the document title.

    A Pasal a later law rewrote (``Hit.in_force``) is given in its wording in force, cited to
    both — "UU 23/2014 Pasal 101 jo. UU 9/2015 Pasal I angka 5" — under the base Pasal's chunk
    id, so a hit on the change and a hit on the base Pasal are one reference.
    """
    c = hit.chunk
    short = regulation_label(c.jenis, c.nomor, c.tahun) if c.jenis and c.nomor and c.tahun else None
    full = c.doc_title or c.citation
    if short and c.doc_title:
        locator = c.citation.replace(short, "").strip(" ,")
        full = f"{c.doc_title}, {locator}" if locator else c.doc_title
    elif c.doc_title and c.citation and c.citation != c.doc_title:
        full = f"{c.doc_title}, {c.citation}"
    item = EvidenceItem(
        kind="chunk",
        id=c.id,
        citation=c.citation,
        full_citation=full,
        text=c.text,
        status=hit.status,
        status_note=hit.status_note,
        doc_title=c.doc_title,
        source=c.source,
        page=c.pages[0] if c.pages else None,
        doc_id=c.doc_id,
        jenis=c.jenis,
        nomor=c.nomor,
        tahun=c.tahun,
    )
    now = hit.in_force
    if now is not None and now.text and len(now.citations) > 1 and now.chunk_ids:
        base, change = now.citations[0], now.citations[-1]
        item.id = now.chunk_ids[0]
        item.citation = f"{base} jo. {change}"
        item.full_citation = (
            f"{base} sebagaimana diubah oleh {change}"
            if c.amends
            else f"{full}, sebagaimana diubah oleh {change}"
        )
        item.text, item.status, item.status_note = now.text, "in_force", None
        item.doc_id = item.id.split("-")[0]
        base_ref = parse_citation(base.split(" Pasal ")[0])
        if base_ref is not None:
            item.jenis, item.nomor, item.tahun = base_ref.jenis, base_ref.nomor, base_ref.tahun
    return item


def item_from_card(card: EvidenceCard) -> EvidenceItem:
    """An item from a statistics card; the full citation names the cell it was read from."""
    unit = f" ({card.unit})" if card.unit else ""
    where = card.latest.cell.label
    return EvidenceItem(
        kind="card",
        id=card.id,
        citation=f"{card.indicator_name}, {card.region} {card.latest.period}",
        full_citation=f"{card.indicator_name}{unit}, {card.region}, {card.latest.period} — {where}",
        text=card.summary,
        source=card.latest.cell.file,
        unit=card.unit or None,
        series=list(card.series),
        figures=[*card.series, *([card.national] if card.national else [])],
    )


def select_cards(
    cards: Sequence[EvidenceCard],
    query: str,
    n: int,
    *,
    region: str | None = None,
    analyzer: Analyzer | None = None,
) -> list[EvidenceCard]:
    """The statistics cards that match ``query``: indicator words shared with the query, the
    region named in the query (or ``region``) first, then the national figure."""
    if n <= 0 or not cards:
        return []
    analyzer = analyzer or Analyzer(stem=True)
    q_tokens = set(analyzer(query))
    q_norm = f" {_norm(query)} "
    wanted_region = _norm(region) if region else None
    scored = []
    for card in cards:
        overlap = len(q_tokens & set(analyzer(card.indicator_name)))
        if overlap == 0:
            continue
        name = _norm(card.region)
        in_query = f" {name} " in q_norm
        if wanted_region is not None and name != wanted_region and card.region_level != "national":
            continue
        score = overlap + (3 if in_query or name == wanted_region else 0)
        score += 1 if card.region_level == "national" else 0
        scored.append((score, card.id, card))
    if not scored:
        return []
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [card for _, _, card in scored[:n]]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text.lower())).strip()


def shown_text(text: str, query_tokens: set[str], words: int, analyzer: Analyzer) -> str:
    """The sentences of ``text`` that best match the query, in their order, within ``words``."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat.split()) <= words:
        return flat
    sentences = split_sentences(text)
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(query_tokens & set(analyzer(sentences[i]))), i),
    )
    chosen: list[int] = []
    used = 0
    for i in scored:
        n = len(sentences[i].split())
        if used and used + n > words:
            continue
        chosen.append(i)
        used += n
        if used >= words:
            break
    out = " … ".join(sentences[i] for i in sorted(chosen))
    tokens = out.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


_FENCE_RE = re.compile(r"<<<|>>>")


def fence_safe(text: str) -> str:
    """Passage text cannot close the evidence fence or fake a numbered marker."""
    text = _FENCE_RE.sub(lambda m: "‹‹‹" if m[0] == "<<<" else "›››", text)
    return MARKER_RE.sub(lambda m: f"({m[1]})", text)


def evidence_block(items: Sequence[EvidenceItem], lang: str) -> str:
    """The numbered, fenced-safe evidence for the section prompt (status noted, titles once)."""
    blocks = []
    titled: set[str | None] = set()
    for n, item in enumerate(items, 1):
        status = status_label(item.status, lang) if item.status in NOT_IN_FORCE else None
        if status and item.status == "revoked":
            status = status.upper()  # the model must not miss it
        head = item.citation
        if item.kind == "chunk" and item.doc_title and item.doc_id not in titled:
            titled.add(item.doc_id)  # the title once per document: prompt tokens are the budget
            about = item.doc_title.split(" tentang ", 1)[-1] if item.jenis else item.doc_title
            head += f" — {'tentang ' if item.jenis else ''}{about}"
        if status:
            head += f" ({status}{': ' + item.status_note if item.status_note else ''})"
        blocks.append(f"[{n}] {fence_safe(head)}\n{fence_safe(item.shown or item.text)}")
    return "\n\n".join(blocks)


def retrieve_items(
    index: Index, query: str, k: int, filters: dict[str, Any] | None
) -> list[EvidenceItem]:
    """The hits of ``index`` for ``query`` as evidence items (a Pasal and the change that
    rewrote it are one item: its wording in force)."""
    items: dict[str, EvidenceItem] = {}
    for hit in index.search(query, k=k, filters=filters):
        item = item_from_hit(hit)
        items.setdefault(item.id, item)
    return list(items.values())


def to_evidence(item: EvidenceItem) -> Evidence:
    """The item as verification evidence (the whole passage text, not the shown part)."""
    return Evidence(
        text=item.text,
        citation=item.citation,
        status=item.status,
        chunk_id=item.id,
        figures=item.figures,
    )


def copy_item(item: EvidenceItem) -> EvidenceItem:
    """A copy of ``item`` (its own ``shown`` text, the same figures)."""
    fields = EvidenceItem.__slots__  # type: ignore[attr-defined]
    return EvidenceItem(**{f: getattr(item, f) for f in fields})
