"""``already_regulated``: a recommendation to make a regulation the index already holds.

"Perlu menetapkan Peraturan Pemerintah tentang Pelaksanaan Undang-Undang Nomor 14 Tahun 2008"
is poor advice when PP 61/2010, which is exactly that, is in force and in the index. A sentence
that calls for a regulation (menetapkan / menyusun / membentuk / menerbitkan …; issue / enact /
adopt / draft …) of a kind (UU, PP, Perpres, Permen, Perda) on a subject is compared with the
regulations of that kind in the index: when most words of its subject are in one's ``tentang``,
the sentence is flagged, citing the existing regulation. A sentence that quotes a preamble
("Menurut konsiderans PP 94/2021, … perlu menetapkan …") states why that regulation was made
and is not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.types import Reason, regulation_label

__all__ = ["check_already_regulated"]

_KIND = {
    "undang-undang": "UU",
    "uu": "UU",
    "law": "UU",
    "peraturan pemerintah": "PP",
    "pp": "PP",
    "government regulation": "PP",
    "peraturan presiden": "Perpres",
    "perpres": "Perpres",
    "presidential regulation": "Perpres",
    "peraturan menteri": "Permen",
    "permen": "Permen",
    "ministerial regulation": "Permen",
    "peraturan daerah": "Perda",
    "perda": "Perda",
    "regional regulation": "Perda",
}
_CALL = re.compile(
    r"\b(?:menetapkan|menyusun|membentuk|menerbitkan|membuat|mengeluarkan|merumuskan|"
    r"mengesahkan|issue|issuing|enact|enacting|adopt|adopting|draft|drafting|establish|"
    r"establishing|make|making|prepare|preparing|introduce|introducing)\s+"
    r"(?:(?:a|an|the|sebuah|suatu)\s+)?(?:(?:new|baru)\s+)?"
    r"(?P<kind>undang-undang|peraturan\s+pemerintah|peraturan\s+presiden|peraturan\s+menteri|"
    r"peraturan\s+daerah|government\s+regulation|presidential\s+regulation|"
    r"ministerial\s+regulation|regional\s+regulation|law|UU|PP|Perpres|Permen|Perda)\b"
    r"(?:\s+(?:baru|new))?\s*(?:tentang|mengenai|on|concerning|regarding|about)?\s*"
    r"(?P<subject>[^.;]*)",
    re.IGNORECASE,
)
#: where the name of the regulation asked for ends: a comma, or a clause about it
_SUBJECT_END = re.compile(
    r",|\s(?:yang|which|that|untuk|agar|supaya|sehingga|karena|dengan|to|so|because|with)\b",
    re.IGNORECASE,
)
#: a quoted preamble says why the regulation itself was made ("… perlu menetapkan PP …")
_QUOTES_PREAMBLE = re.compile(r"\s*(?:Menurut konsiderans|The preamble of)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)
_SMALL = frozenset({"dan", "atau", "yang", "the", "of", "and", "on", "for", "a", "an", "tentang"})


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _SMALL


def check_already_regulated(claim: str, documents: Sequence[Mapping[str, Any]]) -> list[Reason]:
    """``already_regulated`` when ``claim`` calls for a regulation that one of ``documents``
    (rows of :meth:`pipeline.index.Index.documents`: ``jenis``, ``nomor``, ``tahun``,
    ``tentang``, ``status``) already is."""
    call = _CALL.search(claim)
    if not call or _QUOTES_PREAMBLE.match(claim):
        return []
    kind = _KIND.get(re.sub(r"\s+", " ", call["kind"].lower()))
    subject = _SUBJECT_END.split(call["subject"], maxsplit=1)[0]  # "… Sipil, yang …": its name
    wanted = _words(re.sub(r"\[\d[^\]]*\]", " ", subject))
    if not kind or len(wanted) < 2:
        return []
    best: tuple[float, Mapping[str, Any]] | None = None
    for doc in documents:
        if doc.get("jenis") != kind or not doc.get("tentang") or doc.get("status") == "revoked":
            continue
        share = len(wanted & _words(str(doc["tentang"]))) / len(wanted)
        if share >= 0.75 and (best is None or share > best[0]):
            best = (share, doc)
    if best is None:
        return []
    doc = best[1]
    label = regulation_label(doc["jenis"], doc.get("nomor", "?"), doc.get("tahun", "?"))
    return [
        Reason(
            code="already_regulated",
            message=f"the index already holds {label} tentang {doc['tentang']}; recommend "
            "applying or amending it rather than making a new one",
        )
    ]
