"""How well `pilar inspect` recovers regulation structure on the 49 real regulations.

    .venv/bin/python benchmarks/regulation_structure.py --shared ../shared/data

Reads each ``regulations_id/md/*.md`` through the same ingest path as ``pilar inspect`` (the
text alone, never ``index.jsonl``), then compares with ``index.jsonl`` (jenis/nomor/tahun) and
with the Pasal lists of the Ansvar JSON (an independent source, for three laws).

Pasal recall per regulation = distinct Pasal numbers found in the body ÷ the highest Pasal
number found (for amending laws: Pasal I and II). Headings that OCR destroyed are counted as
misses only when a later Pasal was found, so this is an upper bound; the Ansvar comparison is
the independent check.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ingest_paths  # noqa: E402

REQUIRED = [
    ("uu-5-2014", "revokes", "UU 8/1974"),
    ("uu-5-2014", "revokes", "UU 43/1999"),
    ("uu-23-2014", "revokes", "UU 32/2004"),
    ("pp-94-2021", "revokes", "PP 53/2010"),
    ("uu-19-2016", "amends", "UU 11/2008"),
    ("uu-9-2015", "amends", "UU 23/2014"),
    ("uu-13-2022", "amends", "UU 12/2011"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "regulation_structure.json"
    )
    args = parser.parse_args()
    folder = args.shared / "regulations_id"
    gold = {
        json.loads(x)["doc_id"]: json.loads(x)
        for x in (folder / "index.jsonl").read_text().splitlines()
    }
    start = time.perf_counter()
    report = ingest_paths([folder / "md"])
    elapsed = time.perf_counter() - start
    rows, found_total, expected_total, meta_ok = [], 0, 0, 0
    parsed = {}
    for doc in report.documents:
        doc_id = Path(doc.source).stem
        reg = doc.regulation
        parsed[doc_id] = reg
        g = gold[doc_id]
        ok = reg is not None and (reg.jenis, reg.nomor, reg.tahun) == (
            g["jenis"],
            str(g["nomor"]),
            g["tahun"],
        )
        meta_ok += ok
        if reg is None:
            rows.append({"doc": doc_id, "meta_ok": False})
            continue
        if reg.is_amending:
            expected, found = 2, sum(p.number in ("I", "II") for p in reg.pasal)
        else:
            numbers = {int(re.match(r"\d+", p.number)[0]) for p in reg.pasal}
            expected, found = max(numbers), len(numbers)
        found_total += found
        expected_total += expected
        rows.append(
            {
                "doc": doc_id,
                "meta_ok": ok,
                "pasal_found": found,
                "pasal_expected": expected,
                "ayat": sum(len(p.ayat) for p in reg.pasal),
                "penjelasan": sum(bool(p.penjelasan) for p in reg.pasal),
                "relations": [
                    f"{r.type} {r.target.label}{' (partial)' if r.partial else ''} @Pasal {r.pasal}"
                    for r in reg.relations
                ],
            }
        )
    ansvar = {}
    for doc_id in ("uu-27-2022", "uu-11-2008"):
        data = json.loads((folder / "ansvar_pasal_json" / f"{doc_id}.json").read_text())
        theirs = {p["section"] for p in data["provisions"]}
        ours = {p.number for p in parsed[doc_id].pasal}
        ansvar[doc_id] = {
            "theirs": len(theirs),
            "matched": len(ours & theirs),
            "extra": sorted(ours - theirs),
        }
    required = {
        f"{d} {k} {t}": any(r.type == k and r.target.label == t for r in parsed[d].relations)
        for d, k, t in REQUIRED
    }
    summary = {
        "documents": len(report.documents),
        "skipped": len(report.skipped),
        "metadata_correct": meta_ok,
        "pasal_found": found_total,
        "pasal_expected": expected_total,
        "pasal_recall": round(found_total / expected_total, 4),
        "ansvar": ansvar,
        "required_relations": required,
        "seconds": round(elapsed, 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"summary": summary, "per_document": rows}, indent=1, ensure_ascii=False)
    )
    for row in rows:
        if row.get("pasal_expected"):
            print(
                f"{row['doc']:12} meta={'ok' if row['meta_ok'] else 'WRONG'} pasal {row['pasal_found']:>4}/{row['pasal_expected']:<4} "
                f"ayat {row['ayat']:>4} penjelasan {row['penjelasan']:>4}"
            )
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
