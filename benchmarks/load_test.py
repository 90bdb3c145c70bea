"""A bounded load test of the app on localhost: N analysts at once, each logging in, searching
and drafting (scripted model), through Gradio's own client (the queue, the same HTTP the
browser uses). Reports p50/p95 latency per action and the error rate.

    .venv/bin/python benchmarks/load_test.py --users 20 --searches 5

It builds a small hash-embedder index of ``samples/`` in a temporary folder and starts
``app.py`` there with log-in required, so no model weights are needed. Results:
``results/load_test.json``. ``tests/test_load.py`` runs it with 20 users.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "disiplin pegawai negeri sipil",
    "hukuman disiplin sedang",
    "aparatur sipil negara netral",
    "penetrasi internet provinsi",
    "informasi elektronik pencemaran nama baik",
    "pegawai tidak masuk kerja tanpa alasan sah",
]
REPLY = "Disiplin PNS adalah kesanggupan PNS untuk menaati kewajiban dan menghindari larangan [1]."


def start_app(home: Path, users: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Index the samples with the hash embedder and serve app.py from ``home``."""
    from pipeline.testing import index_with_hash_embedder, serve_app

    samples = ROOT / "samples"
    index_with_hash_embedder([samples / "regulations", samples / "stats"], home / "indexes" / "uji")
    (home / "reply.txt").write_text(REPLY, encoding="utf-8")
    return serve_app(
        ROOT / "app.py",
        home,
        {
            "PILAR_APP__USERS": json.dumps(users),
            "PILAR_LLM__BACKEND": "scripted",
            "PILAR_LLM__MODEL": str(home / "reply.txt"),
        },
    )


def run_load(url: str, users: dict[str, str], searches: int, drafts: int) -> dict[str, Any]:
    """Every user at once: log in, ``searches`` searches, ``drafts`` drafts."""
    from gradio_client import Client

    times: dict[str, list[float]] = {"login": [], "search": [], "draft": []}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))

    def user(name: str, password: str, seed: int) -> None:
        try:
            barrier.wait(timeout=120)
            start = time.perf_counter()
            client = Client(url, auth=(name, password), verbose=False)
            with lock:
                times["login"].append(time.perf_counter() - start)
            for i in range(searches):
                q = QUERIES[(seed + i) % len(QUERIES)]
                start = time.perf_counter()
                html = client.predict(
                    q, [], 1945, 2030, "", [], [], 8, "uji", api_name="/do_search"
                )
                elapsed = time.perf_counter() - start
                if "pilar-hit" not in html:
                    raise AssertionError(f"search {q!r} returned no hit card")
                with lock:
                    times["search"].append(elapsed)
            for _ in range(drafts):
                start = time.perf_counter()
                out = client.predict(
                    f"disiplin pegawai negeri sipil ({name})",
                    "pimpinan",
                    "id",
                    "memo",
                    "short",
                    "uji",
                    api_name="/do_draft",
                )
                elapsed = time.perf_counter() - start
                if "pilar-verdict" not in out[1]:
                    raise AssertionError("draft returned no verified brief")
                with lock:
                    times["draft"].append(elapsed)
        except Exception as exc:  # counted, reported
            with lock:
                errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])

    threads = [
        threading.Thread(target=user, args=(name, pw, i))
        for i, (name, pw) in enumerate(users.items())
    ]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=1800)
    wall = time.perf_counter() - start
    requests = len(users) * (1 + searches + drafts)

    def stats(values: list[float]) -> dict[str, Any]:
        if not values:
            return {"n": 0}
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return {
            "n": len(values),
            "p50_s": round(statistics.median(values), 3),
            "p95_s": round(p95, 3),
            "max_s": round(ordered[-1], 3),
        }

    return {
        "users": len(users),
        "searches_per_user": searches,
        "drafts_per_user": drafts,
        "requests": requests,
        "errors": len(errors),
        "error_rate": round(len(errors) / requests, 4),
        "error_samples": errors[:5],
        "wall_s": round(wall, 1),
        **{action: stats(values) for action, values in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--searches", type=int, default=5)
    parser.add_argument("--drafts", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "load_test.json"
    )
    args = parser.parse_args()
    users = {f"analis{i:02d}": f"sandi-{i:02d}-rahasia" for i in range(args.users)}
    with tempfile.TemporaryDirectory(prefix="pilar-load-") as tmp:
        proc, url = start_app(Path(tmp), users)
        try:
            result = run_load(url, users, args.searches, args.drafts)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
