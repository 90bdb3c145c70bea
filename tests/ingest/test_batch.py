"""Batches: path expansion, bad files reported not fatal, time limit, crashes, memory cap."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from pipeline.ingest import IngestReport, expand_paths, ingest_paths, read_file
from pipeline.settings import IngestSettings
from pipeline.text.lang import detect_language
from tests.conftest import ROOT, SAMPLES
from tests.ingest.helpers import (
    EN_TEXT,
    ID_TEXT,
    CrashingReader,
    HogReader,
    SleepyReader,
    make_scanned_pdf,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.md").write_text(f"# Judul\n\n{ID_TEXT}\n", encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text(EN_TEXT, encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("secret", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("secret", encoding="utf-8")
    return tmp_path


def test_expand_paths_folder_glob_file(folder: Path) -> None:
    assert expand_paths([folder]) == [folder / "a.md", folder / "b" / "c.txt"]
    assert expand_paths([str(folder / "**" / "*.txt")]) == [folder / "b" / "c.txt"]
    # duplicates dropped, order of first mention kept, missing files kept for reporting
    missing = folder / "nope.pdf"
    assert expand_paths([folder / "b" / "c.txt", folder, missing]) == [
        folder / "b" / "c.txt",
        folder / "a.md",
        missing,
    ]


def test_batch_goes_on_past_bad_files(folder: Path) -> None:
    (folder / "kosong.txt").write_bytes(b"")
    (folder / "data.json").write_text("{}", encoding="utf-8")
    (folder / "rusak.docx").write_bytes(b"\x00\x01 not a zip" * 10)
    progress: list[tuple[int, int, str]] = []
    report = ingest_paths(
        [folder, folder / "hilang.pdf"], on_progress=lambda *a: progress.append(a)
    )
    assert isinstance(report, IngestReport)
    assert [Path(d.source).name for d in report.documents] == ["a.md", "c.txt"]
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert reasons == {
        "kosong.txt": "empty",
        "data.json": "unsupported",
        "rusak.docx": "corrupt",
        "hilang.pdf": "not_found",
    }
    assert len(progress) == 6 and progress[-1][:2] == (6, 6)
    assert report.elapsed_s > 0
    doc = report.documents[0]
    assert doc.language == "id" and doc.headings == [(1, 0, "Judul")] and doc.title == "Judul"


def test_batch_matches_read_file(folder: Path) -> None:
    report = ingest_paths([folder / "a.md"])
    assert report.documents == [read_file(folder / "a.md")]


def test_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "besar.txt"
    path.write_text(ID_TEXT * 100, encoding="utf-8")
    settings = IngestSettings(max_file_mb=0.01)
    report = ingest_paths([path], settings)
    assert [s.reason for s in report.skipped] == ["too_large"]
    with pytest.raises(Exception, match="MB limit"):
        read_file(path, settings)


def _children() -> list[psutil.Process]:
    """Our child processes, except multiprocessing's long-lived resource tracker."""
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def _no_leftover_children() -> None:
    deadline = time.monotonic() + 5
    while _children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _children() == []


def test_hanging_reader_is_killed_and_batch_goes_on(folder: Path) -> None:
    (folder / "macet.hang").write_text("x", encoding="utf-8")
    settings = IngestSettings(timeout_s=1.5)
    started = time.monotonic()
    report = ingest_paths(
        [folder / "macet.hang", folder / "a.md", folder / "b"],
        settings,
        readers=[SleepyReader()],
    )
    assert time.monotonic() - started < 20
    assert [s.reason for s in report.skipped] == ["timeout"]
    assert [Path(d.source).name for d in report.documents] == ["a.md", "c.txt"]
    _no_leftover_children()


def test_timeout_also_kills_tesseract(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "lama.pdf", [ID_TEXT[:60]] * 20, pages=6)
    report = ingest_paths([path], IngestSettings(timeout_s=1.0))
    assert [s.reason for s in report.skipped] == ["timeout"]
    _no_leftover_children()


def test_crashing_reader_is_reported(folder: Path) -> None:
    (folder / "x.crash").write_text("x", encoding="utf-8")
    report = ingest_paths([folder / "x.crash", folder / "a.md"], readers=[CrashingReader()])
    assert [s.reason for s in report.skipped] == ["crash"]
    assert "SIGSEGV" in report.skipped[0].error
    assert [Path(d.source).name for d in report.documents] == ["a.md"]


def test_memory_cap_stops_a_runaway_reader(folder: Path) -> None:
    (folder / "x.hog").write_text("x", encoding="utf-8")
    report = ingest_paths([folder / "x.hog", folder / "a.md"], readers=[HogReader()])
    assert [s.reason for s in report.skipped] == ["memory"]
    assert [Path(d.source).name for d in report.documents] == ["a.md"]


def test_two_workers_keep_input_order(folder: Path) -> None:
    for i in range(6):
        (folder / f"n{i}.txt").write_text(f"{ID_TEXT} {i}", encoding="utf-8")
    report = ingest_paths([folder], IngestSettings(workers=2))
    assert [d.source for d in report.documents] == [str(p) for p in expand_paths([folder])]
    assert len(report.documents) == 8 and not report.skipped


def test_regulation_parser_failure_is_a_warning(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.legal

    def broken(text: str, *, title_hint: str = "") -> None:
        raise ValueError("boom")

    monkeypatch.setattr(pipeline.legal, "parse_regulation", broken)
    doc = read_file(folder / "a.md")
    assert doc.regulation is None
    assert any("regulation parsing failed" in w and "boom" in w for w in doc.warnings)


def test_regulation_parser_is_called_with_title(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.legal

    calls: list[tuple[str, str]] = []

    def spy(text: str, *, title_hint: str = "") -> None:
        calls.append((text, title_hint))

    monkeypatch.setattr(pipeline.legal, "parse_regulation", spy)
    doc = read_file(folder / "a.md")
    assert calls == [(doc.text, "Judul")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ID_TEXT, "id"),
        (EN_TEXT, "en"),
        ("12 34 56 78", "unknown"),
        ("Pasal 1", "unknown"),
        (" ".join(["1.234", "5,6"] * 50), "unknown"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_regulation_md_is_indonesian(shared: Path) -> None:
    doc = read_file(shared / "regulations_id" / "md" / "pp-11-2017.md")
    assert doc.language == "id"
    # a parsed regulation is titled from its metadata, in the form a citation uses
    assert (
        doc.title
        == "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil"
    )


@pytest.mark.parametrize("how", ["stdin", "-c"])
def test_batch_works_from_a_stdin_or_c_script(how: str) -> None:
    """`python - <<EOF` and `python -c` have no main file for spawn to re-run; the workers
    must start anyway (they once died at start with EOFError)."""
    import subprocess
    import sys

    code = (
        "from pipeline.ingest import ingest_paths\n"
        f"r = ingest_paths([{str(SAMPLES / 'regulations')!r}])\n"
        "print(len(r.documents), len(r.skipped))\n"
    )
    args = [sys.executable, "-"] if how == "stdin" else [sys.executable, "-c", code]
    done = subprocess.run(
        args,
        input=code if how == "stdin" else None,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["6", "0"]
