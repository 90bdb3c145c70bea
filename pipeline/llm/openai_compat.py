"""The ``openai`` backend: any OpenAI-compatible chat-completions server (vLLM, Ollama,
llama.cpp server, TGI) by ``base_url``, ``model`` and ``api_key``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, LLMBackendError, LLMContextError, MissingDependencyError
from pipeline.llm.base import (
    Message,
    approx_tokens,
    check_fits,
    settings_or_default,
)

if TYPE_CHECKING:
    from pipeline.settings import LLMSettings

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
        self.settings = settings_or_default(settings)
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
                        help="pip install 'pilar[llm]'  (or just: pip install 'openai>=1')",
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
