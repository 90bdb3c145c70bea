"""Figures a passage states without writing them (``pipeline.verify.numbers``)."""

from __future__ import annotations

import pytest

from pipeline.types import Evidence
from pipeline.verify.numbers import check_numbers, prep
from tests.verify import codes

KASN = (
    "(1) KASN terdiri atas: a. 1 (satu) orang ketua merangkap anggota; b. 1 (satu) orang wakil "
    "ketua merangkap anggota, dan c. 5 (lima) orang anggota."
)


def mismatches(claim: str, passage: str) -> list[str]:
    """The ``number_mismatch`` messages of ``claim`` against ``passage``."""
    return [
        r.message for r in check_numbers(prep(claim), (), [Evidence(text=passage)], True).reasons
    ]


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "The controller must notify the data subject within 72 hours.",
            "Pengendali Data Pribadi wajib menyampaikan pemberitahuan paling lambat "
            "3 x 24 (tiga kali dua puluh empat) jam.",
        ),
        (
            "Pelanggarnya diancam penjara paling lama delapan belas bulan.",
            "dipidana dengan pidana penjara paling lama 1 (satu) tahun 6 (enam) bulan.",
        ),
        ("KASN has seven members in total: a chair, a deputy chair and five members.", KASN),
        ("KASN beranggotakan tujuh orang, yakni ketua, wakil ketua, dan lima anggota.", KASN),
    ],
)
def test_a_figure_the_passage_states_in_parts_matches(claim: str, passage: str) -> None:
    assert mismatches(claim, passage) == []


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "The controller must notify the data subject within 48 hours.",
            "Pengendali wajib memberitahukan paling lambat 3 x 24 (tiga kali dua puluh empat) jam.",
        ),
        ("KASN beranggotakan delapan orang, yakni ketua, wakil ketua, dan lima anggota.", KASN),
        # a total is not a part: "tujuh orang anggota" says there are seven ordinary members
        ("KASN beranggotakan seorang ketua, seorang wakil ketua, dan tujuh orang anggota.", KASN),
    ],
)
def test_a_figure_that_matches_no_part_or_total_is_a_mismatch(claim: str, passage: str) -> None:
    assert mismatches(claim, passage)


PENSIUN = (
    "Batas usia pensiun yaitu: a. 58 (lima puluh delapan) tahun bagi Pejabat Administrasi; "
    "b. 60 (enam puluh) tahun bagi Pejabat Pimpinan Tinggi; c. sesuai dengan ketentuan "
    "peraturan perundang-undangan bagi Pejabat Fungsional."
)


@pytest.mark.parametrize(
    ("claim", "bad"),
    [
        ("Batas usia pensiun bagi Pejabat Administrasi adalah 60 tahun [1].", True),
        ("Batas usia pensiun bagi Pejabat Administrasi adalah 58 tahun [1].", False),
        (
            "Pejabat Administrasi pensiun pada usia 58 tahun, sedangkan Pejabat Pimpinan Tinggi "
            "pada usia 60 tahun [1].",
            False,
        ),
        ("Senior executives (Pejabat Pimpinan Tinggi) retire at 58 [1].", True),
    ],
)
def test_a_figure_is_read_with_the_list_item_it_belongs_to(claim: str, bad: bool) -> None:
    assert ("number_mismatch" in codes(claim, PENSIUN)) is bad


@pytest.mark.parametrize(
    ("claim", "bad"),
    [
        ("Tiered service classes may take up no more than a third of total capacity [1].", True),
        ("Tiered service classes may take up no more than a quarter of total capacity [1].", False),
        ("Kelas pelayanan berjenjang paling banyak seperempat dari kapasitas [1].", False),
        ("Kelas pelayanan berjenjang paling banyak setengah dari kapasitas [1].", True),
    ],
)
def test_a_share_said_as_a_fraction_is_checked(claim: str, bad: bool) -> None:
    passage = (
        "Persentase kelas Pelayanan Berjenjang ditetapkan paling banyak 25% (dua puluh lima "
        "persen) dari seluruh kapasitas pelayanan."
    )
    assert ("number_mismatch" in codes(claim, passage)) is bad


def test_calendar_days_against_working_days_is_a_unit_mismatch() -> None:
    passage = (
        "DPR wajib memilih calon anggota dalam waktu paling lambat 30 (tiga puluh) hari kerja."
    )
    assert "unit_mismatch" in codes("The House must choose within 30 calendar days [1].", passage)
    assert "unit_mismatch" not in codes(
        "The House must choose within 30 working days [1].", passage
    )


def test_the_constitutions_year_is_not_a_figure_and_a_count_sentence_is_in_its_own_words() -> None:
    passage = "(1) Urusan tersebut meliputi urusan luar negeri, dalam negeri, dan pertahanan."
    claim = "The affairs named in the 1945 Constitution are foreign affairs, home affairs and defence [1]."
    assert "number_mismatch" not in codes(claim, passage)
    listing = (
        "Penghargaan dapat berupa pemberian: a. tanda kehormatan; b. kenaikan pangkat istimewa; "
        "c. kesempatan prioritas pengembangan kompetensi; dan/atau d. kesempatan menghadiri acara resmi."
    )
    assert "not_in_passage" not in codes(
        "UU ASN menyediakan empat bentuk penghargaan bagi PNS berprestasi [1].", listing
    )
    assert "number_mismatch" in codes(
        "UU ASN menyediakan lima bentuk penghargaan bagi PNS berprestasi [1].", listing
    )


def _cell_figure(value: float, text: str, period: str, row: int):
    from pipeline.types import CellRef, Figure

    return Figure(
        value=value, period=period, text=text, cell=CellRef(file="t.csv", row=row, column="nilai")
    )


def test_a_statistics_passage_is_checked_cell_by_cell() -> None:
    figures = [
        _cell_figure(9.08, "9,08", "2012", 2),
        _cell_figure(8.22, "8,22", "2018", 8),
        _cell_figure(10.46, "10,46", "2020", 10),
    ]
    card = Evidence(
        text="TPT Jawa Barat 10,46 persen (2020); naik 1,38 poin dari 9,08 (2012).", figures=figures
    )

    def check(claim: str):
        return check_numbers(prep(claim), (), [card], True)

    # a year the card's text leaves out is read at its cell
    middle = check("TPT Jawa Barat pada 2018 sebesar 8,22 persen.")
    assert middle.reasons == [] and middle.cells == [figures[1].cell]
    both = check("TPT naik dari 9,08 pada 2012 menjadi 10,46 pada 2020.")
    assert both.reasons == [] and both.cells == [figures[0].cell, figures[2].cell]
    # another year's value: named with the cell it is the value of
    wrong_year = check("TPT Jawa Barat pada 2018 sebesar 10,46 persen.")
    assert "row 10" in wrong_year.reasons[0].message and wrong_year.cells == []
    wrong_value = check("TPT Jawa Barat pada 2018 sebesar 8,5 persen.")
    assert "nearest: 8,22 (2018), t.csv row 8" in wrong_value.reasons[0].message
