"""Crash safety and concurrency of the index: SIGKILL at random moments, readers during writes,
a disk that fills up. Real processes (`pilar index`), real FAISS, the hash embedder."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.errors import IndexWriteError
from pipeline.index import Index
from pipeline.settings import load_settings
from pipeline.store.folder import current_version
from tests.conftest import SAMPLES

PILAR = Path(sys.executable).with_name("pilar")
ENV = {**os.environ, "PILAR_INDEX__EMBEDDER": "hash"}
TOKEN = "zebrakuda"  # a word only the moving document holds


CMD = [str(PILAR)] if PILAR.exists() else [sys.executable, "-m", "pipeline.cli"]


def pilar(*args: str, **kwargs) -> subprocess.Popen:
    """`pilar ARGS` in the background, its output discarded (nothing to fill a pipe)."""
    return subprocess.Popen(
        [*CMD, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
    )


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CMD, *args], env=ENV, capture_output=True, text=True, timeout=300, check=False
    )


def documents(path: Path) -> frozenset[str]:
    """The set of document sources of the index's current version, read by a fresh reader."""
    index = Index.open(path, load_settings(index={"embedder": "hash"}))
    assert index.search("pegawai negeri sipil", k=3)  # it answers, not only opens
    return frozenset(Path(d["source"]).name for d in index.documents())


def corpus_in(tmp_path: Path) -> tuple[Path, Path]:
    base = tmp_path / "base"
    shutil.copytree(SAMPLES / "regulations", base)
    extra = tmp_path / "extra"
    extra.mkdir()
    for i in range(12):  # enough work that a kill lands in reading, embedding or writing
        (extra / f"nota-{i:02d}.md").write_text(
            f"# Nota Dinas {i}\n\n"
            + "\n\n".join(
                f"Paragraf {j}: pelayanan publik daerah nomor {i}-{j} wajib dievaluasi setiap "
                f"triwulan oleh inspektorat; {TOKEN if i == 0 else 'catatan'} {j}."
                for j in range(40)
            ),
            encoding="utf-8",
        )
    return base, extra


@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path: Path) -> None:
    """20 runs of `pilar index`, each killed with SIGKILL at a random moment (alternately adding
    and removing a folder): every time the index opens, answers, and holds either the documents
    of the version before or those of the version after; a final run finishes the job."""
    base, extra = corpus_in(tmp_path)
    path = tmp_path / "idx"
    assert pilar("index", str(base), "--index", str(path)).wait(timeout=300) == 0
    without = documents(path)
    start = time.monotonic()
    assert pilar("index", str(extra), "--index", str(path)).wait(timeout=300) == 0
    full_run = time.monotonic() - start
    with_extra = documents(path)
    assert with_extra > without
    rng = random.Random(7)
    outcomes = {"before": 0, "after": 0}
    for _ in range(20):
        state = documents(path)
        args = (
            ["index", "--remove", str(extra), "--index", str(path)]
            if state == with_extra
            else ["index", str(extra), "--index", str(path)]
        )
        target = without if state == with_extra else with_extra
        proc = pilar(*args, start_new_session=True)
        time.sleep(rng.uniform(0.05, full_run * 1.1))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        now = documents(path)
        assert now in (state, target), "the index holds a mix of two versions"
        outcomes["before" if now == state else "after"] += 1
    assert outcomes["before"] >= 3, outcomes  # the kills did land mid-run
    # re-running finishes the job, and no half-written version is left behind
    assert pilar("index", str(extra), "--index", str(path)).wait(timeout=300) == 0
    assert documents(path) == with_extra
    assert not list(path.glob(".tmp-*"))
    print(f"SIGKILL loop: {outcomes} (one full run {full_run:.1f} s)")


def test_twenty_readers_while_a_writer_updates(tmp_path: Path) -> None:
    """20 threads search one shared Index while `pilar index` adds and removes a document in
    another process: no errors, and every answer comes from one version (a hit for the word
    only that document holds is always that document's own text)."""
    base, extra = corpus_in(tmp_path)
    moving = tmp_path / "moving"
    moving.mkdir()
    shutil.copy(extra / "nota-00.md", moving)
    path = tmp_path / "idx"
    assert pilar("index", str(base), "--index", str(path)).wait(timeout=300) == 0
    shared = Index.open(path, load_settings(index={"embedder": "hash"}))
    errors: list[BaseException] = []
    seen_versions: set[str] = set()
    stop = threading.Event()
    counts = {"searches": 0, "with_token": 0}
    lock = threading.Lock()

    def reader() -> None:
        while not stop.is_set():
            try:
                shared.refresh()
                for query, mode in ((TOKEN, "bm25"), ("pelayanan publik", "hybrid")):
                    hits = shared.search(query, k=5, mode=mode)
                    for hit in hits:
                        assert hit.chunk.text, "empty chunk: store and vectors disagree"
                        if mode == "bm25":
                            assert TOKEN in hit.chunk.text.lower(), hit.chunk.citation
                    with lock:
                        counts["searches"] += 1
                        counts["with_token"] += bool(hits) and mode == "bm25"
                seen_versions.add(shared.manifest["version"])
            except BaseException as exc:  # every failure is the finding
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(20)]
    for th in threads:
        th.start()
    try:
        for _cycle in range(3):
            for args in (
                ["index", str(moving), "--index", str(path)],
                ["index", "--remove", str(moving), "--index", str(path)],
            ):
                done = run(*args)
                assert done.returncode == 0, done.stderr
            assert not errors, errors[0]
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=60)
    assert not errors, repr(errors[0])
    assert counts["searches"] > 100 and counts["with_token"] > 0, counts
    assert len(seen_versions) >= 3, seen_versions  # readers did see the writer's versions


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


def test_disk_full_during_indexing_keeps_the_old_index(tmp_path: Path) -> None:
    """On a small tmpfs that fills up mid-write: a clear error (exit 5, "unchanged"), the old
    version still opens and answers, nothing half-written stays; with space again it works."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "6m"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        base, extra = corpus_in(tmp_path)
        path = disk / "idx"
        assert pilar("index", str(base), "--index", str(path)).wait(timeout=300) == 0
        before = current_version(path)
        old = documents(path)
        filler = disk / "filler.bin"
        free = shutil.disk_usage(disk).free
        with filler.open("wb") as f:  # leave ~150 KB: less than a new version needs
            f.write(b"\0" * max(0, free - 150_000))
        done = run("index", str(extra), "--index", str(path))
        err = done.stderr
        assert done.returncode == 5, (done.returncode, err)
        assert "could not write the index" in err and "unchanged" in err, err
        assert "Traceback" not in err
        assert current_version(path) == before and documents(path) == old
        assert not list(path.glob(".tmp-*"))
        # the library raises the same error type
        with pytest.raises(IndexWriteError):
            Index.open(path, load_settings(index={"embedder": "hash"})).add([extra])
        filler.unlink()
        assert pilar("index", str(extra), "--index", str(path)).wait(timeout=300) == 0
        assert documents(path) > old
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
