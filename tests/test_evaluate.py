"""Retrieval metrics and id matching."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pipeline.evaluate import (
    collapse,
    evaluate,
    hit_keys,
    load_beir_queries,
    load_qrels,
    score_ranking,
)
from pipeline.types import Chunk


def test_metrics_by_hand() -> None:
    ranking = [{"x"}, {"a"}, {"y"}, {"b"}]
    m = score_ranking(ranking, {"a": 1, "b": 1}, k=10)
    ideal = 1 + 1 / math.log2(3)
    assert m["ndcg"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert m["recall"] == 1.0 and m["mrr"] == 0.5
    assert score_ranking(ranking, {"a": 1, "b": 1}, k=2)["recall"] == 0.5
    assert score_ranking([{"a"}, {"a"}], {"a": 1}, k=10)["ndcg"] == 1.0  # a judged id counts once


def test_hit_keys_and_collapse() -> None:
    chunk = Chunk(
        id="d1-abc",
        doc_id="d1",
        kind="ayat",
        text="t",
        citation="UU 5/2014 Pasal 3 ayat (1)",
        source="/x/uu-5-2014.md",
        doc_title="UU 5/2014",
        char_start=0,
        char_end=1,
        pasal="3",
    )
    keys = hit_keys(chunk)
    assert {"d1-abc", "d1", "uu-5-2014.md", "uu-5-2014", "uu-5-2014#pasal-3"} <= keys
    other = chunk.model_copy(update={"id": "d1-def", "ayat": "2"})
    assert len(collapse([hit_keys(chunk), hit_keys(other)], {"uu-5-2014#pasal-3"})) == 1
    assert len(collapse([hit_keys(chunk), hit_keys(other)], {"something-else"})) == 2


def test_loaders_and_evaluate(tmp_path: Path) -> None:
    (tmp_path / "q.jsonl").write_text('{"_id": "1", "text": "satu"}\n{"_id": "2", "text": "dua"}\n')
    (tmp_path / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n1\ta\t1\n2\tb\t1\n2\tc\t0\n")
    queries, qrels = load_beir_queries(tmp_path / "q.jsonl"), load_qrels(tmp_path / "qrels.tsv")
    assert qrels == {"1": {"a": 1}, "2": {"b": 1}}
    result = evaluate(lambda q: [{"a"}] if q == "satu" else [{"z"}, {"b"}], queries, qrels)
    assert (
        result["queries"] == 2 and result["recall"] == 1.0 and result["mrr"] == pytest.approx(0.75)
    )
