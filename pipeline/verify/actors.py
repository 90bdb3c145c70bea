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
    "coordinate": "coordinated",
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
#: the government as a whole, central or regional: named in passing ("obligasi yang diterbitkan
#: pemerintah daerah") more often than as the one who acts, so checked only where the sentence
#: makes it act or be addressed ("ditanggung oleh pemerintah daerah", "borne by …")
_GENERAL = frozenset({"pemerintah_pusat", "pemerintah_daerah"})
_AGENT_BEFORE = re.compile(r"\b(?:oleh|by|kepada|to|dari|from)\s+(?:the\s+)?$", re.IGNORECASE)


def check_actors(claim: str, passage: str, best: str, number: int | None) -> list[Reason]:
    """``actor_mismatch`` reasons for ``claim`` against the cited ``passage`` text and the
    passage sentence ``best`` it matches (roles are compared within that sentence)."""
    said = [
        m
        for m in find_actors(claim)
        if m.key not in _GENERAL or m.role or _AGENT_BEFORE.search(claim[: m.start])
    ]
    if not said:
        return []
    there = find_actors(passage)
    named = {m.key for m in there}
    general = any(m.key in _GENERAL for m in said) and defined_heads(passage)
    if not named and not _SOMEONE.search(passage) and not general:
        return []
    maybe = named | defined_heads(passage)
    # a list item ("e. mengusulkan …") leaves its subject in the chapeau, outside the passage
    headless = bool(_ITEM_START.match(passage))
    for mention in said:
        if not headless and not covers(maybe, mention.key):
            someone = _SOMEONE.search(passage)
            others = ", ".join(_name(k) for k in sorted(named or maybe))
            if not named and someone:
                others = f"'{someone[0]}'"
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
