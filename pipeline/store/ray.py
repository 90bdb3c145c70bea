"""Batch indexing on Ray: reading + chunking and embedding as Ray Data stages.

``pilar index PATH... --engine ray [--ray-address ADDRESS]`` (or ``PILAR_INDEX__ENGINE=ray``)
hands the two expensive steps of a build (:class:`pipeline.store.build.Build`) to Ray; everything else (which
files changed, the embedding cache, in-force status, the atomic write of one index version) is
the same code as the local engine, so the index that comes out opens with ``pilar search`` and
``Index.open`` as usual.

1. **read**: the files to (re)read become a dataset of paths; ``map_batches`` runs
   :func:`pipeline.ingest.ingest_paths` (the same per-file worker process, time limit and
   memory cap as locally), :func:`pipeline.stats.chunks.document_chunks` on each batch
   (:func:`read_batch`), returning
   documents, their chunks and the skipped files with reasons, as JSON.
2. **embed**: the texts that the cache does not hold become a dataset; an actor pool (one
   embedder per actor, loaded once) embeds them in batches and writes each batch as a vector
   shard (``.npz``: positions and vectors) to a shard folder: by default a temporary folder in
   the index folder, on a cluster ``PILAR_INDEX__RAY_SHARD_DIR`` on storage every node shares
   (unset there, vectors come back through Ray's object store instead).
3. **merge**: the driver reads each shard as Ray reports it written, stores it in the
   embedding cache at once (a run that dies resumes from there) and deletes it; then it writes
   one index version from the cache, the same code as the local engine.

Without an address a local Ray starts on this machine (all its CPUs); with one, the job joins
that cluster (``ray://host:10001`` or ``host:6379``), and the index is written by the driver to
the index folder, so that folder must be where the driver runs. Every node needs Pilar
installed (``pip install 'pilar[ray]'``): the workers import it like any package. Failed tasks are retried
(``max_retries``) and a dead embedding actor is restarted (``max_restarts``).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.embed import get_embedder
from pipeline.errors import MissingDependencyError
from pipeline.ingest import ingest_paths
from pipeline.settings import Settings
from pipeline.stats.chunks import document_chunks
from pipeline.store.engine import EngineRead, ReadProgress
from pipeline.types import Chunk, Document, SkippedFile

logger = logging.getLogger(__name__)

__all__ = ["EmbedActor", "RayEngine", "read_batch"]


def read_batch(batch: dict[str, Any], settings_json: str) -> dict[str, Any]:
    """Ray task: read and chunk a batch of files (runs in a Ray worker)."""
    settings = Settings.model_validate_json(settings_json)
    report = ingest_paths([str(p) for p in batch["path"]], settings.ingest)
    kinds, payloads = [], []
    for doc in report.documents:
        chunks = document_chunks(doc, settings)
        kinds.append("document")
        payloads.append(doc.model_dump_json())
        for chunk in chunks:
            kinds.append("chunk")
            payloads.append(chunk.model_dump_json())
    for skipped in report.skipped:
        kinds.append("skipped")
        payloads.append(skipped.model_dump_json())
    return {"kind": np.array(kinds, dtype=object), "json": np.array(payloads, dtype=object)}


class EmbedActor:
    """Ray actor: one embedder, loaded once, embeds batches of texts.

    With a shard folder it writes each batch there as one shard (``.npz`` of positions and
    vectors, written under a temporary name and renamed, so a shard is whole or absent) and
    returns only the shard's name; without one the vectors travel back in the result."""

    def __init__(self, embedder_name: str, shard_dir: str | None = None) -> None:
        self.embedder = get_embedder(embedder_name)
        self.shard_dir = Path(shard_dir) if shard_dir else None

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = [str(t) for t in batch["text"]]
        vectors = np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
        if self.shard_dir is None:
            return {"i": batch["i"], "vector": vectors}
        name = f"shard-{uuid.uuid4().hex}.npz"
        partial = self.shard_dir / f".{name}.partial"
        with open(partial, "wb") as handle:
            np.savez(handle, i=np.asarray(batch["i"], dtype=np.int64), vector=vectors)
        os.replace(partial, self.shard_dir / name)
        return {"shard": np.array([name], dtype=object), "n": np.array([len(texts)])}


class RayEngine:
    """Runs the read and embed stages of an index build on Ray (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        try:
            import ray
        except ImportError as exc:
            raise MissingDependencyError(
                "the Ray engine needs Ray",
                help="pip install 'pilar[ray]'  (or just: pip install 'ray[data]>=2.40')",
            ) from exc
        self.settings = settings
        self.shards_read = 0
        cfg = settings.index
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "ignore_reinit_error": True,
                "log_to_driver": False,
                "include_dashboard": False,
            }
            if cfg.ray_address:
                kwargs["address"] = cfg.ray_address
            else:
                kwargs["num_cpus"] = os.cpu_count() or 1
            ray.init(**kwargs)
            logger.info("Ray: %s", ray.cluster_resources())
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.verbose_stats_logs = False

    def read(self, files: Sequence[Path], progress: ReadProgress | None = None) -> EngineRead:
        """Read and chunk ``files`` on Ray; documents come back in the order of ``files``."""
        import ray

        out = EngineRead()
        if not files:
            return out
        ds = ray.data.from_items([{"path": str(f)} for f in files])
        ds = ds.map_batches(
            read_batch,
            batch_size=max(1, self.settings.index.ray_read_batch),
            fn_kwargs={"settings_json": self.settings.model_dump_json()},
            batch_format="numpy",
            max_retries=3,
        )
        current: str | None = None
        for row in ds.iter_rows():
            kind, payload = row["kind"], row["json"]
            if kind == "document":
                doc = Document.model_validate_json(payload)
                out.documents.append(doc)
                out.chunks[doc.id] = []
                current = doc.id
            elif kind == "chunk" and current is not None:
                out.chunks[current].append(Chunk.model_validate_json(payload))
            elif kind == "skipped":
                out.skipped.append(SkippedFile.model_validate_json(payload))
        order = {str(f): n for n, f in enumerate(files)}
        out.documents.sort(key=lambda d: order.get(str(d.source), len(order)))
        out.skipped.sort(key=lambda s: order.get(str(s.source), len(order)))
        if progress:
            progress(len(files), len(files))
        return out

    def shard_dir(self, index_path: Path) -> Path | None:
        """``PILAR_INDEX__RAY_SHARD_DIR`` (storage every node shares) when set; on a cluster
        without it, ``None`` (vectors come through the object store); on a local Ray a
        temporary folder in the index, swept by the next build if this one dies."""
        cfg = self.settings.index
        run = uuid.uuid4().hex[:12]
        if cfg.ray_shard_dir:
            return Path(cfg.ray_shard_dir) / f"pilar-shards-{run}"
        if cfg.ray_address:
            return None
        return index_path / f".tmp-shards-{run}"

    def embed(
        self, texts: Sequence[str], shard_dir: Path | None = None
    ) -> Iterator[tuple[list[int], np.ndarray]]:
        """(positions, vectors) batch by batch, as the actors finish them.

        With ``shard_dir`` the actors write their batches there as vector shards and the
        driver reads each shard back (and deletes it) as soon as Ray reports it written;
        ``self.shards_read`` counts them. Without it the vectors come through the object store.
        """
        import ray
        from ray.data import ActorPoolStrategy

        self.shards_read = 0
        if not texts:
            return
        cfg = self.settings.index
        if shard_dir is not None:
            shard_dir.mkdir(parents=True, exist_ok=True)
        ds = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(
            EmbedActor,
            fn_constructor_kwargs={
                "embedder_name": cfg.embedder,
                "shard_dir": str(shard_dir) if shard_dir else None,
            },
            batch_size=max(1, cfg.embed_batch),
            batch_format="numpy",
            compute=ActorPoolStrategy(size=max(1, cfg.ray_embed_actors)),
            max_restarts=2,
            max_task_retries=3,
        )
        for batch in ds.iter_batches(batch_format="numpy", batch_size=None):
            if shard_dir is None:
                yield [int(i) for i in batch["i"]], np.asarray(batch["vector"], dtype=np.float32)
                continue
            for name in batch["shard"]:
                path = shard_dir / str(name)
                with np.load(path, allow_pickle=False) as shard:
                    positions, vectors = shard["i"], shard["vector"]
                yield [int(i) for i in positions], np.asarray(vectors, dtype=np.float32)
                path.unlink()
                self.shards_read += 1
