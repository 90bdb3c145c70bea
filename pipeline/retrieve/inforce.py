"""In-force-aware ranking steps that work on the fused scores.

* :func:`in_force_scale` — how hard to demote revoked text for a question: harder when it asks
  about the rule now ("sekarang", "currently in force"), not at all about the past ("dulu").
* :func:`fold_penjelasan` — a matching Penjelasan lifts its Pasal: the hit is the Pasal (the
  norm an analyst cites), the Penjelasan noted in ``Hit.via``.
* :func:`lift_amendments` — an amended Pasal that matches brings the change of the amending
  law that rewrote it (its wording in force, ``Chunk.amends``) to just above it.
* :func:`in_force_wording` — the consolidated wording in force of the amended Pasal a hit
  belongs to, cited to the base Pasal and the change (``pipeline.store.lawbook``).

The penalties and links themselves are worked out once per opened index
(``pipeline.legal.status``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from pipeline.errors import ReferenceNotFoundError
from pipeline.types import Chunk, InForce, regulation_label

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex

__all__ = ["fold_penjelasan", "in_force_scale", "in_force_wording", "lift_amendments"]


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


def in_force_scale(query: str, factor: float) -> float:
    """How hard to demote revoked text: more when the question asks about the rule *now*,
    not at all when it asks about the past ("dulu", "previously")."""
    if _HISTORY.search(query):
        return 0.0
    return factor if _CURRENT.search(query) else 1.0


def fold_penjelasan(
    state: LoadedIndex, fused: dict[int, float], mask: np.ndarray | None
) -> dict[int, int]:
    """Move each Penjelasan's score to its Pasal (in place); Pasal position → Penjelasan
    position for the Pasal that took a Penjelasan's score."""
    via: dict[int, int] = {}
    for pos in list(fused):
        target = state.fold_to.get(pos)
        if target is None or (mask is not None and not mask[target]):
            continue
        score = fused.pop(pos)
        if score > fused.get(target, 0.0):
            fused[target] = score
            via[target] = pos
    return via


def lift_amendments(state: LoadedIndex, fused: dict[int, float], mask: np.ndarray | None) -> None:
    """An amended Pasal that matches brings the change that rewrote it (its wording in force)
    to just above it, in place: the analyst sees the rule now, then what it replaced."""
    for pos, score in list(fused.items()):
        changes = state.amended_by.get(pos, ())
        for i, change in enumerate(changes):  # newest first
            lifted = score * (1 + 1e-9 * (len(changes) - i)) + 1e-12
            if (mask is None or mask[change]) and fused.get(change, 0.0) < lifted:
                fused[change] = lifted


def in_force_wording(state: LoadedIndex, pos: int, chunk: Chunk) -> InForce | None:
    """For a chunk of a Pasal that a later law rewrote, deleted or revoked (or of a change that
    did): the Pasal's wording in force from the consolidated law (empty when it is gone).
    ``None`` for anything else."""
    if chunk.kind not in ("pasal", "ayat"):
        return None
    if chunk.amends:
        ref = chunk.amends  # a change of an amending law: "UU 12/2011 Pasal 85"
    elif state.meta["status"][pos] == "amended" and chunk.jenis and chunk.pasal:
        ref = f"{regulation_label(chunk.jenis, chunk.nomor, chunk.tahun)} Pasal {chunk.pasal}"
    else:
        return None
    try:
        found = state.lawbook.pasal(ref)
    except ReferenceNotFoundError:
        return None  # e.g. the base law is not in the index
    if found.status not in ("amended", "inserted", "partly_revoked", "deleted", "revoked"):
        return None
    cited = {v.citation: v.chunk_id for v in found.versions}
    return InForce(
        text=found.text,
        status=found.status,
        citations=found.citations,
        chunk_ids=[cited[c] for c in found.citations if cited.get(c)],
    )
