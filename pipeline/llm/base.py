"""The chat-model seam: messages, the :class:`ChatModel` protocol, the errors every backend
raises, the token budget, and stop strings."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from pipeline.errors import LLMContextError

if TYPE_CHECKING:
    from pipeline.settings import LLMSettings

logger = logging.getLogger(__name__)

Role = Literal["system", "user", "assistant"]
_ROLES = ("system", "user", "assistant")

#: Tokens the chat template adds around each message (role markers, separators); an estimate
#: that is generous for ChatML (Qwen, SmolLM2) and Llama-style templates.
MESSAGE_OVERHEAD_TOKENS = 6


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


# ── settings ──────────────────────────────────────────────────────────────────


def settings_or_default(settings: LLMSettings | None) -> LLMSettings:
    """``settings``, or the default :class:`~pipeline.settings.LLMSettings` when ``None``."""
    if settings is None:
        from pipeline.settings import LLMSettings

        return LLMSettings()
    return settings
