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
