"""Support: an English sentence about an Indonesian passage is scored on its own scale (real
embedder), an unrelated one still falls below it, and a sentence whose words the passage does
not hold is ``not_in_passage``."""

from __future__ import annotations

import pytest

from pipeline.verify import verify_claim
from pipeline.verify.support import cross_terms
from tests.verify import codes

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


@pytest.mark.parametrize(
    ("claim", "passage", "missing"),
    [
        (
            "Sanksi bagi yang bolos kerja dapat meningkatkan keinginan dan keberanian PNS "
            "untuk mengikuti disiplin [1].",
            "Disiplin Pegawai Negeri Sipil adalah kesanggupan PNS untuk menaati kewajiban dan "
            "menghindari larangan yang ditentukan dalam peraturan perundang-undangan.",
            "keberanian",
        ),
        (
            "Enforcing attendance rules reduces workplace risk and boosts the motivation and "
            "courage of employees [1].",
            "Civil servants must come to work and comply with the rules on working hours.",
            "workplace",
        ),
    ],
)
def test_a_sentence_whose_words_the_passage_lacks_is_not_in_passage(
    claim: str, passage: str, missing: str
) -> None:
    verdict = verify_claim(claim, [passage], embedder="hash")
    reasons = [r for r in verdict.reasons if r.code == "not_in_passage"]
    assert verdict.verdict == "unsupported"
    assert reasons and missing in reasons[0].message


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "Setiap PNS wajib hadir bekerja dan mematuhi ketentuan jam kerja [1].",
            "Setiap PNS wajib masuk kerja dan menaati ketentuan jam kerja.",
        ),
        (
            "Every civil servant must come to work and keep to the working hours [1].",
            "Civil servants must come to work and comply with the rules on working hours.",
        ),
    ],
)
def test_a_paraphrase_that_keeps_the_passage_words_is_not_flagged(claim: str, passage: str) -> None:
    assert "not_in_passage" not in codes(claim, passage)
