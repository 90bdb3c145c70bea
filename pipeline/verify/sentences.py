"""Sentences of a passage, instruction-like text, and claim records (the verifier's input).

:func:`split_sentences` cuts a passage into the sentences a claim is compared with;
:data:`INSTRUCTION_RE` spots sentences that address the model instead of stating something;
:func:`parse_claim_record` reads one line of ``pilar verify`` input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline.types import Evidence

__all__ = ["INSTRUCTION_RE", "WS", "as_evidence", "parse_claim_record", "split_sentences"]

_SENT_SPLIT = re.compile(
    r"(?<=[.;:!?])\s+(?=[\"'(\[]?[A-Z0-9a-z])|\n+|(?<!ayat)(?<!dan)\s+(?=\(\d+[a-z]?\)\s)"
)
#: a run of white space
WS = re.compile(r"\s+")

INSTRUCTION_RE = re.compile(
    r"\b(?:abaikan|lupakan|acuhkan)\b.{0,60}?\b(?:instruksi|perintah|arahan|petunjuk)\b"
    r"|\b(?:ignore|disregard|forget)\b.{0,60}?\b(?:instructions?|prompts?|rules|above)\b"
    r"|\b(?:tuliskan|tulis|katakan)\s+bahwa\b|\b(?:write|say)\s+that\b"
    r"|\byou\s+are\s+now\b|\b(?:kamu|anda)\s+(?:sekarang\s+)?adalah\s+(?:asisten|model)\b"
    r"|\bsystem\s+prompt\b|\bpetunjuk\s+sistem\b",
    re.IGNORECASE | re.DOTALL,
)
"""Sentences that address the model instead of stating something: a passage whose best match
is one of them cannot support a claim (documents are data, see the system prompts
``pipeline/draft/prompts/system.*.md``)."""


def split_sentences(text: str, min_words: int = 4) -> list[str]:
    """Sentences of a passage (also split at ayat markers ``(2)`` and new lines).

    Fragments shorter than ``min_words`` words are joined to the next one.
    """
    parts = [WS.sub(" ", p).strip() for p in _SENT_SPLIT.split(text)]
    out: list[str] = []
    carry = ""
    for part in parts:
        if not part:
            continue
        part = f"{carry} {part}".strip() if carry else part
        if len(part.split()) < min_words:
            carry = part
            continue
        out.append(part)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def as_evidence(item: Evidence | str | Mapping[str, Any]) -> Evidence:
    """An :class:`~pipeline.types.Evidence` from evidence, a passage text or a mapping."""
    if isinstance(item, Evidence):
        return item
    if isinstance(item, str):
        return Evidence(text=item)
    return Evidence.model_validate(dict(item))


def parse_claim_record(obj: object) -> tuple[str, str, list[Evidence]]:
    """``{"id", "claim", "passages": [text | {"text", "citation", "status", "chunk_id"}]}`` →
    (id, claim, evidence). Raises ``ValueError`` with a short reason for a malformed record."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    claim = obj.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("missing or empty 'claim'")
    rid = obj.get("id")
    if rid is None or isinstance(rid, dict | list):
        raise ValueError("missing 'id'")
    passages = obj.get("passages", [])
    if not isinstance(passages, list):
        raise ValueError("'passages' must be a list")
    evidence = []
    for n, item in enumerate(passages, 1):
        if isinstance(item, str):
            evidence.append(Evidence(text=item))
        elif isinstance(item, dict):
            if not isinstance(item.get("text"), str):
                raise ValueError(f"passage {n} has no 'text'")
            try:
                evidence.append(Evidence.model_validate(item))
            except Exception as exc:  # pydantic.ValidationError
                first = exc.errors()[0] if hasattr(exc, "errors") else {"msg": str(exc)}
                loc = ".".join(str(p) for p in first.get("loc", ()))
                raise ValueError(f"passage {n}: {loc} {first.get('msg', '')}".strip()) from None
        else:
            raise ValueError(f"passage {n} must be a string or an object")
    return str(rid), claim, evidence
