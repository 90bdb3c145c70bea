"""The ``llamacpp`` backend: a GGUF run by ``llama-cpp-python`` (by default the model joined from
the part packages, :mod:`pipeline.llm.parts`)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import MissingDependencyError, ModelFileError
from pipeline.llm import fastgrammar
from pipeline.llm.base import (
    Message,
    check_fits,
    settings_or_default,
)
from pipeline.llm.parts import DEFAULT_GGUF_NAME, default_gguf_path

if TYPE_CHECKING:
    from pipeline.settings import LLMSettings

logger = logging.getLogger(__name__)

# ── llama.cpp backend ─────────────────────────────────────────────────────────

_LLAMA_CACHE: dict[tuple[str, int, int, bool], tuple[Any, threading.Lock]] = {}
_LLAMA_LOCK = threading.Lock()


@functools.lru_cache(maxsize=16)
def _grammar(text: str) -> Any:
    """A compiled llama.cpp grammar (cached: drafting reuses one per evidence size)."""
    import llama_cpp

    return llama_cpp.LlamaGrammar.from_string(text, verbose=False)


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


def build_has_amx() -> bool:
    """Whether the installed llama.cpp was compiled with its AMX path (``AMX_INT8 = 1`` in its
    system info). `make install` builds it without (AVX2 and FMA, no AVX-512 or AMX), so the
    same build runs on the AMD and the Intel machines and repacking can stay on."""
    try:
        import llama_cpp

        return "AMX_INT8 = 1" in llama_cpp.llama_print_system_info().decode(errors="replace")
    except (ImportError, AttributeError, OSError):
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
        self.settings = settings_or_default(settings)
        path = model_path or self.settings.model or None
        self.model_path = Path(path).expanduser() if path else None
        name = self.model_path.name if self.model_path else DEFAULT_GGUF_NAME
        self.model_id = f"llamacpp:{name.removesuffix('.gguf')}"
        self.context_window = self.settings.n_ctx
        self.n_threads = self.settings.n_threads or os.cpu_count() or 1
        repack = self.settings.repack
        # llama.cpp's AMX path crashes: with a build that has it, on a CPU that has AMX, the
        # weights are not repacked (the AMX buffer type is one of the repacking ones)
        auto = not (cpu_has_amx() and build_has_amx())
        self.repack = auto if repack is None else repack
        self.load_seconds: float | None = None
        self.last_prompt: dict[str, int] | None = None
        #: after a constrained answer: tokens sampled and how many needed the whole vocabulary
        self.last_grammar: dict[str, int] | None = None

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
                        help="pip install 'pilar[llm]'  (llama-cpp-python builds from source, "
                        "~8 minutes once; or run `make install`)",
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
        grammar: str | None = None,
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
            "grammar": _grammar(grammar) if grammar else None,
        }

    @contextlib.contextmanager
    def _sampling(self, llama: Any, kwargs: dict[str, Any], grammar: str | None) -> Iterator[None]:
        """While generating: a grammar checked on the likeliest tokens first
        (:mod:`pipeline.llm.fastgrammar`) in place of llama-cpp-python's full check."""
        if not grammar or not self.settings.fast_grammar:
            yield
            return
        kwargs["grammar"] = None
        stages: list[fastgrammar.GrammarStage] = []
        llama._init_sampler = functools.partial(fastgrammar.init_sampler, llama, grammar, stages)
        try:
            yield
        finally:
            del llama._init_sampler
            self.last_grammar = {
                "tokens": sum(s.checks for s in stages),
                "whole_vocabulary": sum(s.full_checks for s in stages),
            }

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        grammar: str | None = None,
    ) -> str:
        """The whole answer (see :class:`ChatModel`); ``grammar`` (GBNF) constrains it."""
        kwargs = self._kwargs(messages, max_tokens, temperature, seed, stop, grammar)
        llama, lock = self._load()
        with lock:
            if kwargs["seed"] is not None:
                llama.set_seed(kwargs["seed"])
            with self._sampling(llama, kwargs, grammar):
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
        grammar: str | None = None,
    ) -> Iterator[str]:
        """The answer piece by piece (see :class:`ChatModel`); ``grammar`` (GBNF) constrains
        it. After the answer, :attr:`last_prompt` holds the prompt's token count and how many
        of its first tokens were already in the KV cache (llama.cpp reuses a shared prefix)."""
        kwargs = self._kwargs(messages, max_tokens, temperature, seed, stop, grammar)
        llama, lock = self._load()
        with lock:
            if kwargs["seed"] is not None:
                llama.set_seed(kwargs["seed"])
            before = list(llama._input_ids)
            pieces = 0
            with self._sampling(llama, kwargs, grammar):
                for chunk in llama.create_chat_completion(stream=True, **kwargs):
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        pieces += 1
                        yield piece
            after = list(llama._input_ids)
            reused = next(
                (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
                min(len(before), len(after)),
            )
            prompt = max(0, len(after) - pieces)
            self.last_prompt = {"tokens": prompt, "reused": min(reused, prompt)}

    #: constrained decoding: ``chat`` and ``stream`` take a GBNF ``grammar``
    supports_grammar = True

    def count_tokens(self, text: str) -> int:
        """Exact, with the GGUF's tokenizer (loads the model)."""
        llama, _ = self._load()
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))
