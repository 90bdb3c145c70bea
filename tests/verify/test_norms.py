"""The checks of what a passage sentence says: each reason code, in Indonesian and English,
fires on the changed sentence and stays quiet on the faithful one."""

from __future__ import annotations

import pytest

from pipeline.verify import verify_claim
from tests.verify import codes

DISIPLIN = (
    "(1) PNS yang tidak masuk kerja tanpa alasan yang sah selama 3 (tiga) hari kerja dalam "
    "1 (satu) tahun dijatuhi hukuman disiplin ringan berupa teguran lisan. "
    "(2) Hukuman disiplin tidak dapat dijatuhkan kepada PNS yang sedang menjalani cuti."
)
INFORMASI = (
    "Badan Publik wajib mengumumkan informasi publik secara berkala paling lambat "
    "14 (empat belas) hari sejak permohonan diterima."
)
LARANGAN = "Pegawai ASN dilarang menjadi anggota atau pengurus partai politik."


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("Badan Publik dapat mengumumkan informasi publik secara berkala [1].", INFORMASI),
        ("Public bodies may announce public information periodically [1].", INFORMASI),
        ("Pegawai ASN wajib menjadi anggota partai politik [1].", LARANGAN),
        ("ASN employees must join a political party [1].", LARANGAN),
        ("Hukuman disiplin dapat dijatuhkan kepada PNS yang sedang menjalani cuti [1].", DISIPLIN),
    ],
)
def test_a_changed_modality_is_unsupported(claim: str, passage: str) -> None:
    assert "modality_mismatch" in codes(claim, passage)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("Badan Publik wajib mengumumkan informasi publik secara berkala [1].", INFORMASI),
        ("Public bodies must publish public information periodically [1].", INFORMASI),
        ("Pegawai ASN tidak boleh menjadi pengurus partai politik [1].", LARANGAN),
        ("ASN employees must not be members of a political party [1].", LARANGAN),
    ],
)
def test_the_same_modality_in_other_words_passes_the_check(claim: str, passage: str) -> None:
    assert "modality_mismatch" not in codes(claim, passage)


def test_an_added_or_dropped_negation_is_unsupported() -> None:
    dropped = "PNS yang masuk kerja selama 3 hari kerja dalam 1 tahun dijatuhi teguran lisan [1]."
    added = "Badan Publik tidak mengumumkan informasi publik secara berkala [1]."
    faithful = "PNS yang tidak masuk kerja 3 hari kerja setahun dijatuhi teguran lisan [1]."
    assert "negation_mismatch" in codes(dropped, DISIPLIN)
    assert "negation_mismatch" in codes(added, INFORMASI)
    assert "negation_mismatch" not in codes(faithful, DISIPLIN)
    english = "Public bodies do not announce information periodically [1]."
    source = "Public bodies announce public information periodically, within 14 days."
    assert "negation_mismatch" in codes(english, source)
    assert "negation_mismatch" not in codes("Public bodies announce information [1].", source)


def test_days_and_working_days_are_different_units() -> None:
    assert "unit_mismatch" in codes(
        "PNS yang bolos 3 hari dalam setahun dijatuhi teguran lisan [1].", DISIPLIN
    )
    assert "unit_mismatch" in codes(
        "A civil servant absent for 3 days a year gets an oral reprimand [1].", DISIPLIN
    )
    assert "unit_mismatch" in codes(
        "Informasi diumumkan paling lambat 14 hari kerja sejak permohonan diterima [1].", INFORMASI
    )
    assert "unit_mismatch" not in codes(
        "PNS yang bolos 3 hari kerja dalam setahun dijatuhi teguran lisan [1].", DISIPLIN
    )
    assert "unit_mismatch" not in codes(
        "Information is announced no later than 14 days after the request [1].", INFORMASI
    )


@pytest.mark.parametrize(
    "claim",
    [
        "Apakah PNS tersebut akan dijatuhi hukuman disiplin [1]?",
        "Can the civil servant be disciplined [1]?",
        "Isu ini sangat penting dan perlu ditangani secara komprehensif dan berkelanjutan [1].",
        "This issue is very important and must be addressed comprehensively [1].",
        "<Rekomendasi> [1]",
        "Recommendations: [1]",
    ],
)
def test_a_sentence_with_no_claim_is_not_supported(claim: str) -> None:
    verdict = verify_claim(claim, [DISIPLIN], embedder="hash")
    assert verdict.verdict == "unsupported"
    assert "no_claim" in {r.code for r in verdict.reasons}


def test_a_real_claim_is_not_called_empty() -> None:
    for claim in (
        "PNS yang bolos 3 hari kerja setahun dijatuhi teguran lisan [1].",
        "A civil servant absent for 3 working days in a year gets an oral reprimand [1].",
    ):
        assert "no_claim" not in codes(claim, DISIPLIN)


HUKUMAN_BERAT = (
    "(4) Jenis hukuman disiplin berat terdiri atas: a. penurunan jabatan setingkat lebih rendah "
    "selama 12 (dua belas) bulan; b. pembebasan dari jabatannya menjadi jabatan pelaksana "
    "selama 12 (dua belas) bulan; dan c. pemberhentian dengan hormat tidak atas permintaan "
    "sendiri sebagai PNS."
)


@pytest.mark.parametrize(
    "claim",
    [
        "PP 94/2021 mengenal tiga jenis hukuman disiplin berat [1].",
        "There are 3 kinds of heavy disciplinary penalty [1].",
    ],
)
def test_a_count_of_listed_items_is_checked_by_counting_the_items(claim: str) -> None:
    """The passage lists a., b., c. without writing "tiga": the count is right."""
    assert "number_mismatch" not in codes(claim, HUKUMAN_BERAT)


@pytest.mark.parametrize(
    "claim",
    [
        "PP 94/2021 mengenal empat jenis hukuman disiplin berat [1].",
        "There are five kinds of heavy disciplinary penalty [1].",
    ],
)
def test_a_wrong_count_of_listed_items_names_the_real_count(claim: str) -> None:
    verdict = verify_claim(claim, [HUKUMAN_BERAT], embedder="hash")
    messages = [r.message for r in verdict.reasons if r.code == "number_mismatch"]
    assert messages and "lists 3 items" in messages[0]


def test_list_lengths_counts_huruf_and_angka_runs() -> None:
    from pipeline.verify.lists import list_lengths

    assert list_lengths(HUKUMAN_BERAT) == {3}
    assert list_lengths("meliputi: 1. satu; 2. dua; 3. tiga; 4. empat.") == {4}
    assert list_lengths("sebagaimana dimaksud dalam Pasal 5 ayat (2) huruf a.") == set()


@pytest.mark.parametrize(
    "claim",
    [
        "Pertimbangkan bahwa disiplin pegawai negeri sipil merupakan bagian penting dari sistem "
        "kerja pemerintah [1].",
        "Keterbukaan informasi publik merupakan pilar penting demokrasi yang harus terus diperkuat [1].",
        "Rekomendasi: penguatan kapasitas PPID [1].",
        "Perangkat Gubernur sebagai Wakil Pemerintah Pusat [1].",
        "Performance management in the civil service must be strengthened comprehensively and "
        "sustainably [1].",
        "The Ombudsman plays a key role in public services [1].",
        "Ketepatan waktu penjatuhan hukuman sangat menentukan wibawa instansi [1].",
        "Transparent discipline procedures matter for public trust [1].",
        "Reform of civil service discipline is the way forward [1].",
        "Disiplin ASN — lihat [1].",
        "Key takeaway on civil service discipline: [1].",
        "Catatan untuk tim: sanksi bagi PNS perlu dibahas lebih lanjut [1].",
        "Tags: disiplin, ASN, sanksi [1].",
        "Civil service discipline remains one of the cornerstones of good governance [1].",
        "Village officials: sanctions and dismissal [1]",
        "Pendapatan bunga dan jasa giro pemerintah: catatan untuk bab pengelolaan kas [1]",
        "#disiplin-pns #hukuman-disiplin [1]",
        "Efektivitas hukuman disiplin bagi PNS perlu dikaji lebih mendalam ke depan [1].",
        "The effect of disciplinary penalties should be studied further [1].",
        "Persoalan yang diatur adalah disiplin pegawai, yang penting bagi pemerintah karena "
        "melaksanakan Pasal 86 ayat (4) UU 5/2014 [1].",
    ],
)
def test_importance_labels_and_restated_topics_are_no_claim(claim: str) -> None:
    assert "no_claim" in codes(claim, DISIPLIN)


@pytest.mark.parametrize(
    "claim",
    [
        "The regulation lists three matters to be settled before a penalty [1].",
        "A civil servant may report the matter to the superior official [1].",
        "PNS yang tidak masuk kerja 3 hari kerja dalam setahun dijatuhi teguran lisan, lihat "
        "juga Pasal 9 [1].",
        "In short: civil servants absent for three working days get an oral reprimand [1].",
        "Hukuman disiplin ringan: PNS yang tidak masuk kerja 3 hari dijatuhi teguran lisan [1].",
    ],
)
def test_the_words_of_a_claim_are_not_mistaken_for_an_empty_sentence(claim: str) -> None:
    assert "no_claim" not in codes(claim, DISIPLIN)


def test_a_dropped_negation_of_the_governed_word_is_caught_in_indonesian() -> None:
    passage = "(2) Penyampaian Laporan tidak dipungut biaya atau imbalan dalam bentuk apa pun."
    assert "negation_mismatch" in codes(
        "Pelapor dikenai biaya saat menyampaikan Laporan [1].", passage
    )
    # "mangkir" says "tidak memenuhi" in one word
    other = "Terlapor yang tidak memenuhi panggilan tiga kali dapat dihadirkan secara paksa."
    assert "negation_mismatch" not in codes(
        "Terlapor yang mangkir dari panggilan tiga kali dapat dihadirkan paksa [1].", other
    )


def test_an_extra_negation_counts_where_the_passage_negates_something_else() -> None:
    passage = (
        "(5) Dalam hal Badan dan/atau Pejabat Pemerintahan tidak menyelesaikan keberatan dalam "
        "jangka waktu sebagaimana dimaksud pada ayat (4), keberatan dianggap dikabulkan."
    )
    added = "Keberatan yang tidak diselesaikan dalam tenggat waktu tidak dianggap dikabulkan [1]."
    faithful = "Keberatan yang tidak diselesaikan dalam tenggat waktu dianggap dikabulkan [1]."
    assert "negation_mismatch" in codes(added, passage)
    assert "negation_mismatch" not in codes(faithful, passage)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "Undang-undang ini mewajibkan arsiparis membentuk organisasi profesi [1].",
            "Arsiparis dapat membentuk organisasi profesi.",
        ),
        (
            "Mediation between the parties is compulsory [1].",
            "Mediasi merupakan pilihan para pihak dan bersifat sukarela.",
        ),
        (
            "Certification of electronic signatures is optional [1].",
            "Tanda tangan elektronik harus tersertifikasi.",
        ),
        (
            "The law requires the President to delegate this power [1].",
            "Presiden dapat mendelegasikan wewenang tersebut.",
        ),
    ],
)
def test_modality_in_other_words_is_read(claim: str, passage: str) -> None:
    assert "modality_mismatch" in codes(claim, passage)
    faithful = {
        "Arsiparis": "Arsiparis boleh membentuk organisasi profesi [1].",
        "Mediasi": "Mediation between the parties is voluntary [1].",
        "Tanda": "Electronic signatures must be certified [1].",
        "Presiden": "The President may delegate this power [1].",
    }[passage.split()[0]]
    assert "modality_mismatch" not in codes(faithful, passage)


def test_a_list_item_is_read_with_the_sentence_that_opens_the_list() -> None:
    passage = (
        "Kepala daerah dilarang: a. menjadi anggota partai terlarang; "
        "b. menjadi pengurus suatu perusahaan; c. menjadi pengurus yayasan bidang apa pun;"
    )
    assert "modality_mismatch" in codes(
        "Kepala daerah diperbolehkan menjadi pengurus yayasan bidang apa pun [1].", passage
    )


def test_tidak_diperkenankan_is_a_prohibition() -> None:
    passage = (
        "Dalam upaya pencapaian SPM, Pemerintahan Daerah dapat bekerja sama dengan pihak swasta."
    )
    claim = "Pemerintah daerah tidak diperkenankan bekerja sama dengan pihak swasta [1]."
    assert "modality_mismatch" in codes(claim, passage)
    assert "modality_mismatch" not in codes(
        "Pemerintah daerah diperkenankan bekerja sama dengan pihak swasta [1].", passage
    )


@pytest.mark.parametrize(
    ("claim", "cut"),
    [
        ("Opsi pertama adalah mengubah pengaturan Hukuman Disiplin berat menjadi [4].", True),
        (
            "PNS yang bolos 3 hari kerja dijatuhi teguran lisan, yang berarti akan dinyatakan, [1].",
            True,
        ),
        ("The commission reports to the President and [2].", True),
        (
            "Opsi pertama adalah melaksanakan penegakan disiplin terhadap PNS yang tidak masuk "
            "kerja, berdasarkan [3].",
            True,
        ),
        ("The option is to enforce the sanctions according to [3].", True),
        # a bound, an amount or a date with nothing after it
        ("Keputusan hukuman disiplin disampaikan paling lambat [1].", True),
        ("Pemotongan tunjangan kinerja ditetapkan sebesar [1].", True),
        ("A decision on the objection takes effect on [1].", True),
        ("Absences are added up until [1].", True),
        ("Hukuman disiplin berlaku selama 12 bulan [1].", False),
        (
            "PNS dijatuhi teguran lisan jika tidak masuk kerja 3 hari kerja dalam 1 tahun [1].",
            False,
        ),
        ("PNS yang bolos 3 hari kerja dijatuhi teguran lisan [1].", False),
        ("Keberatan diajukan paling lambat 30 hari kerja sejak keputusan diterima [1].", False),
        ("The commission has seven members [2].", False),
    ],
)
def test_a_sentence_that_breaks_off_is_incomplete(claim: str, cut: bool) -> None:
    verdict = verify_claim(claim, [DISIPLIN] * 4, embedder="hash")
    assert ("incomplete" in verdict.codes) is cut
