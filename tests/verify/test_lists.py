"""Lists: an extra or a missing item, in Indonesian and English; faithful lists pass."""

from __future__ import annotations

import pytest

from pipeline.verify import verify_claim
from pipeline.verify.lists import check_lists, claim_items, enumerations, list_lengths
from tests.verify import codes

CUTI = (
    "Cuti sebagaimana dimaksud pada Pasal 76 ayat (1) terdiri atas: a. Cuti tahunan; "
    "b. Cuti sakit; c. Cuti melahirkan; dan d. Cuti bersama."
)
FORUM = (
    "(2) Forum bersifat nonstruktural dan independen, yang anggotanya terdiri atas unsur "
    "pemerintah, pakar, praktisi dan tokoh masyarakat."
)


def test_enumerations_read_huruf_and_inline_lists() -> None:
    assert [e.items for e in enumerations(CUTI)] == [
        ("Cuti tahunan", "Cuti sakit", "Cuti melahirkan", "Cuti bersama")
    ]
    assert enumerations(FORUM)[0].items == (
        "unsur pemerintah",
        "pakar",
        "praktisi",
        "tokoh masyarakat",
    )
    assert list_lengths(CUTI) == {4}


def test_claim_items_and_completeness() -> None:
    items, complete, cued = claim_items(
        "Cuti PPPK terdiri atas cuti tahunan, cuti sakit, dan cuti bersama [1]."
    )
    assert items == ["cuti tahunan", "cuti sakit", "cuti bersama"] and complete and cued
    assert not claim_items("Cuti PPPK antara lain cuti tahunan, cuti sakit, dan cuti bersama.")[1]


@pytest.mark.parametrize(
    "claim",
    [
        "Cuti PPPK terdiri atas cuti tahunan, cuti sakit, cuti melahirkan, cuti bersama, dan cuti besar [1].",
        "PPPK leave consists of annual leave, sick leave, maternity leave, collective leave and long-service leave [1].",
    ],
)
def test_an_extra_item_is_flagged(claim: str) -> None:
    assert "list_item_extra" in codes(claim, CUTI)


@pytest.mark.parametrize(
    "claim",
    [
        "Cuti PPPK terdiri atas cuti tahunan, cuti sakit, dan cuti bersama [1].",
        "The forum is made up of government, expert and practitioner representatives [1].",
    ],
)
def test_a_missing_item_is_flagged_and_named(claim: str) -> None:
    passage = FORUM if claim.startswith("The forum") else CUTI
    verdict = verify_claim(claim, [passage], embedder="hash")
    reason = next(r for r in verdict.reasons if r.code == "list_item_missing")
    assert ("melahirkan" in reason.message) or ("tokoh masyarakat" in reason.message)


@pytest.mark.parametrize(
    "claim",
    [
        "Cuti PPPK terdiri atas cuti tahunan, cuti sakit, cuti melahirkan, dan cuti bersama [1].",
        "PPPK leave comprises annual, sick, maternity and collective leave [1].",
        "Cuti PPPK antara lain cuti tahunan dan cuti sakit [1].",
    ],
)
def test_a_faithful_or_partial_list_is_not_flagged(claim: str) -> None:
    assert not codes(claim, CUTI) & {"list_item_extra", "list_item_missing"}


@pytest.mark.parametrize(
    "claim",
    [
        "Program arsip vital dijalankan melalui identifikasi, pelindungan dan pengamanan, serta "
        "penyelamatan dan pemulihan [1].",
        "Program arsip vital punya tiga kegiatan, yaitu identifikasi, pelindungan dan "
        "pengamanan, serta penyelamatan dan pemulihan [1].",
    ],
)
def test_the_list_starts_after_its_lead_word_or_a_cue_after_a_comma(claim: str) -> None:
    passage = (
        "(2) Program arsip vital dilaksanakan melalui kegiatan: a. identifikasi; b. pelindungan "
        "dan pengamanan; dan c. penyelamatan dan pemulihan."
    )
    assert claim_items(claim)[0] == [
        "identifikasi",
        "pelindungan dan pengamanan",
        "penyelamatan dan pemulihan",
    ]
    assert check_lists(claim, passage, 1) == []


@pytest.mark.parametrize(
    "claim",
    [
        "Menurut konsiderans UU 14/2008, keterbukaan informasi publik merupakan sarana dalam "
        "mengoptimalkan pengawasan publik terhadap penyelenggaraan negara dan Badan Publik "
        "lainnya dan segala sesuatu yang berakibat pada kepentingan publik [1].",
        "The preamble of UU 14/2008 states that keterbukaan informasi publik merupakan sarana "
        "dalam mengoptimalkan pengawasan publik terhadap penyelenggaraan negara dan Badan Publik "
        "lainnya dan segala sesuatu yang berakibat pada kepentingan publik [1].",
    ],
)
def test_who_says_it_is_not_an_item_of_the_list(claim: str) -> None:
    passage = (
        "Menimbang: c. bahwa keterbukaan informasi publik merupakan sarana dalam mengoptimalkan "
        "pengawasan publik terhadap penyelenggaraan negara dan Badan Publik lainnya dan segala "
        "sesuatu yang berakibat pada kepentingan publik;"
    )
    assert not any("Menurut" in i or "preamble" in i for i in claim_items(claim)[0])
    assert check_lists(claim, passage, 1) == []


INOVASI = (
    "(1) Inisiatif inovasi dapat berasal dari kepala daerah, anggota DPRD, aparatur sipil "
    "negara, Perangkat Daerah, dan anggota masyarakat."
)
PEMILIHAN = "(2) Pemilihan Kepala Desa bersifat langsung, umum, bebas, rahasia, jujur, dan adil."
CACAT = "(1) Keputusan hanya dapat dicabut apabila terdapat cacat: a. wewenang; b. prosedur; dan/atau c. substansi."


@pytest.mark.parametrize(
    ("claim", "passage", "code"),
    [
        (
            "Inisiatif inovasi daerah dapat datang dari kepala daerah, anggota DPRD, Perangkat "
            "Daerah, dan anggota masyarakat [1].",
            INOVASI,
            "list_item_missing",
        ),
        (
            "Inisiatif inovasi dapat berasal dari kepala daerah, anggota DPRD, aparatur sipil "
            "negara, Perangkat Daerah, perguruan tinggi, dan anggota masyarakat [1].",
            INOVASI,
            "list_item_extra",
        ),
        (
            "Village head elections are direct, general, free, secret and honest [1].",
            PEMILIHAN,
            "list_item_missing",
        ),
        (
            "Keputusan dapat dicabut apabila terdapat cacat wewenang, cacat prosedur, cacat "
            "substansi, atau cacat anggaran [1].",
            CACAT,
            "list_item_extra",
        ),
    ],
)
def test_a_comma_list_without_a_cue_word_is_checked(claim: str, passage: str, code: str) -> None:
    assert code in codes(claim, passage)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "Inisiatif inovasi dapat berasal dari kepala daerah, anggota DPRD, aparatur sipil "
            "negara, Perangkat Daerah, dan anggota masyarakat [1].",
            INOVASI,
        ),
        (
            "Village head elections are direct, general, free, secret, honest and fair [1].",
            PEMILIHAN,
        ),
        (
            "Keputusan dapat dicabut apabila terdapat cacat wewenang, cacat prosedur, atau cacat "
            "substansi [1].",
            CACAT,
        ),
        (
            "Setelah diubah UU 9/2015, inisiatif inovasi dapat berasal dari kepala daerah, anggota "
            "DPRD, aparatur sipil negara, Perangkat Daerah, dan anggota masyarakat [1].",
            INOVASI,
        ),
        (  # items in other words leave the count as it is
            "BPK mempertimbangkan permintaan, usulan, dan pandangan lembaga perwakilan [1].",
            "(1) Dalam merencanakan pemeriksaan, BPK memperhatikan permintaan, saran, dan "
            "pendapat lembaga perwakilan.",
        ),
    ],
)
def test_the_whole_list_in_other_words_stays_quiet(claim: str, passage: str) -> None:
    found = codes(claim, passage)
    assert "list_item_missing" not in found and "list_item_extra" not in found


def test_items_separated_by_semicolons_keep_their_commas() -> None:
    items, complete, _ = claim_items(
        "The system consists of planning; implementation, monitoring and coaching; appraisal; "
        "and follow-up [1]."
    )
    assert items == [
        "planning",
        "implementation, monitoring and coaching",
        "appraisal",
        "follow-up",
    ]
    assert complete


def test_a_later_cue_opens_the_list_and_seorang_is_not_an_item_word() -> None:
    passage = (
        "(2) Seleksi terdiri dari 3 (tiga) tahap, meliputi seleksi administrasi, seleksi "
        "kompetensi dasar, dan seleksi kompetensi bidang."
    )
    claim = "Seleksi dilaksanakan dalam tiga tahap: administrasi, kompetensi dasar, dan kompetensi bidang [1]."
    assert "list_item_missing" not in codes(claim, passage)
    ombudsman = (
        "(1) Ombudsman terdiri atas: a. 1 (satu) orang Ketua merangkap anggota; b. 1 (satu) "
        "orang Wakil Ketua merangkap anggota; dan c. 7 (tujuh) orang anggota."
    )
    claim = "Ombudsman terdiri dari seorang ketua, seorang wakil ketua, dan 7 anggota [1]."
    assert "list_item_extra" not in codes(claim, ombudsman)


def test_a_colon_opens_the_list_after_a_comma_and_a_lead_phrase_is_not_an_item() -> None:
    items, _, cued = claim_items(
        "The forum is independent, non-structural, and its members come from four groups: "
        "government, experts, practitioners and community figures [1]."
    )
    assert cued and len(items) == 4
    items, _, _ = claim_items(
        "At a minimum, the contract sets out duties, targets, the term, and sanctions [1]."
    )
    assert len(items) == 4
