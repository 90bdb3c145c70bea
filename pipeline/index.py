"""The :class:`Index` facade: one named index to open, add files to, search, or hand to
LangChain. It stands on ``pipeline.store`` (the folder, the build, the loaded version) and
``pipeline.retrieve`` (ranking), and is the library's entry point:

>>> from pipeline import Index
>>> index = Index.open("sampel", create=True)
>>> index.add(["samples/regulations"])
>>> [hit.citation for hit in index.search("anggota KASN", k=3)]
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import IndexCorruptError, IndexNotFoundError, IndexWriteError
from pipeline.legal.refs import parse_citation
from pipeline.retrieve import search
from pipeline.settings import Settings, load_settings
from pipeline.store.folder import current_version, out_of_space, resolve_path, writer_lock
from pipeline.store.loaded import LoadedIndex
from pipeline.store.report import IndexReport
from pipeline.types import Chunk, EvidenceCard, Hit

if TYPE_CHECKING:
    from pipeline.embed import Embedder
    from pipeline.legal.consolidate import ConsolidatedPasal
    from pipeline.stats.ask import FigureAnswer
    from pipeline.store.build import Progress

__all__ = ["Index", "IndexReport"]


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
        self._state: LoadedIndex | None = None
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

    def _load(self) -> LoadedIndex:
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
                    self._state = LoadedIndex(version_dir, self.settings, adopt=self._adopt)
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
        from pipeline.store.build import Build

        with writer_lock(self.path):
            build = Build(self.path, settings, progress)
            try:
                report = build.run(paths, remove, rebuild)
            except (OSError, sqlite3.OperationalError) as exc:
                if not out_of_space(exc):
                    raise
                build.clean_temp()  # the half-written version goes; CURRENT still names the old
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
        """Hybrid (dense + BM25) search with filters and in-force ranking; see
        ``pipeline.retrieve``."""
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

    def pasal(self, ref: str, as_of: dt.date | str | None = None) -> ConsolidatedPasal:
        """A Pasal as it stands: ``index.pasal("UU 23/2014 Pasal 101", as_of="2015-01-01")``.

        The wording in force on ``as_of`` (the latest when ``None``) with every version of the
        Pasal, each cited to the law and change that produced it (``pipeline.legal.consolidate``).
        Raises :class:`~pipeline.errors.ReferenceNotFoundError` naming the nearest references.
        """
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        return self._load().lawbook.pasal(ref, as_of=as_of)

    def figure(self, question: str) -> FigureAnswer | None:
        """The exact figure a question asks for, from the index's figure store:
        ``index.figure("Berapa TPT Banten tahun 2020?")`` → the value, its cell, the rank among
        provinces, the national figure (``pipeline.stats.ask``). ``None`` when the question
        names no indicator and region the store holds, or the index has no statistics."""
        from pipeline.stats.ask import answer_question

        store = self._load().figures
        return answer_question(question, store) if store is not None else None

    def figure_cards(self, topic: str, region: str | None = None) -> list[EvidenceCard]:
        """The evidence cards of the index's statistics for a brief on ``topic``: the region it
        (or ``region``) names, the indicators it names (all of them when it names none)."""
        from pipeline.stats.ask import topic_cards

        store = self._load().figures
        return topic_cards(topic, store, region) if store is not None else []

    def amendments(self, regulation: str) -> list[str]:
        """The laws in this index that amend ``regulation`` ("UU 23/2014"), oldest first."""
        ref = parse_citation(regulation)
        return self._load().lawbook.amendments(ref) if ref is not None else []

    def info(self) -> dict[str, Any]:
        """The manifest, the skipped files, and the amending laws whose base law is not in
        the index (their changes stay searchable, but no Pasal is consolidated with them)."""
        state = self._load()
        orphans = [{"law": o.source, "amends": o.target} for o in state.lawbook.orphans()]
        return {
            "path": str(self.path),
            **state.manifest,
            "skipped": state.skipped(),
            "amending_without_base": orphans,
        }

    def as_langchain_retriever(self, k: int = 10, filters: dict[str, Any] | None = None):
        """A ``langchain_core`` retriever whose Documents carry the citation metadata."""
        from pipeline.integrations.langchain import PilarRetriever

        return PilarRetriever(index=self, k=k, filters=filters or {})
