"""Fusing the dense and BM25 rankings into one score per chunk, with the in-force penalty.

Reciprocal rank fusion (or a weighted sum of min-max normalised scores) merges the two lists.
BM25 weighs more for a question where its best passage scores far above its second (a rare
word, a name, a number matched): there the lexical match is the better evidence. A chunk of a
revoked regulation counts as if it stood ``penalty`` places lower in each list, scaled by what
the question asks about (:func:`pipeline.retrieve.inforce.in_force_scale`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.retrieve.inforce import in_force_scale

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex

__all__ = ["fuse"]

Ranked = list[tuple[int, float]]


def fuse(
    state: LoadedIndex, query: str, dense: Ranked, sparse: Ranked, *, hybrid: bool
) -> dict[int, float]:
    """Position → fused score of every chunk in ``dense`` or ``sparse``."""
    settings = state.settings.retrieve
    scale = in_force_scale(query, settings.current_intent_factor)
    bm25_weight = settings.bm25_weight
    ratio = settings.bm25_confident_ratio
    if ratio > 0 and len(sparse) >= 2 and sparse[0][1] >= ratio * sparse[1][1]:
        bm25_weight = settings.bm25_confident_weight  # one passage stands out lexically

    def penalty(pos: int) -> int:
        return int(state.penalty[pos] * scale)

    fused: dict[int, float] = {}
    if hybrid and settings.fusion == "weighted":
        for weight, ranked in ((settings.dense_weight, dense), (bm25_weight, sparse)):
            if not ranked:
                continue
            scores = np.array([s for _, s in ranked])
            low, high = scores.min(), scores.max()
            for pos, score in ranked:
                norm = (score - low) / (high - low) if high > low else 1.0
                fused[pos] = fused.get(pos, 0.0) + weight * norm
        for pos in fused:
            fused[pos] *= settings.rrf_k / (settings.rrf_k + penalty(pos))
    else:
        # reciprocal rank fusion; a revoked chunk counts as if ranked `penalty` places lower
        for weight, ranked in ((settings.dense_weight, dense), (bm25_weight, sparse)):
            for rank, (pos, _score) in enumerate(ranked, 1):
                fused[pos] = fused.get(pos, 0.0) + weight / (settings.rrf_k + rank + penalty(pos))
    return fused
