"""Read files into :class:`~pipeline.types.Document` records: PDF, DOCX, HTML, Markdown/text, tables.

Three calls make up the API::

    doc = read_file("uu-14-2008.md")                 # one file, in this process; raises IngestError
    report = ingest_paths(["docs/", "*.pdf"])         # a batch: never stops on a bad file
    paths = expand_paths(["docs/", "data/**/*.csv"])  # what a batch would read

:func:`read_file` runs the guards (size, real content type, zip bombs), one format
:class:`~pipeline.ingest.base.Reader`, then what every format shares: hashing, pages and offsets,
title, language, and :func:`pipeline.legal.parse_regulation`. :func:`ingest_paths` runs
:func:`read_file` in worker processes (:mod:`pipeline.ingest.worker`) with a per-file time
limit and a memory cap, and reports every file it could not read in ``IngestReport.skipped``.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import IngestError, UnsupportedFormatError
from pipeline.ingest.base import PAGE_SEPARATOR, RawDocument, Reader
from pipeline.ingest.docx import DocxReader
from pipeline.ingest.guards import SNIFF_BYTES, check_size, sniff
from pipeline.ingest.html import HtmlReader
from pipeline.ingest.lang import detect_language
from pipeline.ingest.pdf import PdfReader
from pipeline.ingest.tables import CsvReader, ParquetReader, XlsxReader
from pipeline.ingest.text import TextReader
from pipeline.settings import IngestSettings
from pipeline.types import Document, Page, SkippedFile

__all__ = [
    "READERS",
    "IngestReport",
    "Reader",
    "expand_paths",
    "ingest_paths",
    "read_file",
    "reader_for",
]

logger = logging.getLogger(__name__)

READERS: tuple[Reader, ...] = (
    PdfReader(),
    DocxReader(),
    HtmlReader(),
    TextReader(),
    CsvReader(),
    XlsxReader(),
    ParquetReader(),
)
_TEXT = TextReader()
_BY_KIND: dict[str, Reader] = {"pdf": PdfReader(), "html": HtmlReader(), "parquet": ParquetReader()}
# what the first bytes of a file must look like for each reader
_EXPECTED_KIND = {
    PdfReader: {"pdf"},
    DocxReader: {"zip"},
    XlsxReader: {"zip"},
    ParquetReader: {"parquet"},
}
_TEXT_KINDS = {"text", "html"}
_TABLE_MEDIA = {CsvReader.media_type, XlsxReader.media_type, ParquetReader.media_type}


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


# --------------------------------------------------------------------------- paths


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


# --------------------------------------------------------------------------- one file


def reader_for(path: Path, readers: Sequence[Reader] = ()) -> Reader:
    """The reader for ``path``'s suffix (``readers`` first, then the built-in :data:`READERS`)."""
    suffix = path.suffix.lower()
    for reader in (*readers, *READERS):
        if suffix in reader.suffixes:
            return reader
    raise UnsupportedFormatError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}")


def _route(path: Path, reader: Reader, head: bytes) -> tuple[Reader, str | None]:
    """Check the content matches the suffix; reroute a mislabelled file or refuse it."""
    kind = sniff(head)
    expected = _EXPECTED_KIND.get(type(reader))
    if expected is None:  # a text format (or a plugin reader): only refuse obvious binaries
        if not isinstance(reader, TextReader | CsvReader | HtmlReader) or kind in _TEXT_KINDS:
            return reader, None
    elif kind in expected:
        return reader, None
    label = path.suffix.lower()
    if kind == "ole2":
        raise UnsupportedFormatError(
            f"{path}: a legacy Office (OLE2 .doc/.xls) file named {label}",
            help="Save it as .docx/.xlsx (or PDF) and run again.",
        )
    if kind in _BY_KIND:
        return _BY_KIND[kind], f"content is {kind.upper()}, not {label}; read as {kind}"
    if kind == "text" and expected is not None:
        return _TEXT, f"content is plain text, not {label}; read as text"
    if kind == "zip":
        raise IngestError(f"{path}: content is a zip archive, not {label}", reason="corrupt")
    reason = "encoding" if expected is None else "corrupt"
    raise IngestError(
        f"{path}: content is binary ({kind}), not a valid {label} file", reason=reason
    )


def read_file(
    path: Path | str,
    settings: IngestSettings | None = None,
    *,
    readers: Sequence[Reader] = (),
) -> Document:
    """Read one file into a Document, in this process (no time limit: see :func:`ingest_paths`).

    ``readers`` are extra :class:`Reader` s tried before the built-in ones. Raises
    :class:`~pipeline.errors.IngestError` (``reason`` says why) for a file that cannot be read.
    """
    path = Path(path)
    settings = settings or IngestSettings()
    if not path.is_file():
        reason = "not_found" if not path.exists() else "unsupported"
        raise IngestError(f"{path}: not a file (missing or a folder)", reason=reason)
    reader = reader_for(path, readers)
    check_size(path, settings)
    sha256, head = _hash(path)
    reader, route_warning = _route(path, reader, head)
    started = time.monotonic()
    try:
        raw = reader.read(path, settings)
    except IngestError:
        raise
    except MemoryError:
        raise
    except RecursionError as exc:
        raise IngestError(
            f"{path}: structure nested too deeply to parse", reason="corrupt"
        ) from exc
    except Exception as exc:
        raise IngestError(
            f"{path}: cannot read ({exc.__class__.__name__}: {exc})", reason="corrupt"
        ) from exc
    if route_warning:
        raw.warnings.insert(0, route_warning)
    document = _assemble(path, raw, sha256)
    logger.debug("read %s in %.2fs", path, time.monotonic() - started)
    return document


def _hash(path: Path) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    head = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if not head:
                head = chunk[:SNIFF_BYTES]
            digest.update(chunk)
    return digest.hexdigest(), head


def _assemble(path: Path, raw: RawDocument, sha256: str) -> Document:
    pages: list[Page] = []
    offset = 0
    for number, raw_page in enumerate(raw.pages, start=1):
        if pages:
            offset += len(PAGE_SEPARATOR)
        end = offset + len(raw_page.text)
        pages.append(
            Page(
                number=number, text=raw_page.text, char_start=offset, char_end=end, ocr=raw_page.ocr
            )
        )
        offset = end
    text = PAGE_SEPARATOR.join(page.text for page in pages)
    if not text.strip() and not raw.tables:
        hint = ""
        if raw.media_type == PdfReader.media_type:
            hint = " (a scanned PDF needs OCR: PILAR_INGEST__OCR=true and Tesseract installed)"
        raise IngestError(f"{path}: no text could be extracted{hint}", reason="empty")
    title = choose_title(text, raw, path)
    warnings = list(raw.warnings)
    regulation = None
    try:
        from pipeline.legal import parse_regulation

        regulation = parse_regulation(text, title_hint=title)
    except Exception as exc:  # another stage's bug must not lose the document
        logger.warning("regulation parser failed on %s: %s", path, exc, exc_info=True)
        warnings.append(f"regulation parsing failed ({exc.__class__.__name__}: {exc})")
    if regulation is not None:
        long = regulation.jenis_long or regulation.jenis
        title = (
            f"{long} Nomor {regulation.nomor} Tahun {regulation.tahun} tentang {regulation.tentang}"
        )
        if len(pages) > 1:  # the page each Pasal starts on, for citations of PDFs
            regulation = regulation.model_copy(
                update={
                    "pasal": [
                        p.model_copy(update={"page": _page_of(pages, p.char_start)})
                        for p in regulation.pasal
                    ]
                }
            )
    return Document(
        id=sha256[:16],
        source=str(path),
        title=title,
        sha256=sha256,
        media_type=raw.media_type,
        text=text,
        pages=pages,
        page_count=len(pages),
        language=detect_language(text),
        tables=raw.tables,
        headings=raw.headings,
        regulation=regulation,
        warnings=warnings,
    )


def _page_of(pages: list[Page], offset: int) -> int | None:
    for page in pages:
        if offset < page.char_end + len(PAGE_SEPARATOR):
            return page.number
    return pages[-1].number if pages else None


_JENIS = (
    r"UNDANG[-–— ]UNDANG(?: DASAR)?|PERATURAN|KEPUTUSAN|INSTRUKSI|SURAT EDARAN|PENETAPAN|"
    r"KEPPRES|PERPRES|PERPU|QANUN"
)
_REG_TITLE = re.compile(
    rf"\b(?:{_JENIS})\b[^.;:]{{0,160}}?\s(?:NOMOR|NO\.?)\s*[\w./-]+\s+TAHUN\s+[0-9OoIlL]{{4}}"
    r"\s+TENTANG\s+",
    re.IGNORECASE,
)
_NO_LOWER = re.compile(r"^[^a-z]+$")
_REPEATED_HEAD = re.compile(r"^(.{10,}?) \1 ")
_STOP_WORDS = {"DENGAN", "MENIMBANG", "MENGINGAT", "MEMUTUSKAN", "PRESIDEN", "BAB"}


def regulation_title(text: str) -> str | None:
    """The title line of an Indonesian regulation, e.g. ``PERATURAN PEMERINTAH … NOMOR 11 TAHUN
    2017 TENTANG MANAJEMEN PEGAWAI NEGERI SIPIL``, from the start of ``text``; else ``None``.

    The subject after TENTANG is taken while words stay upper case (the title block is set in
    capitals; the preamble that follows is not), so a mention of another law in running text
    ("Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur …") is not mistaken for the title. A
    heading printed twice ("UNDANG-UNDANG REPUBLIK INDONESIA UNDANG-UNDANG …", common in
    converted PDFs) is kept once; OCR digits like ``2OL9`` are tolerated.
    """
    head = " ".join(text[:8000].split())
    for match in _REG_TITLE.finditer(head):
        words: list[str] = []
        for word in head[match.end() :].split(" ")[:40]:
            if not _NO_LOWER.match(word) or word.strip(",.") in _STOP_WORDS:
                break
            words.append(word)
        while words and not re.search(r"[A-Z]", words[-1]):
            words.pop()  # trailing list numbers such as "1."
        subject = " ".join(words).strip(" ,;:")
        prefix = _REPEATED_HEAD.sub(r"\1 ", match.group(0).strip())
        if subject and prefix.split()[0].isupper():
            return f"{prefix} {subject}"
    return None


def choose_title(text: str, raw: RawDocument, path: Path) -> str:
    """Regulation title line, else first heading, else the file's own title, else its stem."""
    found = regulation_title(text)
    if found:
        return found
    if raw.headings and raw.media_type not in _TABLE_MEDIA:
        return raw.headings[0][2]
    if raw.title:
        return raw.title
    return path.stem


# --------------------------------------------------------------------------- batches


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
    from pipeline.ingest.worker import run_isolated

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
