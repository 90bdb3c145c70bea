"""The figure store in the index folder: written with the index version, carried over for
unchanged tables, dropped with a removed table, and read by search for figure questions."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.index import Index
from pipeline.settings import load_settings
from tests.conftest import SAMPLES


@pytest.fixture
def built(tmp_path: Path) -> tuple[Index, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES / "stats", corpus)
    index = Index.open(
        "angka", load_settings(index={"root": str(tmp_path), "embedder": "hash"}), create=True
    )
    index.add([corpus])
    return index, corpus


def _store_files(index: Index) -> dict[str, bytes]:
    version = index._load().version_dir
    return {p.name: p.read_bytes() for p in (version / "stats").glob("*.parquet")}


def test_every_figure_is_stored_with_its_cell(built: tuple[Index, Path]) -> None:
    index, _ = built
    files = _store_files(index)
    assert len(files) == 2 and index.manifest["figures"] == {"files": 2, "format": "parquet"}
    version = index._load().version_dir
    rows = duckdb.sql(
        f"SELECT region, indicator, period, value, status, row, col FROM "
        f"read_parquet('{version}/stats/*.parquet') WHERE region = 'PAPUA SELATAN'"
    ).fetchall()
    # "-" cells: stored as missing, never as 0
    assert rows and all(value is None and status == "missing" for *_, value, status, _r, _c in rows)
    # the rows of a statistics table are not chunks of text: its cards are
    chunks = index._load().chunks_at(range(index._load().n))
    assert {c.kind for c in chunks if c.source.endswith(".csv")} == {"card"}


def test_the_store_is_versioned_with_the_index(built: tuple[Index, Path]) -> None:
    index, corpus = built
    before = _store_files(index)
    first = index._load().version_dir
    index.add([corpus])  # nothing changed: the new version carries the same files over
    assert index._load().version_dir != first and _store_files(index) == before
    (corpus / "internet_provinsi_wide.csv").unlink()
    index.add([corpus], remove=[corpus / "internet_provinsi_wide.csv"])
    after = _store_files(index)
    assert len(after) == 1 and set(after) < set(before)
    assert index.figure("Internet use in DI Yogyakarta 2019") is None  # gone with its table
    assert index.figure("TPT Jawa Barat 2020").figure.value == 10.46


def test_search_answers_a_figure_question_first_with_its_cell(built: tuple[Index, Path]) -> None:
    index, _ = built
    hits = index.search("Berapa TPT Kepulauan Riau tahun 2020?", k=5)
    first = hits[0]
    assert first.chunk.kind == "card" and first.figure["figure"]["value"] == 10.34
    assert first.citation.endswith("indikator_provinsi.csv row 142, column 'nilai'")
    assert "10,34 persen" in first.chunk.text and [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert first.to_json()["figure"]["rank"] == 7
    # a filter other than region narrows to documents: no figure answer then
    assert not index.search("Berapa TPT Kepulauan Riau tahun 2020?", k=5, filters={"jenis": "UU"})
    plain = index.search("kemiskinan", k=3)
    assert all(h.figure is None for h in plain)  # no region named: search as usual


def test_a_brief_takes_its_figures_from_the_store_and_verifies_them(tmp_path: Path) -> None:
    from pipeline.draft import draft_brief
    from pipeline.testing import ScriptedChatModel

    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES / "stats", corpus / "stats")
    shutil.copytree(SAMPLES / "regulations", corpus / "regulations")
    index = Index.open(
        "brief", load_settings(index={"root": str(tmp_path), "embedder": "hash"}), create=True
    )
    index.add([corpus])
    model = ScriptedChatModel(default_reply="Kemiskinan perlu ditangani [1].")
    # no tables given to the brief: the cards of the region the topic names come from the index
    brief = draft_brief("Kemiskinan di Jawa Barat", index, model=model, run_dir=False).brief
    data = next(s for s in brief.sections if s.kind == "data")
    figures = [s for s in data.sentences if "8,06" in s.text]
    assert figures, [s.text for s in data.sentences]
    sentence = figures[0]
    source = next(r for r in brief.references if r.n == sentence.refs[0])
    assert source.kind == "card" and "row" in source.full_citation
    assert source.full_citation.endswith("indikator_provinsi.csv row 56, column 'nilai'")
    assert "number_mismatch" not in sentence.verdict.codes


def test_a_large_table_is_a_preview_as_text_and_whole_in_the_store(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLES / "stats" / "indikator_provinsi.csv", corpus)
    settings = load_settings(
        index={"root": str(tmp_path), "embedder": "hash"},
        ingest={"table_preview_mb": 0.001, "preview_rows": 5},  # the 12 KB sample is "large"
    )
    index = Index.open("besar", settings, create=True)
    report = index.add([corpus])
    assert report.skipped == []
    doc = index.documents()[0]
    assert doc["n_chunks"] > 5  # the cards: one per region × indicator
    # every figure is in the store, not only the preview's five rows
    assert index.figure("TPT Kepulauan Riau 2020").figure.cell.row == 142
    assert index.figure("IPM Jawa Barat 2021").figure.value == 72.45
    assert (
        "large table" in index._load().conn.execute("SELECT warnings FROM documents").fetchone()[0]
    )


def test_a_large_table_is_read_from_its_database_file(built: tuple[Index, Path]) -> None:
    from pipeline.stats.store import FigureStore, write_database

    index, _ = built
    version = index._load().version_dir
    files = sorted((version / "stats").glob("*.parquet"))
    in_memory = FigureStore(files)
    copies = []
    for f in files:  # the index's files are read-only: work on copies
        copy = version.parent / "copies" / f.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy2(f, copy)
        copies.append(copy)
    database = write_database(copies[0])
    assert database.exists() and not database.with_suffix(".duckdb.part").exists()
    large = FigureStore(copies, in_memory_rows=0)  # as if it held more than fits in memory
    attached = large._query("SELECT database_name FROM duckdb_databases() WHERE NOT internal")
    assert ("table0",) in attached  # the database file is read, not the Parquet file
    assert large.count() == in_memory.count()
    for region, code in [("JAWA BARAT", "tpt"), ("DI YOGYAKARTA", "internet_use")]:
        series = in_memory.series(region, code)
        assert series and large.series(region, code) == series
    row = in_memory.series("JAWA BARAT", "tpt")[-1]
    assert large.peers("tpt", row.level, row.period) == in_memory.peers(
        "tpt", row.level, row.period
    )
