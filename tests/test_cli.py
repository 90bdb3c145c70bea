"""The `pilar` command as users run it: a real subprocess on the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

PILAR = Path(sys.executable).with_name("pilar")


def run(
    *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``pilar ARGS`` as a subprocess; ``env``: variables on top of the current environment."""
    cmd = [str(PILAR)] if PILAR.exists() else [sys.executable, "-m", "pipeline.cli"]
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=check,
        timeout=300,
        env={**os.environ, **(env or {})},
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


def test_index_search_info_eval_roundtrip(tmp_path: Path) -> None:
    env_index = str(tmp_path / "idx")

    def pilar(*args: str) -> subprocess.CompletedProcess[str]:
        return run(*args, env={"PILAR_INDEX__EMBEDDER": "hash"})

    first = json.loads(
        pilar("index", str(SAMPLES / "regulations"), "--index", env_index, "--json").stdout
    )
    assert first["documents_added"] == 6 and first["chunks_embedded"] == first["chunks_total"] > 0
    again = json.loads(
        pilar("index", str(SAMPLES / "regulations"), "--index", env_index, "--json").stdout
    )
    assert again["documents_unchanged"] == 6 and again["chunks_embedded"] == 0

    hits = json.loads(
        pilar(
            "search",
            "hukuman disiplin berat",
            "--index",
            env_index,
            "--json",
            "--k",
            "3",
            "--filter",
            "jenis=PP",
        ).stdout
    )
    assert hits and all(h["jenis"] == "PP" and "PP 94/2021" in h["citation"] for h in hits)
    for key in ("chunk_id", "score", "text", "source", "doc_title", "citation", "status", "page"):
        assert key in hits[0]

    info = json.loads(pilar("info", env_index, "--json", "--documents").stdout)
    assert info["counts"]["documents"] == 6 and info["embedder"] == "hash:256"
    assert any(d["status"] == "revoked" for d in info["documents"])
    # the sample UU 19/2016 amends UU 11/2008, which the samples do not hold
    assert info["amending_without_base"] == [{"law": "UU 19/2016", "amends": "UU 11/2008"}]
    shown = pilar("info", env_index)
    assert "UU 19/2016 amends UU 11/2008, which is not in this index" in shown.stderr

    (tmp_path / "q.jsonl").write_text(
        '{"_id": "q1", "text": "anggota Komisi Aparatur Sipil Negara"}\n'
    )
    (tmp_path / "qrels.tsv").write_text("q1\tuu-5-2014-asn-ringkas#pasal-3\t1\n")
    result = json.loads(
        pilar(
            "eval",
            "retrieval",
            "--index",
            env_index,
            "--queries",
            str(tmp_path / "q.jsonl"),
            "--qrels",
            str(tmp_path / "qrels.tsv"),
            "--json",
        ).stdout
    )
    assert result["queries"] == 1 and result["recall"] == 1.0


def test_pasal_prints_the_wording_in_force_its_changes_and_its_history(tmp_path: Path) -> None:
    def pilar(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(*args, check=check, env={"PILAR_INDEX__EMBEDDER": "hash"})

    index = str(tmp_path / "laws")
    pilar("index", str(ROOT / "tests" / "legal" / "laws"), "--index", index)
    shown = pilar("pasal", "Perda 3/2018 Pasal 3", "--index", index, "--history").stdout
    assert (
        "Rumusan yang berlaku: diubah oleh Perda 5/2022 Pasal I angka 1 (berlaku 2022-08-04)"
        in shown
    )
    assert "Sumber: Perda 3/2018 Pasal 3; Perda 5/2022 Pasal I angka 1" in shown
    assert "[-3 (tiga)-] {+5 (lima)+}" in shown  # what the last change rewrote
    assert (
        "Riwayat" in shown
        and "2. diubah oleh Perda 2/2020 Pasal I angka 1 (berlaku 2020-02-12)" in shown
    )
    then = pilar("pasal", "Perda 3/2018 Pasal 3", "--index", index, "--as-of", "2019-01-01").stdout
    assert "Rumusan per 2019-01-01: rumusan asli" in then and "2 (dua) buku" in then
    record = json.loads(pilar("pasal", "Perda 3/2018 Pasal 6", "--index", index, "--json").stdout)
    assert record["status"] == "deleted" and record["text"] == ""
    assert record["citations"] == ["Perda 3/2018 Pasal 6", "Perda 2/2020 Pasal I angka 4"]
    assert [v["kind"] for v in record["versions"]] == ["original", "deleted"]
    wrong = pilar("pasal", "Perda 3/2018 Pasal 12", "--index", index, check=False)
    assert wrong.returncode == 2
    assert "Perda 3/2018 has no Pasal 12; nearest: Pasal 7, Pasal 6" in wrong.stderr
    bad_date = pilar(
        "pasal", "Perda 3/2018 Pasal 3", "--index", index, "--as-of", "kemarin", check=False
    )
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr


def test_search_errors_are_clean(tmp_path: Path) -> None:
    result = run("search", "apa saja", "--index", str(tmp_path / "nope"), check=False)
    assert (
        result.returncode != 0 and "no index" in result.stderr and "Traceback" not in result.stderr
    )


def test_templates_lists_both_languages() -> None:
    rows = [json.loads(line) for line in run("templates", "--json").stdout.splitlines()]
    labels = {(r["name"], r["lang"]) for r in rows}
    assert {("brief", "id"), ("brief", "en"), ("memo", "id"), ("memo", "en")} <= labels
    brief = next(r for r in rows if (r["name"], r["lang"]) == ("brief", "id"))
    assert [s["heading"] for s in brief["sections"]][:3] == [
        "Ringkasan Eksekutif",
        "Latar Belakang",
        "Dasar Hukum",
    ]


def test_draft_writes_the_brief_and_its_run_folder(tmp_path: Path) -> None:
    reply = tmp_path / "reply.txt"
    reply.write_text(
        "Disiplin PNS adalah kesanggupan PNS untuk menaati kewajiban dan menghindari larangan [1]. "
        "Jumlah pegawai yang bolos mencapai 999 persen [1]. Kalimat ini tanpa kutipan sama sekali."
    )
    env = {
        "PILAR_INDEX__EMBEDDER": "hash",
        "PILAR_LLM__BACKEND": "scripted",
        "PILAR_LLM__MODEL": str(reply),
        "PILAR_DRAFT__RUNS_DIR": str(tmp_path / "runs"),
    }

    def pilar(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(*args, check=check, env=env)

    index = str(tmp_path / "idx")
    pilar("index", str(SAMPLES / "regulations"), "--index", index)
    out = tmp_path / "brief.docx"
    result = pilar(
        "draft",
        "disiplin pegawai negeri sipil",
        "--index",
        index,
        "--template",
        "memo",
        "--stats",
        str(SAMPLES / "stats"),
        "--out",
        str(out),
        "--json",
    )
    brief = json.loads(result.stdout)
    assert [s["heading"] for s in brief["sections"]] == [
        "Latar Belakang",
        "Dasar Hukum",
        "Rekomendasi",
    ]
    first = brief["sections"][0]["sentences"]
    assert first[0]["text"].endswith("[1].") and first[0]["verdict"]["verdict"] == "supported"
    assert "number_mismatch" in [r["code"] for r in first[1]["verdict"]["reasons"]]
    assert first[2]["verdict"]["reasons"][0]["code"] == "no_citation"
    assert brief["summary"]["sentences"] == 6 and brief["summary"]["supported"] == 2
    assert "2/6 sentences supported" in result.stderr
    assert out.stat().st_size > 0
    run_dir = Path(brief["run_dir"])
    assert run_dir.parent == tmp_path / "runs"
    assert {p.name for p in run_dir.iterdir()} == {
        "brief.md",
        "brief.docx",
        "brief.json",
        "audit.json",
    }
    audit = json.loads((run_dir / "audit.json").read_text())
    assert audit["model"] == "scripted" and audit["request"]["cards_offered"] > 0

    english = pilar(
        "draft",
        "civil servant discipline",
        "--index",
        index,
        "--template",
        "memo",
        "--lang",
        "en",
        "--quiet",
    )
    assert "# Policy Memo: civil servant discipline" in english.stdout
    assert "## Legal Basis" in english.stdout

    bad = pilar("draft", "x", "--index", index, "--template", "nope", check=False)
    assert bad.returncode != 0 and "no template 'nope'" in bad.stderr
    assert "brief.id" in bad.stderr and "Traceback" not in bad.stderr
