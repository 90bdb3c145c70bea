"""``contradiction``: two sentences of one brief that say opposite things."""

from __future__ import annotations

from pipeline.verify import verify_sentences

PASAL = (
    "(2) PNS yang tidak masuk kerja tanpa alasan yang sah secara kumulatif selama 3 (tiga) hari "
    "kerja dalam 1 (satu) tahun dijatuhi hukuman disiplin ringan berupa teguran lisan."
)


def test_opposite_sentences_of_one_brief_both_get_contradiction() -> None:
    verdicts = verify_sentences(
        [
            "PNS yang bolos 3 hari kerja dalam setahun tidak dapat dijatuhi hukuman disiplin [1].",
            "Hukuman disiplin ringan berupa teguran lisan diatur dalam Pasal ini [1].",
            "PNS yang bolos 3 hari kerja dalam setahun sudah bisa dijatuhi hukuman disiplin [1].",
        ],
        [PASAL],
        embedder="hash",
    )
    assert "contradiction" in verdicts[0].codes and "contradiction" in verdicts[2].codes
    assert "contradiction" not in verdicts[1].codes
    assert verdicts[0].verdict == verdicts[2].verdict == "unsupported"


def test_a_negation_in_a_clause_the_other_sentence_lacks_is_no_contradiction() -> None:
    # seen in a make-run brief: the quoted provision was marked unsupported by this sentence
    verdicts = verify_sentences(
        [
            "PNS yang tidak masuk kerja tanpa alasan yang sah selama 3 hari kerja dalam 1 tahun "
            "dijatuhi hukuman disiplin ringan berupa teguran lisan [1].",
            "PNS yang tidak masuk kerja tanpa alasan yang sah selama 3 hari kerja dalam 1 tahun "
            "dijatuhi hukuman disiplin ringan, yang berarti tidak mematuhi ketentuan jam kerja [1].",
        ],
        [PASAL],
        embedder="hash",
    )
    assert not any("contradiction" in v.codes for v in verdicts)


def test_different_figures_for_one_thing_contradict_in_english() -> None:
    verdicts = verify_sentences(
        [
            "An objection must be answered within 30 working days [1].",
            "An objection must be answered within 14 working days [1].",
        ],
        ["Atasan PPID memberikan tanggapan paling lambat 30 (tiga puluh) hari kerja."],
        embedder="hash",
    )
    assert all("contradiction" in v.codes for v in verdicts)


def test_claims_with_their_own_passages_are_not_one_brief() -> None:
    verdicts = verify_sentences(
        [
            "PNS itu tidak dapat dijatuhi hukuman disiplin [1].",
            "PNS itu dapat dijatuhi hukuman disiplin [1].",
        ],
        [[PASAL], [PASAL]],
        embedder="hash",
    )
    assert not any("contradiction" in v.codes for v in verdicts)


def test_a_sentence_its_source_backs_is_not_marked_by_a_wrong_one() -> None:
    from pipeline.types import Reason, Verdict
    from pipeline.verify import mark_contradictions

    SCORES = {"support": 0.9, "similarity": 0.9, "lexical": 0.9, "cited": [1]}

    right = Verdict(
        claim="PNS yang bolos 3 hari kerja dalam setahun dijatuhi teguran lisan [1].",
        verdict="supported",
        best_sentence="a",
        **SCORES,
    )
    wrong = Verdict(
        claim="PNS yang bolos 9 hari kerja dalam setahun dijatuhi teguran lisan [2].",
        verdict="unsupported",
        reasons=[Reason(code="number_mismatch", message="9 is not in the cited passages")],
        best_sentence="b",
        **SCORES,
    )
    marked = mark_contradictions([right, wrong], groups=[0, 1])
    assert "contradiction" not in marked[0].codes and marked[0].verdict == "supported"
    assert "contradiction" in marked[1].codes
