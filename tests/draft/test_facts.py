"""The fact sheet: the normative core of each Pasal sentence as fields, figures from cards."""

from __future__ import annotations

from pipeline.draft.evidence import EvidenceItem, item_from_card
from pipeline.draft.facts import build_fact_sheet, clean_provision, provision_facts
from pipeline.legal.parse import parse_regulation
from pipeline.stats import cards_from_files
from tests.conftest import SAMPLES

PP94 = SAMPLES / "regulations" / "pp-94-2021-disiplin-pns-ringkas.md"


def pasal_item(number: str) -> EvidenceItem:
    """A Pasal of our sample PP 94/2021 as an evidence item, read by the legal parser."""
    text = PP94.read_text(encoding="utf-8")
    reg = parse_regulation(text)
    pasal = next(p for p in reg.pasal if p.number == number)
    return EvidenceItem(
        kind="chunk",
        id=f"pp94#{number}",
        citation=f"PP 94/2021 Pasal {number}",
        full_citation=f"PP 94/2021, Pasal {number}",
        text=text[pasal.char_start : pasal.char_end],
        status="in_force",
    )


def test_the_obligation_of_a_pasal_comes_out_as_fields() -> None:
    (fact,) = provision_facts(pasal_item("2"))
    assert fact.kind == "obligation"
    assert fact.who == "Setiap PNS"
    assert fact.action == "masuk kerja dan menaati ketentuan jam kerja"
    assert fact.citation == "PP 94/2021 Pasal 2" and fact.status == "in_force"


def test_the_sanction_and_the_deadline_of_a_pasal_come_out_as_fields() -> None:
    facts = {f.citation: f for f in provision_facts(pasal_item("3"))}
    oral = facts["PP 94/2021 Pasal 3 ayat (3)"]
    assert oral.kind == "sanction"
    assert oral.sanction == "Hukuman Disiplin ringan berupa teguran lisan"
    assert oral.who == "PNS" and "3 hari kerja dalam 1 tahun" in (oral.condition or "")
    assert oral.limit == "secara kumulatif selama 3 hari kerja dalam 1 tahun"
    deadline = facts["PP 94/2021 Pasal 3 ayat (6)"]
    assert deadline.kind == "obligation"
    assert deadline.limit == "paling lambat 14 hari kerja sejak keputusan ditetapkan"
    assert deadline.action == "disampaikan kepada PNS yang bersangkutan"
    # ayat (1) only lists the levels: no force word, limit or sanction, so no fact
    assert "PP 94/2021 Pasal 3 ayat (1)" not in facts


def test_definitions_and_penjelasan_are_not_provisions() -> None:
    assert provision_facts(pasal_item("1")) == []
    item = pasal_item("2")
    item.citation = "Penjelasan PP 94/2021 Pasal 2"
    assert provision_facts(item) == []


def test_clean_provision_drops_the_ayat_number_and_spelled_out_numbers() -> None:
    text = (
        "(5) PNS … selama 11 (sebelas) hari dan 25% (dua puluh lima persen) selama 6 (enam) bulan."
    )
    assert clean_provision(text) == "PNS … selama 11 hari dan 25% selama 6 bulan."


def test_the_fact_sheet_holds_figures_with_their_cells_and_the_revocations() -> None:
    card = next(
        c
        for c in cards_from_files([SAMPLES / "stats" / "indikator_provinsi.csv"]).cards
        if c.region == "JAWA BARAT" and c.indicator == "ipm"
    )
    revoked = pasal_item("2")
    revoked.status, revoked.status_note = "revoked", "dicabut oleh UU 5/2014 Pasal 5"
    revoked.citation = "UU 8/1974 Pasal 2"
    sheet = build_fact_sheet("disiplin", [pasal_item("3"), revoked], [card])
    (figure,) = sheet.figures
    assert (figure.value, figure.period, figure.start, figure.change_from) == (
        "72,45",
        "2021",
        "68,25",
        "2013",
    )
    assert figure.national == "72,29" and "row 271" in figure.cell
    assert [r.regulation for r in sheet.relations] == ["UU 8/1974"]
    assert sheet.relations[0].note == "dicabut oleh UU 5/2014 Pasal 5"
    assert item_from_card(card).text == card.summary


def test_sanctions_listed_item_by_item_come_out_one_fact_each() -> None:
    text = (
        "Pasal 9 (1) Hukuman Disiplin ringan sebagaimana dimaksud dalam Pasal 8 ayat (1) huruf a "
        "dijatuhkan bagi PNS yang tidak memenuhi ketentuan masuk kerja berupa: 1. teguran lisan "
        "bagi PNS yang tidak Masuk Kerja tanpa alasan yang sah secara kumulatif selama 3 (tiga) "
        "hari kerja dalam 1 (satu) tahun; 2. teguran tertulis bagi PNS yang tidak Masuk Kerja "
        "tanpa alasan yang sah secara kumulatif selama 4 (empat) sampai dengan 6 (enam) hari "
        "kerja dalam 1 (satu) tahun; dan"
    )
    item = EvidenceItem(
        kind="chunk", id="x", citation="PP 94/2021 Pasal 9", full_citation="x", text=text
    )
    facts = [f for f in provision_facts(item) if f.sanction]
    assert [f.sanction for f in facts] == ["teguran lisan", "teguran tertulis"]
    assert facts[0].citation == "PP 94/2021 Pasal 9 ayat (1)"
    assert facts[1].limit == "secara kumulatif selama 4 sampai dengan 6 hari kerja dalam 1 tahun"
    assert facts[0].who == "PNS"


SPESIFIK = (
    "BAB III JENIS DATA PRIBADI Pasal 4 (l) Data Pribadi terdiri atas: a. Data Pribadi yang "
    "bersifat spesifik; dan b. Data Pribadi yang bersifat umum. (2) Data Pribadi yang bersifat "
    "spesifik sebagaimana dimaksud pada ayat (1) huruf a meliputi: a. data dan informasi "
    "kesehatan; b. data biometrik; c. data genetika; d. catatan kejahatan; e. data anak; "
    "f. data keuangan pribadi; dan/atau g. data lainnya sesuai dengan ketentuan peraturan "
    "perundang-undangan."
)


def _chunk(text: str, citation: str = "UU 27/2022 Pasal 4") -> EvidenceItem:
    return EvidenceItem(kind="chunk", id="c1", citation=citation, full_citation=citation, text=text)


def test_a_list_comes_out_as_one_fact_with_its_items() -> None:
    """A Pasal that lists ("… meliputi: a. …; b. …") gives a provision with its head and items,
    so a question asking what the list holds has something to quote; the BAB heading before
    the Pasal is not part of it."""
    facts = provision_facts(_chunk(SPESIFIK))
    texts = [f.text for f in facts]
    assert (
        "Data Pribadi terdiri atas: a. Data Pribadi yang bersifat spesifik; dan b. Data "
        "Pribadi yang bersifat umum" in texts
    )
    special = next(f for f in facts if f.text.startswith("Data Pribadi yang bersifat spesifik"))
    assert special.citation == "UU 27/2022 Pasal 4 ayat (2)"
    assert "b. data biometrik; c. data genetika" in special.text
    assert special.text.endswith(
        "dan g. data lainnya sesuai dengan ketentuan peraturan perundang-undangan"
    )


def test_a_list_head_with_a_duty_keeps_its_force_and_loses_its_bare_head() -> None:
    text = (
        "(1) Badan Publik wajib menyediakan Informasi Publik setiap saat yang meliputi: a. daftar "
        "seluruh Informasi Publik; b. hasil keputusan Badan Publik; dan c. seluruh kebijakan "
        "yang ada. (2) Informasi Publik yang dinyatakan terbuka dapat diakses."
    )
    facts = provision_facts(_chunk(text, "UU 14/2008 Pasal 11"))
    listed = [f for f in facts if "meliputi" in f.text]
    assert len(listed) == 1 and listed[0].kind == "obligation"
    assert listed[0].text.endswith(
        "b. hasil keputusan Badan Publik; dan c. seluruh kebijakan yang ada"
    )


def test_a_list_ocr_put_out_of_order_is_not_a_fact() -> None:
    text = (
        "(3) Data Pribadi yang bersifat umum meliputi: a. nama lengkap; b. jenis kelamin; "
        "d. agama; c. status perkawinan."
    )
    assert not any("meliputi" in f.text for f in provision_facts(_chunk(text)))
