"""``actor_mismatch``: the sentence names an institution or official the passage does not name
for that role (:mod:`pipeline.legal.actors`).

Two cases: the sentence names an actor that the cited passages never mention while they do name
others ("approved by the Ministry of Finance" where the passage says the DPR / DPRD), or it gives
a role to an actor that the passage gives to another ("dipilih oleh Presiden" where the passage
says "dipilih oleh Dewan Perwakilan Rakyat … diusulkan oleh Presiden"). A defined-term head in
the passage ("Badan" for BPS) counts as naming the actors it may stand for.
"""

from __future__ import annotations

import re

from pipeline.legal.actors import actors, covers, defined_heads, find_actors
from pipeline.types import Reason

__all__ = ["check_actors"]

_ROLE_LABEL = {
    "elect": "elected",
    "propose": "proposed",
    "accountable": "accountable",
    "report": "reported",
    "approve": "approved",
    "set": "decided",
    "hand": "handed over",
    "appoint": "appointed",
    "dismiss": "dismissed",
}


def _name(key: str) -> str:
    actor = actors()[key]
    if actor.english and actor.english.lower() != actor.name.lower():
        return f"{actor.name} ({actor.english})"
    return actor.name


#: someone who acts, named by a word the actor table does not hold ("atasan pelaksana",
#: "organisasi profesi auditor", "Menteri/pimpinan lembaga"): a sentence that names a listed
#: actor the passage does not is then giving the role to someone else
_SOMEONE = re.compile(
    r"\b(?:atasan|pejabat|organisasi|instansi|lembaga|pimpinan|kepala|menteri|badan|komisi|"
    r"dewan|majelis|panitia|tim|unit|satuan|inspektorat|pengadilan|hakim|pihak)\b(?:\s+\w+){0,2}",
    re.IGNORECASE,
)
_ITEM_START = re.compile(r"^\s*(?:[a-z]|\d{1,2})\s*[.)]\s")


def check_actors(claim: str, passage: str, best: str, number: int | None) -> list[Reason]:
    """``actor_mismatch`` reasons for ``claim`` against the cited ``passage`` text and the
    passage sentence ``best`` it matches (roles are compared within that sentence)."""
    said = find_actors(claim)
    if not said:
        return []
    there = find_actors(passage)
    named = {m.key for m in there}
    if not named and not _SOMEONE.search(passage):
        return []
    maybe = named | defined_heads(passage)
    # a list item ("e. mengusulkan …") leaves its subject in the chapeau, outside the passage
    headless = bool(_ITEM_START.match(passage))
    for mention in said:
        if not headless and not covers(maybe, mention.key):
            others = ", ".join(_name(k) for k in sorted(named)) or (
                f"'{_SOMEONE.search(passage)[0]}'"  # type: ignore[index]
            )
            return [
                Reason(
                    code="actor_mismatch",
                    message=f"the sentence names {_name(mention.key)}; the passage names {others}",
                    passage=number,
                )
            ]
    in_best = find_actors(best)
    for mention in said:
        if mention.role is None:
            continue
        same_role = {m.key for m in in_best if m.role == mention.role}
        if same_role and not covers(same_role, mention.key):
            holder = ", ".join(_name(k) for k in sorted(same_role))
            role, side = mention.role.split(":")
            what = "the duty of" if side == "of" else f"{_ROLE_LABEL[role]} {side}"
            return [
                Reason(
                    code="actor_mismatch",
                    message=f"in the passage it is {what} {holder}, not {_name(mention.key)}",
                    passage=number,
                )
            ]
    return []
