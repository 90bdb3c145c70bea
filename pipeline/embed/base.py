"""The embedding seam: the :class:`Embedder` protocol, L2 normalisation, a memoising wrapper and
length-sorted batching."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    model_id: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""
        ...

    def count_tokens(self, text: str) -> int:
        """Model tokens in ``text`` (for throughput figures and length sorting)."""
        ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 rows of unit length (a single vector becomes one row; zero rows
    stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class MemoEmbedder:
    """An embedder that remembers every text it embedded (for one run: a brief verifies the same
    passages several times, and sections share passages)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._docs: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._docs))
        if todo:
            for text, vec in zip(todo, self.inner.embed_documents(todo), strict=True):
                self._docs[text] = np.asarray(vec, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._docs[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = np.asarray(self.inner.embed_query(text), dtype=np.float32)
        return self._queries[text]

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def iter_batches(
    embedder: Embedder, texts: Sequence[str], batch_size: int = 64
) -> Iterator[tuple[list[int], np.ndarray]]:
    """(positions in ``texts``, their vectors) a batch at a time, shortest texts first (less
    padding); a caller can store each batch as soon as it is done."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), max(1, batch_size)):
        idx = order[start : start + batch_size]
        yield idx, np.asarray(embedder.embed_documents([texts[i] for i in idx]), dtype=np.float32)


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    batch_size: int = 64,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embed ``texts`` sorted by length (less padding), returned in the original order."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for idx, vectors in iter_batches(embedder, texts, batch_size):
        out[idx] = vectors
        if on_batch:
            on_batch(len(idx))
    return out
