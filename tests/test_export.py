"""Brief export: Markdown text and labels, DOCX read back, JSON round trip, atomic files."""

from __future__ import annotations

import json
import re

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor

from pipeline.errors import ConfigError
from pipeline.export import brief_to_json, to_markdown, write_brief, write_docx, write_run
from pipeline.types import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefSummary,
    LegalBasisItem,
    Reason,
    Source,
    Verdict,
)

SUPPORTED = "Pemerintah daerah wajib menyediakan informasi publik secara berkala [1]."
UNSUPPORTED = "Jumlah anggota Komisi Informasi Pusat adalah 9 orang [2]."
DROPPED = "Kebijakan ini pasti menghapus kemiskinan dalam dua tahun."
MISMATCH = "the claim says 9, the passage says 7"

UU_KIP = "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik, Pasal 9 ayat (2)"
UU_OLD = "Undang-Undang Nomor 43 Tahun 1999 tentang Perubahan atas UU 8/1974, Pasal 3"
CARD = "Persentase penduduk miskin (P0), ACEH, 2023 — indikator.csv row 12, column nilai"
REVOKED_NOTE = "dicabut oleh UU 5/2014 Pasal 136"


def verdict(claim: str, label: str, reasons: list[Reason] | None = None, cited=(1,)) -> Verdict:
    return Verdict(
        claim=claim,
        verdict=label,
        reasons=reasons or [],
        support=0.9 if label == "supported" else 0.2,
        similarity=0.8,
        lexical=0.7,
        cited=list(cited),
    )


def make_brief() -> Brief:
    sentences = [
        BriefSentence(text=SUPPORTED, refs=[1], verdict=verdict(SUPPORTED, "supported")),
        BriefSentence(
            text=UNSUPPORTED,
            refs=[2],
            verdict=verdict(
                UNSUPPORTED,
                "unsupported",
                [Reason(code="number_mismatch", message=MISMATCH, passage=1)],
                cited=(2,),
            ),
        ),
        BriefSentence(
            text=DROPPED,
            verdict=verdict(
                DROPPED, "unsupported", [Reason(code="no_citation", message="no [n] marker")]
            ),
            dropped=True,
        ),
    ]
    legal = [
        LegalBasisItem(
            title="Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
            citation="UU 14/2008",
            jenis="UU",
            nomor="14",
            tahun=2008,
            status="in_force",
            refs=[1],
        ),
        LegalBasisItem(
            title="Undang-Undang Nomor 43 Tahun 1999 tentang Perubahan atas UU 8/1974",
            citation="UU 43/1999",
            jenis="UU",
            nomor="43",
            tahun=1999,
            status="revoked",
            status_note=REVOKED_NOTE,
            refs=[2],
        ),
    ]
    references = [
        Source(
            n=1,
            kind="chunk",
            id="c1",
            citation="UU 14/2008 Pasal 9 ayat (2)",
            full_citation=UU_KIP,
            text="Badan Publik wajib mengumumkan informasi publik secara berkala.",
            source="uu-14-2008.pdf",
            status="in_force",
        ),
        Source(
            n=2,
            kind="chunk",
            id="c2",
            citation="UU 43/1999 Pasal 3",
            full_citation=UU_OLD,
            text="Pegawai Negeri berkedudukan sebagai unsur aparatur negara.",
            source="uu-43-1999.pdf",
            page=4,
            status="revoked",
            status_note=REVOKED_NOTE,
        ),
        Source(
            n=3,
            kind="card",
            id="aceh-p0",
            citation="BPS P0 ACEH 2023",
            full_citation=CARD,
            text="Persentase penduduk miskin di Aceh 2023: 14,45 persen.",
        ),
    ]
    return Brief(
        title="Keterbukaan Informasi di Daerah",
        topic="keterbukaan informasi publik",
        lang="id",
        template="default",
        created="2024-05-01T08:30:00+00:00",
        index="kip",
        model="qwen2.5:7b",
        sections=[
            BriefSection(key="analysis", heading="Analisis", kind="llm", sentences=sentences),
            BriefSection(key="legal", heading="Dasar Hukum", kind="legal_basis", legal_basis=legal),
        ],
        references=references,
        summary=BriefSummary(
            sentences=3,
            supported=1,
            weak=0,
            unsupported=2,
            dropped=1,
            supported_share=1 / 3,
            problems=["2 kalimat tidak didukung oleh sumber"],
        ),
    )


def make_english_brief(sentence: str = "Poverty in Aceh fell to 14.45 percent [1].") -> Brief:
    weak = "The fall is mostly due to social assistance [1]."
    return Brief(
        title="Poverty in Aceh",
        topic="poverty",
        lang="en",
        template="short",
        created="2024-06-02T00:00:00Z",
        sections=[
            BriefSection(
                key="summary",
                heading="Summary",
                kind="summary",
                sentences=[
                    BriefSentence(text=sentence, refs=[1], verdict=verdict(sentence, "supported")),
                    BriefSentence(
                        text=weak,
                        refs=[1],
                        verdict=verdict(weak, "weak", [Reason(code="low_support", message="low")]),
                    ),
                ],
            ),
            BriefSection(key="options", heading="Options", kind="llm", note="No evidence found."),
        ],
        references=[
            Source(n=1, kind="card", id="aceh-p0", citation="P0", full_citation=CARD, text="x")
        ],
        summary=BriefSummary(sentences=2, supported=1, weak=1, unsupported=0, supported_share=0.5),
    )


@pytest.fixture
def brief() -> Brief:
    return make_brief()


def body(md: str) -> str:
    """The Markdown before the appendix."""
    return md.split("## Lampiran")[0].split("## Appendix")[0]


def table_rows(md: str) -> list[str]:
    appendix = md.split("## Lampiran: Hasil Verifikasi")[-1].split("## Appendix: Verification")[-1]
    return [line for line in appendix.splitlines() if line.startswith("|")]


def cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


# --------------------------------------------------------------------------- Markdown


def test_markdown_headings_summary_and_metadata(brief):
    md = to_markdown(brief)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == [
        "# Keterbukaan Informasi di Daerah",
        "## Analisis",
        "## Dasar Hukum",
        "## Daftar Referensi",
        "## Lampiran: Hasil Verifikasi",
    ]
    assert "Topik: keterbukaan informasi publik" in md
    assert "Dibuat: 2024-05-01" in md
    assert "Indeks: kip" in md and "Model: qwen2.5:7b" in md and "Templat: default" in md
    assert "Verifikasi: 1 dari 3 kalimat didukung (33 %); 0 lemah; 2 tidak didukung" in md
    assert "- 2 kalimat tidak didukung oleh sumber" in md


def test_markdown_body_marks_unsupported_and_leaves_out_dropped(brief):
    md = to_markdown(brief)
    text = body(md)
    assert SUPPORTED + " " + UNSUPPORTED + " *(⚠ tidak didukung)*" in text
    assert f"{SUPPORTED} *(" not in text  # the supported sentence carries no label
    assert "[1]" in text and "[2]" in text
    assert DROPPED not in text
    assert DROPPED in md.split("## Lampiran")[1]


def test_markdown_legal_basis_numbered_with_revoked_note(brief):
    md = to_markdown(brief)
    lines = md.splitlines()
    first = next(line for line in lines if line.startswith("1. "))
    second = next(line for line in lines if line.startswith("2. "))
    assert first == "1. Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik [1]"
    assert second.startswith("2. Undang-Undang Nomor 43 Tahun 1999")
    assert second.endswith(f"[2] — *{REVOKED_NOTE}*")


def test_markdown_references_carry_full_citations(brief):
    lines = to_markdown(brief).splitlines()
    assert f"[1] {UU_KIP} — uu-14-2008.pdf" in lines
    assert f"[2] {UU_OLD} — uu-43-1999.pdf, hlm. 4 — *{REVOKED_NOTE}*" in lines
    assert f"[3] {CARD}" in lines


def test_markdown_appendix_lists_every_sentence(brief):
    rows = table_rows(to_markdown(brief))
    assert cells(rows[0]) == ["#", "Bagian", "Kalimat", "Hasil", "Alasan"]
    assert len(rows) == 2 + 3
    assert cells(rows[2]) == ["1", "Analisis", SUPPORTED, "didukung", ""]
    assert cells(rows[3]) == ["2", "Analisis", UNSUPPORTED, "tidak didukung", MISMATCH]
    assert cells(rows[4])[3] == "tidak didukung (dihapus)"


def test_markdown_without_verdicts_has_no_labels_or_appendix(brief):
    md = to_markdown(brief, show_verdicts=False)
    assert "⚠" not in md
    assert "Lampiran" not in md
    assert DROPPED not in md


def test_markdown_english_labels():
    md = to_markdown(make_english_brief())
    assert "Verification: 1 of 2 sentences supported (50 %); 1 weak; 0 unsupported." in md
    assert "The fall is mostly due to social assistance [1]. *(? weak)*" in md
    assert "## References" in md and "## Appendix: Verification" in md
    assert "*No evidence found.*" in md
    assert "Topic: poverty · Created: 2024-06-02 · Template: short" in md
    assert cells(table_rows(md)[0]) == ["#", "Section", "Sentence", "Verdict", "Reasons"]
    assert "Daftar" not in md and "Lampiran" not in md


def test_markdown_pipe_and_newline_do_not_break_the_table():
    sentence = "Rasio a | b naik\nmenjadi 3 [1]."
    md = to_markdown(make_english_brief(sentence))
    rows = table_rows(md)
    assert len(rows) == 2 + 2
    assert all(len(cells(row)) == 5 for row in rows)
    assert cells(rows[2])[2] == "Rasio a \\| b naik menjadi 3 [1]."


# --------------------------------------------------------------------------- DOCX


def test_docx_reads_back(brief, tmp_path):
    path = write_docx(brief, tmp_path / "brief.docx")
    doc = docx.Document(str(path))
    paragraphs = doc.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == brief.title
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Analisis", "Dasar Hukum", "Daftar Referensi", "Lampiran: Hasil Verifikasi"]
    texts = [p.text for p in paragraphs]
    assert f"[1] {UU_KIP} — uu-14-2008.pdf" in texts
    assert f"[2] {UU_OLD} — uu-43-1999.pdf, hlm. 4 — {REVOKED_NOTE}" in texts
    assert any(p.style.name == "List Bullet" for p in paragraphs)
    numbered = [p.text for p in paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 2 and numbered[1].endswith(f"— {REVOKED_NOTE}")

    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    assert len(table.rows) == 1 + 3
    assert [c.text for c in table.rows[0].cells] == ["#", "Bagian", "Kalimat", "Hasil", "Alasan"]
    assert table.rows[3].cells[3].text == "tidak didukung (dihapus)"

    body_para = next(p for p in paragraphs if SUPPORTED in p.text)
    assert DROPPED not in body_para.text
    runs = {r.text: r for r in body_para.runs}
    assert runs[UNSUPPORTED].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert runs[SUPPORTED].font.color.rgb is None
    assert runs[" (⚠ tidak didukung)"].italic

    assert doc.core_properties.title == brief.title
    assert doc.core_properties.subject == brief.topic
    assert doc.core_properties.author == "Pilar"


def test_docx_weak_sentence_highlighted_yellow(tmp_path):
    doc = docx.Document(str(write_docx(make_english_brief(), tmp_path / "en.docx")))
    runs = [r for p in doc.paragraphs for r in p.runs]
    weak = next(r for r in runs if r.text.startswith("The fall"))
    assert weak.font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert any(r.text == " (? weak)" for r in runs)


def test_docx_survives_control_characters(tmp_path):
    brief = make_english_brief("Poverty\x0c fell [1].")
    doc = docx.Document(str(write_docx(brief, tmp_path / "ctrl.docx")))
    assert any("Poverty fell [1]." in p.text for p in doc.paragraphs)


def test_docx_without_verdicts_has_no_table(brief, tmp_path):
    doc = docx.Document(str(write_docx(brief, tmp_path / "b.docx", show_verdicts=False)))
    assert doc.tables == []
    assert all("⚠" not in p.text for p in doc.paragraphs)


# --------------------------------------------------------------------------- JSON and files


def test_json_round_trip(brief):
    data = brief_to_json(brief)
    json.dumps(data)  # plain JSON types only
    assert Brief.model_validate(data) == brief


@pytest.mark.parametrize("name", ["out.md", "out.markdown", "out.MD", "out.docx", "out.json"])
def test_write_brief_each_suffix(brief, tmp_path, name):
    path = write_brief(brief, tmp_path / "nested" / "dir" / name)
    assert path.is_file() and path.stat().st_size > 0
    if path.suffix.lower() in (".md", ".markdown"):
        assert path.read_text(encoding="utf-8") == to_markdown(brief)
    elif path.suffix == ".json":
        assert Brief.model_validate(json.loads(path.read_text(encoding="utf-8"))) == brief
    else:
        assert docx.Document(str(path)).core_properties.title == brief.title
    assert sorted(p.name for p in path.parent.iterdir()) == [name]


def test_write_brief_rejects_other_suffix(brief, tmp_path):
    with pytest.raises(ConfigError) as info:
        write_brief(brief, tmp_path / "out" / "brief.pdf")
    assert "'.pdf'" in str(info.value)
    assert ".md" in info.value.help and ".docx" in info.value.help
    assert not (tmp_path / "out").exists()


def test_failed_write_leaves_no_temp_file(brief, tmp_path, monkeypatch):
    (tmp_path / "brief.md").write_text("old", encoding="utf-8")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("pipeline.export.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_brief(brief, tmp_path / "brief.md")
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]
    assert (tmp_path / "brief.md").read_text(encoding="utf-8") == "old"


def test_write_run_writes_four_files(brief, tmp_path):
    audit = {"query": "keterbukaan", "hits": [{"rank": 1, "score": 0.5}], "note": "ünïcode ✓"}
    paths = write_run(brief, audit, tmp_path / "runs" / "2024-05-01")
    assert set(paths) == {"md", "docx", "json", "audit"}
    assert {p.name for p in paths.values()} == {
        "brief.md",
        "brief.docx",
        "brief.json",
        "audit.json",
    }
    assert all(p.is_file() for p in paths.values())
    assert json.loads(paths["audit"].read_text(encoding="utf-8")) == audit
    assert "ünïcode ✓" in paths["audit"].read_text(encoding="utf-8")
    folder = tmp_path / "runs" / "2024-05-01"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths.values())


def test_docx_charts_the_cited_figures(tmp_path) -> None:
    import docx

    from pipeline.types import CellRef, Figure

    cell = CellRef(file="kemiskinan.csv", row=2, column="nilai")
    series = [
        Figure(value=v, period=str(y), cell=cell, text=str(v).replace(".", ","))
        for y, v in ((2021, 15.53), (2022, 14.75), (2023, 14.45))
    ]
    base = make_brief()
    refs = [
        r.model_copy(update={"series": series, "unit": "persen"}) if r.kind == "card" else r
        for r in base.references
    ]
    charted = base.model_copy(update={"references": refs})
    plain = write_docx(base, tmp_path / "plain.docx")
    with_chart = write_docx(charted, tmp_path / "chart.docx")
    assert len(docx.Document(str(plain)).inline_shapes) == 0  # a card without a series: no chart
    document = docx.Document(str(with_chart))
    assert len(document.inline_shapes) == 1
    texts = [p.text for p in document.paragraphs]
    assert "Grafik Data yang Dikutip" in texts and f"[3] {CARD}" in texts
