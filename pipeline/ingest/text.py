"""Plain text and Markdown (``.txt``, ``.md``), and the encoding detection other readers share."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.ingest.base import RawDocument, RawPage, clean_text
from pipeline.settings import IngestSettings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# bytes cp1252 leaves undefined; their presence rules cp1252 out
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: a byte-order mark; the ``declared`` encoding (e.g. an HTML ``<meta charset>``);
    strict UTF-8; then, for mostly-ASCII text with a few high bytes — the usual shape of
    Indonesian or English text saved by Windows tools — cp1252 (a superset of latin-1 for
    printable text); anything else goes to charset-normalizer. charset-normalizer alone is
    unreliable on such short Western samples (it picks cp1250/cp775 and garbles "é" or "“"),
    which is why cp1252 is tried first. Raises ``IngestError(reason="encoding")`` when nothing
    yields readable text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in data if b >= 0x80)
    if b"\x00" not in data and high / len(data) < 0.1 and not _CP1252_UNDEFINED & set(data):
        return data.decode("cp1252"), "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if len(_BAD_CHARS.findall(text)) <= max(2, len(text) // 100):
            return text, best.encoding
    raise IngestError(
        "cannot detect the text encoding (binary data or an unknown encoding)", reason="encoding"
    )


def read_text_file(path: Path) -> tuple[str, list[str]]:
    """The decoded text of ``path`` and warnings (a non-UTF-8 encoding is noted)."""
    data = path.read_bytes()
    try:
        text, encoding = decode_bytes(data)
    except IngestError as exc:
        raise IngestError(f"{path}: {exc}", reason=exc.reason) from exc
    warnings = [] if encoding in {"utf-8", "ascii"} else [f"encoding detected as {encoding}"]
    return text, warnings


_ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


def markdown_headings(text: str) -> list[tuple[int, int, str]]:
    """``(level, offset, text)`` of every ``#`` heading outside fenced code blocks."""
    fences = [m.start() for m in _FENCE.finditer(text)]
    spans = list(zip(fences[::2], [*fences[1::2], len(text)], strict=False))
    headings = []
    for match in _ATX_HEADING.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        heading = match.group(2).strip()
        if heading:
            headings.append((len(match.group(1)), match.start(), heading))
    return headings


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str, str | None]:
    """Remove a YAML front-matter block (``---`` … ``---``) and return ``(body, its title)``."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, None
    title_match = _FRONT_TITLE.search(match.group(1))
    title = title_match.group(1).strip("'\"") if title_match else None
    return text[match.end() :], title or None


class TextReader:
    """``.txt`` and ``.md``: one page; Markdown ``#`` headings become ``headings``."""

    suffixes = (".txt", ".md", ".markdown", ".text")
    media_type = "text/plain"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Decode the file (encoding detected), clean it, and find Markdown headings."""
        raw, warnings = read_text_file(path)
        is_markdown = path.suffix.lower() in {".md", ".markdown"}
        title = None
        if is_markdown:
            raw, title = split_front_matter(raw.lstrip("\ufeff"))
        text = clean_text(raw)
        return RawDocument(
            pages=[RawPage(text)],
            media_type="text/markdown" if is_markdown else self.media_type,
            headings=markdown_headings(text) if is_markdown else [],
            title=title,
            warnings=warnings,
        )
