"""Record corpora: a ``.jsonl`` of ``{"_id", "title", "text"}`` records (the BEIR
``corpus.jsonl`` layout) is read as one document per record, not as one text file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.text.lang import detect_language
from pipeline.types import Document, Page

__all__ = ["is_record_corpus", "read_records"]


def is_record_corpus(path: Path) -> bool:
    """A ``.jsonl`` whose first line is a record with an id and a text (BEIR ``corpus.jsonl``)."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            first = json.loads(handle.readline())
    except (OSError, ValueError):
        return False
    return isinstance(first, dict) and ("_id" in first or "id" in first) and "text" in first


def read_records(path: Path) -> Iterator[Document]:
    """One :class:`Document` per JSONL record ``{"_id", "title", "text"}``; the record id is the
    document id, so qrels that name records match hits directly."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            record_id = str(row.get("_id", row.get("id")))
            title = (row.get("title") or "").strip()
            text = f"{title}\n\n{row['text']}" if title else str(row["text"])
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            yield Document(
                id=record_id,
                source=f"{path}#{record_id}",
                title=title or record_id,
                sha256=digest,
                media_type="application/x-ndjson",
                text=text,
                pages=[Page(number=1, text=text, char_start=0, char_end=len(text))],
                page_count=1,
                language=detect_language(text),
            )
