"""HTML reader: main content without navigation, h1–h6 headings, tables, title, fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_file
from tests.ingest.helpers import ID_TEXT

PAGE = f"""<!doctype html>
<html><head><meta charset="windows-1252"><title>Kebijakan Data | Portal</title>
<script>var tracking = "JANGAN_MASUK";</script></head>
<body>
<nav><a href="/">Beranda</a> <a href="/kontak">MENU_NAVIGASI</a></nav>
<main>
<h1>Kebijakan Data Daerah</h1>
<p>{ID_TEXT}</p>
<h2>Tujuan</h2>
<p>Tujuan kebijakan ini adalah meningkatkan kualitas layanan publik di seluruh wilayah
kabupaten dan kota dengan data yang dapat dipertanggungjawabkan — termasuk “café” desa.</p>
<table><tr><th>Provinsi</th><th>Nilai</th></tr><tr><td>Aceh</td><td>12,5</td></tr></table>
</main>
<footer>Hak cipta FOOTER_TEKS 2024</footer>
</body></html>"""


def test_main_content_headings_tables_title(tmp_path: Path) -> None:
    path = tmp_path / "halaman.html"
    path.write_bytes(PAGE.encode("cp1252"))
    doc = read_file(path)
    assert "pelayanan publik" in doc.text
    assert "“café”" in doc.text  # the declared windows-1252 charset is honoured
    for noise in ("MENU_NAVIGASI", "JANGAN_MASUK", "FOOTER_TEKS"):
        assert noise not in doc.text
    assert [(lvl, txt) for lvl, _, txt in doc.headings] == [
        (1, "Kebijakan Data Daerah"),
        (2, "Tujuan"),
    ]
    for _, offset, text in doc.headings:
        assert doc.text[offset : offset + len(text)] == text
    assert doc.tables and doc.tables[0].header == ["Provinsi", "Nilai"]
    assert doc.tables[0].rows == [["Aceh", "12,5"]]
    assert doc.title == "Kebijakan Data Daerah"
    assert doc.media_type == "text/html" and doc.language == "id"


def test_title_tag_when_no_heading(tmp_path: Path) -> None:
    path = tmp_path / "tanpa-judul.htm"
    path.write_text(
        f"<html><head><title>Laporan Tahunan</title></head><body><p>{ID_TEXT}</p></body></html>",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert doc.title == "Laporan Tahunan" and "pelayanan publik" in doc.text


def test_fallback_when_no_main_content(tmp_path: Path) -> None:
    path = tmp_path / "pendek.html"
    path.write_text(
        "<html><body><nav>NAVIGASI</nav><h3>Catatan</h3><div>Rapat ditunda.</div></body></html>",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert "Rapat ditunda." in doc.text
    assert "NAVIGASI" not in doc.text
    assert (3, "Catatan") in [(lvl, txt) for lvl, _, txt in doc.headings]


def test_fallback_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    path = tmp_path / "halaman.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read_file(path)
    assert "pelayanan publik" in doc.text and "MENU_NAVIGASI" not in doc.text
    assert "JANGAN_MASUK" not in doc.text and "FOOTER_TEKS" not in doc.text
    assert [txt for _, _, txt in doc.headings] == ["Kebijakan Data Daerah", "Tujuan"]
    for _, offset, text in doc.headings:
        assert doc.text[offset : offset + len(text)] == text
    assert doc.tables[0].rows == [["Aceh", "12,5"]]
    assert any("no main content" in w for w in doc.warnings)


def test_a_page_too_deep_for_a_tree_is_read_as_a_stream(tmp_path: Path) -> None:
    # libxml2 keeps 256 levels; the text 100,000 levels down used to come out empty
    path = tmp_path / "dalam.html"
    path.write_text(
        "<html><body><script>JANGAN_MASUK</script>"
        + "<div>" * 100_000
        + "<h2>Ketentuan</h2><p>Pasal 1 teks yang dalam.</p>"
        + "</div>" * 100_000
        + "</body></html>",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert "Pasal 1 teks yang dalam." in doc.text and "JANGAN_MASUK" not in doc.text
    assert [(lvl, txt) for lvl, _, txt in doc.headings] == [(2, "Ketentuan")]
    assert any("stream of tags" in w for w in doc.warnings)
