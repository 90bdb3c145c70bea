"""Tables: CSV (encodings, delimiters), XLSX (sheets, numbers, bombs), Parquet."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_file
from pipeline.settings import IngestSettings


def test_csv_semicolon_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "indikator.csv"
    text = "Provinsi;Tahun;Nilai\nACEH;2023;14,45\nDI YOGYAKARTA;2023;11,04\nBALI ½;2023;4,25\n"
    path.write_bytes(text.encode("cp1252"))
    doc = read_file(path)
    table = doc.tables[0]
    assert table.header == ["Provinsi", "Tahun", "Nilai"]
    assert table.rows[0] == ["ACEH", "2023", "14,45"]  # figures stay as written
    assert table.rows[2][0] == "BALI ½"
    assert "ACEH | 2023 | 14,45" in doc.text
    assert doc.title == "indikator" and doc.media_type == "text/csv"
    assert "encoding detected as cp1252" in doc.warnings


def test_csv_header_only_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "empty"


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kemiskinan"
    sheet.append(["Provinsi", "2022", "2023"])
    sheet.append(["ACEH", 14.75, 14.45])
    sheet.append(["BALI", 4, None])
    second = workbook.create_sheet("Catatan")
    second.append(["Sumber", "BPS"])
    hidden = workbook.create_sheet("Rahasia")
    hidden.append(["x"])
    hidden.sheet_state = "hidden"
    workbook.save(path)
    return path


def test_xlsx_sheets_numbers_headings(tmp_path: Path) -> None:
    doc = read_file(_workbook(tmp_path / "data.xlsx"))
    assert [t.sheet for t in doc.tables] == ["Kemiskinan", "Catatan"]
    first = doc.tables[0]
    assert first.header == ["Provinsi", "2022", "2023"]
    assert first.rows == [["ACEH", "14.75", "14.45"], ["BALI", "4", ""]]
    assert [(lvl, txt) for lvl, _, txt in doc.headings] == [(2, "Kemiskinan"), (2, "Catatan")]
    for _, offset, text in doc.headings:
        assert doc.text[offset:].startswith(f"## {text}")
    assert "hidden sheet 'Rahasia' skipped" in doc.warnings
    assert doc.title == "data"


def test_xlsx_bomb_refused_before_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "bom.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bomb.bin", b"\0" * (30 * 1024 * 1024))
    called: list[bool] = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: called.append(True))
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "zip_bomb" and called == []
    # the same file passes when the limits allow it: the guard, not openpyxl, refused it
    relaxed = IngestSettings(max_compression_ratio=1e9)
    monkeypatch.undo()
    assert read_file(path, relaxed).tables


def test_xlsx_that_is_text(tmp_path: Path) -> None:
    path = tmp_path / "bukan.xlsx"
    path.write_text("Provinsi,Nilai\nACEH,1\n", encoding="utf-8")
    doc = read_file(path)
    assert "ACEH" in doc.text and any("read as text" in w for w in doc.warnings)


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"provinsi": ["ACEH", "BALI"], "nilai": [14.45, 4.0]}), path)
    doc = read_file(path)
    assert doc.tables[0].header == ["provinsi", "nilai"]
    assert doc.tables[0].rows == [["ACEH", "14.45"], ["BALI", "4"]]


def test_shared_tidy_csv(shared: Path) -> None:
    doc = read_file(shared / "stats_bps" / "tidy_province_indicators.csv")
    assert doc.tables and len(doc.tables[0].rows) > 10
