"""Real words: whether the words of a sentence exist, in the Indonesian dictionary that ships
with PySastrawi (about 29,000 root words; a word counts when its Sastrawi stem is there) or in
a vocabulary of the corpus (its own words, names and terms).

>>> vocab = Vocabulary(["Hukuman Disiplin berat"])
>>> vocab.unknown("Perlu disiplinasi agar pegawai menghindari laluhan.")
['disiplinasi', 'laluhan']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib.resources import files

from pipeline.text.analyzer import stem

__all__ = ["Vocabulary", "dictionary_words"]

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@functools.lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """PySastrawi's Indonesian root words (``kata-dasar.txt``)."""
    text = files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.split() if w.strip())


class Vocabulary:
    """The words a sentence may use: the dictionary plus the words of ``texts`` (the corpus,
    the evidence). Abbreviations and names written in capitals are taken as known."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.words: set[str] = set()
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        """Add the words of ``text``."""
        self.words.update(w.lower() for w in _WORD.findall(text))

    def known(self, word: str) -> bool:
        """Whether ``word`` is a corpus word, a dictionary word or a form of one."""
        low = word.lower()
        if word.isupper() or low in self.words or low in dictionary_words():
            return True
        parts = low.split("-")
        if len(parts) > 1 and all(p in self.words or p in dictionary_words() for p in parts):
            return True  # "undang-undang", "sebaik-baiknya"
        root = stem(low)
        return root in dictionary_words() or root in self.words

    def unknown(self, text: str) -> list[str]:
        """The words of ``text`` that are not known, in order (each once)."""
        return list(dict.fromkeys(w for w in _WORD.findall(text) if not self.known(w)))

    def unknown_share(self, texts: Iterable[str]) -> tuple[int, int]:
        """(unknown words, all words) over ``texts``."""
        unknown = total = 0
        for text in texts:
            words = _WORD.findall(text)
            total += len(words)
            unknown += sum(not self.known(w) for w in words)
        return unknown, total
