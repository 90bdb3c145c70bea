"""Ayat pieces: a second vector for each numbered ayat of a Pasal chunk.

A Pasal's vector averages all its ayat, so a question about one of them (the deadline in
ayat (3), the sanction in ayat (5)) can rank the Pasal below others. Each ayat of a Pasal
chunk with two or more is also embedded on its own, led like its chunk by the regulation's
title and BAB, then by the Pasal's citation (``"… \\nUU 5/2014 Pasal 87\\n(4) PNS
diberhentikan tidak dengan hormat karena: …"``). The vectors are kept in the index version
beside the chunk vectors (``ayat_codes.npy``, 8-bit, memory-mapped; ``ayat_owner.npy``, the
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
from pipeline.store.texts import led_by_heading
from pipeline.types import Chunk

__all__ = ["PIECE_KINDS", "AyatVectors", "piece_texts", "read_pieces", "write_pieces"]

PIECE_KINDS = frozenset({"pasal", "ayat"})
CODES = "ayat_codes.npy"  # uint8, one row per ayat, in chunk order (FAISS 8-bit scalar codes)
RANGE = "ayat_range.npy"  # float32 (2, dim): the quantiser's per-dimension minimum and width
OWNER = "ayat_owner.npy"  # int32: the chunk position of each row (non-decreasing)


class AyatVectors:
    """The ayat vectors of an opened version: codes memory-mapped, a chunk's rows by slice."""

    def __init__(self, folder: Path, chunks: int) -> None:
        self.codes = np.load(folder / CODES, mmap_mode="r")
        self.low, self.width = np.load(folder / RANGE)
        owner = np.load(folder / OWNER)
        # start[p]:start[p + 1] are chunk p's rows
        self.start = np.searchsorted(owner, np.arange(chunks + 1)).astype(np.int64)

    def __len__(self) -> int:
        return len(self.codes)

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows decoded as FAISS's ``QT_8bit`` decodes them: ``low + (code + ½)/255 · width``."""
        codes = np.asarray(self.codes[rows], dtype=np.float32)
        return self.low + (codes + 0.5) / 255.0 * self.width


def read_pieces(folder: Path, chunks: int) -> AyatVectors | None:
    """The ayat vectors of a version folder, if it has them."""
    return AyatVectors(folder, chunks) if (folder / CODES).exists() else None


def write_pieces(folder: Path, owners: np.ndarray, vectors: np.ndarray) -> dict[str, Any]:
    """Write a version's ayat vectors into ``folder``; returns their manifest entry.

    8-bit scalar quantisation (FAISS ``ScalarQuantizer``, trained on up to 100,000 of them):
    384 bytes an ayat, so the ~1.3 million ayat of a million Pasal chunks take 473 MiB,
    memory-mapped. They only re-score candidates: against float32, 8 bits left Recall@10 of
    87 questions unchanged and MRR@10 0.001 lower (benchmarks/README.md, "Ayat vectors")."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    quantiser = faiss.ScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit)
    pick = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 100_000), replace=False)
    quantiser.train(vectors[np.sort(pick)])
    np.save(folder / CODES, quantiser.compute_codes(vectors))
    np.save(folder / RANGE, faiss.vector_to_array(quantiser.trained).reshape(2, dim))
    np.save(folder / OWNER, np.asarray(owners, dtype=np.int32))
    return {"kind": "ayat", "count": len(owners), "codes": "faiss QT_8bit"}


def piece_texts(chunks: Sequence[Chunk], with_heading: bool = True) -> tuple[np.ndarray, list[str]]:
    """For each ayat of each Pasal chunk that has two or more: the chunk's position and the
    text to embed (the chunk's heading as in :func:`pipeline.store.texts.embed_text`, its
    citation without the ayat span, then the ayat)."""
    owners: list[int] = []
    texts: list[str] = []
    for pos, chunk in enumerate(chunks):
        if chunk.kind not in PIECE_KINDS:
            continue
        cite = chunk.citation.split(" ayat (")[0]
        for ayat in find_ayat(chunk.text, first=None):
            owners.append(pos)
            texts.append(led_by_heading(chunk, f"{cite}\n{ayat.text}", with_heading))
    return np.asarray(owners, dtype=np.int32), texts
