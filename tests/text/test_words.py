"""Real words: the dictionary shipped with PySastrawi plus the corpus vocabulary."""

from __future__ import annotations

from pipeline.text.words import Vocabulary, dictionary_words


def test_dictionary_and_corpus_words_are_known_and_made_up_ones_are_not() -> None:
    assert len(dictionary_words()) > 20_000
    vocab = Vocabulary(["Pejabat yang Berwenang Menghukum menjatuhkan Hukuman Disiplin."])
    text = "Perlu disiplinasi agar pegawai menghindari laluhan; undang-undang ini berlaku bagi PNS."
    assert vocab.unknown(text) == ["disiplinasi", "laluhan"]
    assert vocab.unknown_share([text]) == (2, 11)  # "undang-undang" is one word
    assert vocab.known("menjatuhkan") and vocab.known("KASN")
