"""Coverage of briefs: asked a question as the topic, does the brief cite a gold Pasal, and does
it state the gold answer's numbers?

    .venv/bin/python benchmarks/brief_coverage.py [--set heldout] [--model none|default] [--limit N]

Each question of the set (``benchmarks/data/regulations_qa_heldout.jsonl``: 30 questions
written blind, 15 Indonesian and 15 English; their gold Pasal and the words that answer them in
``regulations_qa_heldout_evidence.md``) is the topic of a brief in its own language on the 49
regulations (the index ``retrieval_quality.py`` caches in ``benchmarks/.cache/regs``).

- ``--model none`` (default, ~5 s a question): the model sections get no text (a scripted model
  that answers nothing), so what is measured is the part of the brief written from the fact
  sheet — Ketentuan Kunci and the summary's opening rule — the part that states the rule.
- ``--model default``: the whole brief with the default model (~2 minutes a question).

Reported per question and overall: whether the brief's shared evidence holds a gold Pasal (the
ceiling for any sentence), whether a sentence of the brief cites one, and — for questions whose
answer quotes hold numbers — whether a sentence states one of them. ``--set blind2`` runs the
30 questions spent on the retrieval issue (development since); the sealed sets (blind3, blind4)
are kept for the retrieval issue and are not run here.
Results: ``results/brief_coverage[_model].json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_model  # noqa: E402

from pipeline.draft import draft_brief  # noqa: E402
from pipeline.evaluate import hit_keys  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.testing import ScriptedChatModel  # noqa: E402
from pipeline.text.markers import extract_markers  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
CACHE = ROOT / "benchmarks" / ".cache"
#: the development questions (blind2 was spent on the ayat vectors of issue 16: development now);
#: the sealed sets (blind3, blind4) are not run here
SETS = {
    "heldout": "regulations_qa_heldout",
    "dev": "regulations_qa",
    "blind2": "regulations_qa_blind2",
}


#: an amount the answer turns on: a number with its unit ("7 (tujuh) hari kerja", "20%")
_AMOUNT = re.compile(
    r"(?<![\w/.,])(\d{1,3}(?:[.,]\d+)?)\s*(?:\([^)]{2,30}\)\s*)?"
    r"(?=hari|bulan|tahun|minggu|jam|persen|%|orang|kali|days?|months?|years?|percent)",
    re.IGNORECASE,
)


def gold_numbers(evidence: Path) -> dict[str, set[str]]:
    """The amounts in each question's answer quotes (a number with its unit)."""
    out: dict[str, set[str]] = {}
    current = None
    for line in evidence.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (\w+) ", line)
        if heading:
            current = heading[1]
            out[current] = set()
        elif current and line.startswith("- "):
            quote = line.split(":", 1)[-1]
            out[current] |= set(_AMOUNT.findall(quote))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="heldout")
    parser.add_argument("--model", choices=["none", "default"], default="none")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()

    name = SETS[args.set]
    rows = [json.loads(x) for x in (DATA / f"{name}.jsonl").read_text().splitlines() if x.strip()]
    rows = rows[: args.limit] if args.limit else rows
    evidence = DATA / f"{name}_evidence.md"
    numbers = gold_numbers(evidence) if evidence.is_file() else {}
    settings = load_settings(index={"root": str(CACHE)}, draft={"k": 8})
    index = Index.open("regs", settings)
    runs: list[dict[str, Any]] = []
    for row in rows:
        gold = {f"{g['doc']}#pasal-{g['pasal']}".lower() for g in row["gold"]}
        model = ScriptedChatModel(default_reply="") if args.model == "none" else None
        start = time.perf_counter()
        result = draft_brief(
            row["question"], index, settings=settings, lang=row["lang"], model=model, run_dir=False
        )
        seconds = time.perf_counter() - start
        brief = result.brief
        by_n = {r.n: r.id for r in brief.references if r.kind == "chunk"}
        shared = result.run.shared if result.run else None
        shown = [i.id for i in shared.items if i.kind == "chunk"] if shared else []
        in_evidence = any(hit_keys(index.chunk(i)) & gold for i in shown)
        sentences = [st for sec in brief.sections for st in sec.sentences]
        cited = {by_n[n] for st in sentences for n in extract_markers(st.text) if n in by_n}
        cites_gold = any(hit_keys(index.chunk(i)) & gold for i in cited)
        wanted = numbers.get(row["id"], set())
        text = " ".join(st.text for st in sentences)
        states = sorted(n for n in wanted if re.search(rf"(?<![\d,.]){re.escape(n)}(?![\d])", text))
        run = {
            "id": row["id"],
            "lang": row["lang"],
            "kind": row.get("kind"),
            "seconds": round(seconds, 1),
            "gold_in_evidence": in_evidence,
            "cites_gold": cites_gold,
            "gold_numbers": sorted(wanted),
            "numbers_stated": states,
            "sentences": len(sentences),
        }
        runs.append(run)
        print(json.dumps(run, ensure_ascii=False), flush=True)

    with_numbers = [r for r in runs if r["gold_numbers"]]

    def share(rs: list[dict[str, Any]], key: str) -> float | None:
        return round(sum(bool(r[key]) for r in rs) / len(rs), 3) if rs else None

    result = {
        "set": name,
        "model": args.model,
        "questions": len(runs),
        "gold_in_evidence": share(runs, "gold_in_evidence"),
        "cites_gold": share(runs, "cites_gold"),
        "cites_gold_id": share([r for r in runs if r["lang"] == "id"], "cites_gold"),
        "cites_gold_en": share([r for r in runs if r["lang"] == "en"], "cites_gold"),
        "questions_with_numbers": len(with_numbers),
        "states_a_gold_number": share(with_numbers, "numbers_stated"),
        "median_seconds": statistics.median(r["seconds"] for r in runs) if runs else None,
        "cpu": cpu_model(),
        "runs": runs,
    }
    suffix = ("" if args.set == "heldout" else f"_{args.set}") + (
        "" if args.model == "none" else "_model"
    )
    out = ROOT / "benchmarks" / "results" / f"brief_coverage{suffix}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
