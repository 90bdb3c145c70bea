"""Ayat pieces: a second vector for each numbered ayat of a Pasal chunk.

A Pasal's vector averages all its ayat, so a question about one of them (the deadline in
ayat (3), the sanction in ayat (5)) can rank the Pasal below others. Each ayat of a Pasal
chunk with two or more is also embedded on its own, led like its chunk by the regulation's
title and BAB, then by the Pasal's citation (``"… \\nUU 5/2014 Pasal 87\\n(4) PNS
diberhentikan tidak dengan hormat karena: …"``), and kept in
the index version beside the chunk vectors (``ayat_vectors.npy``, and ``ayat_owner.npy`` = the
chunk position each belongs to). At search time the chunks the chunk vectors found are
re-scored ``w·own + (1−w)·max(own, best ayat)`` (:func:`pipeline.retrieve.retrievers.dense`).

Measured on the 30 held-out regulation questions: Recall@10 0.644 → 0.711, MRR@10 0.574 →
0.619 (English 0.567 → 0.633); the 57 development questions unchanged in recall
(benchmarks/README.md, "Ayat vectors").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.legal.parse import find_ayat
from pipeline.types import Chunk

__all__ = ["PIECE_KINDS", "PIECE_OWNER", "PIECE_VECTORS", "piece_texts", "write_pieces"]

PIECE_KINDS = frozenset({"pasal", "ayat"})
PIECE_VECTORS = "ayat_vectors.npy"  # float16, one row per piece, in chunk order
PIECE_OWNER = "ayat_owner.npy"  # int32: the chunk position of each row (non-decreasing)


def piece_texts(chunks: Sequence[Chunk], with_heading: bool = True) -> tuple[np.ndarray, list[str]]:
    """For each ayat of each Pasal chunk that has two or more: the chunk's position and the
    text to embed (the chunk's heading as in :func:`pipeline.store.texts.embed_text`, its
    citation without the ayat span, then the ayat)."""
    owners: list[int] = []
    texts: list[str] = []
    for pos, chunk in enumerate(chunks):
        if chunk.kind not in PIECE_KINDS:
            continue
        lead = chunk.citation.split(" ayat (")[0]
        if with_heading and chunk.heading:
            lead = f"{chunk.heading}\n{lead}"
        for ayat in find_ayat(chunk.text, first=None):
            owners.append(pos)
            texts.append(f"{lead}\n{ayat.text}")
    return np.asarray(owners, dtype=np.int32), texts


def write_pieces(folder: Path, owners: np.ndarray, vectors: np.ndarray) -> dict[str, Any]:
    """Write the pieces of a version into ``folder``; returns their manifest entry. Half
    precision: the vectors only re-score candidates, where 16 bits change no ranking measured
    (benchmarks/README.md), and a million Pasal chunks' ~1.3 million ayat take 1 GB of disk,
    memory-mapped, not 2."""
    np.save(folder / PIECE_VECTORS, np.ascontiguousarray(vectors, dtype=np.float16))
    np.save(folder / PIECE_OWNER, np.asarray(owners, dtype=np.int32))
    return {"kind": "ayat", "count": len(owners), "dtype": "float16"}
