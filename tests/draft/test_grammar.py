"""Citations by construction: the GBNF grammar (real llama.cpp) and the same rule as a check,
with one retry, for backends that cannot constrain decoding."""

from __future__ import annotations

import re

import pytest

from pipeline.draft.grammar import MAX_WORDS, cited_grammar, valid_sentence
from pipeline.draft.section import repeats_itself
from pipeline.llm import LlamaCppChatModel, Message
from pipeline.settings import LLMSettings


@pytest.mark.parametrize(
    "sentence",
    [
        "PNS wajib masuk kerja dan menaati ketentuan jam kerja [2].",
        "Angka kemiskinan 1.000 jiwa turun 2,5 persen [1, 3].",
        "Opsi pertama adalah menegakkan Pasal 3 [1][2].",
    ],
)
def test_a_cited_sentence_is_valid(sentence: str) -> None:
    assert valid_sentence(sentence, 3)


@pytest.mark.parametrize(
    "sentence",
    [
        "PNS wajib masuk kerja.",  # no marker
        "PNS wajib masuk kerja [4].",  # points at no fact
        "Apakah PNS wajib masuk kerja [1]?",  # a question
        "<Rekomendasi> PNS wajib masuk kerja [1].",  # a tag
        "1. PNS wajib masuk kerja [1].",  # a list number
        "## Rekomendasi PNS wajib masuk kerja [1].",  # a heading
        "Kerja teratur.1 Lalu PNS datang [1].",  # two sentences glued by a stray full stop
        "Kata " + "panjang " * (MAX_WORDS + 10) + "[1].",  # a run-on sentence
    ],
)
def test_an_uncited_or_malformed_sentence_is_not(sentence: str) -> None:
    assert not valid_sentence(sentence, 3)


def test_the_grammar_lists_exactly_the_facts_and_the_openers() -> None:
    grammar = cited_grammar(3, 4, starts=["Opsi pertama adalah", "Opsi kedua adalah"])
    assert 'ref ::= "3" | "2" | "1"' in grammar
    assert grammar.splitlines()[0] == 'root ::= start1 " " start2 (" " sentence){0,2}'
    assert '"Opsi kedua adalah "' in grammar
    with pytest.raises(ValueError):
        cited_grammar(0)


def test_the_grammar_compiles_in_llama_cpp() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    assert llama_cpp.LlamaGrammar.from_string(cited_grammar(12, 6, starts=["We recommend"]))


def test_a_sentence_that_loops_is_caught() -> None:
    looped = (
        "Hukuman dicabut dan dinyatakan tidak berlaku sepanjang tidak mengatur, dicabut dan "
        "dinyatakan tidak berlaku sepanjang tidak mengatur [1]."
    )
    assert repeats_itself(looped)
    assert not repeats_itself("PNS wajib masuk kerja dan menaati ketentuan jam kerja [1].")


@pytest.mark.slow
def test_the_real_model_cannot_write_a_sentence_without_a_valid_marker() -> None:
    """Asked to write uncited text, a question and a list, the default model under the grammar
    still writes only sentences that end in a marker among the facts."""
    model = LlamaCppChatModel(LLMSettings(temperature=0.7, seed=7))
    messages = [
        Message.system("Jawab bebas."),
        Message.user(
            "Fakta:\n[1] Setiap PNS wajib masuk kerja.\n[2] PNS yang bolos 3 hari kerja "
            "dijatuhi teguran lisan.\n\nTulis daftar bernomor tiga pertanyaan tentang PNS "
            "tanpa nomor fakta, lalu sebuah judul."
        ),
    ]
    answer = "".join(
        model.stream(messages, max_tokens=250, grammar=cited_grammar(2, 4, starts=["PNS"]))
    )
    assert answer.startswith("PNS "), answer
    # every sentence the model finished ends in a valid marker (the last may be cut off by
    # max_tokens); the text splits into sentences at the markers the grammar forces
    complete = re.findall(r".*?\[\d+(?:, \d+)?\]\.", answer)
    assert complete, answer
    for sentence in complete:
        assert valid_sentence(sentence.strip(), 2), answer


def test_a_sentence_that_ran_into_the_word_limit_is_cut_back_to_its_last_comma() -> None:
    from pipeline.draft.section import trim_glued
    from pipeline.text.words import Vocabulary

    vocab = Vocabulary(["PNS yang tidak masuk kerja dijatuhi teguran lisan"])
    glued = (
        "PNS yang tidak masuk kerja tanpa alasan yang sah dijatuhi teguran lisan oleh atasan, "
        "sesuaistandar,ibilitas [2]."
    )
    assert trim_glued(glued, vocab) == (
        "PNS yang tidak masuk kerja tanpa alasan yang sah dijatuhi teguran lisan oleh atasan [2]."
    )
    fine = "PNS yang tidak masuk kerja dijatuhi teguran lisan [1]."
    assert trim_glued(fine, vocab) == fine


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        (
            "PNS itu tidak kehilangan status sebagai PNS, [4].",
            "PNS itu tidak kehilangan status sebagai PNS [4].",
        ),
        (
            "Arsip dinamis dapat dialihmediakan; [1, 2].",
            "Arsip dinamis dapat dialihmediakan [1, 2].",
        ),
        ("PNS wajib masuk kerja [2].", "PNS wajib masuk kerja [2]."),
    ],
)
def test_a_stray_comma_before_the_marker_goes(answer: str, clean: str) -> None:
    from pipeline.draft.section import end_cleanly

    assert end_cleanly(answer) == clean
