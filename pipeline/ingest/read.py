"""One file → one :class:`~pipeline.types.Document`, in this process.

:func:`read_file` runs the guards (size, real content type, zip bombs), one format
:class:`~pipeline.ingest.base.Reader`, then what every format shares: hashing, pages and offsets,
title, language, and :func:`pipeline.legal.parse_regulation`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import IngestError, UnsupportedFormatError
from pipeline.ingest.base import PAGE_SEPARATOR, RawDocument, Reader
from pipeline.ingest.docx import DocxReader
from pipeline.ingest.guards import SNIFF_BYTES, check_size, sniff
from pipeline.ingest.html import HtmlReader
from pipeline.ingest.pdf import PdfReader
from pipeline.ingest.tables import CsvReader, ParquetReader, XlsxReader
from pipeline.ingest.text import TextReader
from pipeline.settings import IngestSettings
from pipeline.text.lang import detect_language
from pipeline.types import Document, Page

__all__ = ["READERS", "choose_title", "read_file", "reader_for", "regulation_title"]

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
