"""Helpers for tests, Pilar's and users' own; runtime code never imports this package.

* the deterministic backends, re-exported from their homes:
  :class:`~pipeline.embed.hash.HashEmbedder` (``PILAR_INDEX__EMBEDDER=hash``) and
  :class:`~pipeline.llm.scripted.ScriptedChatModel` (``PILAR_LLM__BACKEND=scripted``);
* :mod:`pipeline.testing.app`: the app on a free port with a hash-embedder index (browser and
  load tests).
"""

from pipeline.embed.hash import HashEmbedder
from pipeline.llm.scripted import ScriptedChatModel
from pipeline.testing.app import free_port, index_with_hash_embedder, serve_app

__all__ = [
    "HashEmbedder",
    "ScriptedChatModel",
    "free_port",
    "index_with_hash_embedder",
    "serve_app",
]
