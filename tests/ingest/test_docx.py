"""DOCX reader: body order, Heading styles, tables, core title, zip bombs, non-zip files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.errors import IngestError
from pipeline.ingest import ingest_paths, read_file
from pipeline.settings import IngestSettings
from tests.ingest.helpers import ID_TEXT


def make_docx(path: Path, *, core_title: str = "") -> Path:
    document = docx.Document()
    document.core_properties.title = core_title
    document.add_heading("Ketentuan Umum", level=1)
    document.add_paragraph(ID_TEXT)
    table = document.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Provinsi", "Nilai"), ("Aceh", "12,5"), ("Bali", "7,25")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    document.add_heading("Sanksi", level=2)
    document.add_paragraph("Pelanggaran dikenai sanksi administratif.")
    document.save(path)
    return path


def test_body_order_headings_and_tables(tmp_path: Path) -> None:
    doc = read_file(make_docx(tmp_path / "aturan.docx"))
    assert doc.media_type.endswith("wordprocessingml.document")
    assert [(level, text) for level, _, text in doc.headings] == [
        (1, "Ketentuan Umum"),
        (2, "Sanksi"),
    ]
    for _, offset, text in doc.headings:
        assert doc.text[offset : offset + len(text)] == text
    assert (
        doc.text.index("Ketentuan Umum") < doc.text.index("Aceh | 12,5") < doc.text.index("Sanksi")
    )
    assert len(doc.tables) == 1
    assert doc.tables[0].header == ["Provinsi", "Nilai"]
    assert doc.tables[0].rows == [["Aceh", "12,5"], ["Bali", "7,25"]]
    assert doc.title == "Ketentuan Umum"  # first heading beats a missing core title
    assert doc.language == "id" and doc.page_count == 1


def test_core_title_when_no_heading(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Laporan Kinerja 2024"
    document.add_paragraph(ID_TEXT)
    document.save(tmp_path / "laporan.docx")
    assert read_file(tmp_path / "laporan.docx").title == "Laporan Kinerja 2024"


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "palsu.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "corrupt"


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "arsip.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "halo")
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "corrupt"


def _bomb(path: Path, member_mb: int, members: int = 1) -> Path:
    """A real DOCX plus ``members`` highly compressible members of ``member_mb`` MB each."""
    make_docx(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(members):
            archive.writestr(f"word/media/bomb{i}.bin", b"\0" * (member_mb * 1024 * 1024))
    return path


def test_zip_bomb_ratio_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _bomb(tmp_path / "bom.docx", member_mb=20)  # ~1000x compression
    opened: list[str] = []
    monkeypatch.setattr(docx, "Document", lambda *a, **k: opened.append("x"))
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "zip_bomb"
    assert "expands" in str(info.value)
    assert opened == [], "python-docx must not be reached"


def test_zip_bomb_total_size_refused(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bom.docx", member_mb=2, members=3)
    settings = IngestSettings(max_unzipped_mb=5, max_compression_ratio=1e9)
    report = ingest_paths([path], settings)
    assert [s.reason for s in report.skipped] == ["zip_bomb"]
    assert "unpack to" in report.skipped[0].error


def test_legacy_doc_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "lama.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "unsupported"
    assert ".docx" in info.value.help
