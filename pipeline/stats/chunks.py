"""Statistics tables as index chunks: one evidence card (region × indicator, exact figures,
cell provenance) becomes one chunk, cited to its cell."""

from __future__ import annotations

import hashlib
import logging

from pipeline.errors import PilarError
from pipeline.settings import Settings
from pipeline.stats import cards_from_files, format_card
from pipeline.types import Chunk, Document

logger = logging.getLogger(__name__)

__all__ = ["card_chunks"]


def card_chunks(doc: Document, settings: Settings) -> list[Chunk]:
    """Statistics tables also become evidence-card chunks (region × indicator, exact figures)."""
    if not doc.tables or not doc.media_type.startswith(
        ("text/csv", "application/vnd", "application/x-parquet", "application/parquet")
    ):
        return []
    try:
        report = cards_from_files([doc.source], settings=settings.stats)
    except PilarError as exc:
        logger.info("no evidence cards from %s: %s", doc.source, exc)
        return []
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
                heading=card.indicator_name,
                region=card.region,
            )
        )
    return chunks
