"""What a norm says about its action: must, may or must not, and whether it is negated.

The words of Indonesian regulations (and of English briefs about them) that carry the force of
a rule: ``wajib`` / ``harus`` / must / shall (an obligation), ``dapat`` / ``boleh`` / may / can
(a permission), ``dilarang`` / ``wajib tidak`` / must not / shall not / may not (a prohibition).
A negation that is not part of one of those (``tidak``, ``bukan``, not, never, no) is counted
separately. The verifier compares these between a claim and the passage sentence it matches;
the same reading serves a fact sheet of a Pasal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Modality", "NormReading", "read_norm"]

Modality = Literal["obligation", "permission", "prohibition"]

# longest phrases first: "wajib tidak" is a prohibition, not an obligation plus a negation
_PHRASES: list[tuple[str, Modality]] = [
    (
        r"wajib\s+tidak|tidak\s+(?:boleh|diperbolehkan|diizinkan|dibenarkan|diperkenankan)|"
        r"dilarang|"
        r"tidak\s+(?:dapat|bisa)(?=\s+di)|"
        r"cannot|can\s+not|could\s+not|"
        r"must\s+not|mustn't|shall\s+not|may\s+not|cannot\s+be\s+allowed|(?:is|are)\s+"
        r"(?:prohibited|forbidden|not\s+allowed|not\s+permitted)|prohibited\s+from|forbidden\s+to",
        "prohibition",
    ),
    (
        r"tidak\s+wajib|tidak\s+harus|need\s+not|(?:is|are)\s+not\s+(?:required|obliged)|"
        r"tidak\s+diwajibkan|does\s+not\s+have\s+to|do\s+not\s+have\s+to",
        "permission",
    ),
    (
        r"wajib|harus|diwajibkan|berkewajiban|mewajibkan|mengharuskan|diharuskan|must|shall|"
        r"(?:is|are)\s+(?:required|obliged|obligated)\s+to|has\s+to|have\s+to|requires?|"
        r"compulsory|mandatory|obligatory",
        "obligation",
    ),
    (
        r"dapat|boleh|diperbolehkan|diperkenankan|diizinkan|berhak|bisa|sukarela|may|can|"
        r"(?:is|are)\s+(?:allowed|permitted|entitled)\s+to|has\s+the\s+right|optional|voluntary|"
        r"voluntarily|free\s+to\s+choose|at\s+(?:its|their|his|her|the)\s+(?:own\s+)?discretion",
        "permission",
    ),
]
_MODAL_RE = re.compile(
    "|".join(f"(?P<m{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_PHRASES)), re.IGNORECASE
)
#: limits that read like negations ("no later than", "tidak lebih dari": a bound, not a "not"),
#: and inability ("tidak dapat melaksanakan tugas": a condition, not a rule)
_LIMIT_RE = re.compile(
    r"\b(?:no|not)\s+(?:later|more|less|fewer|earlier|longer|shorter)\s+than\b|"
    r"\btidak\s+(?:dapat|bisa|mampu)\b(?!\s+di)|\bunable\s+to\b|"
    r"\btidak\s+(?:lebih|kurang)\s+dari\b|\btidak\s+melebihi\b",
    re.IGNORECASE,
)
_NEGATION_RE = re.compile(
    r"\b(?:tidak|tak|bukan|belum|not|never|no|none|neither|nor)\b|n't\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class NormReading:
    """The force words of a sentence: the modalities it uses and its other negations."""

    modalities: frozenset[Modality]
    negations: int

    @property
    def modality(self) -> Modality | None:
        """The one modality of the sentence; ``None`` for none or a mix."""
        return next(iter(self.modalities)) if len(self.modalities) == 1 else None


def read_norm(text: str) -> NormReading:
    """The modalities of ``text`` and the negations outside them."""
    modalities: set[Modality] = set()
    spans: list[tuple[int, int]] = [m.span() for m in _LIMIT_RE.finditer(text)]
    limits = list(spans)
    for match in _MODAL_RE.finditer(text):
        if any(start <= match.start() < end for start, end in limits):
            continue  # "tidak dapat melaksanakan": inability, not a rule
        kind = _PHRASES[int(match.lastgroup[1:])][1]  # type: ignore[index]
        modalities.add(kind)
        spans.append(match.span())
    negations = sum(
        1
        for m in _NEGATION_RE.finditer(text)
        if not any(start <= m.start() < end for start, end in spans)
    )
    return NormReading(frozenset(modalities), negations)
