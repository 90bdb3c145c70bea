"""Reading the model's answer: sentences, and the ``[n]`` markers each one keeps.

:func:`split_answer` cuts the answer into sentences (markers written after the full stop are
moved back); :func:`keep_valid_markers` removes markers that point at no numbered passage;
:func:`renumber_markers` maps a section's numbers to the brief's reference list.
"""

from __future__ import annotations

import re

from pipeline.text.markers import MARKER_RE, extract_markers

__all__ = [
    "attach_markers",
    "keep_valid_markers",
    "merge_markers",
    "renumber_markers",
    "split_answer",
]


_PLACEHOLDER_RE = re.compile(r"\[\s*(?:[a-zA-Z?]|n\s*[,;]\s*n|sumber|source|ref)\s*\]")

_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\[\"“(]?[A-Z0-9])")

_LEADING_MARKERS_RE = re.compile(r"^((?:\[\d[\d,;\s–-]*\]\s*)+)")

_LIST_PREFIX_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)]|#+)\s+")


def split_answer(text: str) -> list[str]:
    """The sentences of a model's answer, each keeping the ``[n]`` markers that follow it.

    Headings and list bullets are stripped; a marker group written after the full stop
    (``… 2014. [1]``) is moved back to its sentence.
    """
    lines = [_LIST_PREFIX_RE.sub("", line).strip() for line in text.splitlines()]
    flat = " ".join(line for line in lines if line and not line.endswith(":"))
    flat = re.sub(r"\s+", " ", _PLACEHOLDER_RE.sub("", flat)).strip()
    if not flat:
        return []
    pieces = _SPLIT_RE.split(flat)
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        lead = _LEADING_MARKERS_RE.match(piece)
        if lead and out:
            out[-1] = attach_markers(out[-1], lead[1].strip())
            piece = piece[lead.end() :].strip()
        if piece:
            out.append(piece)
    # a list number or a stray marker left on its own ("2.") is not a sentence
    return [s for s in out if re.search(r"[^\W\d_]{2,}", MARKER_RE.sub("", s))]


def attach_markers(sentence: str, markers: str) -> str:
    """Put markers before the sentence's final punctuation: ``"A." + "[1]" → "A [1]."``."""
    m = re.search(r"([.!?]+)$", sentence)
    if m:
        return f"{sentence[: m.start()].rstrip()} {markers}{m[1]}"
    return f"{sentence} {markers}"


_ADJACENT_RE = re.compile(r"\[(\d[\d,\s]*)\]\s*\[(\d[\d,\s]*)\]")


def merge_markers(text: str) -> str:
    """``[1] [2][3]`` → ``[1, 2, 3]``."""
    while True:
        merged = _ADJACENT_RE.sub(
            lambda m: (
                "["
                + ", ".join(
                    dict.fromkeys(n.strip() for n in f"{m[1]},{m[2]}".split(",") if n.strip())
                )
                + "]"
            ),
            text,
        )
        if merged == text:
            return text
        text = merged


def keep_valid_markers(sentence: str, n_items: int) -> tuple[str, list[int], list[int]]:
    """Markers that point at no numbered passage are removed. Returns (text, kept, removed)."""
    kept: list[int] = []
    removed: list[int] = []

    def fix(match: re.Match[str]) -> str:
        numbers = extract_markers(match[0])
        good = [n for n in numbers if 1 <= n <= n_items]
        removed.extend(n for n in numbers if not 1 <= n <= n_items)
        kept.extend(n for n in good if n not in kept)
        return f"[{', '.join(map(str, good))}]" if good else ""

    text = MARKER_RE.sub(fix, sentence)
    text = _PLACEHOLDER_RE.sub("", text)
    text = merge_markers(text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text, kept, removed


def renumber_markers(text: str, mapping: dict[int, int]) -> str:
    """Every marker's numbers through ``mapping`` (a section's numbers → the brief's)."""

    def fix(match: re.Match[str]) -> str:
        return "[" + ", ".join(str(mapping[n]) for n in extract_markers(match[0])) + "]"

    return MARKER_RE.sub(fix, text)
