"""Where the two expensive steps of a build run: reading the files and embedding the texts.

:class:`LocalEngine` runs them in this process (reading through the isolated ingest workers);
:class:`pipeline.store.ray.RayEngine` runs them as Ray Data stages. A build
(:class:`pipeline.store.build.Build`) talks to either through the same three calls, so which
files changed, the embedding cache, in-force status and the atomic write are one code path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.embed import get_embedder, iter_batches
from pipeline.ingest import ingest_paths
from pipeline.settings import Settings
from pipeline.types import Chunk, Document, SkippedFile

__all__ = ["Engine", "EngineRead", "LocalEngine"]

#: progress callback of a read: (files done, files in all)
ReadProgress = Callable[[int, int], None]


@dataclass
class EngineRead:
    """What the read step returns: documents, their chunks by document id (where the engine
    chunked them already), and the skipped files with their reasons."""

    documents: list[Document] = field(default_factory=list)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)


class Engine(Protocol):
    """The seam a build runs its reading and embedding through."""

    shards_read: int

    def read(self, files: Sequence[Path], progress: ReadProgress | None = None) -> EngineRead:
        """Read (and maybe chunk) ``files``; documents in the order of ``files``."""
        ...

    def shard_dir(self, index_path: Path) -> Path | None:
        """Where embedded batches are written as vector shards for ``index_path``, if anywhere."""
        ...

    def embed(
        self, texts: Sequence[str], shard_dir: Path | None = None
    ) -> Iterator[tuple[list[int], np.ndarray]]:
        """(positions in ``texts``, vectors) batch by batch, as they are done."""
        ...


class LocalEngine:
    """Reads with :func:`pipeline.ingest.ingest_paths` and embeds ``embed_batch`` texts at a
    time with the settings' embedder, in this process."""

    shards_read = 0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def read(self, files: Sequence[Path], progress: ReadProgress | None = None) -> EngineRead:
        report = ingest_paths(
            list(files),
            self.settings.ingest,
            on_progress=(lambda done, total, _path: progress(done, total)) if progress else None,
        )
        return EngineRead(documents=list(report.documents), skipped=list(report.skipped))

    def shard_dir(self, index_path: Path) -> Path | None:
        return None

    def embed(
        self, texts: Sequence[str], shard_dir: Path | None = None
    ) -> Iterator[tuple[list[int], np.ndarray]]:
        embedder = get_embedder(self.settings.index.embedder)
        yield from iter_batches(embedder, texts, max(1, self.settings.index.embed_batch))
