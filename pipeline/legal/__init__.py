"""Indonesian regulation structure: metadata, BAB/Pasal/ayat tree, Penjelasan, relations.

``parse_regulation(text)`` gives a :class:`pipeline.types.Regulation` or ``None`` when the text
has no regulation header. See ``parse.py`` for how headings are told from cross-references.
"""

from pipeline.legal.changes import read_change, read_changes
from pipeline.legal.parse import parse_header, parse_regulation, split_changes
from pipeline.legal.refs import find_refs, hierarchy_level, normalise_text, parse_citation

__all__ = [
    "find_refs",
    "hierarchy_level",
    "normalise_text",
    "parse_citation",
    "parse_header",
    "parse_regulation",
    "read_change",
    "read_changes",
    "split_changes",
]
