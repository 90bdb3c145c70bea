"""The two retrievers over a loaded index: dense (FAISS, or numpy for exact search) and BM25,
each giving its top positions with scores; and maximal marginal relevance to diversify."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex

__all__ = ["bm25", "dense", "mmr"]


def dense(
    state: LoadedIndex, vector: np.ndarray, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    """The top ``n`` chunk positions by cosine similarity to the query ``vector``; with ayat
    vectors (``pipeline.store.pieces``), a chunk's score is ``w·own + (1−w)·max(own, best
    ayat)``, ``w`` = ``retrieve.ayat_weight``."""
    own = _nearest(state.faiss, state.flat_vectors(), vector, n, mask)
    if not state.piece_owner.size:
        return own
    return _with_ayat(state, vector, own, n, mask)


def _with_ayat(
    state: LoadedIndex,
    vector: np.ndarray,
    own: list[tuple[int, float]],
    n: int,
    mask: np.ndarray | None,
) -> list[tuple[int, float]]:
    owner = state.piece_owner
    pieces = _nearest(
        state.pieces, state.piece_vectors, vector, 3 * n, None if mask is None else mask[owner]
    )
    best: dict[int, float] = {}
    for piece, score in pieces:
        pos = int(owner[piece])
        best[pos] = max(score, best.get(pos, -np.inf))
    scores = dict(own)
    missing = [pos for pos in best if pos not in scores]
    if missing:  # an ayat matched, its chunk's own vector was not among the top n
        flat = state.flat_vectors()
        if flat is not None:
            scores.update(zip(missing, (flat[missing] @ vector).tolist(), strict=True))
        else:  # approximate index: its own score is at most the n-th one's
            floor = own[-1][1] if own else np.inf
            scores.update((pos, min(floor, best[pos])) for pos in missing)
    w = state.settings.retrieve.ayat_weight
    combined = {p: w * s + (1 - w) * max(s, best.get(p, s)) for p, s in scores.items()}
    return sorted(combined.items(), key=lambda item: (-item[1], item[0]))[:n]


def _nearest(
    index: Any, flat: np.ndarray | None, vector: np.ndarray, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    """The top ``n`` rows of an exact index's vectors (``flat``) or of a FAISS ``index``."""
    import faiss

    query = np.ascontiguousarray(vector[None, :], dtype=np.float32)
    if flat is not None:
        # one query against exact search, as one matrix-vector product in numpy's own SIMD loop
        # (einsum): no BLAS or OpenMP threads that keep spinning afterwards and slow the next
        # query's embedding on a 2-core machine (hybrid p50 at 100k: 52 ms via FAISS → ~35 ms)
        scores = np.einsum("ij,j->i", flat, query[0])
        n = min(n, len(scores))
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
            n = min(n, int(mask.sum()))
        if n <= 0:
            return []
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]
    n = min(n, index.ntotal)
    if n <= 0:
        return []
    if mask is None:
        scores, ids = index.search(query, n)
    else:
        allowed = np.nonzero(mask)[0].astype(np.int64)
        if not len(allowed):
            return []
        selector = faiss.IDSelectorBatch(allowed)
        if hasattr(index, "hnsw"):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(index.hnsw.efSearch, n))
        elif hasattr(index, "nprobe"):
            params = faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = index.search(query, min(n, len(allowed)), params=params)
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
