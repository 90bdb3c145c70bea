"""The support score: how closely a claim matches the sentences of the passages it cites.

It combines the largest cosine similarity between the claim (embedded as a query) and any
sentence of the cited passages (embedded as passages) with the share of the claim's content
words found in those passages; :func:`support_score` weighs the two.

An English sentence about an Indonesian passage (or the reverse) shares almost no words with it
and its cosine runs lower, so it is scored on its own scale: the similarity plus a small bonus
for each glossary term (``civil servant`` → ``pegawai negeri sipil``) or abbreviation (BPS,
PPID) the passage holds, against thresholds of their own (``t_high_cross``, ``t_low_cross``,
calibrated on the dev half of the blind claim set).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.embed import Embedder, embed_in_batches
from pipeline.retrieve.glossary import glossary_matches
from pipeline.settings import VerifySettings
from pipeline.text.analyzer import Analyzer
from pipeline.text.lang import sentence_language
from pipeline.types import Evidence
from pipeline.verify.sentences import split_sentences

__all__ = ["Match", "Scorer", "cross_terms", "support_score"]

_ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9]{1,}(?:-[A-Z0-9]+)?\b")


@dataclass(frozen=True, slots=True)
class Match:
    """How a claim matches its cited passages."""

    similarity: float
    lexical: float
    passage: int | None
    sentence: str | None
    cross_lingual: bool = False
    found_terms: int = 0


def cross_terms(claim: str, passage: str) -> tuple[int, int]:
    """(found, looked for): the claim's glossary terms and abbreviations that ``passage`` holds
    in the other language (a term counts as found when any of its renderings is there)."""
    low = passage.lower()
    looked = found = 0
    for renderings in glossary_matches(claim):
        looked += 1
        found += any(r.lower() in low for r in renderings)
    for abbreviation in set(_ABBREVIATION.findall(claim)):
        looked += 1
        found += abbreviation in passage
    return found, looked


class Scorer:
    """Embeds passage sentences once and scores claims against any subset of passages."""

    def __init__(self, embedder: Embedder, analyzer: Analyzer) -> None:
        self.embedder = embedder
        self.analyzer = analyzer
        self._vectors: dict[str, np.ndarray] = {}
        self._tokens: dict[str, set[str]] = {}

    def prepare(self, passages: Sequence[Evidence]) -> None:
        """Embed the sentences of ``passages`` not embedded yet (in batches)."""
        todo: dict[str, None] = {}
        for ev in passages:
            for sent in split_sentences(ev.text) or [ev.text]:
                if sent not in self._vectors:
                    todo[sent] = None
        if todo:
            vectors = embed_in_batches(self.embedder, list(todo))
            for sent, vec in zip(todo, vectors, strict=True):
                self._vectors[sent] = np.asarray(vec, dtype=np.float32)

    def content_tokens(self, text: str) -> set[str]:
        """The analyzer's tokens of ``text`` without digits (cached)."""
        if text not in self._tokens:
            self._tokens[text] = {
                t for t in self.analyzer(text) if not any(ch.isdigit() for ch in t)
            }
        return self._tokens[text]

    def unheld(self, claim: str, passages: Sequence[Evidence]) -> list[str]:
        """The claim's content words that none of ``passages`` holds, in the claim's order."""
        held: set[str] = set()
        for ev in passages:
            held |= self.content_tokens(ev.text)
        words = self.content_tokens(claim) - held
        return [t for t in dict.fromkeys(self.analyzer(claim)) if t in words]

    def score(self, claim: str, passages: Sequence[tuple[int, Evidence]]) -> Match:
        """The best sentence of ``passages`` for ``claim``, its similarity and the lexical
        overlap (glossary terms found, for a claim in the other language)."""
        best, best_i, best_sent = 0.0, None, None
        query = self.embedder.embed_query(claim) if passages else None
        for i, ev in passages:
            for sent in split_sentences(ev.text) or [ev.text]:
                vec = self._vectors.get(sent)
                if vec is None or query is None:
                    continue
                sim = float(np.dot(query, vec))
                if best_i is None or sim > best:
                    best, best_i, best_sent = sim, i, sent
        joined = " ".join(ev.text for _, ev in passages)
        claim_lang, passage_lang = sentence_language(claim), sentence_language(joined)
        if {claim_lang, passage_lang} == {"id", "en"}:
            found_terms, looked = cross_terms(claim, joined)
            lexical = found_terms / looked if looked else 0.0
            return Match(max(best, 0.0), lexical, best_i, best_sent, True, found_terms)
        words = self.content_tokens(claim)
        found: set[str] = set()
        for _, ev in passages:
            found |= words & self.content_tokens(ev.text)
        lexical = len(found) / len(words) if words else 0.0
        return Match(max(best, 0.0), lexical, best_i, best_sent)


def support_score(match: Match, settings: VerifySettings) -> float:
    """The calibrated support score. Same language: ``w·similarity + (1 − w)·lexical``; across
    languages: the similarity plus ``cross_term_bonus`` for each of up to two glossary terms or
    abbreviations found (compare with ``t_high_cross`` / ``t_low_cross``)."""
    if match.cross_lingual:
        return match.similarity + settings.cross_term_bonus * min(match.found_terms, 2)
    w = settings.embedding_weight
    return w * match.similarity + (1.0 - w) * match.lexical
