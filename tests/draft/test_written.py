"""The sentences the facts write alone: which provisions a topic turns on, and how a listed
provision reads once its list number is gone."""

from __future__ import annotations

from pipeline.draft.written import fallback_sentences, key_provisions, pick_provisions
from pipeline.text.markers import extract_markers
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


DEADLINE = _fact(
    "d",
    "PP 94/2021 Pasal 26 ayat (3)",
    "Pemanggilan kedua dilakukan paling lambat 7 hari kerja setelah pemanggilan pertama.",
    kind="rule",
    limit="paling lambat 7 hari kerja",
)
DUTY = _fact(
    "e",
    "PP 94/2021 Pasal 3",
    "Setiap PNS wajib masuk kerja dan menaati ketentuan jam kerja.",
    kind="obligation",
)
NUMBERS = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
TOPIC = "Disiplin pegawai negeri sipil dan sanksi bagi yang tidak masuk kerja"


def test_a_fallback_analysis_states_what_the_brief_does_not_quote_yet() -> None:
    """The sanction role takes the best sanction no other section quotes; each role its own
    provision; once every provision is quoted the section restates them rather than stay
    empty."""
    facts = [SUPERVISOR, PROBATION, ABSENCE, DEADLINE, DUTY]
    quoted = key_provisions([SUPERVISOR], NUMBERS, "id")
    out = fallback_sentences("analysis", facts, [], NUMBERS, TOPIC, "id", quoted=quoted, most=4)
    assert out[0].startswith("Kepatuhan ditegakkan dengan sanksi: menurut PP 11/2017 Pasal 35, ")
    assert out[1].startswith(
        "Dalam pelaksanaannya, batas waktu atau jumlah diatur PP 94/2021 Pasal 26"
    )
    assert (
        out[2] == "Dalam pelaksanaannya, menurut PP 94/2021 Pasal 3, setiap PNS wajib masuk "
        "kerja dan menaati ketentuan jam kerja [5]."
    )
    assert not any("Pasal 28" in s for s in out)
    everything = key_provisions(facts, NUMBERS, "id")
    again = fallback_sentences("analysis", facts, [], NUMBERS, TOPIC, "id", quoted=everything)
    assert again and all(extract_markers(s) for s in again)


def test_fallback_options_are_two_and_the_recommendation_takes_the_first() -> None:
    facts = [SUPERVISOR, PROBATION, ABSENCE, DEADLINE, DUTY]
    options = fallback_sentences("options", facts, [], NUMBERS, TOPIC, "id")
    assert options[0].startswith("Opsi pertama adalah menegakkan secara konsisten PP 94/2021 ")
    assert options[1].startswith("Opsi kedua adalah menyusun pedoman pelaksanaan ")
    assert options[0].split(" yang sudah")[0][-12:] not in options[1]
    pick = fallback_sentences("recommendation", facts, [], NUMBERS, TOPIC, "id", follow=options)
    enforced = options[0].split("konsisten ")[1].split(" yang sudah")[0]
    assert pick[0].startswith(f"Kami merekomendasikan penegakan {enforced} yang sudah berlaku")
    english = fallback_sentences("options", facts, [], NUMBERS, "civil servant absence", "en")
    assert english[0].startswith("The first option is to enforce PP ")


def test_a_fallback_sentence_the_verifier_rejects_gives_way_to_the_next() -> None:
    facts = [SUPERVISOR, PROBATION, ABSENCE, DEADLINE, DUTY]
    seen: list[str] = []

    def supported(sentences):
        seen.extend(sentences)
        return ["Pasal 35" not in s for s in sentences]

    out = fallback_sentences("analysis", facts, [], NUMBERS, TOPIC, "id", supported=supported)
    assert any("Pasal 35" in s for s in seen)  # a candidate …
    assert not any("Pasal 35" in s for s in out)  # … rejected
    assert out[0].startswith("Kepatuhan ditegakkan dengan sanksi: menurut PP 94/2021 Pasal 28")


def test_a_list_head_or_an_items_tail_is_not_quoted_as_a_provision() -> None:
    head = _fact("f", "UU 14/2008 Pasal 17", "Informasi yang dikecualikan adalah sebagai berikut:")
    tail = _fact("g", "PP 96/2012 Pasal 50", "dan b. telah memiliki Standar Pelayanan.", "rule")
    assert pick_provisions([head, tail, DUTY], "informasi standar pelayanan PNS", 3) == [DUTY]
