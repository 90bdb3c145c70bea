"""Pilar: an evidence pipeline for cited, checked policy briefs.

>>> from pipeline import Index
>>> index = Index.open("sampel", create=True)
>>> index.add(["samples/regulations"])
>>> [hit.citation for hit in index.search("anggota KASN", k=3)]
"""

from __future__ import annotations

import os
from typing import Any

# faiss-cpu ships an OpenMP build of OpenBLAS. When FAISS's own OpenMP loops call it, the BLAS
# threads can livelock (the caller spins in sched_yield forever while its helper sleeps): it
# happened in IVF training during CI. One BLAS thread inside FAISS's parallelism avoids that.
# Set OPENBLAS_NUM_THREADS yourself (before importing pipeline) to override.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__all__ = ["Index"]


def __getattr__(name: str) -> Any:  # lazy: `import pipeline` stays cheap
    if name == "Index":
        from pipeline.index import Index

        return Index
    raise AttributeError(name)
