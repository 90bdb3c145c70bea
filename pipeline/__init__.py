"""Pilar: an evidence pipeline for cited, checked policy briefs.

>>> from pipeline import Index
>>> index = Index.open("sampel", create=True)
>>> index.add(["samples/regulations"])
>>> [hit.citation for hit in index.search("anggota KASN", k=3)]
"""

from __future__ import annotations

from typing import Any

__all__ = ["Index"]


def __getattr__(name: str) -> Any:  # lazy: `import pipeline` stays cheap
    if name == "Index":
        from pipeline.index import Index

        return Index
    raise AttributeError(name)
