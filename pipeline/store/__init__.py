"""The index folder on disk: versions, the write lock, the manifest, the build, the embedding
cache, FAISS, and one opened (loaded) version.

* ``folder``  — where an index lives, ``CURRENT``, the lock, the manifest and its one check
* ``build``   — one write: what changed, chunking, vectors (cache first), the atomic version
* ``engine``  — the local read/embed steps of a build; ``ray`` — the same on Ray
* ``cache``, ``faiss_index``, ``schema``, ``texts``, ``report`` — the parts a build writes
* ``loaded``  — one version opened read-only, as retrieval reads it

:class:`pipeline.index.Index` is the facade over this package and ``pipeline.retrieve``.
"""

from pipeline.store.folder import current_version, read_manifest, resolve_path, writer_lock
from pipeline.store.loaded import LoadedIndex
from pipeline.store.report import IndexReport

__all__ = [
    "IndexReport",
    "LoadedIndex",
    "current_version",
    "read_manifest",
    "resolve_path",
    "writer_lock",
]
