"""The citation-marker grammar: ``[1]``, ``[1, 3]``, ``[1;2]``, ``[2-4]`` (one copy for all).

A brief's sentence cites its passages by number in square brackets. The drafting step writes and
renumbers them, the verifier reads them, and the app turns them into links: all three use
:data:`MARKER_RE` and :func:`extract_markers`, so a marker one accepts the others accept too.
"""

from __future__ import annotations

import re

__all__ = ["MARKER_RE", "extract_markers", "format_markers", "strip_markers"]

#: one marker: numbers separated by commas or semicolons, or a range with a hyphen or en dash
MARKER_RE = re.compile(r"\[(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\]")

#: a range longer than this is read as two numbers, not spelled out ("[1-2000]" is no range)
_MAX_RANGE = 50


def extract_markers(text: str) -> list[int]:
    """The passage numbers cited by ``[n]`` markers: ``[1]``, ``[1, 3]``, ``[2-4]`` (in order)."""
    out: list[int] = []
    for match in MARKER_RE.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match[1]):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and int(bounds[0]) <= int(bounds[1]) <= int(bounds[0]) + _MAX_RANGE:
                numbers = range(int(bounds[0]), int(bounds[1]) + 1)
            else:
                numbers = [int(b) for b in bounds]
            for n in numbers:
                if n not in out:
                    out.append(n)
    return out


def format_markers(numbers: list[int] | tuple[int, ...]) -> str:
    """``[1, 3]`` for the numbers given (in the order given); ``''`` for none."""
    return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def strip_markers(text: str, replacement: str = "") -> str:
    """``text`` without its markers (each replaced by ``replacement``)."""
    return MARKER_RE.sub(replacement, text)
