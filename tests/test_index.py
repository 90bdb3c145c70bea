"""The index folder: build, incremental updates, manifest checks, locking, crash safety."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.chunk import CHUNKER_VERSION
from pipeline.errors import IndexLockedError, IndexMismatchError, IndexNotFoundError
from pipeline.index import Index
from pipeline.legal.status import compute_status
from pipeline.settings import load_settings
from pipeline.store.folder import current_version, writer_lock
from tests.conftest import SAMPLES


def settings_for(tmp_path: Path, **index):
    return load_settings(index={"root": str(tmp_path), "embedder": "hash", **index})


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLES / "regulations", folder)
    (folder / "README.md").unlink()
    return folder


@pytest.fixture
def built(tmp_path: Path, corpus: Path) -> Index:
    index = Index.open("uji", settings_for(tmp_path), create=True)
    index.add([corpus])
    return index


def test_build_writes_a_checked_folder(built: Index) -> None:
    version = current_version(built.path)
    assert version is not None and version.name == "v000001"
    names = {p.name for p in version.iterdir()}
    assert {"manifest.json", "vectors.faiss", "store.sqlite", "bm25"} <= names
    assert not list(built.path.rglob("*.pkl")) and not list(built.path.rglob("*.pickle"))
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["embedder"] == "hash:256" and manifest["dimension"] == 256
    assert manifest["metric"] == "inner_product" and manifest["normalized"] is True
    assert manifest["counts"]["documents"] == 5 and manifest["counts"]["regulations"] == 4
    assert manifest["counts"]["chunks"] > 20 and manifest["chunker"]["version"] == CHUNKER_VERSION


def test_rerun_reads_and_embeds_nothing_new(built: Index, corpus: Path) -> None:
    report = built.add([corpus])
    assert report.documents_unchanged == 5 and report.documents_added == 0
    assert report.chunks_embedded == 0 and report.chunks_from_cache == report.chunks_total


def test_changed_file_is_reindexed_and_removed_file_dropped(built: Index, corpus: Path) -> None:
    before = {d["title"] for d in built.documents()}
    target = corpus / "uu-8-1974-pokok-kepegawaian-ringkas.md"
    target.write_text(
        target.read_text().replace("gaji yang layak", "gaji dan tunjangan yang layak")
    )
    report = built.add([corpus])
    assert (report.documents_updated, report.documents_unchanged) == (1, 4)
    assert (
        0 < report.chunks_embedded < 5
    )  # only the changed Pasal (and its neighbours' context) re-embedded
    assert any(
        "tunjangan" in h.chunk.text for h in built.search("gaji dan tunjangan yang layak", k=3)
    )
    report = built.remove([target])
    assert report.documents_removed == 1
    assert {d["title"] for d in built.documents()} == before - {
        "Undang-Undang Nomor 8 Tahun 1974 tentang Pokok-Pokok Kepegawaian"
    }


def test_in_force_status_and_demotion(built: Index) -> None:
    docs = {(d["jenis"], d["nomor"]): d for d in built.documents() if d["jenis"]}
    assert docs[("UU", "8")]["status"] == "revoked"
    assert docs[("UU", "8")]["status_note"] == "dicabut oleh UU 5/2014 Pasal 5"
    assert docs[("UU", "5")]["status"] == "in_force"
    hits = built.search("kewajiban pegawai negeri setia dan taat", k=10)
    old = next(h for h in hits if h.chunk.tahun == 1974)
    assert old.status == "revoked" and "UU 5/2014" in old.status_note  # labelled, not hidden


def test_revoked_is_ranked_below_the_same_text_in_force(tmp_path: Path, corpus: Path) -> None:
    # the same Pasal wording in the revoked law and in a law in force: the one in force wins
    text = (corpus / "uu-8-1974-pokok-kepegawaian-ringkas.md").read_text()
    newer = text.replace("NOMOR 8 TAHUN 1974", "NOMOR 99 TAHUN 2030")
    (corpus / "uu-99-2030.md").write_text(newer)
    index = Index.open("status", settings_for(tmp_path), create=True)
    index.add([corpus])
    hits = index.search("Pegawai Negeri berhak memperoleh gaji yang layak", k=10)
    ranked = [(h.chunk.tahun, h.status) for h in hits if h.chunk.pasal == "3"]
    assert ranked[0] == (2030, "in_force") and (1974, "revoked") in ranked

    # asked about the past, the revoked text is not demoted; asked about now, demoted harder
    def gap(query: str) -> float:
        scores = {h.chunk.tahun: h.score for h in index.search(query, k=60) if h.chunk.pasal == "3"}
        return scores[2030] - scores[1974]

    question = "apakah Pegawai Negeri berhak memperoleh gaji yang layak"
    assert gap(f"Dulu, {question}") < gap(question) < gap(f"Sekarang, {question}")


def test_filters(built: Index) -> None:
    assert {
        h.chunk.jenis for h in built.search("disiplin pegawai", k=10, filters={"jenis": ["PP"]})
    } == {"PP"}
    hits = built.search("pegawai", k=20, filters={"tahun": (2010, 2020)})
    assert hits and all(2010 <= h.chunk.tahun <= 2020 for h in hits)
    hits = built.search("pegawai", k=20, filters={"status": ["revoked"]})
    assert hits and {h.status for h in hits} == {"revoked"}
    assert built.search("pegawai", filters={"jenis": ["Perda"]}) == []
    note = built.search("standar pelayanan", k=5, filters={"kind": ["section"]})
    assert note and all(h.chunk.kind == "section" for h in note)


def test_search_modes_and_hit_fields(built: Index) -> None:
    hits = built.search("KASN beranggotakan 7 (tujuh) orang ketua wakil ketua", k=3)
    top = hits[0]
    assert top.citation == "UU 5/2014 Pasal 3" and top.rank == 1
    assert top.dense_rank is not None and top.bm25_rank is not None
    record = top.to_json()
    for key in ("chunk_id", "score", "text", "source", "doc_title", "citation", "status", "page"):
        assert key in record
    assert built.search("Komisi Aparatur Sipil Negara", k=3, mode="bm25")[0].dense_rank is None
    assert built.search("Komisi Aparatur Sipil Negara", k=3, mode="dense")[0].bm25_rank is None


@pytest.mark.parametrize(
    ("query", "confident"),
    [
        ("KASN beranggotakan 7 (tujuh) orang", True),  # a rare word and a number
        ("pegawai negeri sipil disiplin hukuman kerja", False),  # words every Pasal has
    ],
)
def test_bm25_weighs_more_when_one_passage_stands_out(
    built: Index, query: str, confident: bool
) -> None:
    from pipeline.retrieve.retrievers import bm25

    s = built.settings.retrieve
    sparse = bm25(built._load(), query, s.candidates, None)
    assert (sparse[0][1] >= s.bm25_confident_ratio * sparse[1][1]) is confident
    weight = s.bm25_confident_weight if confident else s.bm25_weight
    checked = 0
    for hit in built.search(query, k=10):
        if hit.via or hit.status != "in_force" or hit.chunk.amends:
            continue  # folded, demoted or lifted: not a plain fusion score
        expected = s.dense_weight / (s.rrf_k + hit.dense_rank) if hit.dense_rank else 0.0
        if hit.bm25_rank:
            expected += weight / (s.rrf_k + hit.bm25_rank)
        assert hit.score == pytest.approx(expected)
        checked += hit.bm25_rank is not None
    assert checked >= 3


def test_manifest_mismatch_is_refused(built: Index, tmp_path: Path) -> None:
    with pytest.raises(IndexMismatchError, match="embedder"):
        Index.open("uji", settings_for(tmp_path, embedder="hash:128"))
    with pytest.raises(IndexMismatchError, match="analyzer"):
        Index.open("uji", settings_for(tmp_path, bm25_stem=False))
    adopted = Index.open(built.path)  # no settings: the index's own embedder is used
    assert adopted.search("KASN", k=1)[0].chunk.jenis == "UU"


def test_an_older_chunker_asks_for_a_rebuild_that_reuses_the_vectors(
    built: Index, corpus: Path
) -> None:
    version = current_version(built.path)
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["chunker"]["version"] = "1"
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="chunker version 1.*version " + CHUNKER_VERSION):
        built.add([corpus])
    report = built.add([corpus], rebuild=True)
    assert report.chunks_total > 20 and report.chunks_embedded == 0  # all from the cache
    assert built.manifest["chunker"]["version"] == CHUNKER_VERSION


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        Index.open("tidak-ada", settings_for(tmp_path))


def test_second_writer_is_refused(built: Index, corpus: Path) -> None:
    with writer_lock(built.path), pytest.raises(IndexLockedError):
        built.add([corpus])
    # readers are not blocked by a writer
    with writer_lock(built.path):
        assert built.search("KASN", k=1)


def test_crash_mid_write_keeps_the_old_version(
    built: Index, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    before = current_version(built.path)
    (corpus / "baru.md").write_text("# Catatan baru\n\nIsi catatan baru tentang pelayanan publik.")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", boom)
    with pytest.raises(OSError, match="disk full"):
        built.add([corpus])
    monkeypatch.undo()
    assert current_version(built.path) == before
    assert not list(built.path.glob(".tmp-*"))
    reopened = Index.open(built.path)
    assert reopened.info()["counts"]["documents"] == 5
    assert reopened.add([corpus]).documents_added == 1  # re-running finishes the job


def test_old_versions_are_collected(built: Index, corpus: Path) -> None:
    for i in range(3):
        (corpus / f"n{i}.md").write_text(f"# Nota {i}\n\nTeks nota nomor {i}.")
        built.add([corpus])
    assert len(list(built.path.glob("v0*"))) == 2


def test_compute_status_orders_revocation_over_amendment() -> None:
    docs = [
        {"doc_id": "a", "jenis": "UU", "nomor": "8", "tahun": 1974},
        {"doc_id": "b", "jenis": "UU", "nomor": "43", "tahun": 1999},
        {"doc_id": "c", "jenis": "UU", "nomor": "5", "tahun": 2014},
        {"doc_id": "n", "jenis": None, "nomor": None, "tahun": None},
    ]
    rel = lambda src, kind, nomor, tahun, partial=0: {  # noqa: E731
        "source_doc": src,
        "type": kind,
        "target_jenis": "UU",
        "target_nomor": nomor,
        "target_tahun": tahun,
        "partial": partial,
        "pasal": "136",
    }
    status = compute_status(docs, [rel("b", "amends", "8", 1974), rel("c", "revokes", "8", 1974)])
    assert status["a"][0] == "revoked" and "dicabut oleh UU 5/2014 Pasal 136" in status["a"][1]
    assert "diubah oleh UU 43/1999" in status["a"][1]
    assert status["b"] == ("in_force", None) and status["n"] == ("n/a", None)


def test_jsonl_record_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {
            "_id": "p1",
            "title": "",
            "text": "Kota Bau-Bau memiliki dua perusahaan budidaya mutiara.",
        },
        {
            "_id": "p2",
            "title": "Statistik",
            "text": "Badan Pusat Statistik menyelenggarakan statistik dasar.",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    index = Index.open("rec", settings_for(tmp_path), create=True)
    assert index.add([corpus]).documents_added == 2
    top = index.search("perusahaan budidaya mutiara", k=1)[0]
    assert top.chunk.doc_id == "p1" and top.chunk.source.endswith("corpus.jsonl#p1")
    rows[1]["text"] = "Statistik sektoral diselenggarakan oleh instansi pemerintah."
    corpus.write_text(json.dumps(rows[1]) + "\n")  # p1 deleted, p2 changed
    report = index.add([corpus])
    assert (report.documents_updated, report.documents_removed) == (1, 1)
    assert [d["doc_id"] for d in index.documents()] == ["p2"]


def test_killed_embedding_resumes_from_the_cache(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.testing import HashEmbedder

    index = Index.open("resume", settings_for(tmp_path, embed_batch=4), create=True)
    calls = {"n": 0}
    original = HashEmbedder.embed_documents

    def dies_on_third_batch(self, texts):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return original(self, texts)

    monkeypatch.setattr(HashEmbedder, "embed_documents", dies_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        index.add([corpus])
    assert current_version(index.path) is None  # nothing half-written became visible
    monkeypatch.undo()
    report = index.add([corpus])
    assert report.chunks_from_cache == 8  # the two batches embedded before the kill
    assert report.chunks_embedded == report.chunks_total - 8


def test_penjelasan_lifts_its_pasal(built: Index) -> None:
    # these words are only in the Penjelasan of PP 94/2021 Pasal 2 ("kerja secara fleksibel")
    hits = built.search("jam kerja yang ditetapkan instansi termasuk kerja secara fleksibel", k=3)
    assert hits[0].citation == "PP 94/2021 Pasal 2" and hits[0].via is not None
    assert built.chunk(hits[0].via).kind == "penjelasan"
    raw = built.search(
        "jam kerja yang ditetapkan instansi termasuk kerja secara fleksibel", k=3, mode="bm25"
    )
    assert any(h.chunk.kind == "pasal" for h in raw)


def test_amended_pasal_is_labelled_and_demoted(tmp_path: Path, corpus: Path) -> None:
    body = {
        1: "Informasi Elektronik adalah data elektronik.",
        26: "Penggunaan data pribadi melalui media elektronik harus dilakukan atas persetujuan Orang yang bersangkutan.",
        45: "(1) Setiap Orang yang mendistribusikan muatan penghinaan dipidana dengan pidana penjara paling lama 6 (enam) tahun.",
    }
    pasal = "\n\n".join(
        f"Pasal {n}\n{body.get(n, f'Ketentuan nomor {n} tentang hal lain.')}" for n in range(1, 47)
    )
    (corpus / "uu-11-2008.md").write_text(
        "UNDANG-UNDANG REPUBLIK INDONESIA\nNOMOR 11 TAHUN 2008\nTENTANG\nINFORMASI DAN TRANSAKSI ELEKTRONIK\n\n"
        f"MEMUTUSKAN:\n\nBAB I\nKETENTUAN UMUM\n\n{pasal}\n"
    )
    index = Index.open("ite", settings_for(tmp_path), create=True)
    index.add([corpus])
    docs = {(d["jenis"], d["nomor"]): d for d in index.documents() if d["jenis"]}
    assert docs[("UU", "11")]["status"] == "amended"
    hits = index.search(
        "pidana penjara penghinaan muatan distribusi", k=10, filters={"jenis": ["UU"]}
    )
    old = next(h for h in hits if h.chunk.tahun == 2008 and h.chunk.pasal == "45")
    new = next(h for h in hits if h.chunk.tahun == 2016 and "Pasal 45" in h.citation)
    assert old.status == "amended" and old.status_note == "Pasal 45 diubah oleh UU 19/2016 Pasal I"
    assert new.rank < old.rank
    untouched = index.search("Informasi Elektronik adalah data elektronik", k=3)[0]
    assert (
        untouched.chunk.pasal == "1" and untouched.status_note == "diubah oleh UU 19/2016 Pasal I"
    )


def test_matching_amended_pasal_lifts_the_change_that_rewrote_it(
    tmp_path: Path, corpus: Path
) -> None:
    # the old Pasal 45 alone holds the query's words; the change of UU 19/2016 that rewrote it
    # shares none of them, so only the amendment link can bring it up
    pasal = "\n\n".join(
        f"Pasal {n}\n"
        + (
            "Kurungan karantina zamrud bagi penyebar kabar bohong."
            if n == 45
            else f"Ketentuan nomor {n} tentang hal lain."
        )
        for n in range(1, 47)
    )
    (corpus / "uu-11-2008.md").write_text(
        "UNDANG-UNDANG REPUBLIK INDONESIA\nNOMOR 11 TAHUN 2008\nTENTANG\nINFORMASI DAN TRANSAKSI ELEKTRONIK\n\n"
        f"MEMUTUSKAN:\n\nBAB I\nKETENTUAN UMUM\n\n{pasal}\n"
    )
    # a second amendment rewrites Pasal 45 again: its wording is the one in force now
    (corpus / "uu-1-2024.md").write_text(
        "UNDANG-UNDANG REPUBLIK INDONESIA\nNOMOR 1 TAHUN 2024\nTENTANG\nPERUBAHAN KEDUA ATAS "
        "UNDANG-UNDANG NOMOR 11 TAHUN 2008 TENTANG INFORMASI DAN TRANSAKSI ELEKTRONIK\n\n"
        "MEMUTUSKAN:\n\nPasal I\nBeberapa ketentuan dalam Undang-Undang Nomor 11 Tahun 2008 "
        "tentang Informasi dan Transaksi Elektronik diubah sebagai berikut:\n"
        "1. Ketentuan Pasal 45 diubah sehingga berbunyi sebagai berikut:\nPasal 45\n"
        "(3) Setiap Orang yang menyerang kehormatan orang lain dipidana penjara paling lama "
        "2 (dua) tahun.\n\nPasal II\nUndang-Undang ini mulai berlaku pada tanggal diundangkan.\n"
    )
    settings = settings_for(tmp_path)
    index = Index.open("ite", settings, create=True)
    index.add([corpus])
    query = "kurungan karantina zamrud kabar bohong"

    hits = index.search(query, k=5, mode="bm25")
    old = next(h for h in hits if h.chunk.tahun == 2008 and h.chunk.pasal == "45")
    newest, older = hits[old.rank - 3], hits[old.rank - 2]
    assert [newest.chunk.tahun, older.chunk.tahun] == [2024, 2016]
    for above in (newest, older):
        assert above.chunk.amends == "UU 11/2008 Pasal 45"
        assert above.to_json()["amends"] == "UU 11/2008 Pasal 45"
        assert above.bm25_rank is None  # it did not match by itself: the link brought it

    # off by setting, or filtered out, the change stays where its own text puts it
    plain = Index.open(
        "ite",
        settings.model_copy(
            update={"retrieve": settings.retrieve.model_copy(update={"lift_amendments": False})}
        ),
    )
    assert not any(h.chunk.amends for h in plain.search(query, k=5, mode="bm25"))
    only_2008 = index.search(query, k=5, mode="bm25", filters={"tahun": 2008})
    assert all(h.chunk.tahun == 2008 for h in only_2008)


def test_mmr_diversifies(tmp_path: Path, corpus: Path) -> None:
    for i in range(4):  # near-duplicates of one Pasal
        (corpus / f"salinan-{i}.md").write_text(
            f"# Salinan {i}\n\nKASN beranggotakan 7 (tujuh) orang anggota komisi salinan {i}."
        )
    plain = Index.open("mmr", settings_for(tmp_path), create=True)
    plain.add([corpus])
    query = "KASN beranggotakan 7 (tujuh) orang"
    top_plain = [h.chunk.doc_title for h in plain.search(query, k=4)]
    diverse = Index.open(
        "mmr",
        load_settings(
            index={"root": str(tmp_path), "embedder": "hash"},
            retrieve={"mmr": True, "mmr_lambda": 0.3},
        ),
    )
    top_mmr = [h.chunk.doc_title for h in diverse.search(query, k=4)]
    assert sum(t.startswith("Salinan") for t in top_mmr) < sum(
        t.startswith("Salinan") for t in top_plain
    )


def test_region_filter_on_statistics_cards(tmp_path: Path) -> None:
    index = Index.open("stat", settings_for(tmp_path), create=True)
    index.add([SAMPLES / "stats" / "indikator_provinsi.csv"])
    hits = index.search("persentase penduduk miskin", k=5, filters={"region": ["JAWA BARAT"]})
    assert hits and all(h.chunk.region == "JAWA BARAT" and h.chunk.kind == "card" for h in hits)
    assert "JAWA BARAT" in hits[0].chunk.text and "row" in hits[0].citation


# FAISS builds run in a fresh interpreter: once, in CI, IVF training spun forever in the long-lived
# pytest process (100 % system time, no OpenMP threads) after the other suites had run, and
# could not be reproduced alone. A subprocess with a time limit fails cleanly instead of hanging.
_FAISS_CHECK = """
import json, sys
import numpy as np
from pipeline.store.faiss_index import build_faiss, ivf_lists
from pipeline.settings import load_settings
kind, overrides = sys.argv[1], json.loads(sys.argv[2])
rng = np.random.default_rng(1)
n, dim = int(overrides.pop("n", 20000)), int(overrides.pop("dim", 64))
centers = rng.normal(size=(50, dim)).astype(np.float32)
vectors = centers[rng.integers(0, 50, n)] + rng.normal(0, 0.3, (n, dim))
vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
queries = vectors[:50] + rng.normal(0, 0.05, (50, dim)).astype(np.float32)
exact, _ = build_faiss(vectors, load_settings(index={"faiss": "flat"}))
index, params = build_faiss(vectors, load_settings(index={"faiss": kind, **overrides}))
_, truth = exact.search(queries, 10)
_, found = index.search(queries, 10)
recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)]))
print(json.dumps({"params": params, "ntotal": index.ntotal, "recall": recall,
                  "lists": ivf_lists(n)}))
"""


def faiss_check(kind: str, **overrides: object) -> dict:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _FAISS_CHECK, kind, json.dumps(overrides)],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["flat", "hnsw", "hnsw_sq", "ivf_sq", "ivfpq"])
def test_faiss_types_find_the_exact_neighbours(kind: str) -> None:
    result = faiss_check(kind, pq_m=16, ivf_nprobe=16)
    params = result["params"]
    assert params["type"] == kind and result["ntotal"] == 20_000
    assert result["recall"] >= {"flat": 1.0, "ivfpq": 0.3}.get(kind, 0.9), result
    if kind.startswith("ivf"):
        assert params["nlist"] == result["lists"] == 512


def test_auto_picks_exact_then_ivf_sq_by_corpus_size() -> None:
    small = faiss_check("auto", n=8_000, dim=32, auto_threshold=10_000)
    large = faiss_check("auto", n=8_000, dim=32, auto_threshold=5_000, ivf_nlist=64)
    assert small["params"]["type"] == "flat"
    assert large["params"] == {"type": "ivf_sq", "nlist": 64, "nprobe": 64, "trained_on": 8_000}


def test_incremental_add_reuses_the_trained_ivf(tmp_path: Path, corpus: Path) -> None:
    import os
    import subprocess
    import sys

    for n in range(60):  # IVF needs ≥ 39 vectors per list to train
        (corpus / f"catatan-{n}.md").write_text(
            f"# Catatan rapat {n}\n\nRapat ke-{n} membahas anggaran daerah dan layanan nomor {n}.\n"
        )
    extra = corpus / "uu-19-2016-perubahan-ite-ringkas.md"
    moved = tmp_path / extra.name
    extra.rename(moved)
    env = {
        **os.environ,
        "PILAR_INDEX__EMBEDDER": "hash",
        "PILAR_INDEX__FAISS": "ivf_sq",
        "PILAR_INDEX__IVF_NLIST": "2",
        "PILAR_INDEX__IVF_NPROBE": "2",
    }
    where = tmp_path / "ivf"

    def build() -> None:  # in a fresh interpreter, like the FAISS checks above
        subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "index", str(corpus), "--index", str(where)],
            env=env, check=True, capture_output=True, timeout=240,
        )  # fmt: skip

    build()
    assert Index.open(where).manifest["faiss"]["trained_on"] > 0  # trained on the first build
    moved.rename(extra)
    build()  # one more document: encode, do not train again
    index = Index.open(where)
    assert index.manifest["faiss"]["trained_on"] == "previous version"
    assert index.manifest["counts"]["documents"] == 65
    hits = index.search("pencemaran nama baik ancaman pidana", k=3)
    assert hits and hits[0].chunk.source.endswith(extra.name)


def test_column_codes_filter_and_update_like_an_array() -> None:
    from pipeline.store.loaded import Column

    col = Column(["UU", "PP", "UU", None, "Perda"])
    assert len(col) == 5 and col.codes.dtype == np.int32
    assert col[0] == "UU" and col[3] is None
    assert col.isin(["UU", "Perda", "tidak ada"]).tolist() == [True, False, True, False, True]
    assert (col == "PP").tolist() == [False, True, False, False, False]
    col[1] = "amended"  # a new value gets a new code; the others keep theirs
    assert col[1] == "amended" and col.isin(["PP"]).sum() == 0
    built = Column(())
    for v in ("a", "b", "a"):
        built.append(v)
    assert built.freeze().isin(["a"]).tolist() == [True, False, True]


def test_a_bare_index_name_lives_under_the_settings_home(tmp_path: Path) -> None:
    from pipeline.store.folder import resolve_path

    settings = load_settings(home=tmp_path)
    assert resolve_path("sampel", settings) == tmp_path / "indexes" / "sampel"
    assert resolve_path("./sampel", settings) == Path("./sampel")  # a path stays a path
    elsewhere = load_settings(home=tmp_path, index={"root": tmp_path / "lain"})
    assert resolve_path("sampel", elsewhere) == tmp_path / "lain" / "sampel"
