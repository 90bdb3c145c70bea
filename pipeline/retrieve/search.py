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
   (``pipeline.retrieve.glossary``) before both retrievers see them.
5. An amended Pasal that matches lifts the change of the amending law that rewrote it (its
   wording in force, ``Chunk.amends``) to just above it; a hit on either carries the Pasal's
   consolidated wording in force (``Hit.in_force``), cited to both.
6. Optionally, maximal marginal relevance diversifies the final list.
7. A question that asks for a figure ("Berapa TPT Banten tahun 2020?") gets the exact figure
   from the index's figure store first, cited to its cell (``pipeline.stats.ask``): a hit of
   kind ``card`` whose text is the answer (or why there is none, or the candidates).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pipeline.retrieve import retrievers
from pipeline.retrieve.filters import FilterError, filter_mask
from pipeline.retrieve.fusion import fuse
from pipeline.retrieve.glossary import expand_query
from pipeline.retrieve.inforce import fold_penjelasan, in_force_wording, lift_amendments
from pipeline.types import Chunk, Hit

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex

__all__ = ["search"]


def search(
    state: LoadedIndex,
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
        query = expand_query(query)
    if mode in {"hybrid", "dense"}:
        query_vector = state.embedder.embed_query(query)
        dense = retrievers.dense(state, query_vector, candidates, mask)
    if mode in {"hybrid", "bm25"}:
        sparse = retrievers.bm25(state, query, candidates, mask)

    fused = fuse(state, query, dense, sparse, hybrid=mode == "hybrid")
    via = fold_penjelasan(state, fused, mask) if settings.fold_penjelasan else {}
    if settings.lift_amendments:
        lift_amendments(state, fused, mask)
    ordered = sorted(fused, key=lambda p: (-fused[p], p))
    if settings.mmr and query_vector is not None:
        ordered = retrievers.mmr(
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
        in_force = in_force_wording(state, pos, chunk)
        if in_force is not None and not in_force.text and not chunk.amends:  # deleted, revoked
            verb = "dihapus oleh" if in_force.status == "deleted" else "dicabut oleh"
            doc_status, note = "revoked", f"Pasal {chunk.pasal} {verb} {in_force.citations[-1]}"
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
                in_force=in_force,
            )
        )
    figure = _figure_hit(state, query, filters)
    if figure is not None:
        top = max((h.score for h in hits), default=0.0)
        hits = [figure.model_copy(update={"score": top + 1.0})] + [
            h.model_copy(update={"rank": h.rank + 1}) for h in hits[: k - 1]
        ]
    return hits


def _figure_hit(state: LoadedIndex, query: str, filters: dict[str, Any] | None) -> Hit | None:
    """The exact answer to a figure question as a hit, when the index has statistics and no
    filter other than region or language narrows the search."""
    if filters and set(filters) - {"region", "language"}:
        return None
    store = state.figures
    if store is None:
        return None
    from pipeline.stats.ask import answer_question

    answer = answer_question(query, store)
    if answer is None:
        return None
    key = f"{answer.region}|{answer.indicator}|{answer.period}|{answer.status}"
    doc_id = answer.doc_id or "figures"
    row = state.conn.execute("SELECT title FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    cell = answer.figure.cell.label if answer.figure else None
    name = answer.indicator_name or "?"
    citation = f"{name}, {answer.region} {answer.period or ''}".strip() + (
        f" — {cell}" if cell else ""
    )
    chunk = Chunk(
        id=f"{doc_id}-fig-{hashlib.sha1(key.encode()).hexdigest()[:12]}",
        doc_id=doc_id,
        kind="card",
        text=answer.message,
        citation=citation if answer.status != "ambiguous" else answer.message[:120],
        source=answer.figure.cell.file if answer.figure else "",
        doc_title=row["title"] if row else "",
        char_start=0,
        char_end=0,
        language="id",
        heading=name,
        region=answer.region,
    )
    return Hit(chunk=chunk, score=0.0, rank=1, figure=answer.model_dump(mode="json"))


def _f(value: Any) -> float | None:
    return None if value is None else float(value)
