"""Embedder helpers that need no model."""

from __future__ import annotations


def test_memo_embedder_embeds_each_text_once() -> None:
    import numpy as np

    from pipeline.embed import MemoEmbedder
    from pipeline.testing import HashEmbedder

    seen: list[str] = []

    class Counting(HashEmbedder):
        def embed_documents(self, texts):
            seen.extend(texts)
            return super().embed_documents(texts)

    inner = Counting()
    memo = MemoEmbedder(inner)
    first = memo.embed_documents(["satu", "dua", "satu"])
    again = memo.embed_documents(["dua", "tiga"])
    assert seen == ["satu", "dua", "tiga"]
    assert np.allclose(first[0], first[2]) and np.allclose(first[1], again[0])
    assert np.allclose(again[1], inner.embed_documents(["tiga"])[0])
    assert memo.embed_documents([]).shape == (0, inner.dim)
    assert memo.model_id == inner.model_id
