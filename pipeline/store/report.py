"""What one write of an index did: documents added, updated, removed; chunks embedded or taken
from the cache; time; the files skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.types import SkippedFile

__all__ = ["IndexReport"]


@dataclass
class IndexReport:
    """What one ``pilar index`` run did."""

    version: str = ""
    documents_added: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    documents_total: int = 0
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_from_cache: int = 0
    pieces_total: int = 0  # ayat vectors (pipeline.store.pieces)
    pieces_embedded: int = 0
    tokens_embedded: int = 0  # chunks and ayat pieces
    embed_seconds: float = 0.0
    seconds: float = 0.0
    ray_shards: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_total / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "skipped"}
        out["skipped"] = [s.model_dump() for s in self.skipped]
        out["chunks_per_second"] = round(self.chunks_per_second, 2)
        return out
