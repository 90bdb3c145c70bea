"""Picking a chat model: by backend name (:func:`get_chat_model`), or from whatever a library
user passes (:func:`as_chat_model`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError
from pipeline.llm.base import ChatModel, settings_or_default
from pipeline.llm.hf import TransformersChatModel
from pipeline.llm.langchain import LangChainChatModel
from pipeline.llm.llamacpp import LlamaCppChatModel
from pipeline.llm.openai_compat import OpenAIChatModel
from pipeline.llm.scripted import ScriptedChatModel

if TYPE_CHECKING:
    from pipeline.settings import LLMSettings

# ── picking a backend by name ─────────────────────────────────────────────────

BACKENDS = ("llamacpp", "transformers", "openai", "scripted")


def get_chat_model(settings: LLMSettings | None = None) -> ChatModel:
    """The chat model that ``settings.backend`` names. Cheap: the model loads on first use."""
    s = settings_or_default(settings)
    name = s.backend.strip().lower()
    if name == "llamacpp":
        return LlamaCppChatModel(s)
    if name == "transformers":
        return TransformersChatModel(s)
    if name == "openai":
        return OpenAIChatModel(s)
    if name == "scripted":  # tests and demos: the reply is fixed (or read from the file `model`)
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


def as_chat_model(model: Any, settings: LLMSettings | None = None) -> ChatModel:
    """A :class:`ChatModel` from what a library user passes: one already, a LangChain chat
    model (wrapped), or ``None`` (the backend named in ``settings``)."""
    if model is None:
        return get_chat_model(settings_or_default(settings))
    from langchain_core.language_models import BaseChatModel

    if isinstance(model, BaseChatModel):
        s = settings_or_default(settings)
        return LangChainChatModel(model, context_window=s.n_ctx)
    if isinstance(model, ChatModel):
        return model
    raise ConfigError(
        f"{type(model).__name__} is not a chat model",
        help="Pass a pipeline.llm.ChatModel or a LangChain BaseChatModel.",
    )
