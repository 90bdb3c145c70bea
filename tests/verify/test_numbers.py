"""Figures a passage states without writing them (``pipeline.verify.numbers``)."""

from __future__ import annotations

import pytest

from pipeline.types import Evidence
from pipeline.verify.numbers import check_numbers, prep

KASN = (
    "(1) KASN terdiri atas: a. 1 (satu) orang ketua merangkap anggota; b. 1 (satu) orang wakil "
    "ketua merangkap anggota, dan c. 5 (lima) orang anggota."
)


def mismatches(claim: str, passage: str) -> list[str]:
    """The ``number_mismatch`` messages of ``claim`` against ``passage``."""
    return [r.message for r in check_numbers(prep(claim), (), [Evidence(text=passage)], True)]


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
