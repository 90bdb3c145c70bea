"""A shared server's safety: upload names, types and sizes, the upload rate per user, the audit
log of who did what, and private copies of run files for download.

Nothing here knows Gradio: the handlers pass in what a request carries.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.settings import Settings
from pipeline.ui.texts import t

__all__ = [
    "DOWNLOADS",
    "UPLOAD_TYPES",
    "RateLimiter",
    "audit_event",
    "private_copy",
    "safe_filename",
    "store_uploads",
]

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt", ".csv", ".xlsx", ".parquet"]

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(name: str | bytes, max_bytes: int = 150) -> str:
    """A file name that is one harmless path component: no folders, no ``..``, no control or NUL
    characters, valid UTF-8, at most ``max_bytes`` long with its suffix kept.

    ``'../../etc/passwd'`` → ``'passwd'``; ``'a\x00b.pdf'`` → ``'a_b.pdf'``; bytes that are not
    UTF-8 are replaced; an empty or all-dots name becomes ``'berkas'``.
    """
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates → '?'
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().lstrip(".").strip() or "berkas"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    budget = max_bytes - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore").rstrip() or "berkas"
    return stem + suffix


class RateLimiter:
    """At most ``limit`` events per user in any ``window`` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, user: str, n: int = 1, now: float | None = None) -> int:
        """How many of ``n`` events ``user`` may have now (recorded as taken)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [stamp for stamp in self._seen.get(user, []) if now - stamp < self.window]
            granted = max(0, min(n, self.limit - len(recent)))
            self._seen[user] = recent + [now] * granted
            return granted


def audit_event(settings: Settings, user: str, action: str, **fields: Any) -> None:
    """Append one line to ``runs/audit.jsonl``: who did what, when, on which index version."""
    path = Path(settings.home) / settings.draft.runs_dir / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "user": user, "action": action}
    line.update({k: (str(v) if isinstance(v, Path) else v) for k, v in fields.items()})
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, data)  # one write with O_APPEND: lines from several threads never interleave
    finally:
        os.close(fd)


#: where download copies are made (one folder per process; swept by :func:`private_copy`)
DOWNLOADS = Path(tempfile.gettempdir()) / f"pilar-downloads-{os.getpid()}"


def private_copy(path: Path, keep_s: float = 3600) -> str:
    """A copy of a run file in a fresh temporary folder, for Gradio to hand to this session only.

    Run folders are never served by path (they are ``blocked_paths``); Gradio moves the copy into
    its cache under an unguessable name that only this session's page receives. Copies older
    than ``keep_s`` are swept here, so the temporary folder does not grow with every draft."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in DOWNLOADS.iterdir():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > keep_s:
                shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(dir=DOWNLOADS))
    target = folder / path.name
    shutil.copyfile(path, target)
    return str(target)


def store_uploads(
    files: Sequence[Any], folder: Path, limit_mb: float, lang: str
) -> tuple[list[Path], list[str]]:
    """Copy uploaded ``files`` (paths, or Gradio file objects with ``orig_name``) into
    ``folder`` under safe names; returns (stored paths, a message per refused file).

    A file is refused when it is over ``limit_mb`` or not one of :data:`UPLOAD_TYPES`."""
    saved: list[Path] = []
    problems: list[str] = []
    for f in files:
        src = Path(f if isinstance(f, str) else f.name)
        name = safe_filename(getattr(f, "orig_name", None) or src.name)
        size_mb = src.stat().st_size / 1_048_576
        if size_mb > limit_mb:
            problems.append(t(lang, "too_big", name=name, mb=size_mb, limit=limit_mb))
            continue
        if src.suffix.lower() not in UPLOAD_TYPES:
            problems.append(t(lang, "bad_type", name=name))
            continue
        target = folder / name
        if target.resolve().parent != folder.resolve():  # safe_filename makes this hold
            problems.append(t(lang, "bad_type", name=name))
            continue
        shutil.copyfile(src, target)
        saved.append(target.resolve())
    return saved, problems
