"""Indonesian number parsing/formatting and number mentions (used by the verifier)."""

from __future__ import annotations

import pytest

from pipeline.text.numbers import find_numbers, format_number_id, parse_number


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("9,36", "id", 9.36),
        ("2.161.000", "id", 2161000.0),
        ("1.234,5", "id", 1234.5),
        ("1,234.5", "en", 1234.5),
        ("1,234.5", "auto", 1234.5),
        ("9,36 persen", "id", 9.36),
        ("12%", "id", 12.0),
        ("Rp 2,5 triliun", "id", 2.5e12),
        ("2,5 juta", "id", 2.5e6),
        ("300 ribu", "id", 3e5),
        ("Rp 1,2 miliar", "id", 1.2e9),
        ("-1,5", "id", -1.5),
        ("−3,2", "id", -3.2),
        ("0.384", "auto", 0.384),
        ("6.146470588235295", "id", 6.146470588235295),
        ("2.161", "id", 2161.0),
        ("2.161", "en", 2.161),
        ("72", "id", 72.0),
        (71.7, "id", 71.7),
    ],
)
def test_parse_number(text: object, locale: str, expected: float) -> None:
    assert parse_number(text, locale) == pytest.approx(expected, rel=0, abs=0)


@pytest.mark.parametrize("text", ["", "-", "—", "–", "...", "n/a", None, "12 apel", "1.234.5"])
def test_parse_number_missing_or_not_a_number(text: object) -> None:
    assert parse_number(text) is None


def test_parse_number_nan_is_missing() -> None:
    assert parse_number(float("nan")) is None


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (9.36, None, "9,36"),
        (2161000, None, "2.161.000"),
        (2161000.5, None, "2.161.000,5"),
        (-1.5, None, "-1,5"),
        (1234.5, 2, "1.234,50"),
        (-0.0001, 2, "0,00"),
        (72.0, None, "72"),
        (6.146470588235295, None, "6,146470588235295"),
    ],
)
def test_format_number_id(value: float, decimals: int | None, expected: str) -> None:
    assert format_number_id(value, decimals) == expected


@pytest.mark.parametrize("value", [9.36, 2161000.0, 0.384, -1.25, 1234.5, 72.29])
def test_format_then_parse_round_trips(value: float) -> None:
    assert parse_number(format_number_id(value), "id") == value


def test_find_numbers_indonesian_sentence() -> None:
    text = (
        "Kemiskinan turun menjadi 9,36 persen pada 2023, atau 2.161.000 jiwa; "
        "anggaran Rp 2,5 triliun (2010-2012)."
    )
    found = find_numbers(text)
    assert [m.value for m in found] == [9.36, 2023.0, 2161000.0, 2.5e12, 2010.0, 2012.0]
    pct, year, people, money, y1, y2 = found
    assert pct.unit == "persen" and pct.is_percent and not pct.is_year
    assert year.is_year and y1.is_year and y2.is_year
    assert people.unit == "jiwa" and people.raw == "2.161.000 jiwa"
    assert money.unit == "rupiah" and money.scale == 1e12 and money.base_value == 2.5
    assert text[pct.start : pct.end] == "9,36 persen"


def test_find_numbers_english_and_signs() -> None:
    found = find_numbers("Growth was -1,5 poin; output 1,234.5 million; rate 12%.")
    assert [m.value for m in found] == [-1.5, 1234.5e6, 12.0]
    assert found[0].unit == "poin"
    assert found[2].is_percent


def test_find_numbers_sentence_final_period_is_not_a_decimal() -> None:
    found = find_numbers("IPM naik menjadi 72,29.")
    assert [m.value for m in found] == [72.29]
