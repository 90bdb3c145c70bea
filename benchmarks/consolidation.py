"""The law as it stands, measured on the real amending laws of ``regulations_id``.

    .venv/bin/python benchmarks/consolidation.py --shared ../shared/data

Indexes the 49 regulations (hash embedder: consolidation reads the store, not the vectors) and
reports, through ``Index.pasal`` as an analyst would call it:

* **checked Pasal**: ``benchmarks/data/consolidation_checked.jsonl`` (written by a helper who
  saw no code or results; see its ``.md``), or with ``--set sealed`` the second set
  (``consolidation_sealed.jsonl``, written the same way, run once to confirm). An entry is right when the status, the source of
  the wording in force and every quote (``starts`` at the start after the heading, each of
  ``contains``, ``ends`` at the end, none of ``not_contains``; whitespace-normalised) match.
* **changes applied**: each numbered change of ``consolidation_changes.jsonl`` that rewrites
  Pasal wording, applied when consolidation applied that law's change to those Pasal.
* **time** to consolidate every regulation in the index (a fresh lawbook: parse included).

Results: ``benchmarks/results/consolidation.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_model  # noqa: E402
from pipeline.errors import PilarError  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.store.lawbook import Lawbook  # noqa: E402
from pipeline.types import RegulationRef  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
WORDING_KINDS = {"amended", "inserted", "deleted", "ayat"}


def norm(text: str) -> str:
    """Whitespace collapsed, and the OCR debris ``^`` dropped as the parser drops it."""
    return " ".join((text or "").replace("^", " ").split())


def check(entry: dict, index: Index) -> list[str]:
    """What is wrong with the consolidated Pasal against the entry (empty: right)."""
    try:
        found = index.pasal(entry["ref"], as_of=entry["as_of"])
    except PilarError as exc:
        return [f"error: {exc}"]
    problems = []
    if found.status != entry["status"]:
        problems.append(f"status {found.status} ≠ {entry['status']}")
    if entry["source"] is not None and found.citations[-1] != entry["source"]:
        problems.append(f"source {found.citations[-1]} ≠ {entry['source']}")
    text = norm(found.text)
    body = re.sub(r"^Pasal\s*[0-9lIOT]+(?:\s?[0-9lIOT])*\s?[A-Z]?\s", "", text)
    if entry.get("starts") and not body.startswith(norm(entry["starts"])):
        problems.append(f"starts {body[:60]!r}")
    for phrase in entry.get("contains") or []:
        if norm(phrase) not in text:
            problems.append(f"lacks {phrase[:40]!r}")
    ends = norm(entry.get("ends") or "")
    if ends and not text.rstrip("\"'\u201d .").endswith(ends.rstrip("\"'\u201d .")):
        problems.append(f"ends {text[-60:]!r}")
    for phrase in entry.get("not_contains") or []:
        if norm(phrase) in text:
            problems.append(f"still has {phrase[:40]!r}")
    return problems


def applied_changes(index: Index) -> tuple[list[dict], dict[str, set[str]]]:
    """Each expected wording change, and whether consolidation applied it."""
    expected = [
        json.loads(x) for x in (DATA / "consolidation_changes.jsonl").read_text().splitlines()
    ]
    lawbook = index._load().lawbook
    applied: dict[str, set[str]] = {}
    for label in ("UU 23/2014", "UU 12/2011", "UU 11/2008", "UU 8/1974"):
        jenis, rest = label.split()
        nomor, tahun = rest.split("/")
        law = lawbook.consolidation(RegulationRef(jenis=jenis, nomor=nomor, tahun=int(tahun)))
        for report in law.changes:
            applied.setdefault(report.regulation, set()).update(report.applied)
    rows = []
    for change in expected:
        if change["kind"] not in WORDING_KINDS or not change["pasal"]:
            continue
        done = set(change["pasal"]) <= applied.get(change["law"], set())
        rows.append({**change, "applied": done})
    return rows, applied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--set",
        choices=["checked", "sealed"],
        default="checked",
        help="checked: the development set; sealed: the second set, run once to confirm",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    name = "consolidation" if args.set == "checked" else "consolidation_sealed"
    args.out = args.out or ROOT / "benchmarks" / "results" / f"{name}.json"
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(index={"root": tmp, "embedder": "hash"})
        index = Index.open("regs", settings, create=True)
        t0 = time.perf_counter()
        index.add([args.shared / "regulations_id" / "md"])
        built = time.perf_counter() - t0

        loaded = index._load()
        loaded.__dict__.pop("lawbook", None)  # a fresh lawbook: nothing parsed yet
        t0 = time.perf_counter()
        book = Lawbook(loaded.conn)
        counts = [
            len(book.consolidation(RegulationRef(jenis=j, nomor=n, tahun=t)).numbers())
            for j, n, t in book.regulations
        ]
        consolidate_s = time.perf_counter() - t0
        loaded.__dict__["lawbook"] = book

        entries = [
            json.loads(x)
            for x in (DATA / f"consolidation_{args.set}.jsonl").read_text().splitlines()
        ]
        results = [
            {"id": e["id"], "ref": e["ref"], "as_of": e["as_of"], "problems": check(e, index)}
            for e in entries
        ]
        changes, _ = applied_changes(index)

    right = sum(not r["problems"] for r in results)
    legible = [c for c in changes if c["legible"]]
    out = {
        "cpu": cpu_model(),
        "command": f"benchmarks/consolidation.py --shared ../shared/data --set {args.set}",
        "checked_pasal": {
            "right": right,
            "total": len(results),
            "share": round(right / len(results), 3),
        },
        "changes_applied": {
            "applied": sum(c["applied"] for c in changes),
            "found": len(changes),
            "legible_applied": sum(c["applied"] for c in legible),
            "legible_found": len(legible),
            "missed": [
                f"{c['law']} angka {c['number']} (Pasal {', '.join(c['pasal'])}; "
                f"{'legible' if c['legible'] else 'OCR lost it'})"
                for c in changes
                if not c["applied"]
            ],
        },
        "consolidate_all": {
            "regulations": len(counts),
            "pasal": sum(counts),
            "seconds": round(consolidate_s, 2),
            "index_build_s_hash_embedder": round(built, 1),
        },
        "wrong": [r for r in results if r["problems"]],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "wrong"}, ensure_ascii=False, indent=2))
    for r in out["wrong"]:
        print(f"  {r['id']} {r['ref']} as of {r['as_of']}: {'; '.join(r['problems'])}")


if __name__ == "__main__":
    main()
