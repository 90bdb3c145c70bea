"""The chunk store of a version (``store.sqlite``): its tables and the rows a document gives."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pipeline.types import Document

__all__ = ["SCHEMA", "doc_row", "insert_rows", "relation_rows"]

#: documents, chunks (JSON + the filter columns), relations between regulations, skipped files
SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT, title TEXT, sha256 TEXT, media_type TEXT, language TEXT,
    page_count INTEGER, jenis TEXT, nomor TEXT, tahun INTEGER, tentang TEXT, hierarchy_level INTEGER,
    region TEXT, status TEXT, status_note TEXT, n_chunks INTEGER, warnings TEXT, regulation TEXT,
    text TEXT
);
CREATE TABLE chunks (
    pos INTEGER PRIMARY KEY, id TEXT UNIQUE, doc_id TEXT, kind TEXT, language TEXT, jenis TEXT,
    tahun INTEGER, region TEXT, hash TEXT, json TEXT
);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE TABLE relations (
    source_doc TEXT, type TEXT, target_jenis TEXT, target_nomor TEXT, target_tahun INTEGER,
    partial INTEGER, pasal TEXT, scope TEXT, exception TEXT, text TEXT
);
CREATE TABLE skipped (source TEXT, reason TEXT, error TEXT);
"""


def doc_row(doc: Document, n_chunks: int) -> dict[str, Any]:
    """The ``documents`` row of a document (its status is filled in at the end of a build)."""
    reg = doc.regulation
    region = None
    if reg is not None and reg.jenis == "Perda" and reg.jenis_long.startswith("Peraturan Daerah "):
        region = reg.jenis_long.removeprefix("Peraturan Daerah ")
    return {
        "doc_id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "language": doc.language,
        "page_count": doc.page_count,
        "jenis": reg.jenis if reg else None,
        "nomor": reg.nomor if reg else None,
        "tahun": reg.tahun if reg else None,
        "tentang": reg.tentang if reg else None,
        "hierarchy_level": reg.hierarchy_level if reg else None,
        "region": region,
        "status": None,
        "status_note": None,
        "n_chunks": n_chunks,
        "warnings": json.dumps(doc.warnings, ensure_ascii=False),
        "regulation": reg.model_dump_json(exclude={"pasal", "lampiran"}) if reg else None,
        "text": doc.text,
    }


def relation_rows(doc: Document) -> list[dict[str, Any]]:
    """The ``relations`` rows of a regulation: what it revokes or amends."""
    if doc.regulation is None:
        return []
    return [
        {
            "source_doc": doc.id,
            "type": r.type,
            "target_jenis": r.target.jenis,
            "target_nomor": r.target.nomor,
            "target_tahun": r.target.tahun,
            "partial": int(r.partial),
            "pasal": r.pasal,
            "scope": r.scope,
            "exception": r.exception,
            "text": r.text,
        }
        for r in doc.regulation.relations
    ]


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert dict rows (all with the same keys) into ``table``."""
    if not rows:
        return
    cols = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
        [tuple(r[c] for c in cols) for r in rows],
    )
