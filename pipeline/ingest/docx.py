"""Word documents (``.docx``): paragraphs and tables in body order, Heading styles, core title.

The zip-bomb guard (:func:`pipeline.ingest.guards.check_zip`) runs before python-docx opens the
file; it is called by :func:`pipeline.ingest.read_file`, and again here so the reader is safe on
its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.ingest.base import RawDocument, RawPage, cell_text, normalise_rows, table_from_rows
from pipeline.ingest.guards import check_zip
from pipeline.settings import IngestSettings
from pipeline.types import Table

# English and Indonesian Word style names/ids: "Heading 2", "heading2", "Judul 2"
_HEADING_STYLE = re.compile(r"^(?:heading|judul)\s*([1-9])$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _heading_level(paragraph: object) -> int | None:
    style = getattr(paragraph, "style", None)
    if style is None:
        return None
    for name in (style.name or "", style.style_id or ""):
        match = _HEADING_STYLE.match(name.strip())
        if match:
            return int(match.group(1))
        if name.strip().lower() == "title":
            return 1
    return None


def _table_rows(table: object) -> list[list[str]]:
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats; keep it once
                continue
            seen.add(id(cell._tc))
            cells.append(cell_text(cell.text))
        rows.append(cells)
    return rows


class DocxReader:
    """``.docx``: one page; Heading 1–9 (and Title) paragraphs become ``headings``."""

    suffixes = (".docx",)
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Walk the body in order, collecting paragraphs, headings and tables."""
        check_zip(path, settings)
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            raise IngestError(
                f"{path}: not a Word document ({exc.__class__.__name__}: {exc})", reason="corrupt"
            ) from exc

        parts: list[str] = []
        length = 0
        headings: list[tuple[int, int, str]] = []
        tables: list[Table] = []

        def add(block: str) -> int:
            nonlocal length
            if parts:
                parts.append("\n\n")
                length += 2
            start = length
            parts.append(block)
            length += len(block)
            return start

        body = document.element.body
        for child in body.iterchildren():
            if child.tag == f"{_W}p":
                paragraph = Paragraph(child, document)
                text = paragraph.text.strip()
                if not text:
                    continue
                level = _heading_level(paragraph)
                start = add(" ".join(text.split()) if level else text)
                if level:
                    headings.append((level, start, " ".join(text.split())))
            elif child.tag == f"{_W}tbl":
                rows = normalise_rows(_table_rows(DocxTable(child, document)))
                table = table_from_rows(rows, page=1)
                if table is not None:
                    tables.append(table)
                    add("\n".join(" | ".join(row) for row in rows))

        title = (document.core_properties.title or "").strip() or None
        return RawDocument(
            pages=[RawPage("".join(parts))],
            media_type=self.media_type,
            tables=tables,
            headings=headings,
            title=title,
        )
