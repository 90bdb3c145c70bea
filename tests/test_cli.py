"""The `pilar` command as users run it: a real subprocess on the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

PILAR = Path(sys.executable).with_name("pilar")


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [str(PILAR)] if PILAR.exists() else [sys.executable, "-m", "pipeline.cli"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=ROOT, check=check, timeout=300
    )


def test_inspect_json_on_samples() -> None:
    result = run("inspect", str(SAMPLES / "regulations"), "--json")
    records = {Path(r["source"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    asn = records["uu-5-2014-asn-ringkas.md"]
    assert asn["metadata"]["jenis"] == "UU" and asn["metadata"]["nomor"] == "5"
    assert (
        asn["metadata"]["tahun"] == 2014 and asn["metadata"]["tentang"] == "Aparatur Sipil Negara"
    )
    assert asn["pasal"][2] == {
        **asn["pasal"][2],
        "number": "3",
        "ayat_count": 3,
        "has_penjelasan": True,
    }
    assert {
        "type": "revokes",
        "target": {"jenis": "UU", "nomor": "8", "tahun": 1974},
    }.items() <= asn["relations"][0].items()
    assert asn["errors"] == []
    note = records["catatan-kebijakan-pelayanan-publik.md"]
    assert note["metadata"]["jenis"] is None and note["language"] == "id"


def test_inspect_reports_bad_files_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "uu.md"
    good.write_text(
        (SAMPLES / "regulations" / "uu-8-1974-pokok-kepegawaian-ringkas.md").read_text()
    )
    (tmp_path / "rusak.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (tmp_path / "kosong.txt").write_bytes(b"")
    result = run("inspect", str(tmp_path), "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {Path(r["source"]).name: r for r in records}
    assert by_name["uu.md"]["metadata"]["nomor"] == "8"
    assert by_name["rusak.pdf"]["errors"] and by_name["kosong.txt"]["errors"]
    assert "Skipped 2 file(s)" in result.stderr


def test_inspect_tree_output() -> None:
    result = run("inspect", str(SAMPLES / "regulations" / "uu-5-2014-asn-ringkas.md"))
    assert "revokes UU 32/2004 (partial)" in result.stdout
    assert "BAB III KOMISI APARATUR SIPIL NEGARA" in result.stdout


def test_config_errors_are_clean(tmp_path: Path) -> None:
    bad = tmp_path / "pilar.toml"
    bad.write_text("[ingest]\nno_such_setting = 1\n")
    result = run("inspect", str(SAMPLES / "regulations"), "--config", str(bad), check=False)
    assert result.returncode == 2
    assert "invalid settings" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("missing", ["does-not-exist.md"])
def test_missing_path_is_reported(missing: str) -> None:
    result = run("inspect", missing, "--json", check=False)
    assert "does-not-exist.md" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
