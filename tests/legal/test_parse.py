"""Regulation structure on our samples and on the real corpus in ../shared (skipped if absent)."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.legal import parse_header, parse_regulation
from pipeline.legal.refs import find_refs, fix_number, hierarchy_level, normalise_text
from tests.conftest import SAMPLES


def _sample(name: str) -> str:
    return (SAMPLES / "regulations" / name).read_text(encoding="utf-8")


def test_header_survives_ocr_noise_and_spaced_letters() -> None:
    noisy = "Menimbang Menimbang PERATURAN PEMEzuNTAH REPUBLIK INDONESIA NOMOR 12 TAHUN 2OL9 TENTANG PENGELOLAAN KEUANGAN DAERAH DENGAN RAHMAT"
    header = parse_header(noisy)
    assert header is not None
    assert (header.jenis, header.nomor, header.tahun) == ("PP", "12", 2019)
    assert header.tentang == "Pengelolaan Keuangan Daerah"
    spaced = "P E R AT U R A N P E M E R I NT A H R EP U BL IK I N DO N E S I A NO MO R 17 T A H U N 20 17 T E NT A NG"
    header = parse_header(spaced)
    assert header is not None and (header.jenis, header.nomor, header.tahun) == ("PP", "17", 2017)
    header = parse_header("UNDANG-UNDANG REPUBLIK INDONESIA NOMOR I1 TAHUN 2OO8 TENTANG INFORMASI")
    assert header is not None and (header.nomor, header.tahun) == ("11", 2008)


def test_running_text_mention_is_not_a_title() -> None:
    assert parse_regulation(_sample("catatan-kebijakan-pelayanan-publik.md")) is None


def test_ocr_numbers_are_repaired_only_as_numbers() -> None:
    assert fix_number("2Ol4") == "2014"
    assert fix_number("l0") == "10"
    refs = find_refs(
        normalise_text("Undang- Undang Nomor 8 Tah un 1974 tentang Pokok-Pokok Kepegawaian")
    )
    assert [r.label for r, _, _ in refs] == ["UU 8/1974"]


def test_structure_of_sample_law() -> None:
    reg = parse_regulation(_sample("uu-5-2014-asn-ringkas.md"))
    assert reg is not None
    assert (reg.jenis, reg.nomor, reg.tahun, reg.tentang) == (
        "UU",
        "5",
        2014,
        "Aparatur Sipil Negara",
    )
    assert reg.hierarchy_level == 3
    assert [p.number for p in reg.pasal] == ["1", "2", "3", "4", "5", "6", "7"]
    pasal3 = reg.pasal[2]
    assert [a.number for a in pasal3.ayat] == ["1", "2", "3"]
    assert "7 (tujuh) orang" in pasal3.ayat[1].text
    assert pasal3.bab == "BAB III"
    assert reg.pasal[1].penjelasan.startswith('Yang dimaksud dengan "asas netralitas"')
    assert reg.penjelasan_umum and "Sistem Merit" in reg.penjelasan_umum
    assert [d.title for d in reg.divisions if d.kind == "BAB"][:2] == [
        "KETENTUAN UMUM",
        "ASAS DAN PRINSIP",
    ]
    assert len(reg.menimbang) == 2
    # offsets point back into the text
    text = _sample("uu-5-2014-asn-ringkas.md")
    assert text[pasal3.char_start : pasal3.char_end].startswith("Pasal 3")
    assert text[pasal3.ayat[0].char_start :].startswith("(1) Komisi")


def test_cross_references_are_not_headings() -> None:
    text = _sample("uu-5-2014-asn-ringkas.md").replace(
        "Pasal 4\n(1) KASN", "Pasal 4\nSebagaimana dimaksud dalam Pasal 5, (1) KASN"
    )
    reg = parse_regulation(text)
    assert [p.number for p in reg.pasal] == ["1", "2", "3", "4", "5", "6", "7"]


def test_whole_and_partial_revocations() -> None:
    reg = parse_regulation(_sample("uu-5-2014-asn-ringkas.md"))
    rels = {(r.type, r.target.label): r for r in reg.relations}
    assert not rels[("revokes", "UU 8/1974")].partial
    assert (
        rels[("revokes", "UU 43/1999")].pasal == "5"
    )  # came along with "sebagaimana telah diubah"
    bab_v = rels[("revokes", "UU 32/2004")]
    assert bab_v.partial and "Bab V" in bab_v.scope and bab_v.pasal == "6"


def test_partial_revocation_keeps_exception_and_bagian() -> None:
    reg = parse_regulation(_sample("pp-94-2021-disiplin-pns-ringkas.md"))
    (rel,) = reg.relations
    assert (rel.type, rel.target.label, rel.partial, rel.pasal) == (
        "revokes",
        "PP 53/2010",
        True,
        "4",
    )
    assert rel.exception.startswith("sepanjang tidak mengatur")
    assert reg.pasal[2].bagian == "Bagian Kedua" and reg.pasal[2].bab == "BAB II"
    assert [r.label for r in reg.legal_basis] == ["UU 5/2014"]
    assert reg.hierarchy_level == 4


def test_amending_law_has_pasal_i_changes() -> None:
    reg = parse_regulation(_sample("uu-19-2016-perubahan-ite-ringkas.md"))
    assert reg.is_amending
    assert [p.number for p in reg.pasal] == ["I", "II"]
    assert len(reg.amendments) == 2 and "Pasal 45" in reg.amendments[1]
    assert [(r.type, r.target.label, r.pasal) for r in reg.relations] == [
        ("amends", "UU 11/2008", "I")
    ]


QUOTED_HEADINGS = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 43 TAHUN 1999
TENTANG PERUBAHAN ATAS UNDANG-UNDANG NOMOR 8 TAHUN 1974 TENTANG POKOK-POKOK KEPEGAWAIAN
MEMUTUSKAN :
Menetapkan : UNDANG-UNDANG TENTANG PERUBAHAN ATAS UNDANG-UNDANG NOMOR 8 TAHUN 1974.
Pasal I
Beberapa ketentuan dalam Undang-Undang Nomor 8 Tahun 1974 diubah sebagai berikut :
1. Judul BAB I dan ketentuan Pasal 1 menjadi berbunyi sebagai berikut: " BAB I KETENTUAN UMUM
Pasal 1
Pegawai Negeri adalah warga negara yang diangkat oleh pejabat yang berwenang."
2. Judul BAB II dan ketentuan Pasal 2 menjadi berbunyi sebagai berikut: "BAB II JENIS PEGAWAI
Bagian Pertama Jenis dan Kedudukan
Pasal 2
Pegawai Negeri terdiri dari Pegawai Negeri Sipil, anggota TNI dan anggota Polri." 3. Ketentuan
Pasal 3 menjadi berbunyi sebagai berikut: "Pasal 3 Pegawai Negeri harus netral dari pengaruh
partai politik sebagaimana dimaksud dalam Pasal 2. Ketentuan lebih lanjut diatur dengan
Peraturan Pemerintah."
Pasal II
Undang-Undang ini mulai berlaku pada tanggal diundangkan.
"""


def test_headings_quoted_inside_pasal_i_belong_to_the_amended_law() -> None:
    """A quoted 'BAB II … Bagian Pertama' inside a change neither ends Pasal I nor becomes a
    division of the amending law; a change number after a closing quote is still a change, and
    'dalam Pasal 2. Ketentuan …' is a reference, not change 2."""
    reg = parse_regulation(QUOTED_HEADINGS)
    assert [p.number for p in reg.pasal] == ["I", "II"]
    pasal_i = reg.pasal[0]
    assert "netral dari pengaruh" in pasal_i.text and "anggota Polri" in pasal_i.text
    assert reg.divisions == []
    assert [a.split(":")[0] for a in reg.amendments] == ["angka 1", "angka 2", "angka 3"]


def test_heading_after_a_sentence_ending_in_a_reference_word() -> None:
    """'… arsip tersebut.' ends a sentence, so the 'Pasal 66' on the next line is a heading even
    though 'tersebut' before a Pasal number usually marks a reference."""
    text = (
        "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 43 TAHUN 2009 TENTANG KEARSIPAN\n"
        "MEMUTUSKAN:\nPasal 1\nArsip statis pada dasarnya terbuka untuk umum.\n"
        "Pasal 2\n(1) Akses mengikuti persyaratan dari pencipta arsip yang memiliki arsip tersebut.\n"
        "Pasal 3\n(1) Arsip statis yang tertutup dapat dinyatakan terbuka setelah 25 tahun.\n"
        "Pasal 4\nKetentuan lebih lanjut diatur sebagaimana dimaksud dalam Pasal 3 tersebut\n"
        "Pasal 2 berlaku pula.\n"
    )
    reg = parse_regulation(text)
    assert [p.number for p in reg.pasal] == ["1", "2", "3", "4"]
    assert "25 tahun" in reg.pasal[2].text


def test_a_heading_on_its_own_line_is_one_whatever_word_opens_the_next() -> None:
    """'Pasal 87' alone on its line, then 'Peraturan Perundang-undangan mulai berlaku …':
    'Pasal 87 Peraturan …' would read as a reference, but a line of its own is a heading."""
    text = (
        "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 12 TAHUN 2011 TENTANG PEMBENTUKAN\n"
        "MEMUTUSKAN:\nPasal 1\nSatu.\nPasal 2\nDiatur oleh Sekretaris Daerah. ^A\nPasal 3\n"
        "Peraturan Perundang-undangan mulai berlaku pada tanggal diundangkan.\n"
        "Pasal 4\nLihat Pasal 3\nPeraturan Pemerintah tentang hal itu.\n"
    )
    reg = parse_regulation(text)
    assert [p.number for p in reg.pasal] == ["1", "2", "3", "4"]
    assert reg.pasal[2].text.startswith("Pasal 3\nPeraturan Perundang-undangan mulai berlaku")


def test_real_corpus_amending_laws_keep_all_their_changes(corpus: dict) -> None:
    """UU 43/1999 quotes whole BABs of UU 8/1974; its Pasal I once stopped at the first one."""
    reg = corpus["parsed"]["uu-43-1999"]
    assert len(reg.pasal[0].text) > 15000
    assert len(reg.amendments) == 17
    assert len(corpus["parsed"]["uu-13-2022"].amendments) >= 12


def test_hierarchy_levels() -> None:
    assert hierarchy_level("PP") == 4
    assert hierarchy_level("Perpres") == 5
    assert hierarchy_level("Perda", "Peraturan Daerah Kabupaten Bogor") == 7
    assert hierarchy_level("Permen") is None


# --------------------------------------------------------------------------- real corpus

REQUIRED = [
    ("uu-5-2014", "revokes", "UU 8/1974", False),
    ("uu-5-2014", "revokes", "UU 43/1999", False),
    ("uu-23-2014", "revokes", "UU 32/2004", False),
    ("pp-94-2021", "revokes", "PP 53/2010", True),
    ("uu-19-2016", "amends", "UU 11/2008", False),
    ("uu-9-2015", "amends", "UU 23/2014", False),
    ("uu-13-2022", "amends", "UU 12/2011", False),
]


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest) -> dict:
    from tests.conftest import SHARED

    folder = SHARED / "regulations_id"
    if not folder.is_dir():
        pytest.skip("../shared/data is not present")
    gold = {}
    for line in (folder / "index.jsonl").read_text().splitlines():
        row = json.loads(line)
        gold[row["doc_id"]] = row
    parsed = {
        f.stem: parse_regulation(f.read_text(encoding="utf-8"))
        for f in (folder / "md").glob("*.md")
    }
    return {"gold": gold, "parsed": parsed}


def test_real_corpus_metadata_all_49(corpus: dict) -> None:
    assert len(corpus["parsed"]) == 49
    for doc_id, reg in corpus["parsed"].items():
        gold = corpus["gold"][doc_id]
        assert reg is not None, doc_id
        assert (reg.jenis, reg.nomor, reg.tahun) == (
            gold["jenis"],
            str(gold["nomor"]),
            gold["tahun"],
        ), doc_id


def test_real_corpus_pasal_recall(corpus: dict) -> None:
    found = expected = 0
    for reg in corpus["parsed"].values():
        if reg.is_amending:
            expected += 2
            found += sum(p.number in ("I", "II") for p in reg.pasal)
            continue
        numbers = {int(re.match(r"\d+", p.number)[0]) for p in reg.pasal}
        expected += max(numbers)
        found += len(numbers)
    assert found / expected >= 0.95


def test_real_corpus_against_independent_pasal_counts(corpus: dict, shared) -> None:
    """The Ansvar JSON lists every Pasal of UU 27/2022 and UU 11/2008 from another source."""
    for doc_id, name in (("uu-27-2022", "uu-27-2022.json"), ("uu-11-2008", "uu-11-2008.json")):
        data = json.loads((shared / "regulations_id" / "ansvar_pasal_json" / name).read_text())
        theirs = {p["section"] for p in data["provisions"]}
        ours = {p.number for p in corpus["parsed"][doc_id].pasal}
        assert len(ours & theirs) / len(theirs) >= 0.9, (doc_id, sorted(theirs - ours))
        assert not ours - theirs, f"{doc_id}: headings that are not Pasal: {sorted(ours - theirs)}"


@pytest.mark.parametrize(("doc_id", "kind", "target", "partial"), REQUIRED)
def test_real_corpus_relations(
    corpus: dict, doc_id: str, kind: str, target: str, partial: bool
) -> None:
    rels = [
        r for r in corpus["parsed"][doc_id].relations if r.type == kind and r.target.label == target
    ]
    assert rels, f"{doc_id} should {kind} {target}"
    assert rels[0].partial is partial
    assert rels[0].pasal


def test_huruf_and_angka_items() -> None:
    reg = parse_regulation(_sample("uu-5-2014-asn-ringkas.md"))
    definitions = reg.pasal[0].items
    assert [(i.kind, i.label) for i in definitions] == [("angka", "1"), ("angka", "2")]
    assert definitions[1].text.startswith("Sistem Merit adalah")
    assert "BAB II" not in reg.pasal[0].text  # a Pasal stops at the next BAB heading
