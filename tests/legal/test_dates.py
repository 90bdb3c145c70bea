"""Dates read from a regulation's closing formula: enacted, promulgated, in force from."""

from __future__ import annotations

import datetime as dt

from pipeline.legal.dates import parse_date, regulation_dates


def test_the_closing_formula_gives_the_dates_and_in_force_on_promulgation() -> None:
    text = (
        "Pasal 9\nUndang-Undang ini mulai berlaku pada tanggal diundangkan.\n"
        "Disahkan di Jakarta pada tanggal 18 Maret 2015\nDiundangkan di Jakarta pada tanggal 19 Maret 2015"
    )
    dates = regulation_dates(text)
    assert (dates.enacted, dates.promulgated, dates.effective) == (
        dt.date(2015, 3, 18),
        dt.date(2015, 3, 19),
        dt.date(2015, 3, 19),
    )
    assert dates.note == ""


def test_ocr_numbers_and_month_names_are_repaired_where_a_date_is_expected() -> None:
    assert parse_date("3 1", "Agustus", "2O2l") == dt.date(2021, 8, 31)
    assert parse_date("16", "Jtni", "2O22") == dt.date(2022, 6, 16)  # "Juni" misread
    assert parse_date("2", "Nopember", "1974") == dt.date(1974, 11, 2)
    assert parse_date("31", "Februari", "2020") is None  # not a real day
    # "2 Oktober": the O of Oktober is not a second digit of the day
    text = "Diundangkan di Jakarta pada tanggal 2 Oktober 2014"
    assert regulation_dates(text).promulgated == dt.date(2014, 10, 2)


def test_a_delayed_start_is_computed_and_an_unreadable_one_is_said_not_guessed() -> None:
    delayed = regulation_dates(
        "Undang-Undang ini mulai berlaku 2 (dua) tahun sejak tanggal diundangkan.\n"
        "Diundangkan di Jakarta pada tanggal 30 April 2008"
    )
    assert delayed.effective == dt.date(2010, 4, 30)
    unread = regulation_dates(
        "Undang-Undang ini mulai berlaku pada tanggal Agar setiap orang mengetahuinya.\n"
        "Diundangkan di Jakarta pada tanggal 17 Oktober 2022"
    )
    assert unread.promulgated == dt.date(2022, 10, 17)
    assert unread.effective is None and "tidak terbaca" in unread.note
    assert "tidak terbaca" in regulation_dates("Pasal 1\nTanpa penutup.").note


def test_dates_quoted_in_the_penjelasan_are_not_the_regulations_own() -> None:
    text = (
        "Diundangkan di Jakarta pada tanggal 12 Agustus 2011\nPENJELASAN\n"
        "contoh: Diundangkan di Jakarta pada tanggal 22 Juli 2011"
    )
    assert regulation_dates(text, body_end=text.index("PENJELASAN")).promulgated == dt.date(
        2011, 8, 12
    )
