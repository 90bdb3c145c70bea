"""The app's server-side state and who is asking: opened indexes, the statistics cards of an
index (cached), and each user's folders for uploads and drafting runs.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import PilarError
from pipeline.index import Index
from pipeline.settings import Settings, load_settings
from pipeline.store.folder import current_version, index_root
from pipeline.types import EvidenceCard
from pipeline.ui.safety import RateLimiter

if TYPE_CHECKING:
    import gradio as gr

__all__ = [
    "TABLE_SUFFIXES",
    "PilarApp",
    "list_indexes",
    "runs_folder",
    "table_sources",
    "user_folder",
    "user_of",
]

TABLE_SUFFIXES = {".csv", ".xlsx", ".parquet"}


def list_indexes(settings: Settings) -> list[str]:
    """The names of the built indexes under ``index.root``."""
    root = index_root(settings)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and current_version(p) is not None)


def user_of(request: gr.Request | None) -> str:
    """Who is asking: the log-in name, else the browser session, as a safe folder name."""
    who = getattr(request, "username", None) or getattr(request, "session_hash", None) or "anon"
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", str(who))[:64].strip("_")
    return safe or "anon"


def user_folder(settings: Settings, request: gr.Request | None) -> Path:
    """Each user's uploads apart: by log-in name, else by browser session."""
    folder = Path(settings.home) / settings.app.uploads_dir / user_of(request)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def runs_folder(settings: Settings, request: gr.Request | None) -> Path:
    """Each user's drafting runs apart, under ``draft.runs_dir``."""
    return Path(settings.home) / settings.draft.runs_dir / user_of(request)


def table_sources(index: Index) -> list[Path]:
    """The index's documents that are tables (CSV, XLSX, Parquet) and still exist on disk."""
    return [
        Path(d["source"])
        for d in index.documents()
        if Path(d["source"]).suffix.lower() in TABLE_SUFFIXES and Path(d["source"]).is_file()
    ]


class PilarApp:
    """The app's server-side state: settings, opened indexes, an optional model override."""

    def __init__(self, settings: Settings | None = None, model: Any = None) -> None:
        self.settings = settings or load_settings()
        self.model = model
        self._indexes: dict[str, Index] = {}
        self._cards: dict[tuple[str, str], list[EvidenceCard]] = {}
        self._lock = threading.Lock()
        self.uploads = RateLimiter(self.settings.app.uploads_per_minute)

    def index(self, name: str | None, create: bool = False) -> Index | None:
        """The index ``name`` (default: ``app.index``), opened once; ``None`` when it does not
        exist (unless ``create``)."""
        name = name or self.settings.app.index
        with self._lock:
            if name not in self._indexes:
                try:
                    self._indexes[name] = Index.open(name, self.settings, create=create)
                except PilarError:
                    if not create:
                        return None
                    raise
            return self._indexes[name]

    def cards(self, index: Index) -> list[EvidenceCard]:
        """The statistics evidence cards of the index's tables (cached per index and tables)."""
        from pipeline.stats import cards_from_files

        sources = table_sources(index)
        key = (str(index.path), "|".join(sorted(map(str, sources))))
        if key not in self._cards:
            self._cards[key] = (
                cards_from_files(sources, self.settings.stats).cards if sources else []
            )
        return self._cards[key]

    def clear_cards(self) -> None:
        """Forget the cached cards (after the index's documents changed)."""
        self._cards.clear()
