"""``actor_mismatch``: a changed or swapped institution, in Indonesian and English."""

from __future__ import annotations

import pytest

from pipeline.verify import verify_claim
from tests.verify import codes

OMBUDSMAN = (
    "Ketua, Wakil Ketua, dan anggota Ombudsman dipilih oleh Dewan Perwakilan Rakyat "
    "berdasarkan calon yang diusulkan oleh Presiden."
)
KOMISI = (
    "(2) Komisi Informasi provinsi bertanggung jawab kepada gubernur dan menyampaikan laporan "
    "tentang pelaksanaan fungsi, tugas, dan wewenangnya kepada Dewan Perwakilan Rakyat Daerah "
    "provinsi yang bersangkutan."
)
TARIF = (
    "(1) Penentuan biaya/tarif yang dituangkan dalam Standar Pelayanan ditetapkan setelah "
    "mendapatkan persetujuan Dewan Perwakilan Rakyat atau Dewan Perwakilan Rakyat Daerah."
)
STATISTIK = "(1) Statistik dasar diselenggarakan oleh Badan."
JPT = (
    "(2) JPT dapat diperpanjang berdasarkan pencapaian kinerja setelah mendapat persetujuan PPK "
    "dan berkoordinasi dengan Komisi Aparatur Sipil Negara."
)
BENCANA = (
    "(1) Pendanaan pelindungan dan penyelamatan arsip akibat bencana yang berskala nasional "
    "menjadi tanggung jawab Pemerintah."
)
SENGKETA = "Sengketa kepegawaian diselesaikan melalui Peradilan Tata Usaha Negara."


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("Pimpinan Ombudsman dipilih oleh Presiden dari calon yang diusulkan DPR [1].", OMBUDSMAN),
        ("Ombudsman members are elected by the President [1].", OMBUDSMAN),
        ("Komisi Informasi provinsi bertanggung jawab kepada DPRD provinsi [1].", KOMISI),
        ("A provincial Information Commission is accountable to the provincial DPRD [1].", KOMISI),
        (
            "Tarif dalam Standar Pelayanan ditetapkan dengan persetujuan Menteri Keuangan [1].",
            TARIF,
        ),
        ("Fees in a service standard need the approval of the Ministry of Finance [1].", TARIF),
        # roles swapped between two actors the passage names: who approves, who is consulted
        (
            "Masa JPT dapat diperpanjang atas persetujuan Komisi Aparatur Sipil Negara setelah "
            "berkoordinasi dengan PPK [1].",
            JPT,
        ),
        (
            "A JPT term may be extended with the approval of KASN after coordinating with the "
            "PPK [1].",
            JPT,
        ),
        (
            "Biaya penyelamatan arsip akibat bencana nasional ditanggung oleh pemerintah daerah [1].",
            BENCANA,
        ),
        (
            "The cost of rescuing archives after a national disaster is borne by regional governments [1].",
            BENCANA,
        ),
        ("Sengketa kepegawaian diselesaikan melalui pengadilan negeri [1].", SENGKETA),
        ("Civil service disputes are settled by the general courts [1].", SENGKETA),
    ],
)
def test_a_changed_or_swapped_actor_is_unsupported(claim: str, passage: str) -> None:
    assert "actor_mismatch" in codes(claim, passage)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "Anggota Ombudsman dipilih oleh DPR dari calon yang diusulkan oleh Presiden [1].",
            OMBUDSMAN,
        ),
        (
            "Ombudsman members are elected by the DPR from candidates the President proposes [1].",
            OMBUDSMAN,
        ),
        ("Komisi Informasi provinsi bertanggung jawab kepada gubernur [1].", KOMISI),
        ("A provincial Information Commission is accountable to the governor [1].", KOMISI),
        # "Badan" is how the statistics law names BPS after defining it
        ("Statistik dasar diselenggarakan oleh BPS [1].", STATISTIK),
        ("Basic statistics are produced by BPS [1].", STATISTIK),
        (
            "Masa JPT dapat diperpanjang atas persetujuan PPK setelah berkoordinasi dengan KASN [1].",
            JPT,
        ),
        ("A JPT term may be extended with the PPK's approval, after consulting KASN [1].", JPT),
        (
            "Biaya penyelamatan arsip akibat bencana nasional ditanggung Pemerintah Pusat [1].",
            BENCANA,
        ),
        ("Civil service disputes go to the administrative courts [1].", SENGKETA),
    ],
)
def test_the_passages_actor_in_its_role_is_not_flagged(claim: str, passage: str) -> None:
    assert "actor_mismatch" not in codes(claim, passage)


def test_the_message_names_the_passages_actor() -> None:
    verdict = verify_claim(
        "Ombudsman members are elected by the President [1].", [OMBUDSMAN], embedder="hash"
    )
    message = next(r.message for r in verdict.reasons if r.code == "actor_mismatch")
    assert "Dewan Perwakilan Rakyat" in message and "Presiden" in message


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "Pengaduan terhadap pelaksana pelayanan ditujukan kepada Ombudsman [1].",
            "Pengaduan terhadap pelaksana ditujukan kepada atasan pelaksana.",
        ),
        (
            "Audit standards for internal auditors are drawn up by BPKP [1].",
            "Standar audit disusun oleh organisasi profesi auditor.",
        ),
    ],
)
def test_a_listed_actor_where_the_passage_names_an_unlisted_one_is_unsupported(
    claim: str, passage: str
) -> None:
    assert "actor_mismatch" in codes(claim, passage)


def test_a_ministry_and_the_administrative_court_are_read_in_their_indonesian_forms() -> None:
    passage = (
        "Laporan Keuangan Kementerian Negara/Lembaga diselesaikan menurut tata cara pada "
        "Peradilan Tata Usaha Negara."
    )
    claim = "A ministry's financial report follows the procedure of the administrative court [1]."
    assert "actor_mismatch" not in codes(claim, passage)
