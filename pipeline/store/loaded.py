"""One opened index version, read-only: FAISS, BM25, the chunk store and the filter columns,
with each chunk's in-force penalty and amendment links worked out once, when it is opened.

Retrieval (``pipeline.retrieve``) reads a :class:`LoadedIndex`; :class:`pipeline.index.Index`
keeps the one for the live version and swaps it when a writer has made a new one.
"""

from __future__ import annotations

import array
import functools
import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.embed import get_embedder
from pipeline.errors import IndexMismatchError, IndexNotFoundError
from pipeline.legal.status import amendment_links, chunk_penalties, relation_targets
from pipeline.settings import Settings
from pipeline.store.faiss_index import ivf_probes
from pipeline.store.folder import embedder_name, manifest_problems, read_manifest
from pipeline.store.lawbook import Lawbook
from pipeline.store.pieces import AyatVectors, read_pieces
from pipeline.text.analyzer import Analyzer
from pipeline.types import Chunk, regulation_label

if TYPE_CHECKING:
    import faiss

    from pipeline.stats.store import FigureStore

__all__ = ["Column", "LoadedIndex"]


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


class LoadedIndex:
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
                            "embedder": embedder_name(self.manifest["embedder"]),
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
            self._check()
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
        self.regulations = {
            (r["jenis"], r["nomor"], r["tahun"]): (
                r["doc_id"],
                regulation_label(r["jenis"], r["nomor"], r["tahun"]),
            )
            for r in self.conn.execute(
                "SELECT doc_id, jenis, nomor, tahun FROM documents WHERE jenis IS NOT NULL"
            )
        }
        self.penalty = self._penalties(settings)
        self.amended_by = self._amendment_links()
        self._flat: np.ndarray | None = None
        # ayat vectors (pipeline.store.pieces): a query decodes those of its candidates only
        self.ayat: AyatVectors | None = None
        if settings.retrieve.ayat_weight < 1:
            self.ayat = read_pieces(version_dir, self.n)

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
        """Per-chunk demotion and chunk-level status (``pipeline.legal.status``), from the
        relations that amend or partly revoke a regulation in this index."""
        status = self.meta["status"]
        relations = self.conn.execute(
            "SELECT * FROM relations WHERE type = 'amends' OR partial = 1"
        ).fetchall()
        targets = sorted(relation_targets(relations, self.regulations)) if relations else []
        marks = ",".join("?" * len(targets))
        rows = self.conn.execute(
            "SELECT pos, doc_id, json_extract(json, '$.pasal'), json_extract(json, '$.heading') "
            f"FROM chunks WHERE doc_id IN ({marks})",
            targets,
        )
        penalty, notes = chunk_penalties(
            status,
            self.regulations,
            relations,
            rows,
            revoked=settings.retrieve.revoked_penalty,
            partial=settings.retrieve.partial_penalty,
        )
        for pos, (chunk_status, note) in notes.items():
            status[pos] = chunk_status
            self.chunk_notes[pos] = note
        return penalty

    def _amendment_links(self) -> dict[int, list[int]]:
        """Amended Pasal → the changes that rewrote it (``pipeline.legal.status``). Only the
        documents that are the source of an "amends" relation are read, so a large index pays
        little."""
        sources = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT source_doc FROM relations WHERE type = 'amends'"
            )
        ]
        if not sources:
            return {}
        marks = ",".join("?" * len(sources))
        amends = self.conn.execute(
            f"SELECT pos, json_extract(json, '$.amends') FROM chunks WHERE doc_id IN ({marks}) "
            "AND json_extract(json, '$.amends') IS NOT NULL",
            sources,
        ).fetchall()

        def pasal_chunks(doc_id: str) -> list[tuple[int, str | None]]:
            return self.conn.execute(
                "SELECT pos, json_extract(json, '$.pasal') FROM chunks "
                "WHERE doc_id = ? AND kind IN ('pasal', 'ayat')",
                (doc_id,),
            ).fetchall()

        return amendment_links(amends, self.regulations, pasal_chunks, self.meta["tahun"])

    def _check(self) -> None:
        problems = manifest_problems(
            self.manifest,
            embedder_id=self.embedder.model_id,
            dim=self.embedder.dim,
            analyzer=self.analyzer.name,
        )
        if problems:
            raise IndexMismatchError(
                f"index {self.version_dir.parent} does not match the settings: "
                + "; ".join(problems),
                help=f"Set PILAR_INDEX__EMBEDDER={embedder_name(self.manifest['embedder'])} "
                "(and the same analyzer), or rebuild the index with the current settings "
                "(--rebuild).",
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

    @functools.cached_property
    def figures(self) -> FigureStore | None:
        """This version's figure store (``stats/*.parquet``); ``None`` without statistics."""
        from pipeline.stats.store import FigureStore  # duckdb: only for an index with tables

        return FigureStore.open(self.version_dir)

    @functools.cached_property
    def lawbook(self) -> Lawbook:
        """This version's regulations, consolidated on demand (``pipeline.store.lawbook``)."""
        return Lawbook(self.conn)

    def documents(self) -> list[dict[str, Any]]:
        cols = "doc_id, source, title, media_type, language, page_count, jenis, nomor, tahun, tentang, hierarchy_level, region, status, status_note, n_chunks"
        return [dict(r) for r in self.conn.execute(f"SELECT {cols} FROM documents ORDER BY source")]

    def skipped(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM skipped")]
