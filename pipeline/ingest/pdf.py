"""PDF: the text layer per page (pypdf), OCR for scanned pages (pypdfium2 + Tesseract), tables
(pdfplumber).

- A page whose text layer has fewer than ``settings.min_chars_per_page`` characters is rendered at
  ``settings.ocr_dpi`` and OCR'd with ``settings.ocr_languages`` when ``settings.ocr`` is on; the
  page is flagged ``ocr`` and the document gets a warning ``"page N OCR'd"``.
- pdfplumber is only used for tables, only on pages that draw enough lines/rectangles to hold a
  ruled table, and only within a time budget (a quarter of the per-file limit, at most
  :data:`TABLE_BUDGET_S`), because it re-parses every page and is the slowest part of reading.
- Encrypted files are opened with the empty password (many "protected" PDFs only restrict
  printing); otherwise they are refused with reason ``encrypted``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import IngestError, MissingDependencyError
from pipeline.ingest.base import RawDocument, RawPage, cell_text, clean_text
from pipeline.settings import IngestSettings
from pipeline.types import Table

logger = logging.getLogger(__name__)

TABLE_BUDGET_S = 20.0
#: a page needs at least this many line/rectangle drawing operators to be tried for tables
MIN_RULING_OPS = 12
_RULING_OP = re.compile(rb"\s(?:re|l)\s")
TESSERACT_HELP = (
    "Tesseract OCR is not available; install it with "
    "`apt-get install tesseract-ocr tesseract-ocr-ind` (scanned pages stay empty until then)"
)


def _open(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        encrypted = reader.is_encrypted
    except PdfReadError as exc:
        raise IngestError(f"{path}: corrupt PDF: {exc}", reason="corrupt") from exc
    except Exception as exc:  # pypdf surfaces damage as many exception types
        raise IngestError(
            f"{path}: corrupt PDF ({exc.__class__.__name__}: {exc})", reason="corrupt"
        ) from exc
    if encrypted:
        from pypdf import PasswordType

        try:
            ok = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception as exc:  # unsupported algorithm, missing crypto backend
            logger.debug("decrypt of %s failed: %s", path, exc)
            ok = False
        if not ok:
            raise IngestError(
                f"{path}: the PDF is encrypted with a password",
                reason="encrypted",
                help="Remove the password (e.g. `qpdf --decrypt`) and run again.",
            )
    return reader


@contextlib.contextmanager
def _single_threaded_tesseract() -> Iterator[None]:
    """``OMP_THREAD_LIMIT=1`` for the Tesseract child process only.

    Tesseract's OpenMP threads oversubscribe small machines: on 2 shared cores one page took
    17.7 s with the default and 1.9 s single-threaded (pages are parallelised by workers
    instead). pytesseract passes ``os.environ`` to the child, so the variable is set around the
    call and restored after: left in this process, it makes the OpenMP OpenBLAS inside
    faiss-cpu wait forever for a thread OpenMP will not start (IVF training livelocked in CI).
    """
    old = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = old


def _ocr_page(pdfium_doc: Any, index: int, settings: IngestSettings) -> str:
    import pytesseract

    page = pdfium_doc[index]
    try:
        image = page.render(scale=settings.ocr_dpi / 72).to_pil()
    finally:
        page.close()
    try:
        with _single_threaded_tesseract():
            return str(pytesseract.image_to_string(image, lang=settings.ocr_languages))
    except pytesseract.TesseractNotFoundError as exc:
        raise MissingDependencyError(TESSERACT_HELP) from exc
    except pytesseract.TesseractError as exc:
        raise MissingDependencyError(
            f"Tesseract failed for languages {settings.ocr_languages!r} ({exc.message}); install "
            "the language data with `apt-get install tesseract-ocr tesseract-ocr-ind`"
        ) from exc


def _ruling_ops(page: Any) -> int:
    try:
        contents = page.get_contents()
        return len(_RULING_OP.findall(contents.get_data())) if contents is not None else 0
    except Exception:
        return 0


def _explode(row: list[str]) -> list[list[str]]:
    """Split a row whose cells all hold the same number of lines (merged rows) into rows."""
    filled = [cell for cell in row if cell]
    counts = {cell.count("\n") for cell in filled}
    if len(filled) >= 2 and len(counts) == 1 and (n := counts.pop()) > 0:
        split = [cell.split("\n") if cell else [""] * (n + 1) for cell in row]
        return [[cell_text(col[i]) for col in split] for i in range(n + 1)]
    return [[cell_text(cell) for cell in row]]


def clean_pdf_table(raw: list[list[str | None]], page: int) -> Table | None:
    """pdfplumber rows → Table: merged rows split, leading title rows as caption, empties dropped."""
    rows: list[list[str]] = []
    for raw_row in raw:
        rows.extend(_explode([(cell or "").strip() for cell in raw_row]))
    rows = [row for row in rows if any(row)]
    caption_lines = []
    while len(rows) > 2 and sum(1 for cell in rows[0] if cell) == 1 and len(rows[0]) > 1:
        caption_lines.append(next(cell for cell in rows[0] if cell))
        rows.pop(0)
    if len(rows) < 2:
        return None
    width = max(len(row) for row in rows)
    rows = [(row + [""] * width)[:width] for row in rows]
    return Table(header=rows[0], rows=rows[1:], page=page, caption=" ".join(caption_lines) or None)


def _tables(path: Path, page_numbers: list[int], deadline: float) -> tuple[list[Table], list[str]]:
    import pdfplumber

    tables: list[Table] = []
    warnings: list[str] = []
    with pdfplumber.open(str(path)) as pdf:
        for number in page_numbers:
            if time.monotonic() > deadline:
                warnings.append(f"table extraction stopped at page {number} (time budget spent)")
                break
            try:
                page = pdf.pages[number - 1]
                for raw in page.extract_tables():
                    table = clean_pdf_table(raw, number)
                    if table is not None:
                        tables.append(table)
                page.close()
            except Exception as exc:  # pdfminer errors on odd pages: keep the text, note it
                warnings.append(
                    f"page {number}: table extraction failed ({exc.__class__.__name__})"
                )
    return tables, warnings


class PdfReader:
    """``.pdf``: one :class:`RawPage` per page, OCR for scanned pages, ruled tables."""

    suffixes = (".pdf",)
    media_type = "application/pdf"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Read text per page, OCR what has no text layer, then extract tables."""
        start = time.monotonic()
        reader = _open(path)
        try:
            total = len(reader.pages)
        except Exception as exc:
            raise IngestError(
                f"{path}: corrupt PDF (no page tree: {exc})", reason="corrupt"
            ) from exc
        if total == 0:
            raise IngestError(f"{path}: the PDF has no pages", reason="empty")
        warnings: list[str] = []
        if total > settings.max_pages:
            warnings.append(f"only the first {settings.max_pages} of {total} pages read")
        count = min(total, settings.max_pages)

        pages: list[RawPage] = []
        table_pages: list[int] = []
        pdfium_doc: Any = None
        ocr_broken = False
        try:
            for index in range(count):
                page = reader.pages[index]
                try:
                    text = clean_text(page.extract_text() or "")
                except Exception as exc:
                    warnings.append(
                        f"page {index + 1}: no text layer read ({exc.__class__.__name__})"
                    )
                    text = ""
                ocr = False
                if len(text) < settings.min_chars_per_page and settings.ocr and not ocr_broken:
                    try:
                        if pdfium_doc is None:
                            import pypdfium2

                            pdfium_doc = pypdfium2.PdfDocument(str(path))
                        ocr_text = clean_text(_ocr_page(pdfium_doc, index, settings))
                    except MissingDependencyError as exc:
                        logger.warning("%s", exc)
                        warnings.append(str(exc))
                        ocr_broken = True
                        ocr_text = ""
                    except Exception as exc:
                        warnings.append(f"page {index + 1}: OCR failed ({exc.__class__.__name__})")
                        ocr_text = ""
                    # keep a short text layer unless OCR finds clearly more (not just noise)
                    if len(ocr_text) >= max(1.5 * len(text), len(text) + 20):
                        text, ocr = ocr_text, True
                        warnings.append(f"page {index + 1} OCR'd")
                elif _ruling_ops(page) >= MIN_RULING_OPS:
                    table_pages.append(index + 1)
                pages.append(RawPage(text, ocr=ocr))
        finally:
            if pdfium_doc is not None:
                pdfium_doc.close()

        tables: list[Table] = []
        if table_pages:
            budget = min(TABLE_BUDGET_S, settings.timeout_s / 4)
            try:
                tables, table_warnings = _tables(path, table_pages, time.monotonic() + budget)
                warnings.extend(table_warnings)
            except Exception as exc:
                warnings.append(f"table extraction failed ({exc.__class__.__name__}: {exc})")
        logger.debug("read %s: %d pages in %.2fs", path, count, time.monotonic() - start)
        return RawDocument(
            pages=pages,
            media_type=self.media_type,
            tables=tables,
            title=_metadata_title(reader),
            warnings=warnings,
        )


def _metadata_title(reader: Any) -> str | None:
    """The PDF's /Title unless it is a converter's leftover ("Microsoft Word - x.doc", "untitled")."""
    try:
        title = (reader.metadata.title if reader.metadata else None) or ""
    except Exception:
        return None
    title = " ".join(str(title).split())
    lowered = title.lower()
    if (
        not title
        or lowered.startswith(("microsoft word", "untitled", "document"))
        or re.search(r"\.[a-z0-9]{2,4}$", lowered)
    ):
        return None
    return title
