"""The two retrievers over a loaded index: dense (FAISS, or numpy for exact search) and BM25,
each giving its top positions with scores; and maximal marginal relevance to diversify."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex
    from pipeline.store.pieces import AyatVectors

__all__ = ["bm25", "dense", "mmr"]


def dense(
    state: LoadedIndex, vector: np.ndarray, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    """The top ``n`` chunk positions by cosine similarity to the query ``vector``; with ayat
    vectors (``pipeline.store.pieces``) they are then re-scored ``w·own + (1−w)·max(own, best
    ayat)``, ``w`` = ``retrieve.ayat_weight``."""
    own = _nearest(state, vector, n, mask)
    if state.ayat is None or not own:
        return own
    return _with_ayat(state.ayat, state.settings.retrieve.ayat_weight, vector, own)


def _with_ayat(
    ayat: AyatVectors, w: float, vector: np.ndarray, own: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """``own`` re-scored with the best ayat of each chunk and re-sorted. Only the chunks the
    chunk vectors found are re-scored: scoring every ayat of the corpus brought no chunk more
    into the top 10 of 87 questions and cost 18 ms a query at 100k chunks (benchmarks/README.md,
    "Ayat vectors")."""
    positions = np.fromiter((p for p, _ in own), dtype=np.int64, count=len(own))
    start, stop = ayat.start[positions], ayat.start[positions + 1]
    counts = stop - start
    scores = np.array([s for _, s in own])
    best = scores.copy()
    has = counts > 0
    if has.any():
        rows = np.concatenate([np.arange(a, b) for a, b in zip(start[has], stop[has], strict=True)])
        matrix = ayat.rows(rows)
        piece_scores = np.einsum("ij,j->i", matrix, vector.astype(np.float32))  # no BLAS threads
        offsets = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
        best[has] = np.maximum(scores[has], np.maximum.reduceat(piece_scores, offsets))
    combined = w * scores + (1 - w) * best
    order = np.lexsort((positions, -combined))
    return [(int(positions[i]), float(combined[i])) for i in order]


def _nearest(
    state: LoadedIndex, vector: np.ndarray, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    import faiss

    query = np.ascontiguousarray(vector[None, :], dtype=np.float32)
    n = min(n, state.n)
    flat = state.flat_vectors()
    if flat is not None:
        # one query against exact search, as one matrix-vector product in numpy's own SIMD loop
        # (einsum): no BLAS or OpenMP threads that keep spinning afterwards and slow the next
        # query's embedding on a 2-core machine (hybrid p50 at 100k: 52 ms via FAISS → ~35 ms)
        scores = np.einsum("ij,j->i", flat, query[0])
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
            n = min(n, int(mask.sum()))
        if n <= 0:
            return []
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]
    if mask is None:
        scores, ids = state.faiss.search(query, n)
    else:
        allowed = np.nonzero(mask)[0].astype(np.int64)
        selector = faiss.IDSelectorBatch(allowed)
        if hasattr(state.faiss, "hnsw"):
            params = faiss.SearchParametersHNSW(
                sel=selector, efSearch=max(state.faiss.hnsw.efSearch, n)
            )
        elif hasattr(state.faiss, "nprobe"):
            params = faiss.SearchParametersIVF(sel=selector, nprobe=state.faiss.nprobe)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = state.faiss.search(query, min(n, len(allowed)), params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def bm25(
    state: LoadedIndex, query: str, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    if state.bm25 is None:
        return []
    tokens = state.analyzer(query)
    ids = state.bm25.get_tokens_ids(tokens)
    if not ids:
        return []
    scores = np.asarray(state.bm25.get_scores_from_ids(ids), dtype=np.float32)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    n = min(n, int((scores > 0).sum()))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top]


def mmr(
    state: LoadedIndex,
    query: np.ndarray,
    pool: list[int],
    fused: dict[int, float],
    k: int,
    lam: float,
) -> list[int]:
    vectors = np.vstack([state.faiss.reconstruct(int(p)) for p in pool])
    rel = np.array([fused[p] for p in pool])
    rel = (
        (rel - rel.min()) / (rel.max() - rel.min()) if rel.max() > rel.min() else np.ones_like(rel)
    )
    chosen: list[int] = []
    remaining = list(range(len(pool)))
    while remaining and len(chosen) < k:
        if chosen:
            sim = vectors[remaining] @ vectors[chosen].T
            penalty = sim.max(axis=1)
        else:
            penalty = np.zeros(len(remaining))
        scores = lam * rel[remaining] - (1 - lam) * penalty
        best = remaining[int(np.argmax(scores))]
        chosen.append(best)
        remaining.remove(best)
    return [pool[i] for i in chosen] + [p for i, p in enumerate(pool) if i not in chosen]
