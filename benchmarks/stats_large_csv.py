"""Benchmark: evidence cards from a 10-million-row long CSV in bounded memory.

The CSV is synthetic (deterministic pseudo-random values; 500 regions × 20 indicators × 1,000
monthly periods = 10,000,000 rows, Indonesian decimal commas, ``;`` delimiter) and is written to
a temporary folder. ``cards_from_files`` runs in a fresh subprocess so its peak RSS (sampled with
psutil, including children) is not polluted by the generator.

    .venv/bin/python benchmarks/stats_large_csv.py            # full size
    .venv/bin/python benchmarks/stats_large_csv.py --rows-scale 0.01   # quick check
    .venv/bin/python benchmarks/stats_large_csv.py --index   # index it: store, cards, lookups

Writes ``benchmarks/results/stats_large_csv.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_model  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "stats_large_csv.json"


def generate(path: Path, regions: int, indicators: int, periods: int) -> int:
    """Write the synthetic long CSV; returns the number of data rows."""
    rows = 0
    labels = [f"{2000 + p // 12}-{p % 12 + 1:02d}" for p in range(periods)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("provinsi;indikator;periode;nilai;satuan\n")
        for r in range(regions):
            region = "INDONESIA" if r == 0 else f"WILAYAH {r:04d}"
            for i in range(indicators):
                code = f"ind_{i:02d}"
                seed = (r * 7919 + i * 104729) % 1000
                lines = []
                for p, label in enumerate(labels):
                    value = (seed * 31 + p * 17 + r) % 100000 / 100  # 0,00 … 999,99
                    lines.append(
                        f"{region};{code};{label};{value:.2f}".replace(".", ",") + ";persen\n"
                    )
                handle.write("".join(lines))
                rows += periods
    return rows


def measured(path: str) -> None:
    """Child process: run cards_from_files and print timing as JSON."""
    from pipeline import stats

    start = time.perf_counter()
    report = stats.cards_from_files([path])
    elapsed = time.perf_counter() - start
    points = sum(len(c.series) for c in report.cards)
    first = report.cards[0]
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 2),
                "cards": len(report.cards),
                "series_points": points,
                "skipped": len(report.skipped),
                "example": {"id": first.id, "latest": first.latest.model_dump(mode="json")},
            }
        )
    )


def indexed(path: str) -> None:
    """Child process (``--index``): index the table, then time figure lookups in the store."""
    import random
    import statistics

    from pipeline.index import Index
    from pipeline.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="pilar-bench-ix-") as tmp:
        index = Index.open("big", load_settings(index={"root": tmp}), create=True)
        start = time.perf_counter()
        report = index.add([path])
        elapsed = time.perf_counter() - start
        t0 = time.perf_counter()
        store = index._load().figures
        opened = time.perf_counter() - t0
        regions = [r for r, _level, _nat in store.regions()]
        codes = [c for c, _name, _unit in store.indicators()]

        def lookups(store: Any) -> list[float]:
            rng = random.Random(7)
            times = []
            for _ in range(200):
                region, code = rng.choice(regions), rng.choice(codes)
                t = time.perf_counter()
                series = store.series(region, code)
                store.peers(code, series[-1].level, series[-1].period)  # and the national
                times.append(1000 * (time.perf_counter() - t))
            return times

        times = lookups(store)
        # the same lookups in a store opened afresh (as a new app or CLI process opens it)
        from pipeline.stats.store import FigureStore

        fresh = lookups(FigureStore.open(index._load().version_dir))
        print(
            json.dumps(
                {
                    "seconds": round(elapsed, 2),
                    "chunks": report.chunks_total,
                    "chunks_embedded": report.chunks_embedded,
                    "skipped": len(report.skipped),
                    "figures": store.count(),
                    "store_open_seconds": round(opened, 2),
                    "lookup_ms_p50": round(statistics.median(times), 1),
                    "lookup_ms_p95": round(sorted(times)[189], 1),
                    "lookup_ms_p50_reopened": round(statistics.median(fresh), 1),
                    "lookup_ms_p95_reopened": round(sorted(fresh)[189], 1),
                }
            )
        )


def run_child(path: Path, mode: str = "--child") -> tuple[dict, int]:
    """Run the measured part in a subprocess, sampling its RSS (+children) every 50 ms."""
    child = subprocess.Popen(
        [sys.executable, __file__, mode, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    proc = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                rss = proc.memory_info().rss + sum(
                    c.memory_info().rss for c in proc.children(recursive=True)
                )
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = child.communicate()
    done.set()
    thread.join()
    if child.returncode != 0:
        raise SystemExit(f"child failed with exit code {child.returncode}")
    return json.loads(out.strip().splitlines()[-1]), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--index-child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--index",
        action="store_true",
        help="index the table (figure store, cards) instead of only building its cards",
    )
    parser.add_argument("--regions", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--periods", type=int, default=1000)
    parser.add_argument("--rows-scale", type=float, default=1.0, help="scale the periods")
    parser.add_argument("--no-write", action="store_true", help="do not write results JSON")
    args = parser.parse_args()
    if args.child:
        measured(args.child)
        return
    if args.index_child:
        indexed(args.index_child)
        return
    periods = max(2, int(args.periods * args.rows_scale))
    with tempfile.TemporaryDirectory(prefix="pilar-bench-") as tmp:
        path = Path(tmp) / "long.csv"
        start = time.perf_counter()
        rows = generate(path, args.regions, args.indicators, periods)
        generated = time.perf_counter() - start
        size_mb = path.stat().st_size / 2**20
        result, peak = run_child(path, "--index-child" if args.index else "--child")
    if args.index:
        record = {
            "benchmark": "stats_large_csv --index",
            "cpu": cpu_model(),
            "rows": rows,
            "csv_mb": round(size_mb, 1),
            **result,
            "peak_rss_mb": round(peak / 2**20),
            "command": "benchmarks/stats_large_csv.py " + " ".join(sys.argv[1:]),
        }
        print(json.dumps(record, indent=2, ensure_ascii=False))
        if not args.no_write:
            target = RESULTS.with_name("stats_large_index.json")
            target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        return
    record = {
        "benchmark": "stats_large_csv",
        "data": "synthetic long CSV (';' delimiter, Indonesian decimal commas)",
        "rows": rows,
        "regions": args.regions,
        "indicators": args.indicators,
        "periods": periods,
        "csv_mb": round(size_mb, 1),
        "generate_seconds": round(generated, 1),
        "cards_seconds": result["seconds"],
        "rows_per_second": round(rows / result["seconds"]),
        "peak_rss_mb": round(peak / 2**20),
        "cards": result["cards"],
        "series_points": result["series_points"],
        "example": result["example"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": "benchmarks/stats_large_csv.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(record, indent=2, ensure_ascii=False))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
