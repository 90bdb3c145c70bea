"""A batch of files: expand folders and globs, read each file in an isolated worker process
(:mod:`pipeline.ingest.worker`) with a time limit and a memory cap, never stop on a bad file,
and report every file that could not be read with its reason."""

from __future__ import annotations

import glob
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.ingest.base import Reader
from pipeline.ingest.guards import check_size
from pipeline.ingest.read import reader_for
from pipeline.ingest.worker import run_isolated
from pipeline.settings import IngestSettings
from pipeline.types import Document, SkippedFile

__all__ = ["IngestReport", "expand_paths", "ingest_paths"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    """What a batch produced: the documents read, the files skipped (with why), and the time."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def page_count(self) -> int:
        """Pages over all documents."""
        return sum(doc.page_count for doc in self.documents)

    @property
    def ocr_page_count(self) -> int:
        """Pages whose text came from OCR."""
        return sum(1 for doc in self.documents for page in doc.pages if page.ocr)


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files to read: folders are walked (sorted, hidden files and folders left out), globs are
    expanded (``**`` recurses), files are kept as given. Duplicates are dropped, order is kept.

    A path that does not exist and is not a glob is kept, so the batch can report it as missing.
    """
    out: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            out.append(path)

    for item in [paths] if isinstance(paths, str | Path) else paths:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    add(child)
        elif not path.exists() and glob.has_magic(str(item)):
            for match in sorted(glob.glob(str(item), recursive=True)):
                found = Path(match)
                if found.is_dir():
                    for sub in expand_paths([found]):
                        add(sub)
                elif found.is_file() and not found.name.startswith("."):
                    add(found)
        else:
            add(path)
    return out


def ingest_paths(
    paths: Iterable[Path | str],
    settings: IngestSettings | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    *,
    readers: Sequence[Reader] = (),
) -> IngestReport:
    """Read every file under ``paths`` (files, folders, globs); never stop on a bad file.

    Files are read in ``settings.workers`` worker processes with a ``settings.timeout_s`` limit
    each (a file that takes longer is killed and skipped with reason ``timeout``). Unsupported,
    missing, empty and too large files are skipped without starting a worker.
    ``on_progress(done, total, source)`` is called after each file. Documents come back in the
    order of :func:`expand_paths`.
    """
    settings = settings or IngestSettings()
    started = time.monotonic()
    files = expand_paths(paths)
    total = len(files)
    results: dict[int, Document | SkippedFile] = {}
    done = 0

    def record(index: int, outcome: Document | SkippedFile) -> None:
        nonlocal done
        results[index] = outcome
        done += 1
        if isinstance(outcome, SkippedFile):
            logger.info("skipped %s: %s (%s)", outcome.source, outcome.reason, outcome.error)
        if on_progress is not None:
            on_progress(done, total, str(files[index]))

    to_read: list[int] = []
    for index, path in enumerate(files):
        try:
            if not path.is_file():
                reason = "not_found" if not path.exists() else "unsupported"
                raise IngestError(f"{path}: no such file", reason=reason)
            reader_for(path, readers)
            check_size(path, settings)
        except IngestError as exc:
            record(index, SkippedFile(source=str(path), reason=exc.reason, error=str(exc)))
            continue
        to_read.append(index)

    run_isolated(
        [files[i] for i in to_read],
        settings,
        readers=readers,
        on_result=lambda j, outcome: record(to_read[j], outcome),
    )
    ordered = [results[i] for i in sorted(results)]
    return IngestReport(
        documents=[r for r in ordered if isinstance(r, Document)],
        skipped=[r for r in ordered if isinstance(r, SkippedFile)],
        elapsed_s=time.monotonic() - started,
    )
