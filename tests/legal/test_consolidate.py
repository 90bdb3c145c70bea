"""A Pasal as of a date: our own base Perda and two amending Perda, and the real pairs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pipeline.legal.consolidate import Consolidation, LawSource, Revocation, split_ayat, word_diff
from pipeline.legal.dates import regulation_dates
from pipeline.legal.parse import parse_regulation

LAWS = Path(__file__).parent / "laws"


def source(path: Path) -> LawSource:
    text = path.read_text(encoding="utf-8")
    return LawSource(parse_regulation(text), regulation_dates(text), path.stem)


@pytest.fixture(scope="module")
def perda() -> Consolidation:
    base = source(LAWS / "perda-sukamaju-3-2018.md")
    # given in the wrong order on purpose: they are applied by date
    amending = [
        source(LAWS / "perda-sukamaju-5-2022.md"),
        source(LAWS / "perda-sukamaju-2-2020.md"),
    ]
    return Consolidation.build(base, amending)


def test_a_pasal_changed_twice_reads_as_of_each_date(perda: Consolidation) -> None:
    before = perda.pasal("3", as_of=dt.date(2019, 1, 1))
    assert before.status == "original" and "2 (dua) buku selama 7 (tujuh) hari" in before.text
    first = perda.pasal("3", as_of=dt.date(2021, 1, 1))
    assert "3 (tiga) buku selama 14 (empat belas) hari" in first.text
    assert first.citations == ["Perda 3/2018 Pasal 3", "Perda 2/2020 Pasal I angka 1"]
    # the second change takes effect one month after its promulgation (4 July 2022)
    assert "3 (tiga) buku" in perda.pasal("3", as_of=dt.date(2022, 7, 10)).text
    now = perda.pasal("3")
    assert "5 (lima) buku" in now.text and now.text.startswith("Pasal 3")
    assert [(v.kind, v.citation, v.date) for v in now.versions] == [
        ("original", "Perda 3/2018 Pasal 3", dt.date(2018, 5, 3)),
        ("amended", "Perda 2/2020 Pasal I angka 1", dt.date(2020, 2, 12)),
        ("amended", "Perda 5/2022 Pasal I angka 1", dt.date(2022, 8, 4)),
    ]
    assert now.citations == ["Perda 3/2018 Pasal 3", "Perda 5/2022 Pasal I angka 1"]


def test_insertion_deletion_an_ayat_and_an_inserted_huruf(perda: Consolidation) -> None:
    assert perda.numbers() == ["1", "2", "3", "4", "4A", "5", "6", "7"]
    inserted = perda.pasal("4A")
    assert inserted.status == "inserted" and "perpustakaan keliling" in inserted.text
    assert perda.pasal("4A", as_of=dt.date(2019, 1, 1)).status == "not_yet"
    deleted = perda.pasal("6")
    assert deleted.status == "deleted" and deleted.text == ""
    assert deleted.citations == ["Perda 3/2018 Pasal 6", "Perda 2/2020 Pasal I angka 4"]
    assert "Rp1.000,00" in perda.pasal("6", as_of=dt.date(2019, 1, 1)).text
    # only ayat (2) of Pasal 2 was restated: ayat (1) stays as it was
    two = perda.pasal("2")
    assert "(1) Perpustakaan Daerah buka setiap hari kerja." in two.text
    assert "8 (delapan) jam" in two.text and "6 (enam) jam" not in two.text
    assert (
        perda.pasal("2", ayat="2").text == "(2) Jam layanan paling singkat 8 (delapan) jam sehari."
    )
    # huruf b1 inserted between b and c of Pasal 4 ayat (1)
    four = perda.pasal("4", ayat="1").text
    assert (
        four.index("b. ruang baca")
        < four.index("b1. peminjaman buku elektronik")
        < four.index("c.")
    )
    # every change of both amending laws was applied, none reported as a problem
    assert [(c.regulation, c.number, c.applied, c.problems) for c in perda.changes] == [
        ("Perda 2/2020", "1", ["3"], []),
        ("Perda 2/2020", "2", ["2"], []),
        ("Perda 2/2020", "3", ["4A"], []),
        ("Perda 2/2020", "4", ["6"], []),
        ("Perda 5/2022", "1", ["3"], []),
        ("Perda 5/2022", "2", ["4"], []),
    ]


def test_revocations_close_the_pasal_they_name_and_mark_parts(perda: Consolidation) -> None:
    base = source(LAWS / "perda-sukamaju-3-2018.md")
    first = source(LAWS / "perda-sukamaju-2-2020.md")
    revoker = dataclasses.replace(
        first, dates=regulation_dates("Diundangkan di Sukamaju pada tanggal 1 Maret 2024 mulai")
    )
    law = Consolidation.build(
        base,
        [first],
        [Revocation(revoker, ("5",), (("4", "ayat (2)"),), "Perda 9/2024 Pasal 3")],
    )
    five = law.pasal("5")
    assert five.status == "revoked" and five.text == ""
    assert five.citations == ["Perda 3/2018 Pasal 5", "Perda 9/2024 Pasal 3"]
    assert law.pasal("5", as_of=dt.date(2024, 1, 1)).status == "original"
    four = law.pasal("4")
    assert four.status == "partly_revoked" and "ruang baca" in four.text  # the wording stays
    assert four.version.note == "ayat (2) dicabut oleh Perda 9/2024 Pasal 3"


def test_two_changes_of_the_same_date_on_one_pasal_are_reported_not_ordered() -> None:
    base = source(LAWS / "perda-sukamaju-3-2018.md")
    first, second = (
        source(LAWS / "perda-sukamaju-2-2020.md"),
        source(LAWS / "perda-sukamaju-5-2022.md"),
    )
    same_day = dataclasses.replace(second, dates=first.dates)
    law = Consolidation.build(base, [first, same_day])
    assert any(
        "Pasal 3 diubah oleh Perda 2/2020 dan Perda 5/2022 pada tanggal yang sama" in w
        for w in law.warnings
    )


def test_split_ayat_and_word_diff() -> None:
    text = "Pasal 5\n(1) Satu sebagaimana dimaksud pada ayat (2) di sini.\n(2) Dua."
    assert split_ayat(text) == {
        "1": "(1) Satu sebagaimana dimaksud pada ayat (2) di sini.",
        "2": "(2) Dua.",
    }
    assert word_diff("paling banyak 2 buku", "paling banyak 3 buku") == [
        ("same", "paling banyak"),
        ("removed", "2"),
        ("added", "3"),
        ("same", "buku"),
    ]


# --------------------------------------------------------------------------- the real pairs


def test_the_real_amending_laws_apply(shared: Path) -> None:
    md = shared / "regulations_id" / "md"
    law = Consolidation.build(source(md / "uu-23-2014.md"), [source(md / "uu-9-2015.md")])
    assert [c.applied for c in law.changes] == [["63"], ["65"], ["66"], ["88"], ["101"], ["154"]]
    now = law.pasal("101")
    assert "d1." in now.text and "memilih gubernur dan wakil gubernur" in now.text
    assert now.citations == ["UU 23/2014 Pasal 101", "UU 9/2015 Pasal I angka 5"]
    assert "d1." not in law.pasal("101", as_of=dt.date(2015, 1, 1)).text
    # UU 12/2011: Pasal 49 changed by UU 15/2019 and again by UU 13/2022; 97A inserted in 2022
    law = Consolidation.build(
        source(md / "uu-12-2011.md"), [source(md / "uu-13-2022.md"), source(md / "uu-15-2019.md")]
    )
    assert [v.citation for v in law.pasal("49").versions] == [
        "UU 12/2011 Pasal 49",
        "UU 15/2019 Pasal I angka 7",
        "UU 13/2022 Pasal I angka 5",
    ]
    assert law.pasal("97A", as_of=dt.date(2021, 1, 1)).status == "not_yet"
    assert law.pasal("97A").text.startswith("Pasal 97A")
    # UU 8/1974: Pasal 19 deleted by UU 43/1999, Pasal 16A inserted
    law = Consolidation.build(source(md / "uu-8-1974.md"), [source(md / "uu-43-1999.md")])
    assert law.pasal("19").status == "deleted"
    assert law.pasal("16A").status == "inserted"
