"""English questions gain Indonesian terms; Indonesian ones are left alone."""

from __future__ import annotations

from pipeline.retrieve.glossary import expand_query, indonesian_terms


def test_longest_phrase_wins_and_terms_are_added() -> None:
    terms = indonesian_terms("How many members does the civil service commission have?")
    assert terms == ["anggota", "Komisi Aparatur Sipil Negara", "KASN"]  # not "komisi" alone
    expanded = expand_query("What is the retirement age of civil servants?")
    assert expanded.startswith("What is the retirement age of civil servants?")
    assert "batas usia pensiun" in expanded and "pegawai negeri sipil" in expanded


def test_indonesian_question_is_unchanged() -> None:
    question = "Berapa batas usia pensiun bagi pejabat pimpinan tinggi?"
    assert expand_query(question) == question
