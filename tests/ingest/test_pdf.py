"""PDF reader: text layer per page, offsets, OCR of scanned pages, tables, bad PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader as PypdfReader
from pypdf import PdfWriter

from pipeline.errors import IngestError
from pipeline.ingest import read_file
from pipeline.ingest.pdf import clean_pdf_table
from pipeline.settings import IngestSettings
from tests.ingest.helpers import EN_TEXT, ID_TEXT, make_pdf, make_scanned_pdf

NO_OCR = IngestSettings(ocr=False, min_chars_per_page=5)


def _words(text: str, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return [*lines, line]


@pytest.fixture
def two_pages(tmp_path: Path) -> Path:
    path = tmp_path / "dua.pdf"
    path.write_bytes(make_pdf([_words(ID_TEXT), ["Halaman kedua", *_words(ID_TEXT)]]))
    return path


def test_pages_and_offsets(two_pages: Path) -> None:
    doc = read_file(two_pages, NO_OCR)
    assert doc.page_count == 2 and [p.number for p in doc.pages] == [1, 2]
    assert doc.media_type == "application/pdf"
    for page in doc.pages:
        assert doc.text[page.char_start : page.char_end] == page.text
    assert doc.text == doc.pages[0].text + "\n\n" + doc.pages[1].text
    assert "Halaman kedua" in doc.pages[1].text
    assert doc.page_at(doc.pages[1].char_start) == 2
    assert doc.language == "id"
    assert doc.id == doc.sha256[:16] and len(doc.sha256) == 64
    assert not any(p.ocr for p in doc.pages)


def test_max_pages(two_pages: Path) -> None:
    doc = read_file(two_pages, NO_OCR.model_copy(update={"max_pages": 1}))
    assert doc.page_count == 1
    assert any("first 1 of 2 pages" in w for w in doc.warnings)


def test_ruled_table_found(tmp_path: Path) -> None:
    rows = ["Provinsi Nilai"] + [f"Prov{i} {i}" for i in range(8)]
    path = tmp_path / "tabel.pdf"
    path.write_bytes(make_pdf([rows], rules=True))
    doc = read_file(path, NO_OCR)
    assert doc.tables, "a ruled grid must be tried for tables"
    assert doc.tables[0].page == 1


def test_clean_pdf_table_splits_merged_rows() -> None:
    raw = [
        ["Title of the table", None, None],
        ["State", "A", "B"],
        ["Alabama\nAlaska", "1\n2", "3\n4"],
        ["Totals", "3", "7"],
    ]
    table = clean_pdf_table(raw, page=1)
    assert table is not None
    assert table.caption == "Title of the table"
    assert table.header == ["State", "A", "B"]
    assert table.rows == [["Alabama", "1", "3"], ["Alaska", "2", "4"], ["Totals", "3", "7"]]


def test_corrupt_pdf(tmp_path: Path, two_pages: Path) -> None:
    path = tmp_path / "rusak.pdf"
    path.write_bytes(two_pages.read_bytes()[:300])  # header survives, body and xref cut off
    with pytest.raises(IngestError) as info:
        read_file(path, NO_OCR)
    assert info.value.reason in {"corrupt", "empty"}


def test_garbage_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "acak.pdf"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(IngestError) as info:
        read_file(path, NO_OCR)
    assert info.value.reason == "corrupt"


def test_text_file_named_pdf_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "sebenarnya-teks.pdf"
    path.write_text(ID_TEXT, encoding="utf-8")
    doc = read_file(path, NO_OCR)
    assert doc.media_type == "text/plain"
    assert "pelayanan publik" in doc.text
    assert any("not .pdf" in w for w in doc.warnings)


def _encrypt(src: Path, dst: Path, user: str) -> Path:
    writer = PdfWriter()
    writer.append(PypdfReader(src))
    writer.encrypt(user_password=user, owner_password="pemilik", algorithm="AES-128")
    with dst.open("wb") as handle:
        writer.write(handle)
    return dst


def test_encrypted_pdf_with_password_is_refused(tmp_path: Path, two_pages: Path) -> None:
    path = _encrypt(two_pages, tmp_path / "rahasia.pdf", user="rahasia")
    with pytest.raises(IngestError) as info:
        read_file(path, NO_OCR)
    assert info.value.reason == "encrypted"


def test_encrypted_pdf_with_empty_password_is_read(tmp_path: Path, two_pages: Path) -> None:
    path = _encrypt(two_pages, tmp_path / "terkunci.pdf", user="")
    doc = read_file(path, NO_OCR)
    assert "Halaman kedua" in doc.text


def test_scanned_page_without_ocr_is_empty(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "pindai.pdf", ["PERATURAN PEMERINTAH"])
    with pytest.raises(IngestError) as info:
        read_file(path, IngestSettings(ocr=False))
    assert info.value.reason == "empty"
    assert "OCR" in str(info.value)


def test_scanned_page_is_ocrd(tmp_path: Path) -> None:
    lines = ["PERATURAN PEMERINTAH", "REPUBLIK INDONESIA", "Pasal 1", "Dalam Peraturan ini"]
    path = make_scanned_pdf(tmp_path / "pindai.pdf", lines)
    doc = read_file(path, IngestSettings(ocr_dpi=150))
    assert doc.pages[0].ocr
    assert "PERATURAN PEMERINTAH" in doc.text and "Pasal 1" in doc.text
    assert "page 1 OCR'd" in doc.warnings


def test_missing_tesseract_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    path = tmp_path / "campur.pdf"
    path.write_bytes(make_pdf([_words(EN_TEXT), ["x"]]))
    doc = read_file(path, IngestSettings())
    assert any("apt-get install tesseract-ocr tesseract-ocr-ind" in w for w in doc.warnings)
    assert doc.language == "en"


# --------------------------------------------------------------------------- real files


def test_nics_table(shared: Path) -> None:
    path = shared / "policy_pdfs/us_federal_pdfs_pdfplumber/nics-background-checks-2015-11.pdf"
    doc = read_file(path, IngestSettings(ocr=False))
    table = max(doc.tables, key=lambda t: len(t.rows))
    assert table.rows[0][0] == "Alabama"
    assert table.rows[0][-1] == "71,137"
    wyoming = next(row for row in table.rows if row[0] == "Wyoming")
    assert wyoming[-1] == "5,017"
    assert table.caption and "NICS Firearm Background Checks" in table.caption
    assert doc.language == "en"


def test_regulation_pdf_title_and_language(shared: Path) -> None:
    path = shared / "policy_pdfs/id_regulation_pdfs_bapeten/UU 10 Tahun 1997 - Ketenaganukliran.pdf"
    doc = read_file(path, IngestSettings(ocr=False))
    assert doc.page_count == 34 and doc.language == "id"
    assert doc.title == "Undang-Undang Nomor 10 Tahun 1997 tentang Ketenaganukliran"
    assert doc.regulation is not None and len(doc.regulation.pasal) >= 40
    assert doc.regulation.pasal[-1].page and doc.regulation.pasal[-1].page > 10  # PDF pages kept


def test_scanned_regulation_is_ocrd(shared: Path) -> None:
    # ~5 s here (4 pages, single-threaded Tesseract), so not marked slow
    name = "PP 46 Tahun 2009 - Batas Pertanggungjawaban Kerugian Nuklir.pdf"
    doc = read_file(shared / "policy_pdfs/id_regulation_pdfs_bapeten" / name)
    assert doc.page_count == 4 and all(page.ocr for page in doc.pages)
    assert "PERATURAN PEMERINTAH" in doc.text and "Pasal" in doc.text
    assert doc.language == "id"


def test_tesseract_thread_limit_does_not_leak_into_the_process(monkeypatch) -> None:
    """OMP_THREAD_LIMIT=1 left in os.environ made faiss-cpu's OpenMP OpenBLAS livelock."""
    import os

    from pipeline.ingest.pdf import _single_threaded_tesseract

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    with _single_threaded_tesseract():
        assert os.environ["OMP_THREAD_LIMIT"] == "1"  # what the tesseract child inherits
    assert "OMP_THREAD_LIMIT" not in os.environ
    monkeypatch.setenv("OMP_THREAD_LIMIT", "4")
    with _single_threaded_tesseract():
        pass
    assert os.environ["OMP_THREAD_LIMIT"] == "4"
