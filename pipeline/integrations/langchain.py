"""A ``langchain_core`` retriever over a Pilar index.

Each LangChain ``Document`` carries the chunk text as ``page_content`` and the citation in its
metadata (``citation``, ``chunk_id``, ``source``, ``doc_title``, ``status``, ``page`` …), so a
chain can print "UU 14/2008 Pasal 9 ayat (2)" next to what it says.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from pipeline.types import Hit


def hit_to_document(hit: Hit) -> LCDocument:
    """Convert a :class:`Hit` at the edge; the metadata is ``Hit.to_json()`` minus the text."""
    metadata = {k: v for k, v in hit.to_json().items() if k != "text"}
    return LCDocument(page_content=hit.chunk.text, metadata=metadata, id=hit.chunk.id)


class PilarRetriever(BaseRetriever):
    """``index.as_langchain_retriever(k=5, filters={"jenis": "UU"})``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 10
    filters: dict[str, Any] = Field(default_factory=dict)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        hits = self.index.search(query, k=self.k, filters=self.filters or None)
        return [hit_to_document(hit) for hit in hits]
