"""The Ray engine gives the same index as the local one, reports bad files the same way, and
survives a worker that dies (a local Ray on this machine)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.index import Index
from pipeline.settings import load_settings
from pipeline.store.folder import current_version
from tests.conftest import SAMPLES

ray = pytest.importorskip("ray")

QUERIES = [
    "hukuman disiplin berat bagi PNS yang bolos",
    "How many members does the civil service commission have?",
    "proporsi penduduk yang menggunakan internet di Aceh",
    "pencemaran nama baik ancaman pidana",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES / "regulations", folder / "regulations")
    shutil.copytree(SAMPLES / "stats", folder / "stats")
    (folder / "rusak.pdf").write_bytes(b"%PDF-1.4 this is not a PDF")
    (folder / "kosong.txt").write_text("")
    return folder


def failing_once(marker: str):
    """A read task that dies (the whole worker process) the first time any worker runs it,
    then reads as usual: Ray must retry it."""
    from pipeline.store.ray import read_batch

    def read(batch, settings_json):
        import os

        if not os.path.exists(marker):
            with open(marker, "w") as handle:
                handle.write("failed once\n")
            os._exit(17)
        return read_batch(batch, settings_json)

    return read


@pytest.fixture(scope="module")
def ray_session(tmp_path_factory: pytest.TempPathFactory):
    import pipeline.store.ray

    marker = tmp_path_factory.mktemp("fault") / "failed-once"
    with pytest.MonkeyPatch.context() as patch:  # the driver hands this task to Ray
        patch.setattr(pipeline.store.ray, "read_batch", failing_once(str(marker)))
        yield marker
    ray.shutdown()


def test_ray_and_local_engines_build_the_same_index(
    corpus: Path, tmp_path: Path, ray_session: Path
) -> None:
    paths = [corpus / "regulations", corpus / "stats", corpus / "rusak.pdf", corpus / "kosong.txt"]
    local = Index.open(tmp_path / "local", load_settings(index={"embedder": "hash"}), create=True)
    local_report = local.add(paths)
    remote = Index.open(
        tmp_path / "ray",
        load_settings(index={"embedder": "hash", "engine": "ray", "ray_read_batch": 2}),
        create=True,
    )
    ray_report = remote.add(paths)

    # a worker died once (the fault hook) and Ray retried it: nothing was lost
    assert ray_session.exists()
    # the embedding actors wrote their batches as vector shards, merged and then removed
    assert ray_report.ray_shards >= ray_report.chunks_embedded // 32 > 0
    assert not list((tmp_path / "ray").glob(".tmp-shards-*"))
    assert ray_report.documents_added == local_report.documents_added
    assert ray_report.chunks_total == local_report.chunks_total > 100

    def chunks(index: Index) -> list[tuple[str, str, str]]:
        state = index._load()
        rows = state.conn.execute("SELECT json FROM chunks ORDER BY pos").fetchall()
        from pipeline.types import Chunk

        return [
            (c.id, c.citation, c.text) for c in (Chunk.model_validate_json(r["json"]) for r in rows)
        ]

    assert chunks(remote) == chunks(local)
    # the ayat vectors (pipeline.store.pieces) are embedded by the actors too
    assert ray_report.pieces_total == local_report.pieces_total > 10
    assert ray_report.pieces_embedded == local_report.pieces_embedded > 0
    pieces = [np.load(current_version(i.path) / "ayat_owner.npy") for i in (remote, local)]
    assert pieces[0].tolist() == pieces[1].tolist()
    skipped = sorted((Path(s.source).name, s.reason) for s in ray_report.skipped)
    assert skipped == sorted((Path(s.source).name, s.reason) for s in local_report.skipped)
    assert {name for name, _ in skipped} == {"rusak.pdf", "kosong.txt"}
    for query in QUERIES:
        assert [h.chunk.id for h in remote.search(query, k=10)] == [
            h.chunk.id for h in local.search(query, k=10)
        ]
    # the index Ray wrote opens as usual and re-running changes nothing
    again = remote.add(paths)
    assert again.documents_unchanged == local_report.documents_added
    assert again.chunks_embedded == 0 and again.pieces_embedded == 0
    assert Index.open(tmp_path / "ray").info()["counts"]["chunks"] == ray_report.chunks_total


def test_vector_shards_or_object_store_give_the_same_vectors(
    tmp_path: Path, ray_session: Path
) -> None:
    """On a cluster with shared storage the actors write shards to PILAR_INDEX__RAY_SHARD_DIR;
    without it the vectors come back through Ray's object store. Both give what the embedder
    gives, in order, and a shard is deleted once read."""
    import numpy as np

    from pipeline.embed import get_embedder
    from pipeline.store.ray import RayEngine

    settings = load_settings(index={"embedder": "hash", "engine": "ray", "embed_batch": 4})
    engine = RayEngine(settings)
    texts = [f"Pasal {i} pegawai wajib hadir tepat waktu nomor {i}" for i in range(10)]
    expected = np.asarray(get_embedder("hash").embed_documents(texts), dtype=np.float32)
    for shard_dir in (tmp_path / "bersama", None):
        got = np.zeros_like(expected)
        for positions, vectors in engine.embed(texts, shard_dir):
            got[positions] = vectors
        assert np.allclose(got, expected)
        if shard_dir is not None:
            assert engine.shards_read == 3 and not list(shard_dir.iterdir())
        else:
            assert engine.shards_read == 0
