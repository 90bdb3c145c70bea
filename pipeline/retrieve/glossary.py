"""English → Indonesian term expansion for cross-lingual retrieval.

BM25 cannot match "civil servant" to "pegawai negeri sipil"; the multilingual embedder can, but
less sharply than within one language. An English question is therefore expanded with the
Indonesian terms of a small curated glossary (``data/glossary_en_id.tsv``, written for Pilar
from general domain knowledge). Longer phrases win over the words inside them.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files

from pipeline.text.lang import detect_language


@functools.lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern[str], dict[str, list[str]]]:
    entries: dict[str, list[str]] = {}
    text = (
        files("pipeline.retrieve").joinpath("data/glossary_en_id.tsv").read_text(encoding="utf-8")
    )
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, indonesian = line.split("\t", 1)
        entries[english.strip().lower()] = [t.strip() for t in indonesian.split(";") if t.strip()]
    terms = sorted(entries, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)
    return pattern, entries


def glossary_matches(text: str) -> list[list[str]]:
    """The Indonesian renderings of each glossary term found in ``text``, one list per term."""
    pattern, entries = _glossary()
    return [entries[match[1].lower()] for match in pattern.finditer(text)]


def indonesian_terms(query: str) -> list[str]:
    """Indonesian renderings of the glossary terms found in ``query`` (in order, no repeats)."""
    pattern, entries = _glossary()
    out: list[str] = []
    for match in pattern.finditer(query):
        for term in entries[match[1].lower()]:
            if term not in out:
                out.append(term)
    return out


def expand_query(query: str) -> str:
    """``query`` plus Indonesian terms unless it reads as Indonesian; unchanged otherwise.

    Short questions are often too short for a confident language guess, so anything not
    recognised as Indonesian is treated as possibly English.
    """
    if detect_language(query) == "id":
        return query
    terms = indonesian_terms(query)
    return f"{query} ({'; '.join(terms)})" if terms else query
