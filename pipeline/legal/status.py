"""In-force status, as pure functions over an index's rows: nothing here reads a file.

* :func:`compute_status` — each document's status (in force, amended, partially revoked,
  revoked) and a note ("dicabut oleh PP 94/2021"), from the revoke/amend relations, at build.
* :func:`chunk_penalties` — per chunk, the demotion in ranks and the chunk's own status where a
  relation names its Pasal or BAB, when an index is opened.
* :func:`amendment_links` — amended Pasal → the changes of the amending laws that rewrote it,
  newest first, when an index is opened.

Retrieval uses the last two to rank (``pipeline.retrieve``); the labels of the statuses are in
``pipeline.text.labels``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from pipeline.types import regulation_label

__all__ = [
    "STATUS_ORDER",
    "amendment_links",
    "chunk_penalties",
    "compute_status",
    "relation_targets",
]

#: the stronger status wins when two relations touch one document
STATUS_ORDER = {"in_force": 0, "amended": 1, "partially_revoked": 2, "revoked": 3}

#: (jenis, nomor, tahun) → (doc_id, short label "UU 12/2011") of every regulation in an index
Regulations = Mapping[tuple[str, str, int], tuple[str, str]]


def compute_status(
    docs: list[dict[str, Any]], relations: list[dict[str, Any]]
) -> dict[str, tuple[str, str | None]]:
    """doc_id → (status, note) from the revoke/amend relations of the documents in the index."""
    by_ref: dict[tuple[str, str, int], str] = {}
    labels: dict[str, str] = {}
    for doc in docs:
        if doc.get("jenis"):
            by_ref[(doc["jenis"], doc["nomor"], doc["tahun"])] = doc["doc_id"]
            labels[doc["doc_id"]] = regulation_label(doc["jenis"], doc["nomor"], doc["tahun"])
    status: dict[str, tuple[str, str | None]] = {
        d["doc_id"]: ("in_force", None) if d.get("jenis") else ("n/a", None) for d in docs
    }
    for rel in relations:
        target = by_ref.get((rel["target_jenis"], rel["target_nomor"], rel["target_tahun"]))
        if target is None or target == rel["source_doc"]:
            continue
        source = labels.get(rel["source_doc"], "?")
        where = f" Pasal {rel['pasal']}" if rel.get("pasal") else ""
        if rel["type"] == "revokes":
            new = "partially_revoked" if rel["partial"] else "revoked"
            verb = "dicabut sebagian oleh" if rel["partial"] else "dicabut oleh"
        else:
            new, verb = "amended", "diubah oleh"
        note = f"{verb} {source}{where}"
        old, old_note = status[target]
        if STATUS_ORDER.get(new, 0) > STATUS_ORDER.get(old, 0):
            status[target] = (new, note if not old_note else f"{note}; {old_note}")
        elif old_note:
            status[target] = (old, f"{old_note}; {note}")
        else:
            status[target] = (old, note)
    return status


def relation_targets(relations: Iterable[Mapping[str, Any]], regulations: Regulations) -> set[str]:
    """The doc ids that ``relations`` point at (those in the index)."""
    keys = {(r["target_jenis"], r["target_nomor"], r["target_tahun"]) for r in relations}
    return {regulations[key][0] for key in keys if key in regulations}


def chunk_penalties(
    doc_status: Any,
    regulations: Regulations,
    relations: Sequence[Mapping[str, Any]],
    target_chunks: Iterable[tuple[int, str, str | None, str | None]],
    *,
    revoked: int,
    partial: int,
) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """Per-chunk demotion (in ranks) and chunk-level status, from the relations.

    ``doc_status`` is each chunk's document status (a numpy array of labels, or any column
    whose ``== label`` gives a boolean mask and ``[pos]`` a label); ``relations`` the amending and partly
    revoking relations; ``target_chunks`` (pos, doc_id, pasal, heading) of the chunks of the
    documents they target. Returns the penalties and, for the chunks whose own status differs
    from their document's, ``pos → (status, note)``.

    Whole revocation → every chunk of the target. Partial revocation of a BAB or of named
    Pasal → just those chunks; "dicabut … sepanjang/kecuali …" → every chunk (most of the
    text goes). An amending law's changes → the Pasal it rewrites (their old wording is no
    longer in force).
    """
    status = doc_status
    penalty = np.where(
        status == "revoked", revoked, np.where(status == "partially_revoked", partial, 0)
    ).astype(np.int32)
    notes: dict[int, tuple[str, str]] = {}
    if not relations:
        return penalty, notes
    labels = {doc_id: label for doc_id, label in regulations.values()}
    where: dict[str, list[tuple[int, str | None, str | None]]] = {}
    for pos, doc_id, pasal, heading in target_chunks:
        bab = re.search(r"· BAB ([IVXLC]+)\b", heading or "")
        where.setdefault(doc_id, []).append((pos, pasal, bab[1] if bab else None))
    for rel in relations:
        target = regulations.get((rel["target_jenis"], rel["target_nomor"], rel["target_tahun"]))
        if target is None or target[0] == rel["source_doc"]:
            continue
        source = (
            f"{labels.get(rel['source_doc'], '?')} Pasal {rel['pasal']}"
            if rel["pasal"]
            else labels.get(rel["source_doc"], "?")
        )
        scope = rel["scope"] or ""
        pasal_set = set(re.findall(r"Pasal\s+(\w+)", scope))
        bab_set = set(re.findall(r"\bBab\s+([IVXLC]+)\b", scope, re.IGNORECASE))
        for pos, pasal, bab in where.get(target[0], []):
            if rel["type"] == "amends":
                current = notes[pos][0] if pos in notes else status[pos]
                if pasal in pasal_set and current not in ("revoked",):
                    notes[pos] = ("amended", f"Pasal {pasal} diubah oleh {source}")
                    penalty[pos] = max(penalty[pos], partial)
            elif (bab and bab.upper() in {b.upper() for b in bab_set}) or (
                pasal and pasal in pasal_set
            ):
                notes[pos] = ("revoked", f"dicabut oleh {source} ({scope[:80]})")
                penalty[pos] = revoked
            elif not bab_set and not pasal_set and rel["exception"]:
                penalty[pos] = revoked  # revoked except what the exception keeps
    return penalty, notes


def amendment_links(
    amends: Iterable[tuple[int, str]],
    regulations: Regulations,
    pasal_chunks: Callable[[str], Iterable[tuple[int, str | None]]],
    tahun: np.ndarray,
) -> dict[int, list[int]]:
    """Chunk of an amended Pasal → the chunks of the changes that rewrote it, newest first.

    ``amends`` is (pos, "UU 12/2011 Pasal 85") of each change chunk (``Chunk.amends``: the
    wording in force of the Pasal it names); ``pasal_chunks(doc_id)`` gives (pos, pasal) of the
    Pasal and ayat chunks of a document; ``tahun`` each chunk's year.
    """
    wanted: dict[tuple[str, str], list[int]] = {}
    for pos, label_pasal in amends:
        label, _, pasal = label_pasal.rpartition(" Pasal ")
        wanted.setdefault((label, pasal), []).append(pos)
    if not wanted:
        return {}
    docs = {label: doc_id for doc_id, label in regulations.values()}
    by_doc: dict[str, list[tuple[str, list[int]]]] = {}
    for (label, pasal), changes in wanted.items():
        if label in docs:
            by_doc.setdefault(docs[label], []).append((pasal, changes))
    links: dict[int, list[int]] = {}
    for doc_id, items in by_doc.items():
        changes_of = dict(items)
        for pos, pasal in pasal_chunks(doc_id):
            if pasal in changes_of:
                links[pos] = changes_of[pasal]
    for changes in links.values():  # the newest change first: its wording is the one in force
        changes.sort(key=lambda c: (-int(tahun[c]), c))
    return links
