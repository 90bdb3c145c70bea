"""``contradiction``: two sentences of one brief that say opposite things cannot both stand.

Two sentences about the same thing (most of their content words shared, or matched to the same
passage sentence) contradict each other when a clause of one says the opposite of a clause of
the other (``pipeline.verify.polarity``, clause by clause: "… tidak dapat dijatuhi hukuman
disiplin" / "… sudah bisa dijatuhi hukuman disiplin"; a negation in a clause the other sentence
does not have — "…, yang berarti tidak mematuhi jam kerja" — is not one), or when
they give different figures in the same unit ("14 hari kerja" / "30 hari kerja"). Both get the
reason, naming the other sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.text.markers import strip_markers
from pipeline.types import Reason, Verdict
from pipeline.verify.polarity import check_polarity

__all__ = ["add_reasons", "find_contradictions", "mark_contradictions"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_IGNORED = frozenset(
    """tidak tak bukan belum dapat bisa boleh wajib harus sudah telah akan yang dan atau dengan
    untuk dalam pada oleh bagi ini itu tersebut not can may must shall will the and for with
    has have been already cannot""".split()  # noqa: SIM905 - a word block reads better
)
_AMOUNT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:\([^)]*\)\s*)?(hari\s+kerja|working\s+days?|hari|days?|minggu|weeks?|"
    r"bulan|months?|tahun|years?|jam|hours?|persen|percent|%)",
    re.IGNORECASE,
)
_UNIT = {
    "working day": "hari kerja",
    "working days": "hari kerja",
    "day": "hari",
    "days": "hari",
    "week": "minggu",
    "weeks": "minggu",
    "month": "bulan",
    "months": "bulan",
    "year": "tahun",
    "years": "tahun",
    "hour": "jam",
    "hours": "jam",
    "percent": "persen",
    "%": "persen",
}


def _content(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _IGNORED


def _amounts(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in _AMOUNT.finditer(text):
        unit = re.sub(r"\s+", " ", m[2].lower())
        out.setdefault(_UNIT.get(unit, unit), set()).add(m[1].replace(",", "."))
    return out


def find_contradictions(verdicts: list[Verdict]) -> list[tuple[int, int, str]]:
    """(i, j, what differs) for each pair of sentences that contradict each other."""
    texts = [strip_markers(v.claim) for v in verdicts]
    words = [_content(t) for t in texts]
    pairs: list[tuple[int, int, str]] = []
    for i in range(len(verdicts)):
        if "no_claim" in verdicts[i].codes or not words[i]:
            continue
        for j in range(i + 1, len(verdicts)):
            if "no_claim" in verdicts[j].codes or not words[j]:
                continue
            shared = len(words[i] & words[j]) / len(words[i] | words[j])
            same_sentence = (
                verdicts[i].best_sentence is not None
                and verdicts[i].best_sentence == verdicts[j].best_sentence
            )
            if shared < 0.5 and not (same_sentence and shared >= 0.3):
                continue
            both = verdicts[i].verdict == verdicts[j].verdict == "supported"
            if both and not same_sentence and verdicts[i].best_sentence is not None:
                continue  # each says what its own source sentence says: two provisions, not one

            if check_polarity(texts[i], [texts[j]], None) or check_polarity(
                texts[j], [texts[i]], None
            ):
                pairs.append((i, j, "one is negated, the other is not"))
                continue
            if both:
                continue  # every figure of both is in their sources: different things, not one
            a, b = _amounts(texts[i]), _amounts(texts[j])
            for unit in a.keys() & b.keys():
                if not a[unit] & b[unit]:
                    pairs.append((i, j, f"different figures in {unit}"))
                    break
    return pairs


def add_reasons(verdict: Verdict, reasons: list[Reason]) -> Verdict:
    """``verdict`` with ``reasons`` added; any reason makes it ``unsupported``."""
    if not reasons:
        return verdict
    return verdict.model_copy(
        update={"verdict": "unsupported", "reasons": [*verdict.reasons, *reasons]}
    )


def mark_contradictions(
    verdicts: list[Verdict], groups: Sequence[int] | None = None
) -> list[Verdict]:
    """``verdicts`` with a ``contradiction`` reason (and ``unsupported``) on both sentences of
    each contradicting pair (on only one when the other is supported by its source and this
    one is not: the sentence its passage backs is not made doubtful by a wrong one). With ``groups`` (one number per verdict, e.g. its section), only
    pairs from different groups are marked (each group was checked on its own before)."""
    out = list(verdicts)
    for i, j, what in find_contradictions(verdicts):
        if groups is not None and groups[i] == groups[j]:
            continue
        pair = ((i, j), (j, i))
        good = {k for k in (i, j) if verdicts[k].verdict == "supported"}
        if len(good) == 1:  # the one its source backs stands; the other carries the conflict
            pair = tuple(p for p in pair if p[0] not in good)
        for me, other in pair:
            reason = Reason(
                code="contradiction",
                message=f"contradicts \u201c{strip_markers(verdicts[other].claim).strip()[:120]}"
                f"\u201d ({what})",
            )
            out[me] = add_reasons(out[me], [reason])
    return out
