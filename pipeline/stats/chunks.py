"""Statistics tables as index chunks: one evidence card (region × indicator, exact figures,
cell provenance) becomes one chunk, cited to its cell; the figures themselves go to the index's
figure store (:mod:`pipeline.stats.store`), not into chunks of rows.

A card's vector is that of its series family — the indicator's names (Indonesian and English),
unit and level — so a table of 514 kabupaten × 11 indicators costs 11 embeddings, not 5,652;
BM25 matches the region, and figure questions are answered from the store
(:mod:`pipeline.stats.ask`)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pipeline.chunk import chunk_document
from pipeline.errors import PilarError
from pipeline.settings import Settings
from pipeline.stats import cards_from_files, format_card
from pipeline.stats.known import english_name
from pipeline.types import Chunk, Document

logger = logging.getLogger(__name__)

__all__ = ["STATS_MEDIA", "card_chunks", "document_chunks", "is_statistics"]

#: the media types a statistics table comes in
STATS_MEDIA = ("text/csv", "application/vnd", "application/x-parquet", "application/parquet")


def is_statistics(doc: Document) -> bool:
    """A table file whose figures the statistics reader may understand."""
    return bool(doc.tables) and doc.media_type.startswith(STATS_MEDIA)


def document_chunks(
    doc: Document, settings: Settings, figures_to: Path | None = None
) -> list[Chunk]:
    """Every chunk of ``doc``: for a statistics table that gives cards, the cards alone (its
    figures written to ``figures_to``, the figure store; its rows are not text to embed);
    otherwise the chunks of ``pipeline.chunk``."""
    cards = card_chunks(doc, settings, figures_to)
    if cards:  # the table's text is its rows: the figures are in the store, cited by cell
        return cards
    return chunk_document(doc, settings.chunk)


def card_chunks(doc: Document, settings: Settings, figures_to: Path | None = None) -> list[Chunk]:
    """Statistics tables also become evidence-card chunks (region × indicator, exact figures)."""
    if not is_statistics(doc):
        return []
    try:
        report = cards_from_files([doc.source], settings=settings.stats, figures_to=figures_to)
    except PilarError as exc:
        logger.info("no evidence cards from %s: %s", doc.source, exc)
        return []
    if figures_to is not None and report.cards:  # the cards too, for briefs (FigureStore.cards)
        figures_to.with_suffix(".cards.jsonl").write_text(
            "".join(card.model_dump_json() + "\n" for card in report.cards), encoding="utf-8"
        )
    chunks = []
    for card in report.cards:
        text = format_card(card)
        digest = hashlib.sha1(f"{card.id}\x00{text}".encode()).hexdigest()[:12]
        chunks.append(
            Chunk(
                id=f"{doc.id}-{digest}",
                doc_id=doc.id,
                kind="card",
                text=text,
                citation=f"{doc.title} — {card.region}, {card.indicator_name} ({card.latest.period}), {card.latest.cell.label}",
                source=doc.source,
                doc_title=doc.title,
                char_start=0,
                char_end=0,
                language="id",
                heading=_family(card.indicator, card.indicator_name, card.unit, card.region_level),
                region=card.region,
            )
        )
    return chunks


def _family(code: str, name: str, unit: str, level: str) -> str:
    """What a card's vector stands for: "Persentase penduduk miskin (P0) / Poverty rate (P0)
    (persen) — provinsi"."""
    english = english_name(code)
    unit = f" ({unit})" if unit else ""
    return f"{name}{' / ' + english if english else ''}{unit} — {level}"
