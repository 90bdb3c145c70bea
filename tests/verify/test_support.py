"""Support across languages: an English sentence about an Indonesian passage is scored on its
own scale (real embedder), and an unrelated one still falls below it."""

from __future__ import annotations

import pytest

from pipeline.verify import verify_claim
from pipeline.verify.support import cross_terms

CUTI = (
    "PPPK yang telah bekerja paling singkat 1 (satu) tahun secara terus-menerus berhak atas cuti "
    "tahunan paling lama 12 (dua belas) hari kerja."
)
STATISTIK = "Penyelenggara kegiatan statistik wajib menjamin kerahasiaan keterangan yang diperoleh dari responden."


def test_cross_terms_counts_glossary_terms_and_abbreviations_found() -> None:
    found, looked = cross_terms(
        "A civil servant must tell BPS and the PPID.", "PNS wajib melapor kepada BPS."
    )
    assert looked == 3 and found == 2  # civil servant → PNS, BPS; not PPID


@pytest.mark.slow
def test_an_english_paraphrase_of_an_indonesian_passage_is_supported() -> None:
    verdict = verify_claim(
        "After at least one year of continuous service, a PPPK employee is entitled to twelve "
        "working days of annual leave [1].",
        [CUTI],
    )
    assert verdict.verdict == "supported", verdict.reasons
    assert any(
        "across languages" in r.message
        for r in verify_claim("Village heads are elected for six-year terms [1].", [CUTI]).reasons
    )


@pytest.mark.slow
def test_an_english_sentence_that_adds_a_negation_is_flagged() -> None:
    verdict = verify_claim(
        "Statistical agencies are not obliged to keep respondents' information confidential [1].",
        [STATISTIK],
    )
    assert verdict.verdict != "supported"
