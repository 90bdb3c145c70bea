"""The LangChain retriever, used inside a small LCEL chain."""

from __future__ import annotations

import shutil
from pathlib import Path

from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from pipeline.index import Index
from pipeline.settings import load_settings
from tests.conftest import SAMPLES


def test_retriever_in_a_chain(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLES / "regulations", corpus)
    index = Index.open(
        "lc", load_settings(index={"root": str(tmp_path), "embedder": "hash"}), create=True
    )
    index.add([corpus])
    retriever = index.as_langchain_retriever(k=3, filters={"jenis": ["UU"]})
    assert isinstance(retriever, BaseRetriever)

    docs = retriever.invoke("Komisi Aparatur Sipil Negara beranggotakan berapa orang")
    assert all(isinstance(d, LCDocument) for d in docs)
    assert docs[0].metadata["citation"] == "UU 5/2014 Pasal 3"
    assert {d.metadata["jenis"] for d in docs} == {"UU"}
    assert docs[0].metadata["status"] == "in_force" and docs[0].id == docs[0].metadata["chunk_id"]

    def format_context(documents: list[LCDocument]) -> str:
        return "\n".join(
            f"[{i}] {d.metadata['citation']}: {d.page_content[:60]}"
            for i, d in enumerate(documents, 1)
        )

    chain = {
        "context": retriever | RunnableLambda(format_context),
        "question": RunnablePassthrough(),
    } | RunnableLambda(lambda x: f"Pertanyaan: {x['question']}\nBukti:\n{x['context']}")
    prompt = chain.invoke("anggota KASN")
    assert "Pertanyaan: anggota KASN" in prompt and "[1] UU 5/2014 Pasal" in prompt
