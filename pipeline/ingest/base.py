"""The ``Reader`` seam and the raw result a reader hands back to :func:`pipeline.ingest.read_file`.

A reader only turns one format into text, pages, tables and headings. Everything that is the
same for every format — the size and zip-bomb guards, hashing, the title, language detection,
regulation parsing — is done once in ``pipeline/ingest/__init__.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from pipeline.settings import IngestSettings
from pipeline.types import Table

PAGE_SEPARATOR = "\n\n"


@dataclass
class RawPage:
    """The text of one page as a reader found it; ``ocr`` is True when it came from Tesseract."""

    text: str
    ocr: bool = False


@dataclass
class RawDocument:
    """What a reader returns: pages of text plus whatever structure the format carries.

    ``headings`` hold ``(level, char offset, text)`` with offsets into the pages joined by
    :data:`PAGE_SEPARATOR` (for single-page formats: into that page's text). ``title`` is the
    title the file itself declares (DOCX core title, HTML ``<title>``, PDF metadata), if any.
    """

    pages: list[RawPage]
    media_type: str
    tables: list[Table] = field(default_factory=list)
    headings: list[tuple[int, int, str]] = field(default_factory=list)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


@runtime_checkable
class Reader(Protocol):
    """Reads one file format. Satisfied by shape: a ``suffixes`` tuple and a ``read`` method.

    ``read`` may raise :class:`pipeline.errors.IngestError` (with a ``reason``) for files it
    recognises as bad; any other exception is reported by the caller as ``corrupt``.
    """

    suffixes: tuple[str, ...]
    media_type: str

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Read ``path`` into a :class:`RawDocument`."""
        ...


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise newlines, drop control characters and runs of blank lines; keep the words."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def cell_text(value: object) -> str:
    """A table cell as a string: ``None`` → ``""``, whole floats without ``.0``, text stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return " ".join(str(value).split())


def render_table(table: Table) -> str:
    """A plain-text rendering of a table (one row per line, cells joined by `` | ``)."""
    lines = []
    if table.caption:
        lines.append(table.caption)
    if table.header:
        lines.append(" | ".join(table.header))
    lines.extend(" | ".join(row) for row in table.rows)
    return "\n".join(lines)


def normalise_rows(rows: list[list[str]]) -> list[list[str]]:
    """Drop empty rows and empty trailing columns, and pad rows to one width."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    width = max(
        (max((i + 1 for i, cell in enumerate(row) if cell.strip()), default=0) for row in rows),
        default=0,
    )
    return [(row + [""] * width)[:width] for row in rows]


def table_from_rows(
    rows: list[list[str]],
    *,
    page: int | None = None,
    sheet: str | None = None,
    caption: str | None = None,
) -> Table | None:
    """First row as header, the rest as body; ``None`` when nothing is left after cleaning."""
    rows = normalise_rows(rows)
    if not rows:
        return None
    return Table(header=rows[0], rows=rows[1:], page=page, sheet=sheet, caption=caption)
