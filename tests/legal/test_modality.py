"""Reading the force of a norm: must, may, must not, and negations outside them."""

from __future__ import annotations

import pytest

from pipeline.legal.modality import read_norm


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Badan Publik wajib mengumumkan informasi", "obligation"),
        ("Public bodies shall publish the information", "obligation"),
        ("Pejabat dapat menjatuhkan hukuman disiplin", "permission"),
        ("The official may impose a penalty", "permission"),
        ("PNS tidak wajib hadir", "permission"),
        ("Pegawai ASN dilarang menjadi anggota partai politik", "prohibition"),
        ("PNS wajib tidak menerima hadiah", "prohibition"),
        ("Hukuman tidak dapat dijatuhkan", "prohibition"),
        ("Civil servants must not accept gifts", "prohibition"),
        ("PNS dijatuhi hukuman disiplin", None),
    ],
)
def test_the_modality_of_a_sentence(text: str, modality: str | None) -> None:
    assert read_norm(text).modality == modality


def test_negations_outside_the_modal_words_and_limits() -> None:
    assert read_norm("PNS yang tidak masuk kerja").negations == 1
    assert read_norm("PNS wajib tidak menerima hadiah").negations == 0  # part of "wajib tidak"
    assert read_norm("paling lambat, no later than 10 days, tidak lebih dari 3 hari").negations == 0
