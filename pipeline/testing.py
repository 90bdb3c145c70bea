"""Deterministic fakes that ship with the package, for tests and for users' own tests, and a
helper that serves the app on a free port with a hash-embedder index (browser and load tests)."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.llm import Message, check_fits, cut_at_stop


class HashEmbedder:
    """Bag-of-words feature hashing: the same text always gives the same unit vector.

    Texts sharing words get similar vectors, so retrieval tests behave sensibly without a model.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hash:{dim}"
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self.dim
            vector[slot] += 1.0 if digest[4] % 2 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


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


# --------------------------------------------------------------------------- serving the app


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def index_with_hash_embedder(paths: Sequence[Path], target: Path) -> None:
    """Run ``pilar index PATHS --index TARGET`` with the hash embedder (no model weights)."""
    pilar = Path(sys.executable).with_name("pilar")
    cmd = [str(pilar)] if pilar.exists() else [sys.executable, "-m", "pipeline.cli"]
    subprocess.run(
        [*cmd, "index", *map(str, paths), "--index", str(target)],
        env={**os.environ, "PILAR_INDEX__EMBEDDER": "hash"},
        check=True,
        capture_output=True,
        timeout=300,
    )


def serve_app(
    app: Path, home: Path, env: dict[str, str], timeout: float = 120
) -> tuple[subprocess.Popen, str]:
    """Start ``app`` (Pilar's ``app.py``) on a free port with ``home`` as its folder: the index
    ``uji`` under ``home/indexes`` with the hash embedder, runs and uploads in ``home``, plus
    ``env``. Returns the process and its URL once it answers (a log-in page counts); the
    app's output goes to ``home/app-<port>.log``."""
    port = free_port()
    log = home / f"app-{port}.log"
    proc = subprocess.Popen(
        [sys.executable, str(app), "--port", str(port)],
        cwd=home,
        env={
            **os.environ,
            "PILAR_INDEX__ROOT": str(home / "indexes"),
            "PILAR_INDEX__EMBEDDER": "hash",
            "PILAR_DRAFT__RUNS_DIR": str(home / "runs"),
            "PILAR_APP__UPLOADS_DIR": str(home / "uploads"),
            "PILAR_APP__INDEX": "uji",
            "GRADIO_ANALYTICS_ENABLED": "False",
            **env,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except urllib.error.HTTPError:
            return proc, url  # up, asking for a log-in
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"the app did not start within {timeout:.0f} s")
