"""Pilar as a user installs it: a wheel built from this checkout, installed with its core
dependencies only (no app, no language model) into a fresh virtual environment outside the
checkout, runs ``pilar templates`` and ``pilar verify`` there.

Slow (a wheel build and a core install, with pip's cache); CI runs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def core_install(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the scratch environment's bin folder, a working folder outside the checkout)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "pipeline", source / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = base / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        dist,
        source,
        cwd=base,
    )
    wheel = next(dist.glob("pilar-*.whl"))
    env = base / "env"
    venv.create(env, with_pip=True)
    bin_dir = env / "bin"
    run(bin_dir / "pip", "install", "-q", "-c", ROOT / "requirements.lock", wheel, cwd=base)
    work = base / "work"
    work.mkdir()
    return bin_dir, work


def test_the_core_install_has_no_app_or_model_extras(core_install: tuple[Path, Path]) -> None:
    bin_dir, work = core_install
    code = (
        "import importlib.util as u; "
        "print([m for m in ('gradio', 'llama_cpp', 'ray', 'torch') if u.find_spec(m)])"
    )
    assert run(bin_dir / "python", "-c", code, cwd=work).strip() == "[]"
    where = run(bin_dir / "python", "-c", "import pipeline; print(pipeline.__file__)", cwd=work)
    assert str(ROOT) not in where  # the installed package, not this checkout


def test_installed_pilar_lists_its_built_in_templates(core_install: tuple[Path, Path]) -> None:
    bin_dir, work = core_install
    out = run(bin_dir / "pilar", "templates", cwd=work)
    for label in ("brief.id", "brief.en", "memo.id", "memo.en"):
        assert label in out


def test_installed_pilar_verifies_claims(core_install: tuple[Path, Path]) -> None:
    bin_dir, work = core_install
    passage = (
        "Komisi Aparatur Sipil Negara terdiri atas 7 (tujuh) orang anggota yang terdiri atas "
        "1 (satu) orang ketua merangkap anggota dan 6 (enam) orang anggota."
    )
    claims = work / "klaim.jsonl"
    claims.write_text(
        "\n".join(
            json.dumps({"id": cid, "claim": claim, "passages": [passage]}, ensure_ascii=False)
            for cid, claim in (
                ("benar", "KASN terdiri atas 7 orang anggota [1]."),
                ("salah", "KASN terdiri atas 9 orang anggota [1]."),
            )
        )
        + "\n",
        encoding="utf-8",
    )
    out = run(bin_dir / "pilar", "verify", "--input", claims, "--json", cwd=work)
    verdicts = {row["id"]: row for row in map(json.loads, out.splitlines())}
    assert verdicts["salah"]["verdict"] == "unsupported"
    assert "number_mismatch" in {r["code"] for r in verdicts["salah"]["reasons"]}
    assert verdicts["benar"]["verdict"] != "unsupported"
