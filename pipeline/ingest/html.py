"""HTML pages: the main content via trafilatura (no menus, footers, cookie banners).

trafilatura's XML output keeps the structure we need — ``<head rend="h2">`` headings, paragraphs,
lists and ``<table>``s — so text, headings and tables come from one pass. When trafilatura finds
no main content (a bare fragment, a page that is all table), the whole ``<body>`` is turned into
plain text with lxml, without scripts, styles and navigation. A page nested deeper than lxml's
tree allows (libxml2 stops at 256 levels and drops the rest) is read by a streaming parser
(``html.parser``), which keeps no tree and so has no depth to run out of.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from pipeline.errors import IngestError
from pipeline.ingest.base import RawDocument, RawPage, normalise_rows, table_from_rows
from pipeline.ingest.text import decode_bytes
from pipeline.settings import IngestSettings
from pipeline.types import Table

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "ul", "ol", "pre", "blockquote", "dd", "dt", "header", "main",
}  # fmt: skip
_DROP_TAGS = ["script", "style", "noscript", "nav", "footer", "aside", "form", "template", "svg"]


class _Builder:
    """Accumulates text blocks, heading offsets and tables in reading order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.headings: list[tuple[int, int, str]] = []
        self.tables: list[Table] = []

    def add(self, block: str, heading_level: int | None = None) -> None:
        block = " ".join(block.split()) if heading_level else block.strip()
        if not block:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        if heading_level:
            self.headings.append((heading_level, self.length, block))
        self.parts.append(block)
        self.length += len(block)

    def add_table(self, rows: list[list[str]]) -> None:
        rows = normalise_rows(rows)
        table = table_from_rows(rows, page=1)
        if table is not None:
            self.tables.append(table)
            self.add("\n".join(" | ".join(row) for row in rows))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _from_trafilatura_xml(xml: str) -> _Builder:
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    builder = _Builder()
    for element in main if main is not None else root:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend", "h2")
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            builder.add(_text_of(element), heading_level=level)
        elif tag == "table":
            rows = [[_text_of(cell) for cell in row.iter("cell")] for row in element.iter("row")]
            builder.add_table(rows)
        elif tag == "list":
            builder.add("\n".join(f"- {_text_of(item)}" for item in element.iter("item")))
        else:
            builder.add(_text_of(element))
    return builder


def _drop_chrome(tree: lxml_html.HtmlElement) -> None:
    """Remove scripts, styles, navigation, footers and forms in place."""
    for bad in tree.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        bad.drop_tree()


def _from_lxml(tree: lxml_html.HtmlElement) -> _Builder:
    body = tree.find("body")
    root = body if body is not None else tree
    builder = _Builder()
    for table in root.xpath(".//table[not(ancestor::table)]"):
        rows = [[_text_of(c) for c in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
        builder.add_table(rows)
        table.drop_tree()
    buffer: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in _BLOCK_TAGS and buffer:
            builder.add(" ".join("".join(buffer).split()))
            buffer = []
        if re.fullmatch(r"h[1-6]", element.tag):
            builder.add(_text_of(element), heading_level=int(element.tag[1]))
            element.text = ""
            for child in element:
                child.drop_tree()
        elif element.text:
            buffer.append(element.text)
        if element.tail:
            buffer.append(element.tail)
    if buffer:
        builder.add(" ".join("".join(buffer).split()))
    return builder


class _Stream(HTMLParser):
    """Text of a page as a stream of tags: blocks and headings, no tree, no depth limit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = _Builder()
        self.buffer: list[str] = []
        self.skip = 0  # inside script, style, nav…
        self.heading: int | None = None

    def _flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            self.builder.add(text, heading_level=self.heading)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if re.fullmatch(r"h[1-6]", tag):
                self.heading = int(tag[1])

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            self.heading = None

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buffer.append(data)


def _from_stream(markup: str) -> _Builder:
    stream = _Stream()
    stream.feed(markup)
    stream.close()
    stream._flush()
    return stream.builder


class HtmlReader:
    """``.html`` / ``.htm``: main content, ``<h1>``–``<h6>`` headings, tables, ``<title>``."""

    suffixes = (".html", ".htm", ".xhtml")
    media_type = "text/html"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Extract the main content of the page; fall back to the whole body as plain text."""
        data = path.read_bytes()
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
        try:
            markup, encoding = decode_bytes(data, declared=declared)
        except IngestError as exc:
            raise IngestError(f"{path}: {exc}", reason=exc.reason) from exc
        warnings = [] if encoding in {"utf-8", "ascii"} else [f"encoding detected as {encoding}"]
        try:
            tree = lxml_html.document_fromstring(markup)
        except (etree.ParserError, ValueError) as exc:
            raise IngestError(f"{path}: not parseable as HTML: {exc}", reason="corrupt") from exc
        title_el = tree.find(".//title")
        title = _text_of(title_el) if title_el is not None else None
        _drop_chrome(tree)  # trafilatura keeps a lone <nav> on short pages; never want it
        cleaned = lxml_html.tostring(tree, encoding="unicode")

        import trafilatura

        builder: _Builder | None = None
        try:
            xml = trafilatura.extract(
                cleaned,
                output_format="xml",
                include_tables=True,
                include_formatting=True,
                include_comments=False,
                favor_recall=True,
            )
        except Exception as exc:  # trafilatura has many internal failure modes
            logger.warning("trafilatura failed on %s: %s", path, exc)
            xml = None
        if xml:
            builder = _from_trafilatura_xml(xml)
        if builder is None or not builder.text.strip():
            warnings.append("no main content found; used the whole page text")
            builder = _from_lxml(tree)
        if not builder.text.strip():
            streamed = _from_stream(markup)
            if streamed.text.strip():
                warnings.append("page too deeply nested for a tree; read as a stream of tags")
                builder = streamed
        return RawDocument(
            pages=[RawPage(builder.text)],
            media_type=self.media_type,
            tables=builder.tables,
            headings=builder.headings,
            title=title or None,
            warnings=warnings,
        )
