"""``negation_mismatch`` read clause by clause (:mod:`pipeline.verify.polarity`): a claim that
says yes where its passage says no, with or without a literal "tidak", in Indonesian and in
English; negation words that are bounds, alternatives or lists are not counted."""

from __future__ import annotations

import pytest

from pipeline.verify.polarity import clauses, polarity
from tests.verify import codes

SIDANG = "Sidang pemeriksaan sengketa informasi bersifat tertutup untuk umum."
ELEKTRONIK = "Dokumen elektronik berkekuatan hukum sama dengan dokumen dalam bentuk cetak."
PEMERIKSAAN = (
    "Dalam hal pegawai yang dipanggil tidak hadir pada pemeriksaan, pemeriksaan tetap "
    "dilanjutkan dan hasilnya dituangkan dalam berita acara."
)
SANKSI = "Sanksi administratif tidak membebaskan pejabat dari kewajiban menyampaikan laporan."
SANCTION = "An administrative sanction does not free the official from the duty to report."
HEARINGS = "Hearings on information disputes are closed to the public."


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("Sidang pemeriksaan sengketa informasi terbuka untuk umum [1].", SIDANG),
        (
            "Dokumen elektronik tidak memiliki kekuatan hukum yang sama dengan dokumen cetak [1].",
            ELEKTRONIK,
        ),
        (
            "Jika pegawai yang dipanggil tidak hadir pada pemeriksaan, pemeriksaan tidak "
            "dilanjutkan [1].",
            PEMERIKSAAN,
        ),
        (
            "An administrative sanction releases the official from the reporting duty [1].",
            SANCTION,
        ),
        ("Hearings on information disputes are open to the public [1].", HEARINGS),
    ],
)
def test_a_claim_that_says_the_opposite_is_unsupported(claim: str, passage: str) -> None:
    assert "negation_mismatch" in codes(claim, passage)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("Sidang pemeriksaan sengketa informasi tidak terbuka untuk umum [1].", SIDANG),
        (
            "Apabila pegawai yang dipanggil tidak hadir pada pemeriksaan, pemeriksaan tetap "
            "dilanjutkan [1].",
            PEMERIKSAAN,
        ),
        (
            "Pemeriksaan tetap dilanjutkan dan hasilnya dituangkan dalam berita acara [1].",
            PEMERIKSAAN,
        ),
        (
            "An administrative sanction does not release the official from the reporting duty [1].",
            SANKSI,
        ),
        ("Hearings on information disputes are closed to the public [1].", SIDANG),
    ],
)
def test_the_same_polarity_in_other_words_stays_quiet(claim: str, passage: str) -> None:
    assert "negation_mismatch" not in codes(claim, passage)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("permintaan diajukan secara tertulis atau tidak tertulis", 0),
        ("paling lambat 14 hari, tidak lebih dari dua kali", 0),
        ("no later than 14 days, and not only by letter", 0),
        ("Pemohon tidak wajib menyebutkan alasan permohonan", 0),
        ("tidak menyediakan, tidak memberikan, dan/atau tidak menerbitkan informasi", 1),
        ("permohonan ditolak", 1),
        ("the request was refused without a reason", 2),
    ],
)
def test_polarity_counts_negations_not_bounds_or_alternatives(text: str, count: int) -> None:
    assert polarity(text) == count


def test_clauses_are_cut_at_commas_and_conjunctions() -> None:
    assert clauses("Jika pegawai tidak hadir, pemeriksaan tetap dilanjutkan") == [
        "Jika pegawai tidak hadir",
        "pemeriksaan tetap dilanjutkan",
    ]
    assert len(clauses("The request is granted unless the body refuses it")) == 2


def test_little_benefit_reads_as_next_to_none() -> None:
    passage = "Activated charcoal hemoperfusion had little benefit for acute paraquat poisoning."
    assert "negation_mismatch" not in codes(
        "Charcoal shows no benefit for acute paraquat poisoning [1].", passage
    )
    assert polarity("a little benefit") == 0


def test_across_languages_the_clause_check_stays_silent() -> None:
    # words cannot be matched across languages: whole-sentence and embedding matching flagged
    # more correct English sentences than they caught (benchmarks/README.md)
    assert "negation_mismatch" not in codes(
        "A civil servant without a post receives a waiting allowance each year [1].",
        "Uang tunggu diberikan setiap tahun untuk paling lama 5 (lima) tahun.",
    )
