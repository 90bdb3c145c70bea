"""Evidence-first briefs: shared evidence shown first in every prompt, the sections the facts
write alone, the direct answer to a question, and check-and-retry without a grammar."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from pipeline.draft import draft_brief
from pipeline.draft.templates import load_template
from pipeline.index import Index
from pipeline.testing import ScriptedChatModel
from pipeline.text.markers import MARKER_RE, extract_markers

TOPIC = "Disiplin pegawai negeri sipil dan sanksi bagi yang bolos kerja"


def bare(sentence: str) -> str:
    """A sentence without its markers."""
    return MARKER_RE.sub("", sentence).strip()


def by_model(section) -> list[str]:
    """A drafted section's sentences without those the facts wrote (leads, top-ups)."""
    facts = [*section.audit.get("leads", []), *section.audit.get("from_facts", [])]
    return [s for s in section.sentences if s not in facts]


def sections_of(result) -> dict[str, list]:
    return {s.key: s.sentences for s in result.brief.sections}


def facts_sections(index: Index, cards) -> dict[str, list]:
    model = ScriptedChatModel(default_reply="PNS wajib masuk kerja [1].")
    result = draft_brief(TOPIC, index, model=model, cards=cards, region="JAWA BARAT", run_dir=False)
    assert result.audit["shared_evidence"]["fact_sheet"]["figures"][0]["cell"]
    return sections_of(result)


def test_key_provisions_and_data_are_written_from_the_facts(
    sample_index: Index, sample_cards
) -> None:
    by_key = facts_sections(sample_index, sample_cards)
    provisions = [s.text for s in by_key["ketentuan"]]
    assert any(
        "3 hari kerja dalam 1 tahun dijatuhi Hukuman Disiplin ringan berupa teguran lisan" in t
        and t.startswith("Menurut PP 94/2021 Pasal 3 ayat (3)")
        for t in provisions
    ), provisions
    assert any("paling lambat 14 hari kerja" in t for t in provisions)
    data = [s.text for s in by_key["data"]]
    assert any("Jawa Barat" in t and "72,45" in t for t in data), data
    assert any("naik 4,20 dari 68,25 pada 2013 menjadi 72,45 pada 2021" in t for t in data)
    for sentence in by_key["ketentuan"] + by_key["data"]:
        assert extract_markers(sentence.text)
        # every figure, reference and rule checks out (the hash embedder's support is weak)
        assert set(sentence.verdict.codes) <= {"low_support"}, sentence.verdict.codes


@pytest.mark.slow
def test_the_facts_sections_are_supported_by_the_verifier(
    sample_index_e5: Index, sample_cards
) -> None:
    by_key = facts_sections(sample_index_e5, sample_cards)
    sentences = by_key["ketentuan"] + by_key["data"]
    assert len(sentences) >= 10
    for sentence in sentences:
        assert sentence.verdict.verdict == "supported", (sentence.text, sentence.verdict.codes)


def test_every_section_prompt_starts_with_the_same_evidence(sample_index: Index) -> None:
    model = ScriptedChatModel(default_reply="PNS wajib masuk kerja [1].")
    draft_brief(TOPIC, sample_index, model=model, run_dir=False)
    prompts = [p[-1].content for p in model.prompts]
    # latar belakang, analisis, opsi, rekomendasi, ringkasan (a section asked once more when
    # its one sentence is left out sends the same prompt again)
    assert len(set(prompts)) == 5
    evidence = prompts[0].split("BUKTI>>>", 1)[0]
    assert evidence.startswith("<<<BUKTI") and "[1] " in evidence
    assert all(p.startswith(evidence + "BUKTI>>>") for p in prompts)
    assert len({p[0].content for p in model.prompts}) == 1  # one system message


def test_a_sentence_without_a_valid_marker_never_reaches_the_brief(sample_index: Index) -> None:
    bad = "Topik ini sangat penting. Apakah PNS akan dihukum [1]? PNS wajib masuk kerja [99]."
    good = "PNS wajib masuk kerja dan menaati ketentuan jam kerja [2]."
    model = ScriptedChatModel([bad, good] + [bad, bad] * 4)
    every = sample_index.settings.model_copy(deep=True)
    every.draft.model_sentences = "all"  # one answer per section: the grammar rule alone
    result = draft_brief(TOPIC, sample_index, model=model, run_dir=False, settings=every)
    first = result.run.drafted["latar_belakang"]
    assert first.audit["retried_answer"] == bad  # checked, asked once more
    assert [bare(s) for s in by_model(first)] == [bare(good)]  # Pilar may re-cite it
    for key in ("analisis", "opsi", "rekomendasi"):
        section = result.run.drafted[key]
        assert section.audit["rejected_sentences"]  # both answers broke the rule: none kept …
        assert not any("Apakah" in s or "[99]" in s for s in section.sentences)
        assert section.audit["written_by"].startswith("fact sheet")  # … the facts wrote it
    for section in result.brief.sections:
        for sentence in section.sentences:
            assert extract_markers(sentence.text), sentence.text


def test_a_question_gets_its_answer_first(sample_index: Index) -> None:
    question = (
        "Seorang PNS bolos total 3 hari kerja dalam setahun. Apakah ia sudah bisa dijatuhi "
        "hukuman disiplin, dan apa jenisnya?"
    )
    model = ScriptedChatModel(default_reply="PNS wajib masuk kerja dan menaati jam kerja [1].")
    result = draft_brief(question, sample_index, model=model, run_dir=False)
    summary = sections_of(result)["ringkasan"]
    assert "teguran lisan" in summary[0].text and "3 hari kerja" in summary[0].text
    assert summary[0].verdict.verdict == "supported"


@pytest.mark.slow
def test_llama_cpp_reads_the_shared_evidence_once(sample_index_e5: Index) -> None:
    """With the default model, every section after the first reuses the evidence prefix from
    llama.cpp's KV cache: the tokens it reads are a fraction of the prompt tokens."""
    from pipeline.llm import LlamaCppChatModel
    from pipeline.settings import LLMSettings

    model = LlamaCppChatModel(LLMSettings(temperature=0.0, seed=1))
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False, length="short")
    audits = [a for a in result.audit["sections"] if a.get("prompt_tokens")]
    assert len(audits) == 5
    # the first section drafted reads the evidence; the four after it find it in the cache
    reused = sorted(a["prompt_reused_tokens"] / a["prompt_tokens"] for a in audits)
    assert all(r > 0.6 for r in reused[1:]), reused
    tokens = result.audit["prompt_tokens"]
    assert tokens["read"] < 0.5 * tokens["prompt_tokens"], tokens
    for section in result.brief.sections:
        for sentence in section.sentences:
            assert extract_markers(sentence.text), sentence.text


def test_a_sentence_with_a_word_that_does_not_exist_is_left_out(sample_index: Index) -> None:
    made_up = "Perlu disiplinasi agar pegawai menghindari laluhan kerja [1]."
    real = "PNS wajib masuk kerja dan menaati ketentuan jam kerja [2]."
    model = ScriptedChatModel(default_reply=f"{made_up} {real}")
    result = draft_brief(TOPIC, sample_index, model=model, run_dir=False)
    section = result.run.drafted["latar_belakang"]
    assert [bare(s) for s in by_model(section)] == [bare(real)]
    assert section.audit["rejected_sentences"] == [made_up]


def test_a_listed_sanction_is_quoted_as_a_sentence() -> None:
    from pipeline.draft.written import key_provisions
    from pipeline.types import ProvisionFact

    fact = ProvisionFact(
        ref="x",
        citation="PP 94/2021 Pasal 9 ayat (2)",
        text="teguran lisan bagi PNS yang tidak Masuk Kerja selama 3 hari kerja dalam 1 tahun",
        kind="sanction",
        sanction="teguran lisan",
    )
    assert key_provisions([fact], {"x": 4}, "id") == [
        "Menurut PP 94/2021 Pasal 9 ayat (2), teguran lisan dijatuhkan bagi PNS yang tidak "
        "Masuk Kerja selama 3 hari kerja dalam 1 tahun [4]."
    ]


def test_a_model_sentence_its_facts_do_not_support_is_left_out_and_the_section_asked_again(
    sample_index_e5: Index,
) -> None:
    """Verified drafting: the sentence with a changed figure never reaches the brief (it is in
    the audit record and counted at the top), and a section left with none is asked once
    more — when it has no fallback; with one, the facts write it."""
    wrong = "PNS yang tidak masuk kerja selama 9 hari kerja dijatuhi teguran lisan [1]."
    model = ScriptedChatModel(
        default_reply="PNS wajib masuk kerja dan menaati ketentuan jam kerja [1]."
    )
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False)
    shared = result.run.shared
    n_rule = next(n for n, item in enumerate(shared.items, 1) if "wajib masuk kerja" in item.text)
    n_tier = next(n for n, item in enumerate(shared.items, 1) if "teguran lisan" in item.text)
    wrong = wrong.replace("[1]", f"[{n_tier}]")
    right = f"PNS wajib masuk kerja dan menaati ketentuan jam kerja [{n_rule}]."
    # latar belakang, then analisis (no lead sentence from the facts, and here no fallback)
    # twice, then the rest
    tpl = load_template("brief", "id", sample_index_e5.settings)
    tpl = replace(tpl, sections=tuple(replace(s, fallback=None) for s in tpl.sections))
    model = ScriptedChatModel([right, wrong, right] + [right] * 8)
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False, template=tpl)
    analysis = result.run.drafted["analisis"]
    assert [bare(s) for s in by_model(analysis)] == [bare(right)]
    assert [x["sentence"] for x in analysis.audit["left_out"]] == [wrong]
    assert analysis.audit["left_out"][0]["verdict"] == "unsupported"
    assert analysis.audit["second_answer"] == right  # none kept: asked once more
    assert "second_answer" not in result.run.drafted["latar_belakang"].audit
    texts = [st.text for s in result.brief.sections for st in s.sentences]
    assert not any("9 hari kerja" in t for t in texts)
    assert result.brief.summary.left_out == 1
    assert any("tidak dimuat" in p for p in result.brief.summary.problems)
    # with the built-in template's fallback the facts write it instead of a second answer
    model = ScriptedChatModel([right, wrong, right] + [right] * 8)
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False)
    analysis = result.run.drafted["analisis"]
    assert "second_answer" not in analysis.audit
    assert analysis.audit["written_by"].startswith("fact sheet")

    # with "all", the same answer keeps the sentence, flagged
    every = sample_index_e5.settings.model_copy(deep=True)
    every.draft.model_sentences = "all"
    model = ScriptedChatModel([right, f"{wrong} {right}"] + [right] * 8)
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False, settings=every)
    kept = sections_of(result)["analisis"]
    assert any("9 hari kerja" in s.text and s.verdict.verdict == "unsupported" for s in kept)


def test_latar_belakang_opens_with_why_the_regulation_was_made(sample_index_e5: Index) -> None:
    """The Menimbang of the main regulation is fetched into the evidence and quoted first, and
    the verifier finds it supported; the model's sentences follow it."""
    model = ScriptedChatModel(
        default_reply="PNS wajib masuk kerja dan menaati ketentuan jam kerja [1]."
    )
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False)
    background = sections_of(result)["latar_belakang"]
    assert background[0].text.startswith("Menurut konsiderans PP 94/2021, "), background[0].text
    assert background[0].verdict.verdict == "supported", background[0].verdict.codes
    n = extract_markers(background[0].text)[0]
    assert result.brief.references[n - 1].citation == "PP 94/2021 Menimbang"


def test_a_section_the_model_leaves_empty_is_written_from_the_facts(
    sample_index_e5: Index,
) -> None:
    """A model that writes nothing usable: Analisis, Opsi Kebijakan and Rekomendasi are still
    written — from the fact sheet, every sentence cited and supported by the verifier, two
    distinct options each resting on a provision, and a recommendation that takes the first
    option."""
    result = draft_brief(
        TOPIC, sample_index_e5, model=ScriptedChatModel(default_reply=""), run_dir=False
    )
    sections = sections_of(result)
    for key in ("analisis", "opsi", "rekomendasi"):
        assert sections[key], key
        assert result.run.drafted[key].audit["written_by"].startswith("fact sheet")
        for sentence in sections[key]:
            assert extract_markers(sentence.text), sentence.text
            assert sentence.verdict.verdict == "supported", (sentence.text, sentence.verdict.codes)
    options = [s.text for s in sections["opsi"]]
    assert options[0].startswith("Opsi pertama adalah menegakkan")
    assert options[1].startswith("Opsi kedua adalah")
    first = re.search(r"menegakkan secara konsisten (.+?) yang sudah berlaku", options[0])[1]
    assert first not in options[1]
    assert re.search(r"penegakan (.+?) yang sudah berlaku", sections["rekomendasi"][0].text)[1] == (
        first
    )
    assert sections["analisis"][0].text.startswith("Kepatuhan ditegakkan dengan sanksi: ")

    # a template without fallback keeps the section empty, with its note
    plain = sample_index_e5.settings.model_copy(deep=True)
    tpl = load_template("brief", "id", plain)
    tpl = replace(tpl, sections=tuple(replace(s, fallback=None) for s in tpl.sections))
    result = draft_brief(
        TOPIC,
        sample_index_e5,
        model=ScriptedChatModel(default_reply=""),
        template=tpl,
        run_dir=False,
    )
    empty = next(s for s in result.brief.sections if s.key == "rekomendasi")
    assert not empty.sentences and empty.note


def test_a_section_the_model_writes_short_is_topped_up_from_the_facts(
    sample_index_e5: Index,
) -> None:
    """The model writes one supported sentence where Analisis asks for 3 to 4: the facts add
    the rest after it, each supported, none repeating it."""
    model = ScriptedChatModel(default_reply="PNS wajib masuk kerja [1].")
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False)
    n_rule = next(
        n for n, item in enumerate(result.run.shared.items, 1) if "wajib masuk kerja" in item.text
    )
    right = f"PNS wajib masuk kerja dan menaati ketentuan jam kerja [{n_rule}]."
    model = ScriptedChatModel(default_reply=right)
    result = draft_brief(TOPIC, sample_index_e5, model=model, run_dir=False)
    analysis = result.run.drafted["analisis"]
    assert bare(analysis.sentences[0]) == bare(right)
    assert len(analysis.sentences) >= 3
    assert analysis.audit["written_by"] == (
        f"fact sheet: {len(analysis.sentences) - 1} sentence(s) after the 1 drafted"
    )
    texts = [s for s in sections_of(result)["analisis"]]
    assert all(s.verdict.verdict == "supported" for s in texts), [s.text for s in texts]
    assert len({bare(s.text) for s in texts}) == len(texts)
