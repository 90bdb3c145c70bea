"""Ayat vectors: one more vector per ayat of a Pasal chunk, kept in the index version and used
by dense search (``pipeline.store.pieces``, ``pipeline.retrieve.retrievers.dense``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.index import Index
from pipeline.settings import load_settings
from pipeline.store.folder import current_version
from pipeline.store.pieces import piece_texts, read_pieces, write_pieces
from pipeline.types import Chunk
from tests.conftest import SAMPLES


def _chunk(kind: str, text: str, citation: str, heading: str | None = None) -> Chunk:
    return Chunk(
        heading=heading,
        id=citation,
        doc_id="uu-1-2020",
        kind=kind,  # type: ignore[arg-type]
        text=text,
        citation=citation,
        source="x.md",
        doc_title="UU 1/2020",
        char_start=0,
        char_end=len(text),
    )


def test_each_ayat_of_a_pasal_chunk_is_a_piece_led_by_its_pasal() -> None:
    chunks = [
        _chunk("penjelasan", "(1) Cukup jelas. (2) Cukup jelas.", "Penjelasan Pasal 3"),
        _chunk(
            "pasal",
            "Pasal 3\n(1) Menteri menetapkan standar.\n(2) Standar sebagaimana dimaksud pada "
            "ayat (1) memuat jenis layanan.\n(3) Gubernur melaporkan setiap tahun.",
            "UU 1/2020 Pasal 3",
        ),
        _chunk("pasal", "Pasal 4\nKetentuan ini berlaku (1) kali.", "UU 1/2020 Pasal 4"),
        _chunk(
            "ayat",
            "Pasal 9\n(4) Bupati menyusun rencana.\n(5) Rencana ditetapkan dengan Perda.",
            "UU 1/2020 Pasal 9 ayat (4)–(5)",
            heading="UU 1/2020 tentang Perencanaan — BAB II Rencana",
        ),
    ]
    owners, texts = piece_texts(chunks)
    assert owners.tolist() == [1, 1, 1, 3, 3]  # not the Penjelasan, not a lone "(1)"
    assert texts[0] == "UU 1/2020 Pasal 3\n(1) Menteri menetapkan standar."
    # "ayat (1)" inside ayat (2) is a reference, not a new ayat
    assert texts[1].startswith("UU 1/2020 Pasal 3\n(2) Standar") and "jenis layanan" in texts[1]
    # a chunk holding ayat (4)–(5) of a long Pasal: its pieces start at (4), led like the chunk
    # by its heading, then cited to the Pasal
    lead = "UU 1/2020 tentang Perencanaan — BAB II Rencana\nUU 1/2020 Pasal 9\n"
    assert texts[3] == lead + "(4) Bupati menyusun rencana."
    assert (
        piece_texts(chunks, with_heading=False)[1][3]
        == "UU 1/2020 Pasal 9\n(4) Bupati menyusun rencana."
    )


LONG_PASAL = """UNDANG-UNDANG REPUBLIK INDONESIA
NOMOR 7 TAHUN 2020
TENTANG
TATA KELOLA DOKUMEN

MEMUTUSKAN:
Menetapkan : UNDANG-UNDANG TENTANG TATA KELOLA DOKUMEN.

BAB I
NASKAH DINAS

Pasal 1
(1) Setiap perangkat wajib menyusun daftar naskah aktif setiap tahun.
(2) Daftar naskah aktif disampaikan kepada unit kearsipan paling lambat bulan Maret.
(3) Unit kearsipan menyimpan salinan daftar pada gedung kantor.
(4) Kepala kantor menetapkan jadwal retensi dengan keputusan.
(5) Arsip vital disalin ke media digital dan disimpan di pusat data cadangan.
(6) Petugas kearsipan mengikuti pelatihan teknis paling sedikit sekali setahun.
(7) Ketentuan lebih lanjut mengenai tata cara pelatihan diatur dengan peraturan menteri.

Pasal 2
Pemusnahan arsip vital di pusat data dilakukan panitia.

Pasal 3
Naskah dinas yang rusak karena banjir diperbaiki oleh panitia sebelum dipindahkan.
"""

QUESTION = "pemusnahan arsip vital disalin ke media digital disimpan di pusat data cadangan"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "uu-7-2020-arsip.md").write_text(LONG_PASAL, encoding="utf-8")
    return folder


def _dense_rank(tmp_path: Path, corpus: Path, name: str, **options) -> int:
    retrieve = {"ayat_weight": options.pop("ayat_weight", 0.5)}
    settings = load_settings(
        index={"root": str(tmp_path), "embedder": "hash", **options}, retrieve=retrieve
    )
    index = Index.open(name, settings, create=True)
    if current_version(index.path) is None:
        index.add([corpus])
    hits = index.search(QUESTION, k=3, mode="dense")
    return next(h.rank for h in hits if h.chunk.pasal == "1")


def test_a_question_about_one_ayat_lifts_its_long_pasal(tmp_path: Path, corpus: Path) -> None:
    # the seven-ayat Pasal 1 averages away the one ayat asked about: Pasal 2 (sharing a word and
    # short) comes first on the chunk vectors alone; with its ayat vectors, Pasal 1 does
    assert _dense_rank(tmp_path, corpus, "plain", ayat_vectors=False) > 1
    assert _dense_rank(tmp_path, corpus, "ayat") == 1
    # the same with an approximate index type for the chunk vectors
    assert _dense_rank(tmp_path, corpus, "hnsw", faiss="hnsw") == 1
    # weight 1 ignores the ayat vectors of a built index
    assert _dense_rank(tmp_path, corpus, "ayat", ayat_weight=1.0) > 1


def test_ayat_vectors_live_in_the_version_and_are_reused_on_add(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES / "regulations", corpus)
    settings = load_settings(index={"root": str(tmp_path), "embedder": "hash"})
    index = Index.open("uji", settings, create=True)
    first = index.add([corpus])
    version = current_version(index.path)
    assert version is not None
    owners = np.load(version / "ayat_owner.npy")
    codes = np.load(version / "ayat_codes.npy")
    manifest = json.loads((version / "manifest.json").read_text())
    assert first.pieces_total == len(owners) == len(codes) == manifest["counts"]["ayat_pieces"]
    assert len(owners) > 10 and codes.dtype == np.uint8 and manifest["pieces"]["kind"] == "ayat"
    assert (np.diff(owners) >= 0).all()  # in chunk order: a chunk's ayat are one slice
    kinds = {index.chunk(c).kind for c in _chunk_ids(index, owners)}
    assert kinds <= {"pasal", "ayat"}
    # a rerun embeds no ayat again; a new file adds only its own
    again = index.add([corpus])
    assert again.pieces_embedded == 0 and again.pieces_total == first.pieces_total
    (corpus / "uu-7-2020-arsip.md").write_text(LONG_PASAL, encoding="utf-8")
    grown = index.add([corpus])
    assert grown.pieces_embedded == 7 and grown.pieces_total == first.pieces_total + 7
    # a filter that leaves the document out leaves its ayat out too
    asn = next(d["doc_id"] for d in index.documents() if "asn" in d["source"])
    hits = index.search(QUESTION, k=5, mode="dense", filters={"doc_id": [asn]})
    assert len(hits) == 5 and all(h.chunk.doc_id == asn for h in hits)


def test_without_ayat_vectors_the_version_has_none(tmp_path: Path, corpus: Path) -> None:
    settings = load_settings(
        index={"root": str(tmp_path), "embedder": "hash", "ayat_vectors": False}
    )
    index = Index.open("uji", settings, create=True)
    report = index.add([corpus])
    version = current_version(index.path)
    assert version is not None and report.pieces_total == 0
    assert not (version / "ayat_codes.npy").exists() and "pieces" not in index.manifest


def _chunk_ids(index: Index, owners: np.ndarray) -> list[str]:
    state = index._load()
    return [c.id for c in state.chunks_at(sorted({int(o) for o in owners}))]


def test_ayat_vectors_decode_as_faiss_does_and_keep_their_neighbours(tmp_path: Path) -> None:
    import faiss

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(500, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    owners = np.repeat(np.arange(250, dtype=np.int32), 2)
    write_pieces(tmp_path, owners, vectors)
    ayat = read_pieces(tmp_path, chunks=260)
    assert ayat is not None and len(ayat) == 500
    assert ayat.start[3] == 6 and ayat.start[250] == ayat.start[260] == 500  # no ayat past 250
    quantiser = faiss.ScalarQuantizer(32, faiss.ScalarQuantizer.QT_8bit)
    quantiser.train(vectors)
    rows = np.array([0, 7, 499])
    assert np.allclose(ayat.rows(rows), quantiser.decode(quantiser.compute_codes(vectors[rows])))
    # 8 bits: each query's best ayat is still its best
    queries = vectors[:50] + rng.normal(scale=0.05, size=(50, 32)).astype(np.float32)
    decoded = ayat.rows(np.arange(500))
    assert ((decoded @ queries.T).argmax(0) == (vectors @ queries.T).argmax(0)).all()
