"""LangChain, both ways: any LangChain ``BaseChatModel`` as a Pilar :class:`ChatModel`
(:class:`LangChainChatModel`), and any :class:`ChatModel` as a LangChain chat model
(:func:`as_langchain_chat_model`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.llm.base import ChatModel, Message, approx_tokens, cut_at_stop, stream_until_stop

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

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
