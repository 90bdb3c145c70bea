"""Indonesian regulation structure: metadata, BAB/Pasal/ayat tree, Penjelasan, relations."""

from __future__ import annotations

from pipeline.types import Regulation


def parse_regulation(text: str, *, title_hint: str = "") -> Regulation | None:
    """Parse ``text`` as an Indonesian regulation; ``None`` when it does not look like one."""
    return None  # replaced by the real parser (pipeline/legal/parse.py)
