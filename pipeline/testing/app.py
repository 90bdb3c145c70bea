"""Serving the app for browser and load tests: a free port, an index built with the hash
embedder (no model weights), and the app started on them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

__all__ = ["free_port", "index_with_hash_embedder", "serve_app"]


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
