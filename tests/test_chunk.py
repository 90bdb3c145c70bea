"""Chunks: one per Pasal, ayat splits, Penjelasan links, amendments, sections, tables."""

from __future__ import annotations

import hashlib

from pipeline.chunk import chunk_document
from pipeline.legal import parse_regulation
from pipeline.settings import ChunkSettings
from pipeline.types import Document, Page, Table
from tests.conftest import SAMPLES


def _doc(
    text: str,
    *,
    pages: list[str] | None = None,
    tables: list[Table] | None = None,
    headings: list[tuple[int, int, str]] | None = None,
    regulation: bool = True,
) -> Document:
    page_texts = pages or [text]
    full = "\n\n".join(page_texts)
    page_records, offset = [], 0
    for number, page in enumerate(page_texts, 1):
        page_records.append(
            Page(number=number, text=page, char_start=offset, char_end=offset + len(page))
        )
        offset += len(page) + 2
    digest = hashlib.sha256(full.encode()).hexdigest()
    return Document(
        id=digest[:16],
        source="mem.md",
        title="Dokumen Uji",
        sha256=digest,
        media_type="text/markdown",
        text=full,
        pages=page_records,
        page_count=len(page_records),
        language="id",
        tables=tables or [],
        headings=headings or [],
        regulation=parse_regulation(full) if regulation else None,
    )


def _sample_doc(name: str) -> Document:
    return _doc((SAMPLES / "regulations" / name).read_text(encoding="utf-8"))


def test_one_chunk_per_pasal_with_citation_and_offsets() -> None:
    doc = _sample_doc("uu-5-2014-asn-ringkas.md")
    chunks = chunk_document(doc)
    pasal = [c for c in chunks if c.kind == "pasal"]
    assert [c.citation for c in pasal] == [f"UU 5/2014 Pasal {n}" for n in range(1, 8)]
    third = pasal[2]
    assert third.text.startswith("Pasal 3") and "7 (tujuh) orang" in third.text
    assert doc.text[third.char_start : third.char_end].startswith("Pasal 3")
    assert (third.jenis, third.nomor, third.tahun, third.pasal) == ("UU", "5", 2014, "3")
    assert "BAB III KOMISI APARATUR SIPIL NEGARA" in third.heading
    assert third.pages == [1]


def test_penjelasan_is_linked_and_cukup_jelas_dropped() -> None:
    chunks = chunk_document(_sample_doc("uu-5-2014-asn-ringkas.md"))
    pen = {c.pasal: c for c in chunks if c.kind == "penjelasan" and c.pasal}
    assert set(pen) == {"2", "4"}  # the others only say "Cukup jelas."
    pasal2 = next(c for c in chunks if c.citation == "UU 5/2014 Pasal 2")
    assert pasal2.penjelasan == pen["2"].id
    assert pen["2"].citation == "Penjelasan UU 5/2014 Pasal 2"
    assert any(c.citation == "Penjelasan Umum UU 5/2014" for c in chunks)


def test_long_pasal_splits_by_ayat() -> None:
    chunks = chunk_document(_sample_doc("uu-5-2014-asn-ringkas.md"), ChunkSettings(max_tokens=30))
    ayat = [c for c in chunks if c.kind == "ayat" and c.pasal == "3"]
    assert [c.citation for c in ayat] == [f"UU 5/2014 Pasal 3 ayat ({n})" for n in (1, 2, 3)]
    assert ayat[1].ayat == "2" and "7 (tujuh) orang" in ayat[1].text


def test_ids_are_stable_and_unique() -> None:
    first = chunk_document(_sample_doc("pp-94-2021-disiplin-pns-ringkas.md"))
    second = chunk_document(_sample_doc("pp-94-2021-disiplin-pns-ringkas.md"))
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


def test_amending_law_chunks_per_change() -> None:
    chunks = chunk_document(_sample_doc("uu-19-2016-perubahan-ite-ringkas.md"))
    citations = [c.citation for c in chunks if c.kind == "pasal"]
    assert "UU 19/2016 Pasal I angka 1 (Pasal 26 UU 11/2008)" in citations
    assert "UU 19/2016 Pasal I angka 2 (Pasal 45 UU 11/2008)" in citations
    change = next(c for c in chunks if c.citation.startswith("UU 19/2016 Pasal I angka 2"))
    assert "Rp750.000.000,00" in change.text
    assert change.amends == "UU 11/2008 Pasal 45"  # the Pasal whose wording in force it is
    intro = next(c for c in chunks if c.citation == "UU 19/2016 Pasal I")
    assert intro.amends is None


def test_plain_document_sections_pages_and_overlap() -> None:
    body = " ".join(f"Kalimat nomor {i} tentang pelayanan publik." for i in range(60))
    doc = _doc(
        "",
        pages=["# Bab Satu\n" + body, "# Bab Dua\n" + body],
        regulation=False,
        headings=[(1, 0, "Bab Satu")],
    )
    chunks = chunk_document(doc, ChunkSettings(max_tokens=80, overlap_tokens=10))
    assert all(c.kind == "section" for c in chunks)
    assert all(len(c.text.split()) <= 80 for c in chunks)
    assert {tuple(c.pages) for c in chunks} == {(1,), (2,)}
    first, second = chunks[0], chunks[1]
    opening = second.text.split(".")[0] + "."
    assert opening in first.text  # the overlap: the next chunk repeats the last sentence(s)
    assert "hlm. 2" in chunks[-1].citation


def test_table_chunks_repeat_the_header() -> None:
    table = Table(
        header=["provinsi", "tahun", "nilai"],
        rows=[[f"P{i}", "2022", f"{i},5"] for i in range(45)],
        page=1,
    )
    doc = _doc("Tabel", tables=[table], regulation=False)
    chunks = [c for c in chunk_document(doc, ChunkSettings(table_rows=20)) if c.kind == "table"]
    assert len(chunks) == 3
    assert all(c.text.startswith("| provinsi | tahun | nilai |") for c in chunks)
    assert chunks[1].citation == "Dokumen Uji, Tabel 1 baris 21–40, hlm. 1"
    assert "| P44 | 2022 | 44,5 |" in chunks[2].text
