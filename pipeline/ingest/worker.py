"""Reading files in killable worker processes, so one bad file cannot hang or sink a batch.

Each worker is a ``spawn``-ed process (no state inherited from the parent, safe next to threads)
that runs :func:`pipeline.ingest.read_file` on one path at a time and sends back the Document as
JSON. Workers live for the whole batch — the per-file cost is one pipe round trip — and are only
replaced after a timeout or a crash. A worker:

- starts its own process group, so a timeout kill also ends the Tesseract it may be running;
- caps its address space at :data:`MEMORY_LIMIT_BYTES` (``RLIMIT_AS``), so a decompression bomb
  that slips past the zip checks fails with ``MemoryError`` instead of taking the machine down.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from pipeline.settings import IngestSettings
from pipeline.types import Document, SkippedFile

logger = logging.getLogger(__name__)

MEMORY_LIMIT_BYTES = 4 * 1024**3
STARTUP_TIMEOUT_S = 60.0
_NOISY_LOGGERS = ("pypdf", "pdfminer", "trafilatura", "htmldate", "courlan", "charset_normalizer")

Outcome = Document | SkippedFile


def _limit_memory(limit: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError) as exc:  # not on this platform / not allowed
        logger.debug("could not cap worker memory: %s", exc)


def _worker_main(conn: Connection, settings_json: str, readers: Sequence[Any], limit: int) -> None:
    """Entry point of a worker process: read paths from ``conn`` until ``None`` or EOF."""
    with contextlib.suppress(OSError):
        os.setsid()
    _limit_memory(limit)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    from pipeline.errors import IngestError
    from pipeline.ingest.read import read_file

    settings = IngestSettings.model_validate_json(settings_json)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        try:
            document = read_file(message, settings, readers=readers)
            reply: tuple[str, ...] = ("ok", document.model_dump_json())
        except IngestError as exc:
            reply = ("error", exc.reason, str(exc))
        except MemoryError:
            reply = ("error", "memory", f"{message}: ran out of the worker's memory limit")
        except Exception as exc:
            reply = ("error", "corrupt", f"{message}: {exc.__class__.__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("error", "memory", f"{message}: result too large to send back"))


@dataclass
class _Task:
    index: int
    path: Path
    deadline: float


@contextlib.contextmanager
def _main_file_hidden_if_missing() -> Iterator[None]:
    """``spawn`` re-runs the parent's ``__main__`` file in the child; for ``python -`` (stdin)
    or ``python -c`` that "file" does not exist and the child dies at start. The worker needs
    nothing from ``__main__``, so hide such a path while the child starts."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if main is None or path is None or spec is not None or Path(path).exists():
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


class _Worker:
    """One worker process and the task it is running, if any."""

    def __init__(self, settings_json: str, readers: Sequence[Any]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, settings_json, tuple(readers), MEMORY_LIMIT_BYTES),
            daemon=True,
            name="pilar-ingest",
        )
        with _main_file_hidden_if_missing():
            self.process.start()
        child.close()
        self.task: _Task | None = None
        if not self.conn.poll(STARTUP_TIMEOUT_S):
            self.kill()
            raise RuntimeError("ingest worker did not start")
        self.conn.recv()

    def submit(self, index: int, path: Path, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s if timeout_s > 0 else float("inf")
        self.task = _Task(index, path, deadline)
        self.conn.send(str(path))

    def kill(self) -> None:
        """End the worker and everything it started (its process group)."""
        pid = self.process.pid
        if pid is not None and self.process.is_alive():
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                self.process.kill()
        self.process.join(5)
        self.conn.close()

    def close(self) -> None:
        """Ask the worker to exit; kill it if it does not."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_isolated(
    paths: Sequence[Path],
    settings: IngestSettings,
    *,
    readers: Sequence[Any] = (),
    on_result: Callable[[int, Outcome], None],
) -> None:
    """Read ``paths`` in ``settings.workers`` worker processes, calling ``on_result(index, …)``.

    Each result is a Document or, for a file that failed, timed out or crashed its worker, a
    SkippedFile. Results arrive in completion order; ``index`` is the position in ``paths``.
    """
    if not paths:
        return
    settings_json = settings.model_dump_json()
    pending = deque(enumerate(paths))
    slots: list[_Worker | None] = [None] * max(1, min(settings.workers, len(paths)))
    try:
        while pending or any(w is not None and w.task for w in slots):
            for i, worker in enumerate(slots):
                if pending and (worker is None or worker.task is None):
                    if worker is None:
                        worker = slots[i] = _Worker(settings_json, readers)
                    index, path = pending.popleft()
                    worker.submit(index, path, settings.timeout_s)
            busy = [w for w in slots if w is not None and w.task is not None]
            next_deadline = min(w.task.deadline for w in busy if w.task)
            timeout = max(0.0, next_deadline - time.monotonic())
            ready = wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy],
                timeout=None if timeout == float("inf") else timeout,
            )
            for i, worker in enumerate(slots):
                if worker is None or worker.task is None:
                    continue
                task = worker.task
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        reply = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(1)
                        code = worker.process.exitcode
                        worker.kill()
                        slots[i] = None
                        on_result(task.index, _skipped(task.path, "crash", _crash_message(code)))
                        continue
                    worker.task = None
                    on_result(task.index, _outcome(task.path, reply))
                elif time.monotonic() >= task.deadline:
                    worker.kill()
                    slots[i] = None
                    on_result(
                        task.index,
                        _skipped(
                            task.path,
                            "timeout",
                            f"reading took longer than {settings.timeout_s:g} s; stopped",
                        ),
                    )
    finally:
        for worker in slots:
            if worker is not None:
                if worker.task is not None:
                    worker.kill()
                else:
                    worker.close()


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else "?"
        return f"the reader crashed (signal {name}); the file is likely malformed"
    return f"the reader process exited unexpectedly (exit code {exitcode})"


def _skipped(path: Path, reason: str, error: str) -> SkippedFile:
    return SkippedFile(source=str(path), reason=reason, error=error)


def _outcome(path: Path, reply: tuple[str, ...]) -> Outcome:
    if reply[0] == "ok":
        return Document.model_validate_json(reply[1])
    _, reason, error = reply
    return _skipped(path, reason, error)
