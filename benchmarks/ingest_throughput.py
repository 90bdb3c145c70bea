"""Ingestion throughput: regulations (Markdown) and policy PDFs (incl. scanned) through ingest_paths.

Usage:
    .venv/bin/python benchmarks/ingest_throughput.py --shared ../shared/data [--workers 1]

Prints docs, pages, seconds, docs/s, pages/s, peak RSS (this process + worker children, sampled
every 50 ms), OCR'd pages and skipped files per corpus, and writes benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ingest_paths  # noqa: E402
from pipeline.settings import IngestSettings  # noqa: E402


class PeakRss:
    """Samples the RSS of this process plus all its children in a background thread."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a child may exit between the calls
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(name: str, paths: list[Path], settings: IngestSettings) -> dict[str, object]:
    with PeakRss() as rss:
        started = time.perf_counter()
        report = ingest_paths(paths, settings)
        seconds = time.perf_counter() - started
    docs, pages = len(report.documents), report.page_count
    return {
        "corpus": name,
        "docs": docs,
        "pages": pages,
        "seconds": round(seconds, 2),
        "docs_per_s": round(docs / seconds, 2),
        "pages_per_s": round(pages / seconds, 2),
        "peak_rss_mb": round(rss.peak / 2**20),
        "ocr_pages": report.ocr_page_count,
        "tables": sum(len(d.tables) for d in report.documents),
        "skipped": [f"{Path(s.source).name}: {s.reason}" for s in report.skipped],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ingest.json")
    args = parser.parse_args()
    shared = args.shared.resolve()
    if not shared.is_dir():
        raise SystemExit(f"no shared data at {shared}")
    settings = IngestSettings(workers=args.workers)
    corpora = {
        "regulations_id/md": sorted((shared / "regulations_id" / "md").glob("*.md")),
        "policy_pdfs (PDF + RPJMN md)": sorted((shared / "policy_pdfs").glob("*/*.pdf"))
        + sorted((shared / "policy_pdfs" / "id_rpjmn_2025_2029_md").glob("*.md")),
    }
    rows = [run(name, paths, settings) for name, paths in corpora.items()]

    header = ["corpus", "docs", "pages", "seconds", "docs/s", "pages/s", "peak RSS MB", "OCR'd"]
    keys = ["corpus", "docs", "pages", "seconds", "docs_per_s", "pages_per_s", "peak_rss_mb"]
    print("| " + " | ".join([*header, "skipped"]) + " |")
    print("|" + "---|" * (len(header) + 1))
    for row in rows:
        cells = [str(row[k]) for k in keys] + [str(row["ocr_pages"]), str(len(row["skipped"]))]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        for item in row["skipped"]:  # type: ignore[attr-defined]
            print(f"skipped in {row['corpus']}: {item}")

    result = {
        "command": " ".join(["benchmarks/ingest_throughput.py", *sys.argv[1:]]),
        "settings": settings.model_dump(),
        "machine": {
            "cpus": psutil.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
