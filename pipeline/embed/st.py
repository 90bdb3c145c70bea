"""The ``st:<folder or id>`` embedders: any sentence-transformers model already on disk (loaded
offline; nothing is downloaded), or a package that ships one."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.embed.base import normalise
from pipeline.errors import MissingDependencyError


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
        return normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._load().encode(
            [self.query_prefix + text],
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return normalise(vector)[0]

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
