"""The ``scripted`` backend: a chat model that answers from a script (queued replies, a
function, or a fixed default reply). Deterministic, for tests and demos; selected by name with
``PILAR_LLM__BACKEND=scripted``."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pipeline.llm.base import Message, check_fits, cut_at_stop


class ScriptedChatModel:
    """A chat model that answers from a script: queued replies in order, or a function.

    Every call is recorded (``prompts``: the messages; ``calls``: messages and options), so
    tests can check what drafting sent. ``stream`` yields the reply word by word. With
    ``context_window`` set, prompts that would overflow raise ``LLMContextError`` like a real
    backend. Token counts are whitespace words.

    >>> model = ScriptedChatModel(["Pertama [1].", "Kedua [2]."])
    >>> model.chat([Message.user("Tulis ringkasan.")])
    'Pertama [1].'
    """

    def __init__(
        self,
        replies: Iterable[str] | Callable[[list[Message]], str] | None = None,
        *,
        default_reply: str | None = None,
        model_id: str = "scripted",
        context_window: int = 4096,
        max_tokens: int = 512,
    ) -> None:
        self.model_id = model_id
        self.context_window = context_window
        self.max_tokens = max_tokens
        self.default_reply = default_reply
        self._reply_fn: Callable[[list[Message]], str] | None = None
        self._queue: deque[str] = deque()
        if callable(replies):
            self._reply_fn = replies
        elif replies is not None:
            self._queue.extend(replies)
        self.prompts: list[list[Message]] = []
        self.calls: list[dict[str, Any]] = []

    def enqueue(self, *replies: str) -> ScriptedChatModel:
        """Queue more replies; returns the model, for chaining."""
        self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Replies still queued."""
        return len(self._queue)

    def _reply(
        self,
        messages: Sequence[Message],
        max_tokens: int | None,
        temperature: float | None,
        seed: int | None,
        stop: Sequence[str] | None,
        streamed: bool,
    ) -> str:
        msgs = list(messages)
        max_tokens = self.max_tokens if max_tokens is None else max_tokens
        check_fits(self, msgs, max_tokens)
        self.prompts.append(msgs)
        self.calls.append(
            {
                "messages": msgs,
                "max_tokens": max_tokens,
                "temperature": temperature,
                "seed": seed,
                "stop": list(stop) if stop else None,
                "stream": streamed,
            }
        )
        if self._reply_fn is not None:
            reply = self._reply_fn(msgs)
        elif self._queue:
            reply = self._queue.popleft()
        elif self.default_reply is not None:
            reply = self.default_reply
        else:
            raise AssertionError(
                f"ScriptedChatModel got call {len(self.calls)} but has no reply queued"
            )
        return cut_at_stop(reply, stop)

    def chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> str:
        """The next scripted reply, cut at the first ``stop`` string."""
        return self._reply(messages, max_tokens, temperature, seed, stop, streamed=False)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """The next scripted reply, word by word (each word with its trailing space)."""
        reply = self._reply(messages, max_tokens, temperature, seed, stop, streamed=True)
        yield from re.findall(r"\s*\S+\s*", reply) or ([reply] if reply else [])

    def count_tokens(self, text: str) -> int:
        """Whitespace words."""
        return len(text.split())
