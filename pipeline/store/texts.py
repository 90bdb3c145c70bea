"""What a chunk contributes to the index: the text embedded, the text BM25 reads, and the hash
that keys its vector in the embedding cache."""

from __future__ import annotations

import hashlib

from pipeline.types import Chunk

__all__ = ["bm25_text", "embed_text", "led_by_heading", "text_hash"]


def embed_text(chunk: Chunk, with_heading: bool = True) -> str:
    """The text the embedder sees: the chunk, led by its regulation title and BAB; for an
    evidence card, its series family (``pipeline.stats.chunks``: indicator names, unit, level)."""
    if chunk.kind == "card" and chunk.heading:
        return chunk.heading
    return led_by_heading(chunk, chunk.text, with_heading)


def led_by_heading(chunk: Chunk, text: str, with_heading: bool = True) -> str:
    """``text`` (the chunk's, or a part of it) led by the chunk's heading, when it has one."""
    return f"{chunk.heading}\n{text}" if with_heading and chunk.heading else text


def bm25_text(chunk: Chunk) -> str:
    """The text BM25 indexes: citation, heading and the chunk."""
    return f"{chunk.citation}\n{chunk.heading or ''}\n{chunk.text}"


def text_hash(text: str) -> str:
    """The key of a text's vector in the embedding cache."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
