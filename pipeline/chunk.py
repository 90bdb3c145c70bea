"""Document → Chunks, each of which can be quoted back with a precise citation.

* Regulations: one chunk per Pasal ("UU 14/2008 Pasal 9"); a Pasal over the budget is split by
  ayat ("UU 14/2008 Pasal 9 ayat (2)–(3)"); each Penjelasan that says more than "Cukup jelas"
  is its own chunk linked both ways to its Pasal; amending laws give one chunk per numbered
  change of Pasal I ("UU 19/2016 Pasal I angka 2 (Pasal 27 UU 11/2008)").
* Other documents: sections under their headings, packed to the budget with overlap, pages kept.
* Tables: groups of rows with the header repeated on every chunk.

The budget counts whitespace words (``ChunkSettings.max_tokens``); multilingual-e5-small reads
512 sub-word tokens, about 250–300 Indonesian words.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable

from pipeline.legal import read_change, split_changes
from pipeline.settings import ChunkSettings
from pipeline.types import Chunk, ChunkKind, Document, Pasal, Regulation, Table

#: 4: an amending law's changes whose number OCR lost are split apart (``split_changes``), and
#: each names the Pasal it rewrites as consolidation reads it (inserted 4A, not its anchor 4)
CHUNKER_VERSION = "4"
_CUKUP_JELAS = re.compile(r"^\W*cukup\s*\W*jelas\W*$", re.IGNORECASE)


def chunk_document(doc: Document, settings: ChunkSettings | None = None) -> list[Chunk]:
    """Split ``doc`` into chunks with stable ids, citations, pages and character offsets."""
    settings = settings or ChunkSettings()
    if doc.regulation is not None and doc.regulation.pasal:
        chunks = list(_regulation_chunks(doc, doc.regulation, settings))
    elif doc.tables and not doc.text.strip("\n |-"):
        chunks = []
    else:
        chunks = list(_text_chunks(doc, settings))
    chunks.extend(_table_chunks(doc, settings))
    return _dedupe(chunks)


def count_words(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- builders


def _make(
    doc: Document,
    kind: ChunkKind,
    text: str,
    citation: str,
    start: int,
    end: int,
    **fields: object,
) -> Chunk:
    text = text.strip()
    digest = hashlib.sha1(f"{citation}\x00{text}".encode()).hexdigest()[:12]
    pages = _pages(doc, start, end)
    reg = doc.regulation
    meta: dict[str, object] = {}
    if reg is not None:
        meta = {"jenis": reg.jenis, "nomor": reg.nomor, "tahun": reg.tahun}
    meta.update(fields)
    return Chunk(
        id=f"{doc.id}-{digest}",
        doc_id=doc.id,
        kind=kind,
        text=text,
        citation=citation,
        source=doc.source,
        doc_title=doc.title,
        pages=pages,
        char_start=start,
        char_end=end,
        language=doc.language,
        **meta,  # type: ignore[arg-type]
    )


def _pages(doc: Document, start: int, end: int) -> list[int]:
    if not doc.pages:
        return []
    first, last = doc.page_at(start), doc.page_at(max(start, end - 1))
    if first is None:
        return []
    return list(range(first, (last or first) + 1))


def _dedupe(chunks: list[Chunk]) -> list[Chunk]:
    seen: set[str] = set()
    out = []
    for chunk in chunks:
        if chunk.id in seen or not chunk.text:
            continue
        seen.add(chunk.id)
        out.append(chunk)
    return out


# --------------------------------------------------------------------------- regulations


def _heading(reg: Regulation, pasal: Pasal | None = None) -> str:
    parts = [
        f"{reg.jenis_long or reg.jenis} Nomor {reg.nomor} Tahun {reg.tahun} tentang {reg.tentang}"
    ]
    if pasal is not None:
        titles = {f"{d.kind} {d.number}": d.title for d in reg.divisions}
        for label in (pasal.bab, pasal.bagian, pasal.paragraf):
            if label:
                parts.append(f"{label} {titles.get(label, '')}".strip())
    return " · ".join(parts)


def _regulation_chunks(doc: Document, reg: Regulation, settings: ChunkSettings) -> Iterable[Chunk]:
    label = reg.label
    if reg.menimbang:
        text = "Menimbang: " + " ".join(reg.menimbang)
        first = reg.pasal[0].char_start
        for piece in _pack_words(text, settings.max_tokens, settings.overlap_tokens):
            yield _make(
                doc, "preamble", piece, f"{label} Menimbang", 0, first, heading=_heading(reg)
            )
    for pasal in reg.pasal:
        heading = _heading(reg, pasal)
        penjelasan_id = None
        if pasal.penjelasan and not _CUKUP_JELAS.match(pasal.penjelasan):
            text = f"Penjelasan Pasal {pasal.number}: {pasal.penjelasan}"
            for piece, part in _parts(text, settings):
                pen = _make(
                    doc,
                    "penjelasan",
                    piece,
                    f"Penjelasan {label} Pasal {pasal.number}{part}",
                    pasal.char_start,
                    pasal.char_end,
                    pasal=pasal.number,
                    heading=heading,
                )
                penjelasan_id = penjelasan_id or pen.id
                yield pen
        if reg.is_amending and pasal.number == "I":
            yield from _amendment_chunks(doc, reg, pasal, heading, settings)
            continue
        yield from _pasal_chunks(doc, reg, pasal, heading, penjelasan_id, settings)
    if reg.penjelasan_umum:
        for piece in _pack_words(reg.penjelasan_umum, settings.max_tokens, settings.overlap_tokens):
            yield _make(
                doc,
                "penjelasan",
                piece,
                f"Penjelasan Umum {label}",
                reg.pasal[-1].char_end,
                len(doc.text),
                heading=_heading(reg),
            )
    if reg.lampiran:
        start = doc.text.find(reg.lampiran[:200])
        start = start if start >= 0 else reg.pasal[-1].char_end
        for piece in _pack_words(reg.lampiran, settings.max_tokens, settings.overlap_tokens):
            yield _make(
                doc,
                "lampiran",
                piece,
                f"Lampiran {label}",
                start,
                len(doc.text),
                heading=_heading(reg),
            )


def _pasal_chunks(
    doc: Document,
    reg: Regulation,
    pasal: Pasal,
    heading: str,
    penjelasan_id: str | None,
    settings: ChunkSettings,
) -> Iterable[Chunk]:
    base = f"{reg.label} Pasal {pasal.number}"
    common = {"pasal": pasal.number, "heading": heading, "penjelasan": penjelasan_id}
    if count_words(pasal.text) <= settings.max_tokens:
        yield _make(doc, "pasal", pasal.text, base, pasal.char_start, pasal.char_end, **common)
        return
    if pasal.ayat:
        group: list = []
        for ayat in pasal.ayat:
            words = sum(count_words(a.text) for a in group)
            if group and words + count_words(ayat.text) > settings.max_tokens:
                yield from _ayat_chunks(doc, base, pasal, group, common, settings)
                group = []
            group.append(ayat)
        if group:
            yield from _ayat_chunks(doc, base, pasal, group, common, settings)
        return
    for piece, part in _parts(pasal.text, settings):
        yield _make(
            doc,
            "pasal",
            piece,
            f"{base}{part}",
            pasal.char_start,
            pasal.char_end,
            **common,
        )


def _ayat_chunks(
    doc: Document, base: str, pasal: Pasal, group: list, common: dict, settings: ChunkSettings
) -> Iterable[Chunk]:
    first, last = group[0].number, group[-1].number
    span = f"ayat ({first})" if first == last else f"ayat ({first})–({last})"
    text = f"Pasal {pasal.number}\n" + "\n".join(a.text for a in group)
    ayat = first if first == last else f"{first}-{last}"
    for piece, part in _parts(text, settings):
        yield _make(
            doc,
            "ayat",
            piece,
            f"{base} {span}{part}",
            group[0].char_start,
            group[-1].char_end,
            ayat=ayat,
            **common,
        )


def _amendment_chunks(
    doc: Document, reg: Regulation, pasal: Pasal, heading: str, settings: ChunkSettings
) -> Iterable[Chunk]:
    target = next((r.target.label for r in reg.relations if r.type == "amends"), "")
    changes = split_changes(pasal.text)
    if not changes:
        yield from _pasal_chunks(doc, reg, pasal, heading, None, settings)
        return
    # the introduction ("Beberapa ketentuan … diubah sebagai berikut:"), then each change
    parts = [("I", f"{reg.label} Pasal I", pasal.text[: changes[0][1]], None)]
    for number, start, end in changes:
        text = pasal.text[start:end]
        touched = next(iter(read_change(number, text).touched), None)
        citation = f"{reg.label} Pasal I angka {number}"
        if touched:
            citation += f" (Pasal {touched} {target})".replace("  ", " ").replace(" )", ")")
        amends = f"{target} Pasal {touched}" if touched and target else None
        parts.append((f"I angka {number}", citation, text, amends))
    for label, citation, text, amends in parts:
        for piece, suffix in _parts(text, settings):
            yield _make(
                doc,
                "pasal",
                piece,
                citation + suffix,
                pasal.char_start,
                pasal.char_end,
                pasal=label,
                heading=heading,
                amends=amends,
            )


# --------------------------------------------------------------------------- other text


def _text_chunks(doc: Document, settings: ChunkSettings) -> Iterable[Chunk]:
    """Sections under headings, packed to the budget; pages kept through offsets."""
    text = doc.text
    bounds = sorted({0, *[offset for _, offset, _ in doc.headings if 0 < offset < len(text)]})
    bounds.append(len(text))
    titles = {offset: title for _, offset, title in doc.headings}
    for start, end in itertools.pairwise(bounds):
        section = text[start:end]
        if not section.strip():
            continue
        heading = titles.get(start)
        # page breaks are section breaks too, so each chunk's pages are tight
        for p_start, p_end in _page_spans(doc, start, end):
            for piece, rel_start, rel_end in _pack_spans(
                text, p_start, p_end, settings.max_tokens, settings.overlap_tokens
            ):
                pages = _pages(doc, rel_start, rel_end)
                where = f", hlm. {pages[0]}" if pages and doc.page_count > 1 else ""
                label = f" — {heading}" if heading else ""
                yield _make(
                    doc,
                    "section",
                    piece,
                    f"{doc.title}{label}{where}",
                    rel_start,
                    rel_end,
                    heading=heading,
                )


def _page_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    cuts = sorted({start, end, *[p.char_start for p in doc.pages if start < p.char_start < end]})
    return list(itertools.pairwise(cuts))


def _pack_spans(
    text: str, start: int, end: int, budget: int, overlap: int
) -> list[tuple[str, int, int]]:
    """Pack sentences of ``text[start:end]`` into pieces of ≤ ``budget`` words, with overlap."""
    sentences = [
        (m.start() + start, m.end() + start)
        for m in re.finditer(r"\S.*?(?:[.!?;:](?=\s)|\n\s*\n|$)", text[start:end], re.S)
    ]
    pieces: list[tuple[str, int, int]] = []
    current: list[tuple[int, int]] = []
    words = 0
    for s, e in sentences:
        n = count_words(text[s:e])
        if current and words + n > budget:
            pieces.append((text[current[0][0] : current[-1][1]], current[0][0], current[-1][1]))
            keep: list[tuple[int, int]] = []
            kept = 0
            for span in reversed(current):
                kept += count_words(text[span[0] : span[1]])
                if kept > overlap:
                    break
                keep.insert(0, span)
            current, words = keep, sum(count_words(text[a:b]) for a, b in keep)
        if n > budget:  # one huge "sentence" (tables, lists): hard split by words
            for piece_start, piece_end in _hard_split(text, s, e, budget):
                pieces.append((text[piece_start:piece_end], piece_start, piece_end))
            current, words = [], 0
            continue
        current.append((s, e))
        words += n
    if current:
        pieces.append((text[current[0][0] : current[-1][1]], current[0][0], current[-1][1]))
    return [(re.sub(r"[ \t]+", " ", p).strip(), s, e) for p, s, e in pieces if p.strip()]


def _hard_split(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    spans = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    return [
        (spans[i][0], spans[min(i + budget, len(spans)) - 1][1])
        for i in range(0, len(spans), budget)
    ]


def _parts(text: str, settings: ChunkSettings) -> list[tuple[str, str]]:
    """``text`` packed to the budget, each piece with its label suffix (" (bagian 2/3)")."""
    pieces = _pack_words(text, settings.max_tokens, settings.overlap_tokens)
    if len(pieces) == 1:
        return [(pieces[0], "")]
    return [(piece, f" (bagian {i}/{len(pieces)})") for i, piece in enumerate(pieces, 1)]


def _pack_words(text: str, budget: int, overlap: int) -> list[str]:
    return [piece for piece, _, _ in _pack_spans(text, 0, len(text), budget, overlap)]


# --------------------------------------------------------------------------- tables


def table_to_text(header: list[str], rows: list[list[str]]) -> str:
    """Render rows as a Markdown table with the header on top."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "/").replace("\n", " ") for c in cells) + " |"

    out = [line(header), "|" + "---|" * len(header)] if header else []
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def _table_chunks(doc: Document, settings: ChunkSettings) -> Iterable[Chunk]:
    for t_index, table in enumerate(doc.tables, 1):
        yield from _one_table(doc, t_index, table, settings)


def _one_table(
    doc: Document, t_index: int, table: Table, settings: ChunkSettings
) -> Iterable[Chunk]:
    size = max(1, settings.table_rows)
    where = f", hlm. {table.page}" if table.page else ""
    sheet = f" [{table.sheet}]" if table.sheet else ""
    caption = f"{table.caption}\n" if table.caption else ""
    for first in range(0, max(1, len(table.rows)), size):
        rows = table.rows[first : first + size]
        if not rows and not table.header:
            continue
        last = first + len(rows)
        citation = f"{doc.title}{sheet}, Tabel {t_index} baris {first + 1}–{last}{where}"
        text = caption + table_to_text(table.header, rows)
        page_offset = next((p.char_start for p in doc.pages if p.number == table.page), 0)
        yield _make(doc, "table", text, citation, page_offset, page_offset, heading=table.caption)
