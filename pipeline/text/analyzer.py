"""Tokenisers for BM25: Indonesian and English stop words, optional Indonesian stemming.

One analyzer serves both languages: regulation text mixes them ("Sistem Merit", "electronic
data interchange"), and analysts ask in either. Stop words of both languages are removed
(PySastrawi's Indonesian list plus a standard English list). Stemming with Sastrawi is an
option, not the default: on the regulations it lowered BM25 Recall@10 (DESIGN.md: 0.52 vs
0.58), so it is chosen by measurement (``IndexSettings.bm25_stem``).
"""

from __future__ import annotations

import functools
import re
from typing import Literal

_EN_STOP = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "what's",
        "how's",
        "is",
        "there",
        "does",
        "shall",
        "may",
        "must",
    ]
)
_KEEP = frozenset(
    {"tidak", "bukan", "paling", "lama", "sedikit", "banyak", "setiap", "wajib", "dilarang"}
)
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)


#: function words only: Sastrawi's list also holds content words legal text turns on
#: ("masuk", "kerja", "hari", "bulan", "lebih", "kurang")
_FUNCTION_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "dalam",
        "untuk",
        "pada",
        "dengan",
        "atau",
        "ini",
        "itu",
        "adalah",
        "oleh",
        "bagi",
        "sebagai",
        "serta",
        "tersebut",
        "akan",
        "telah",
        "sudah",
        "juga",
        "secara",
        "agar",
        "karena",
        "maka",
        "apabila",
        "jika",
        "bahwa",
        "dapat",
        "para",
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "on",
        "by",
        "with",
        "or",
        "is",
        "are",
        "be",
        "as",
        "at",
        "that",
        "this",
    ]
)


@functools.lru_cache(maxsize=1)
def _id_stop() -> frozenset[str]:
    try:
        from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

        words = set(StopWordRemoverFactory().get_stop_words())
    except ImportError:  # the list is a nicety, not a requirement
        words = set(_FUNCTION_WORDS)
    return frozenset(words - _KEEP)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word) or word


def stem(word: str) -> str:
    """The Sastrawi stem of an Indonesian word (cached); the word itself when it has none."""
    return _stem(word)


class Analyzer:
    """Lower-case word tokens without stop words; numbers kept (``2014``, ``9,36``).

    ``stop="function"`` drops function words only (a short list) instead of Sastrawi's 800-word
    list, which also drops content words such as "masuk kerja"."""

    def __init__(self, stem: bool = False, stop: Literal["full", "function"] = "full") -> None:
        self.stem = stem
        self.name = "id+en-stem" if stem else "id+en"
        if stop == "function":
            self.name += "-function"
        self._stop = _FUNCTION_WORDS if stop == "function" else _id_stop() | _EN_STOP

    def __call__(self, text: str) -> list[str]:
        tokens = [
            t
            for t in _TOKEN.findall(text.lower())
            if (t not in self._stop and len(t) > 1) or t.isdigit()
        ]
        if self.stem:
            tokens = [_stem(t) if t.isalpha() else t for t in tokens]
        return tokens
