"""The sentences the facts write alone: which provisions a topic turns on, and how a listed
provision reads once its list number is gone."""

from __future__ import annotations

from pipeline.draft.written import key_provisions, pick_provisions
from pipeline.types import ProvisionFact


def _fact(ref: str, citation: str, text: str, kind: str = "sanction", **kw) -> ProvisionFact:
    return ProvisionFact(ref=ref, citation=citation, text=text, kind=kind, **kw)


SUPERVISOR = _fact(
    "a",
    "PP 94/2021 Pasal 28 ayat (1)",
    "Atasan langsung yang tidak melakukan pemanggilan terhadap PNS yang diduga melakukan "
    "Pelanggaran Disiplin dijatuhi Hukuman Disiplin.",
)
PROBATION = _fact(
    "b",
    "PP 11/2017 Pasal 35",
    "Calon PNS yang mengundurkan diri pada saat menjalani masa percobaan dikenakan sanksi tidak "
    "boleh mengikuti seleksi pengadaan PNS.",
)
ABSENCE = _fact(
    "c",
    "PP 94/2021 Pasal 11 ayat (2)",
    "1) penurunan jabatan setingkat lebih rendah selama 12 bulan bagi PNS yang tidak Masuk Kerja "
    "tanpa alasan yang sah secara kumulatif selama 21 sampai dengan 24 hari kerja dalam 1 tahun.",
    kind="rule",
)


def test_the_provision_on_the_topics_own_words_comes_first() -> None:
    """ "masuk kerja" tells the provisions apart; "PNS", "disiplin" and "sanksi" do not (the
    wide stop-word list of retrieval drops "masuk" and "kerja": ranking keeps them)."""
    topic = "Disiplin pegawai negeri sipil dan sanksi bagi yang tidak masuk kerja"
    ranked = pick_provisions([SUPERVISOR, PROBATION, ABSENCE], topic, 3)
    assert ranked[0] is ABSENCE
    ranked = pick_provisions([SUPERVISOR, PROBATION, ABSENCE], "PNS dalam masa percobaan", 3)
    assert ranked[0] is PROBATION


def test_an_english_topic_takes_the_provisions_of_the_passages_retrieved_first() -> None:
    """An English topic shares no word with an Indonesian Pasal: the retrieval rank of the
    passage decides, not the kind of provision (the sanctions of the passages retrieved last
    came first before)."""
    topic = "How many days of unexcused absence lead to a demotion of a civil servant?"
    ranked = pick_provisions([ABSENCE, SUPERVISOR, PROBATION], topic, 3)
    assert ranked == [ABSENCE, SUPERVISOR, PROBATION]
    assert pick_provisions([PROBATION, ABSENCE, SUPERVISOR], topic, 1) == [PROBATION]
    # the topic's own words still outweigh the rank: the probation rule, retrieved last
    indonesian = "calon PNS mengundurkan diri pada masa percobaan"
    assert pick_provisions([ABSENCE, SUPERVISOR, PROBATION], indonesian, 1) == [PROBATION]


def test_a_provision_of_a_regulation_revoked_in_part_comes_after_those_in_force() -> None:
    topic = "Disiplin pegawai negeri sipil dan sanksi bagi yang tidak masuk kerja"
    old = ABSENCE.model_copy(update={"ref": "d", "status": "partially_revoked"})
    assert pick_provisions([old, SUPERVISOR, PROBATION], topic, 3)[-1] is old
    assert pick_provisions([old], topic, 3) == [old]  # still quoted when nothing else is


def test_a_listed_provision_reads_without_its_list_number() -> None:
    (sentence,) = key_provisions([ABSENCE], {"c": 4}, "id")
    assert sentence.startswith("Menurut PP 94/2021 Pasal 11 ayat (2), penurunan jabatan setingkat")
    assert sentence.endswith("dalam 1 tahun [4].")
    ocr = ABSENCE.model_copy(update={"text": "2l pembebasan dari jabatannya bagi PNS"})
    assert key_provisions([ocr], {"c": 1}, "id")[0] == (
        "Menurut PP 94/2021 Pasal 11 ayat (2), pembebasan dari jabatannya bagi PNS [1]."
    )
    kept = ABSENCE.model_copy(update={"text": "10 hari kerja adalah batasnya"})
    assert "ayat (2), 10 hari kerja" in key_provisions([kept], {"c": 1}, "id")[0]


def test_the_preamble_gives_the_considerations_closest_to_the_topic() -> None:
    from pipeline.draft.evidence import EvidenceItem
    from pipeline.draft.written import preamble_sentences

    item = EvidenceItem(
        kind="chunk",
        id="m",
        citation="PP 94/2021 Menimbang",
        full_citation="Peraturan Pemerintah Nomor 94 Tahun 2021 Menimbang",
        text=(
            "Menimbang: a. bahwa untuk menjamin tata tertib dan kelancaran tugas, PNS wajib "
            "menaati disiplin; b. bahwa Peraturan Pemerintah Nomor 53 Tahun 2010 tentang "
            "Disiplin Pegawai Negeri Sipil sudah tidak sesuai dengan perkembangan hukum dan "
            "kebutuhan manajemen ASN sehingga perlu diganti;"
        ),
    )
    # the closest consideration alone: the other shares no word with the topic
    assert preamble_sentences([item], {"m": 3}, "PP 53/2010 diganti", "id") == [
        "Menurut konsiderans PP 94/2021, Peraturan Pemerintah Nomor 53 Tahun 2010 tentang "
        "Disiplin Pegawai Negeri Sipil sudah tidak sesuai dengan perkembangan hukum dan "
        "kebutuhan manajemen ASN sehingga perlu diganti [3]."
    ]
    # both share a topic word: the closest first, the other introduced as the same preamble's
    both = preamble_sentences([item], {"m": 3}, "disiplin diganti", "id")
    assert [s.split(",")[0] for s in both] == [
        "Menurut konsiderans PP 94/2021",
        "Konsiderans itu juga menyebut bahwa untuk menjamin tata tertib dan kelancaran tugas",
    ]
    assert both[0].startswith("Menurut konsiderans PP 94/2021, Peraturan Pemerintah Nomor 53")
    assert len(preamble_sentences([item], {"m": 3}, "disiplin diganti", "id", n=1)) == 1
    first = preamble_sentences([item], {"m": 3}, "tata tertib PNS", "en")
    assert first[0].startswith("The preamble of PP 94/2021 states that untuk menjamin tata tertib")
    assert preamble_sentences([item], {}, "disiplin", "id") == []  # not among the facts


def test_an_option_left_alone_is_numbered_first() -> None:
    from pipeline.draft.section import renumber_openers

    starts = ["Opsi pertama adalah", "Opsi kedua adalah"]
    assert renumber_openers(["Opsi kedua adalah menegakkan Pasal 3 [1]."], starts) == [
        "Opsi pertama adalah menegakkan Pasal 3 [1]."
    ]
    both = ["Opsi pertama adalah A [1].", "Opsi kedua adalah B [2].", "Lalu C [3]."]
    assert renumber_openers(both, starts) == both
