"""Starting the app: the launch options (log-in, upload limit, blocked folders) and ``main``.

    .venv/bin/python app.py [--index sampel] [--host 127.0.0.1] [--port 7860]
    PILAR_APP__USERNAME=analis PILAR_APP__PASSWORD=rahasia .venv/bin/python app.py   # log-in

``app.py`` at the root calls :func:`main`; ``Settings`` decide the rest (``PILAR_APP__*``).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.settings import Settings, load_settings
from pipeline.store.folder import index_root
from pipeline.ui.layout import build_app
from pipeline.ui.texts import CSS

__all__ = ["launch_kwargs", "main"]


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """What ``Blocks.launch`` needs: log-in, upload limit, the folders files may be served from."""
    app = settings.app
    kwargs: dict[str, Any] = {
        "server_name": app.host,
        "server_port": app.port,
        "max_file_size": int(app.max_upload_mb * 1024 * 1024),
        # run folders, uploads and indexes are never served by path, whoever asks
        "blocked_paths": [
            str((Path(settings.home) / settings.draft.runs_dir).resolve()),
            str((Path(settings.home) / app.uploads_dir).resolve()),
            str(index_root(settings).resolve()),
        ],
        "css": CSS,
        "show_error": True,
    }
    users = {name: secret.get_secret_value() for name, secret in app.users.items()}
    if app.username and app.password:
        users[app.username] = app.password.get_secret_value()
    if users:
        kwargs["auth"] = sorted(users.items())
        kwargs["auth_message"] = "Pilar"
    return kwargs


def main(argv: Sequence[str] | None = None) -> None:
    """Start the app (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Pilar's analyst app")
    parser.add_argument("--index", help="index opened at start (default: app.index setting)")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {"app": {}}
    for key in ("index", "host", "port"):
        if getattr(args, key) is not None:
            overrides["app"][key] = getattr(args, key)
    settings = load_settings(args.config, **overrides)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    demo = build_app(settings)
    kwargs = launch_kwargs(settings)
    print(f"Pilar: http://{settings.app.host}:{settings.app.port}", flush=True)
    demo.launch(**kwargs)
