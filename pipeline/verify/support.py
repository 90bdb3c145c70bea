"""The support score: how closely a claim matches the sentences of the passages it cites.

It combines the largest cosine similarity between the claim (embedded as a query) and any
sentence of the cited passages (embedded as passages) with the share of the claim's content
words found in those passages; :func:`support_score` weighs the two.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.embed import Embedder, embed_in_batches
from pipeline.settings import VerifySettings
from pipeline.text.analyzer import Analyzer
from pipeline.types import Evidence
from pipeline.verify.sentences import split_sentences

__all__ = ["Scorer", "support_score"]


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

    def score(
        self, claim: str, passages: Sequence[tuple[int, Evidence]]
    ) -> tuple[float, float, int | None, str | None]:
        """(similarity, lexical, best passage number, best sentence)."""
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
        words = self.content_tokens(claim)
        found: set[str] = set()
        for _, ev in passages:
            found |= words & self.content_tokens(ev.text)
        lexical = len(found) / len(words) if words else 0.0
        return max(best, 0.0), lexical, best_i, best_sent


def support_score(similarity: float, lexical: float, settings: VerifySettings) -> float:
    """The calibrated support score: ``w·similarity + (1 − w)·lexical``."""
    w = settings.embedding_weight
    return w * similarity + (1.0 - w) * lexical
