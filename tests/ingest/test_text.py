"""Text and Markdown: headings, front matter, encodings, binaries in disguise, empty files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_file
from pipeline.ingest.text import decode_bytes, markdown_headings
from tests.ingest.helpers import ID_TEXT, make_pdf

ODD = (
    "Pasal 3\nBiaya perjalanan dinas ½ juta rupiah per hari, suhu ruang 25°C, "
    "rapat di “Café Merdeka” — ditetapkan oleh Menteri. "
)


def test_markdown_headings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "catatan.md"
    path.write_text(
        f"Pengantar singkat.\n\n# BAB I\n\n{ID_TEXT}\n\n```\n# bukan judul\n```\n\n## Pasal 1\nIsi.\n",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert [(lvl, txt) for lvl, _, txt in doc.headings] == [(1, "BAB I"), (2, "Pasal 1")]
    for _, offset, text in doc.headings:
        assert doc.text[offset:].startswith("#") and text in doc.text[offset : offset + 20]
    assert doc.title == "BAB I" and doc.media_type == "text/markdown"
    assert doc.pages[0].char_start == 0 and doc.pages[0].char_end == len(doc.text)


def test_front_matter_title_and_body(tmp_path: Path) -> None:
    path = tmp_path / "rpjmn.md"
    path.write_text(f'---\ntitle: "BAB II: Kebijakan"\ntags:\n  - x\n---\n\n{ID_TEXT}\n')
    doc = read_file(path)
    assert doc.title == "BAB II: Kebijakan"
    assert "tags:" not in doc.text and doc.text.startswith("Peraturan")


def test_stem_is_the_last_resort_title(tmp_path: Path) -> None:
    path = tmp_path / "nota_dinas.txt"
    path.write_text(ID_TEXT, encoding="utf-8")
    assert read_file(path).title == "nota_dinas"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_encodings_read_correctly(tmp_path: Path, encoding: str) -> None:
    text = (
        ODD if encoding == "cp1252" else ODD.replace("“", '"').replace("”", '"').replace("—", "-")
    )
    path = tmp_path / f"lama-{encoding}.txt"
    path.write_bytes((text + ID_TEXT).encode(encoding))
    doc = read_file(path)
    assert doc.text.startswith(text.strip()[:40])
    assert "½ juta" in doc.text and "25°C" in doc.text and "Café Merdeka" in doc.text
    assert "encoding detected as cp1252" in doc.warnings
    assert doc.language == "id"


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes((ODD + ID_TEXT).encode("utf-16"))
    doc = read_file(path)
    assert "Café Merdeka" in doc.text and doc.warnings == ["encoding detected as utf-16"]


def test_utf8_has_no_warning() -> None:
    assert decode_bytes(ODD.encode("utf-8")) == (ODD, "utf-8")


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty, blank = tmp_path / "kosong.md", tmp_path / "spasi.txt"
    empty.write_bytes(b"")
    blank.write_text("   \n\n\t\n", encoding="utf-8")
    for path in (empty, blank):
        with pytest.raises(IngestError) as info:
            read_file(path)
        assert info.value.reason == "empty"


def test_binary_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "biner.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "encoding"


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "ternyata-pdf.txt"
    path.write_bytes(make_pdf([[ID_TEXT[:80], ID_TEXT[80:160]]]))
    doc = read_file(path)
    assert doc.media_type == "application/pdf"
    assert any("content is PDF" in w for w in doc.warnings)


def test_markdown_headings_ignore_fences() -> None:
    assert markdown_headings("```\n# x\n```\n# y") == [(1, 12, "y")]


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "gambar.png"
    path.write_bytes(b"\x89PNG....")
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert info.value.reason == "unsupported"


def test_regulation_markdown_is_indonesian(shared: Path) -> None:
    doc = read_file(shared / "regulations_id" / "md" / "pp-12-2019.md")
    assert doc.language == "id"
    # the OCR noise of the title block ("PEMEzuNTAH", "2OL9") is repaired in the title
    assert (
        doc.title == "Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah"
    )
