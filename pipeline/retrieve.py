"""Question → ranked, filtered, cited hits: dense (FAISS) + BM25, fused, in-force aware.

1. Filters (jenis, tahun range, region, language, status, document, kind) become one boolean
   mask over chunk positions; FAISS searches only inside it (``IDSelectorBatch``) and BM25
   scores outside it are dropped.
2. Each retriever gives its top ``candidates``; reciprocal rank fusion (or a weighted sum of
   min-max normalised scores) merges them. BM25 weighs more for a question where its best
   passage scores far above its second (a rare word, a name, a number matched): there the
   lexical match is the better evidence.
3. A chunk of a revoked regulation is demoted — in each ranking it counts as if it stood
   ``revoked_penalty`` places lower (``partial_penalty`` when partially revoked) — and labelled,
   never hidden: analysts ask about history too. A question that asks about the rule now
   ("sekarang", "currently in force") demotes harder; one about the past ("dulu",
   "previously") not at all.
4. A matching Penjelasan lifts its Pasal: the hit is the Pasal (the norm an analyst cites),
   noting the Penjelasan in ``Hit.via``. English questions are expanded with Indonesian terms
   (``pipeline.glossary``) before both retrievers see them.
5. An amended Pasal that matches lifts the change of the amending law that rewrote it (its
   wording in force, ``Chunk.amends``) to just above it.
6. Optionally, maximal marginal relevance diversifies the final list.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.errors import PilarError
from pipeline.types import Hit

if TYPE_CHECKING:
    from pipeline.index import _Loaded

FILTER_KEYS = ("jenis", "tahun", "region", "language", "status", "doc_id", "kind")


class FilterError(PilarError):
    """A filter could not be understood."""

    help = "Filters look like jenis=UU,PP  tahun=2010..2020  region='JAWA BARAT'  status=in_force  language=id"
    exit_code = 2


def parse_filters(items: list[str] | None) -> dict[str, Any]:
    """``["jenis=UU,PP", "tahun=2010..2020"]`` → ``{"jenis": ["UU","PP"], "tahun": (2010, 2020)}``."""
    filters: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in FILTER_KEYS:
            raise FilterError(f"cannot read filter {item!r}; keys: {', '.join(FILTER_KEYS)}")
        if key == "tahun":
            filters[key] = _year_range(value)
        else:
            filters[key] = [v.strip() for v in value.split(",") if v.strip()]
    return filters


def _year_range(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0] or 0), int(value[1] or 9999)
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:\.\.|-|–)?\s*(\d{4})?\s*", str(value))
    if not match or not (match[1] or match[2]):
        raise FilterError(
            f"cannot read year range {value!r} (use 2010..2020, 2015, 2010.., ..2020)"
        )
    if "." not in str(value) and "-" not in str(value) and "–" not in str(value):
        year = int(match[1] or match[2])
        return year, year
    return int(match[1] or 0), int(match[2] or 9999)


def filter_mask(state: _Loaded, filters: dict[str, Any] | None) -> np.ndarray | None:
    """A boolean mask of the chunks that pass ``filters`` (``None`` when there are none)."""
    if not filters:
        return None
    mask = np.ones(state.n, dtype=bool)
    for key, value in filters.items():
        if value is None or value == [] or value == "":
            continue
        if key == "tahun":
            low, high = _year_range(value)
            column = state.meta["tahun"]
            mask &= (column >= low) & (column <= high)
            continue
        if key not in FILTER_KEYS:
            raise FilterError(f"unknown filter {key!r}; keys: {', '.join(FILTER_KEYS)}")
        wanted = [value] if isinstance(value, str) else list(value)
        if key == "jenis":
            wanted = [w.lower() for w in wanted]
        if key == "region":
            wanted = [w.upper() for w in wanted]
        mask &= state.meta[key].isin(wanted)
    return mask


def search(
    state: _Loaded,
    query: str,
    *,
    k: int = 10,
    filters: dict[str, Any] | None = None,
    mode: str = "hybrid",
) -> list[Hit]:
    """Top-``k`` hits for ``query``; ``mode`` is ``hybrid``, ``dense`` or ``bm25``."""
    if mode not in {"hybrid", "dense", "bm25"}:
        raise FilterError(f"unknown search mode {mode!r} (hybrid, dense, bm25)")
    settings = state.settings.retrieve
    if state.n == 0 or not query.strip():
        return []
    mask = filter_mask(state, filters)
    if mask is not None and not mask.any():
        return []
    candidates = max(settings.candidates, k)
    dense: list[tuple[int, float]] = []
    sparse: list[tuple[int, float]] = []
    query_vector = None
    if settings.expand_english:
        from pipeline.glossary import expand_query

        query = expand_query(query)
    if mode in {"hybrid", "dense"}:
        query_vector = state.embedder.embed_query(query)
        dense = _dense(state, query_vector, candidates, mask)
    if mode in {"hybrid", "bm25"}:
        sparse = _bm25(state, query, candidates, mask)

    scale = _in_force_scale(query, settings.current_intent_factor)
    bm25_weight = settings.bm25_weight
    ratio = settings.bm25_confident_ratio
    if ratio > 0 and len(sparse) >= 2 and sparse[0][1] >= ratio * sparse[1][1]:
        bm25_weight = settings.bm25_confident_weight  # one passage stands out lexically

    def penalty(pos: int) -> int:
        return int(state.penalty[pos] * scale)

    fused: dict[int, float] = {}
    if mode == "hybrid" and settings.fusion == "weighted":
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
    via: dict[int, int] = {}
    if settings.fold_penjelasan:
        for pos in list(fused):
            target = state.fold_to.get(pos)
            if target is None or (mask is not None and not mask[target]):
                continue
            score = fused.pop(pos)
            if score > fused.get(target, 0.0):
                fused[target] = score
                via[target] = pos
    if settings.lift_amendments:
        # an amended Pasal that matches brings the change that rewrote it (its wording in force)
        # to just above it: the analyst sees the rule now, then what it replaced
        for pos, score in list(fused.items()):
            changes = state.amended_by.get(pos, ())
            for i, change in enumerate(changes):  # newest first
                lifted = score * (1 + 1e-9 * (len(changes) - i)) + 1e-12
                if (mask is None or mask[change]) and fused.get(change, 0.0) < lifted:
                    fused[change] = lifted
    ordered = sorted(fused, key=lambda p: (-fused[p], p))
    if settings.mmr and query_vector is not None:
        ordered = _mmr(
            state, query_vector, ordered[: max(3 * k, 30)], fused, k, settings.mmr_lambda
        )
    top = ordered[:k]

    dense_rank = {pos: (i, s) for i, (pos, s) in enumerate(dense, 1)}
    bm25_rank = {pos: (i, s) for i, (pos, s) in enumerate(sparse, 1)}
    via_ids = dict(zip(via, (c.id for c in state.chunks_at(list(via.values()))), strict=True))
    hits = []
    for rank, (pos, chunk) in enumerate(zip(top, state.chunks_at(top), strict=True), 1):
        doc_status, note = state.status_notes.get(chunk.doc_id, ("n/a", None))
        if pos in state.chunk_notes:  # this Pasal itself was amended or revoked
            doc_status, note = state.meta["status"][pos], state.chunk_notes[pos]
        hits.append(
            Hit(
                chunk=chunk,
                score=float(fused[pos]),
                rank=rank,
                dense_rank=dense_rank.get(pos, (None, None))[0],
                dense_score=_f(dense_rank.get(pos, (None, None))[1]),
                bm25_rank=bm25_rank.get(pos, (None, None))[0],
                bm25_score=_f(bm25_rank.get(pos, (None, None))[1]),
                status=doc_status or "n/a",
                status_note=note,
                via=via_ids.get(pos),
            )
        )
    return hits


_CURRENT = re.compile(
    r"\b(sekarang|saat\s+ini|kini|dewasa\s+ini|yang\s+berlaku|masih\s+berlaku|terbaru|terkini|"
    r"currently|current|today|nowadays|now|in\s+force|latest|up\s+to\s+date)\b",
    re.IGNORECASE,
)
_HISTORY = re.compile(
    r"\b(dulu|dahulu|semula|sebelumnya|sejarah|historis|lama|previously|formerly|originally|"
    r"used\s+to|history|historical|old\s+(?:law|rule|regulation)s?)\b",
    re.IGNORECASE,
)


def _in_force_scale(query: str, factor: float) -> float:
    """How hard to demote revoked text: more when the question asks about the rule *now*,
    not at all when it asks about the past ("dulu", "previously")."""
    if _HISTORY.search(query):
        return 0.0
    return factor if _CURRENT.search(query) else 1.0


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _dense(
    state: _Loaded, vector: np.ndarray, n: int, mask: np.ndarray | None
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


def _bm25(state: _Loaded, query: str, n: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
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


def _mmr(
    state: _Loaded, query: np.ndarray, pool: list[int], fused: dict[int, float], k: int, lam: float
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
