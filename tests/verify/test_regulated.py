"""``already_regulated``: a call for a regulation the index already holds."""

from __future__ import annotations

import pytest

from pipeline.verify import check_already_regulated

DOCS = [
    {
        "jenis": "PP",
        "nomor": "61",
        "tahun": 2010,
        "status": "in_force",
        "tentang": "Pelaksanaan Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
    },
    {
        "jenis": "PP",
        "nomor": "53",
        "tahun": 2010,
        "status": "revoked",
        "tentang": "Disiplin Pegawai Negeri Sipil",
    },
]


@pytest.mark.parametrize(
    "claim",
    [
        "Pemerintah perlu menetapkan Peraturan Pemerintah tentang Pelaksanaan Undang-Undang Nomor 14 Tahun 2008 [1].",
        "The government should issue a Government Regulation on the implementation of Undang-Undang Nomor 14 Tahun 2008 [1].",
        # the name ends where a clause about it starts (a model's option, seen in a brief)
        "Opsi pertama adalah untuk menetapkan Peraturan Pemerintah tentang Pelaksanaan "
        "Undang-Undang Nomor 14 Tahun 2008, yang melaporkan dengan segera kepada atasannya [1].",
    ],
)
def test_a_call_for_a_regulation_the_index_holds_is_flagged(claim: str) -> None:
    reasons = check_already_regulated(claim, DOCS)
    assert [r.code for r in reasons] == ["already_regulated"]
    assert "PP 61/2010" in reasons[0].message


@pytest.mark.parametrize(
    "claim",
    [
        # a revoked regulation does not make a new one superfluous
        "Pemerintah perlu menetapkan Peraturan Pemerintah tentang Disiplin Pegawai Negeri Sipil.",
        # another kind of regulation
        "Presiden perlu menetapkan Peraturan Presiden tentang Pelaksanaan Undang-Undang Nomor 14 Tahun 2008.",
        "PP 61/2010 mengatur pelaksanaan keterbukaan informasi publik.",
        # a preamble quoted: why the regulation itself was made, not a call for a new one
        "Menurut konsiderans PP 61/2010, untuk melaksanakan Undang-Undang Nomor 14 Tahun 2008, "
        "perlu menetapkan Peraturan Pemerintah tentang Pelaksanaan Undang-Undang Nomor 14 Tahun "
        "2008 [2].",
        "The preamble of PP 61/2010 states that it is necessary to issue a Government Regulation "
        "on the Implementation of Law Number 14 of 2008 [2].",
    ],
)
def test_other_sentences_are_not_flagged(claim: str) -> None:
    assert check_already_regulated(claim, DOCS) == []
