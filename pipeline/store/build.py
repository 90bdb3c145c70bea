"""One write of an index: read what changed, reuse what did not, write a new version atomically.

A :class:`Build` finds the files that are new or changed (by sha256), reads them through an
engine (:class:`pipeline.store.engine.LocalEngine`, or Ray), chunks them, takes the vectors of
unchanged texts from the embedding cache and embeds the rest, works out each document's
in-force status (``pipeline.legal.status``), and writes the version folder
(``pipeline.store.folder``) before pointing ``CURRENT`` at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.chunk import CHUNKER_VERSION
from pipeline.embed import Embedder, get_embedder
from pipeline.errors import IndexMismatchError
from pipeline.ingest import expand_paths
from pipeline.ingest.records import is_record_corpus, read_records
from pipeline.legal.status import compute_status
from pipeline.settings import Settings
from pipeline.store.cache import EmbeddingCache
from pipeline.store.engine import Engine, LocalEngine
from pipeline.store.faiss_index import build_faiss, previous_ivf
from pipeline.store.folder import (
    FORMAT,
    current_version,
    fsync_dir,
    manifest_problems,
    package_version,
    read_manifest,
)
from pipeline.store.pieces import piece_texts, write_pieces
from pipeline.store.report import IndexReport
from pipeline.store.schema import SCHEMA, doc_row, insert_rows, relation_rows
from pipeline.store.texts import bm25_text, embed_text, text_hash
from pipeline.text.analyzer import Analyzer
from pipeline.types import Chunk, Document, SkippedFile

__all__ = ["Build", "Progress", "file_sha256"]

#: progress callback: (stage "read" / "embed" / "write", done, total)
Progress = Callable[[str, int, int], None]


class Build:
    """One write: read what changed, reuse what did not, write a new version atomically."""

    def __init__(self, path: Path, settings: Settings, progress: Progress | None) -> None:
        self.path = path
        self.settings = settings
        self.progress = progress or (lambda stage, done, total: None)
        self.embedder: Embedder = get_embedder(settings.index.embedder)
        self.analyzer = Analyzer(stem=settings.index.bm25_stem)
        self.engine: Engine = LocalEngine(settings)
        if settings.index.engine == "ray":
            from pipeline.store.ray import RayEngine

            self.engine = RayEngine(settings)
        # the figure store of the tables read now (``stats/<doc_id>.parquet``), until written
        self._stage = path / f".tmp-stats-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def run(
        self, paths: Sequence[str | Path], remove: Sequence[str | Path], rebuild: bool
    ) -> IndexReport:
        start = time.perf_counter()
        report = IndexReport()
        self.clean_temp()
        previous = None if rebuild else current_version(self.path)
        old_docs, old_chunks, old_rel = self._load_previous(previous)
        if previous is not None:
            self._check_compatible(previous)

        removed_prefixes = [str(Path(p).resolve()) for p in remove]

        def is_removed(source: str) -> bool:
            resolved = str(Path(source).resolve())
            return any(
                resolved == p or resolved.startswith(p.rstrip("/") + "/") for p in removed_prefixes
            )

        by_source = {d["source"]: d for d in old_docs.values()}
        files = expand_paths(paths) if paths else []
        corpora = [f for f in files if is_record_corpus(f)]
        record_docs, record_unchanged, stale = self._records(corpora, old_docs)
        report.documents_unchanged += record_unchanged
        files = [f for f in files if f not in corpora]
        to_read: list[Path] = []
        for file in files:
            old = by_source.get(str(file))
            if old is not None and file.is_file() and file_sha256(file) == old["sha256"]:
                report.documents_unchanged += 1
                continue
            to_read.append(file)
        self.progress("read", 0, len(to_read))
        ingest = self.engine.read(to_read, lambda d, t: self.progress("read", d, t))
        report.skipped = list(ingest.skipped)
        new_docs = [*ingest.documents, *record_docs]

        replaced = {str(doc.source) for doc in new_docs}
        keep_ids = {
            doc_id
            for doc_id, d in old_docs.items()
            if d["source"] not in replaced and not is_removed(d["source"]) and doc_id not in stale
        }
        report.documents_removed = sum(
            1 for i, d in old_docs.items() if is_removed(d["source"]) or i in stale
        )
        report.documents_updated = sum(1 for d in old_docs.values() if d["source"] in replaced)
        report.documents_added = len(new_docs) - report.documents_updated

        doc_rows = [old_docs[i] for i in old_docs if i in keep_ids]
        rel_rows = [r for r in old_rel if r["source_doc"] in keep_ids]
        chunks: list[Chunk] = [c for c in old_chunks if c.doc_id in keep_ids]
        seen_docs = set(keep_ids)
        for doc in new_docs:
            if doc.id in seen_docs:  # the same bytes under two names: index once
                continue
            seen_docs.add(doc.id)
            new_chunks = ingest.chunks.get(doc.id)
            figures = self._stage / f"{doc.id}.parquet"
            if new_chunks is None:
                from pipeline.stats.chunks import document_chunks  # pandas, duckdb: when needed

                new_chunks = document_chunks(doc, self.settings, figures_to=figures)
            elif any(c.kind == "card" for c in new_chunks):  # read by Ray: figures not yet kept
                from pipeline.stats import cards_from_files

                cards_from_files([doc.source], self.settings.stats, figures_to=figures)
            chunks.extend(new_chunks)
            doc_rows.append(doc_row(doc, len(new_chunks)))
            rel_rows.extend(relation_rows(doc))

        vectors = self._vectors(chunks, report)
        pieces = self._pieces(chunks, report)
        status = compute_status(doc_rows, rel_rows)
        for row in doc_rows:
            row["status"], row["status_note"] = status.get(row["doc_id"], ("n/a", None))
        report.version = self._write(
            doc_rows,
            chunks,
            rel_rows,
            vectors,
            pieces,
            report.skipped,
            time.perf_counter() - start,
            figures=self._figures({row["doc_id"] for row in doc_rows}, previous),
        )
        report.documents_total = len(doc_rows)
        report.chunks_total = len(chunks)
        report.seconds = time.perf_counter() - start
        self._gc()
        return report

    # ----------------------------------------------------------------- steps

    def _records(
        self, corpora: list[Path], old_docs: dict[str, dict]
    ) -> tuple[list[Document], int, set[str]]:
        """Documents from JSONL record corpora; unchanged records are left alone."""
        documents: list[Document] = []
        unchanged = 0
        stale: set[str] = set()
        for corpus in corpora:
            prefix = f"{corpus}#"
            present: set[str] = set()
            for doc in read_records(corpus):
                present.add(doc.id)
                old = old_docs.get(doc.id)
                if old is not None and old["sha256"] == doc.sha256 and old["source"] == doc.source:
                    unchanged += 1
                    continue
                documents.append(doc)
            stale |= {
                i
                for i, d in old_docs.items()
                if d["source"].startswith(prefix) and i not in present
            }
        return documents, unchanged, stale

    def clean_temp(self) -> None:
        """Remove what a build that died left behind (temporary versions and shards)."""
        for tmp in self.path.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def _load_previous(
        self, version_dir: Path | None
    ) -> tuple[dict[str, dict], list[Chunk], list[dict]]:
        if version_dir is None or not (version_dir / "store.sqlite").exists():
            return {}, [], []
        conn = sqlite3.connect(f"file:{version_dir / 'store.sqlite'}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            docs = {r["doc_id"]: dict(r) for r in conn.execute("SELECT * FROM documents")}
            chunks = [
                Chunk.model_validate_json(r["json"])
                for r in conn.execute("SELECT json FROM chunks ORDER BY pos")
            ]
            rels = [dict(r) for r in conn.execute("SELECT * FROM relations")]
        finally:
            conn.close()
        return docs, chunks, rels

    def _check_compatible(self, version_dir: Path) -> None:
        problems = manifest_problems(
            read_manifest(version_dir),
            embedder_id=self.embedder.model_id,
            dim=self.embedder.dim,
            analyzer=self.analyzer.name,
            chunker=(CHUNKER_VERSION, self.settings.chunk),
        )
        if problems:
            raise IndexMismatchError(
                f"cannot add to {self.path}: " + "; ".join(problems),
                help="Add with the settings the index was built with, or rebuild it with --rebuild.",
            )

    def _vectors(self, chunks: list[Chunk], report: IndexReport) -> np.ndarray:
        """The chunks' vectors: from the embedding cache, or embedded now."""
        texts = [embed_text(c, self.settings.index.embed_heading) for c in chunks]
        vectors, embedded = self._embed(texts, "embed", report)
        report.chunks_embedded = embedded
        report.chunks_from_cache = len(chunks) - embedded
        return vectors

    def _pieces(self, chunks: list[Chunk], report: IndexReport) -> tuple[np.ndarray, np.ndarray]:
        """The ayat pieces (``pipeline.store.pieces``): each one's chunk position and vector."""
        if not self.settings.index.ayat_vectors:
            return np.zeros(0, dtype=np.int32), np.zeros((0, self.embedder.dim), np.float32)
        owners, texts = piece_texts(chunks, self.settings.index.embed_heading)
        vectors, embedded = self._embed(texts, "embed ayat", report)
        report.pieces_total, report.pieces_embedded = len(texts), embedded
        return owners, vectors

    def _embed(self, texts: list[str], stage: str, report: IndexReport) -> tuple[np.ndarray, int]:
        """Vectors of ``texts`` and how many distinct ones were embedded now (the others came
        from the cache); embedding time and tokens are added to ``report``."""
        dim = self.embedder.dim
        hashes = [text_hash(t) for t in texts]
        cache = EmbeddingCache(self.path / "embcache.sqlite")
        try:
            found = cache.get_many(self.embedder.model_id, hashes, dim)
            missing = [i for i, h in enumerate(hashes) if h not in found]
            unique_missing = list({hashes[i]: i for i in missing}.values())
            if unique_missing:
                # shortest first (less padding); each batch is cached as soon as it is embedded,
                # so a run that is killed resumes where it stopped
                order = sorted(unique_missing, key=lambda i: len(texts[i]))
                self.progress(stage, 0, len(order))
                t0 = time.perf_counter()
                shard_dir = self.engine.shard_dir(self.path)
                done = 0
                try:
                    for positions, vectors in self.engine.embed(
                        [texts[i] for i in order], shard_dir
                    ):
                        part = [order[p] for p in positions]
                        cache.put_many(
                            self.embedder.model_id,
                            zip([hashes[i] for i in part], vectors, strict=True),
                        )
                        found.update({hashes[i]: v for i, v in zip(part, vectors, strict=True)})
                        done += len(part)
                        self.progress(stage, done, len(order))
                finally:
                    if shard_dir is not None:
                        shutil.rmtree(shard_dir, ignore_errors=True)
                report.ray_shards += self.engine.shards_read
                report.embed_seconds += time.perf_counter() - t0
                report.tokens_embedded += sum(self.embedder.count_tokens(texts[i]) for i in order)
        finally:
            cache.close()
        if not texts:
            return np.zeros((0, dim), dtype=np.float32), 0
        return np.vstack([found[h] for h in hashes]).astype(np.float32), len(unique_missing)

    def _figures(self, doc_ids: set[str], previous: Path | None) -> list[Path]:
        """The figure-store files of the new version: those written now, and those of the
        documents kept from ``previous`` (their tables did not change)."""
        files = {p.name: p for p in self._stage.glob("*")} if self._stage.exists() else {}
        if previous is not None:
            for old in (previous / "stats").glob("*"):
                files.setdefault(old.name, old)
        # <doc_id>.parquet (figures) and <doc_id>.cards.jsonl (its evidence cards)
        return [p for name, p in sorted(files.items()) if name.split(".")[0] in doc_ids]

    def _write(
        self,
        doc_rows: list[dict[str, Any]],
        chunks: list[Chunk],
        rel_rows: list[dict[str, Any]],
        vectors: np.ndarray,
        pieces: tuple[np.ndarray, np.ndarray],
        skipped: list[SkippedFile],
        seconds: float,
        figures: Sequence[Path] = (),
    ) -> str:
        import bm25s
        import faiss

        self.progress("write", 0, 1)
        previous = current_version(self.path)
        number = (
            int(previous.name[1:]) + 1
            if previous is not None and previous.name[1:].isdigit()
            else 1
        )
        name = f"v{number:06d}"
        tmp = self.path / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(parents=True)
        try:
            conn = sqlite3.connect(tmp / "store.sqlite")
            conn.executescript(SCHEMA)
            with conn:
                insert_rows(conn, "documents", doc_rows)
                conn.executemany(
                    "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            pos,
                            c.id,
                            c.doc_id,
                            c.kind,
                            c.language,
                            c.jenis,
                            c.tahun,
                            c.region,
                            text_hash(c.text),
                            c.model_dump_json(),
                        )
                        for pos, c in enumerate(chunks)
                    ],
                )
                insert_rows(conn, "relations", rel_rows)
                conn.executemany(
                    "INSERT INTO skipped VALUES (?,?,?)",
                    [(s.source, s.reason, s.error) for s in skipped],
                )
            conn.close()
            index, faiss_params = build_faiss(
                vectors, self.settings, previous=previous_ivf(previous)
            )
            faiss.write_index(index, str(tmp / "vectors.faiss"))
            owners, piece_vectors = pieces
            piece_entry = write_pieces(tmp, owners, piece_vectors) if len(owners) else None
            if chunks:
                retriever = bm25s.BM25()
                retriever.index(
                    [self.analyzer(bm25_text(c)) or ["∅"] for c in chunks], show_progress=False
                )
                retriever.save(str(tmp / "bm25"), allow_pickle=False)
            manifest = {
                "format": FORMAT,
                "pilar_version": package_version(),
                "version": name,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "build_seconds": round(seconds, 3),
                "embedder": self.embedder.model_id,
                "dimension": int(self.embedder.dim),
                "metric": "inner_product",
                "normalized": True,
                "faiss": faiss_params,
                "bm25": {"library": "bm25s", "analyzer": self.analyzer.name},
                "chunker": {
                    "version": CHUNKER_VERSION,
                    "settings": self.settings.chunk.model_dump(),
                },
                "embed_heading": self.settings.index.embed_heading,
                "counts": {
                    "documents": len(doc_rows),
                    "regulations": sum(1 for d in doc_rows if d.get("jenis")),
                    "chunks": len(chunks),
                    "ayat_pieces": len(owners),
                    "skipped": len(skipped),
                },
            }
            if piece_entry is not None:
                manifest["pieces"] = piece_entry
            if figures:  # the figure store: hard links where the filesystem allows
                (tmp / "stats").mkdir()
                for file in figures:
                    try:
                        os.link(file, tmp / "stats" / file.name)
                    except OSError:
                        shutil.copy2(file, tmp / "stats" / file.name)
                tables = sum(f.suffix == ".parquet" for f in figures)
                manifest["figures"] = {"files": tables, "format": "parquet"}
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            for file in tmp.rglob("*"):
                if file.is_file():
                    with open(file, "rb") as handle:
                        os.fsync(handle.fileno())
            final = self.path / name
            os.rename(tmp, final)
            marker = self.path / f"CURRENT.tmp-{os.getpid()}"
            marker.write_text(name)
            with open(marker, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(marker, self.path / "CURRENT")
            fsync_dir(self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(self._stage, ignore_errors=True)
        self.progress("write", 1, 1)
        return name

    def _gc(self) -> None:
        live = current_version(self.path)
        versions = sorted(p for p in self.path.glob("v[0-9]*") if p.is_dir())
        keep = max(1, self.settings.index.keep_versions)
        for old in versions[:-keep]:
            if old != live:
                shutil.rmtree(old, ignore_errors=True)


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read 1 MiB at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
