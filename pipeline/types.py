"""Typed records handed from one pipeline stage to the next.

The data flow is ``files → Document → Chunk`` and ``tables → EvidenceCard``. Every record is a
frozen pydantic model, so it validates on construction, serialises to JSON with
``model_dump(mode="json")`` and can never be mutated behind a later stage's back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["id", "en", "unknown"]
RelationType = Literal["revokes", "amends"]
ChunkKind = Literal[
    "pasal", "ayat", "penjelasan", "preamble", "section", "table", "lampiran", "card"
]
Status = Literal["in_force", "amended", "partially_revoked", "revoked", "n/a"]


class Record(BaseModel):
    """Base for every record: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- documents


class Page(Record):
    """The text of one page (1-based ``number``) and where it sits in ``Document.text``."""

    number: int
    text: str
    char_start: int
    char_end: int
    ocr: bool = False


class Table(Record):
    """A table found in a document: header row, body rows, and where it came from."""

    header: list[str]
    rows: list[list[str]]
    page: int | None = None
    sheet: str | None = None
    caption: str | None = None


def regulation_label(jenis: str, nomor: str | int, tahun: str | int) -> str:
    """The short label of a regulation, as citations print it: ``UU 5/2014``."""
    return f"{jenis} {nomor}/{tahun}"


class RegulationRef(Record):
    """A pointer to a regulation: ``UU 5/2014``."""

    jenis: str
    nomor: str
    tahun: int

    @property
    def label(self) -> str:
        return regulation_label(self.jenis, self.nomor, self.tahun)


class Relation(Record):
    """``source`` revokes or amends ``target``, as said in Pasal ``pasal`` of the source."""

    type: RelationType
    target: RegulationRef
    partial: bool = False
    exception: str | None = None
    scope: str | None = None
    pasal: str | None = None
    text: str = ""


class Ayat(Record):
    """One numbered paragraph ``(n)`` of a Pasal."""

    number: str
    text: str
    char_start: int
    char_end: int


class Item(Record):
    """A lettered (``huruf a.``) or numbered (``angka 1.``) item inside a Pasal or ayat."""

    kind: Literal["huruf", "angka"]
    label: str
    ayat: str | None = None
    text: str


class Pasal(Record):
    """One article with its place in the BAB/Bagian/Paragraf tree and its Penjelasan."""

    number: str
    text: str
    ayat: list[Ayat] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list, description="huruf and angka")
    bab: str | None = None
    bagian: str | None = None
    paragraf: str | None = None
    penjelasan: str | None = None
    char_start: int
    char_end: int
    page: int | None = None
    #: for amending laws whose body is ``Pasal I``: the numbered change this Pasal belongs to
    amendment: str | None = None


class Division(Record):
    """A BAB, Bagian or Paragraf heading and the Pasal numbers under it."""

    kind: Literal["BAB", "Bagian", "Paragraf"]
    number: str
    title: str
    parent: str | None = None
    pasal: list[str] = Field(default_factory=list)


class Regulation(Record):
    """The structure of an Indonesian regulation recovered from its text."""

    jenis: str
    nomor: str
    tahun: int
    tentang: str
    jenis_long: str = ""
    hierarchy_level: int | None = Field(
        default=None, description="Level in UU 12/2011 Pasal 7 (1 = UUD 1945 … 7 = Perda Kab/Kota)"
    )
    menimbang: list[str] = Field(default_factory=list)
    mengingat: list[str] = Field(default_factory=list)
    legal_basis: list[RegulationRef] = Field(default_factory=list)
    divisions: list[Division] = Field(default_factory=list)
    pasal: list[Pasal] = Field(default_factory=list)
    penjelasan_umum: str | None = None
    lampiran: str | None = None
    relations: list[Relation] = Field(default_factory=list)
    is_amending: bool = False
    amendments: list[str] = Field(default_factory=list, description="numbered changes of Pasal I")

    @property
    def ref(self) -> RegulationRef:
        return RegulationRef(jenis=self.jenis, nomor=self.nomor, tahun=self.tahun)

    @property
    def label(self) -> str:
        return regulation_label(self.jenis, self.nomor, self.tahun)


class Document(Record):
    """A file read into text, pages and tables, with regulation structure when it is one."""

    id: str = Field(description="stable id: first 16 hex chars of the sha256 of the file bytes")
    source: str
    title: str
    sha256: str
    media_type: str
    text: str
    pages: list[Page] = Field(default_factory=list)
    page_count: int = 0
    language: Language = "unknown"
    tables: list[Table] = Field(default_factory=list)
    headings: list[tuple[int, int, str]] = Field(
        default_factory=list, description="(level, char offset, heading text) for section chunking"
    )
    regulation: Regulation | None = None
    warnings: list[str] = Field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The page number holding character ``offset``, if the document has pages."""
        for page in self.pages:
            if page.char_start <= offset < page.char_end:
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].char_end else None


class SkippedFile(Record):
    """A file that could not be read, and why, so a batch can report it and go on."""

    source: str
    reason: str
    error: str


# --------------------------------------------------------------------------- chunks


class Chunk(Record):
    """A retrievable piece of a document that knows how to be cited."""

    id: str = Field(description="stable: derived from document id + locator + text hash")
    doc_id: str
    kind: ChunkKind
    text: str
    citation: str = Field(description="what a brief prints, e.g. 'UU 14/2008 Pasal 9 ayat (2)'")
    source: str
    doc_title: str
    pages: list[int] = Field(default_factory=list)
    char_start: int
    char_end: int
    language: Language = "unknown"
    jenis: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    pasal: str | None = None
    ayat: str | None = None
    penjelasan: str | None = Field(default=None, description="id of the linked Penjelasan chunk")
    heading: str | None = None
    region: str | None = None
    amends: str | None = Field(
        default=None,
        description="for a change made by an amending law: the Pasal it rewrites, e.g. "
        "'UU 12/2011 Pasal 85' (this chunk is that Pasal's wording in force)",
    )


# --------------------------------------------------------------------------- statistics


class CellRef(Record):
    """Where a figure was read: file, sheet, 1-based data row (header = row 1) and column."""

    file: str
    row: int
    column: str
    sheet: str | None = None

    @property
    def label(self) -> str:
        sheet = f"[{self.sheet}]" if self.sheet else ""
        return f"{self.file}{sheet} row {self.row}, column '{self.column}'"


class Figure(Record):
    """One exact value with its period and the cell it came from."""

    value: float
    period: str
    cell: CellRef
    text: str = Field(description="the value as written in Indonesian format, e.g. '9,36'")
    note: str | None = None


class EvidenceCard(Record):
    """Everything a brief may say about one indicator for one region, with provenance."""

    id: str
    region: str
    region_level: str
    indicator: str
    indicator_name: str
    unit: str
    latest: Figure
    series: list[Figure]
    change: float | None = Field(default=None, description="latest minus the first comparable")
    change_from: str | None = None
    trend: Literal["rising", "falling", "flat", "n/a"] = "n/a"
    rank: int | None = None
    rank_of: int | None = None
    rank_order: Literal["desc", "asc"] = "desc"
    national: Figure | None = None
    vs_national: float | None = None
    notes: list[str] = Field(default_factory=list)
    summary: str = ""


# --------------------------------------------------------------------------- retrieval


class InForce(Record):
    """The wording in force of the amended Pasal a hit belongs to (``Index.pasal``)."""

    text: str = Field(description="empty when the Pasal was deleted or revoked")
    status: str = Field(description="amended, inserted, partly_revoked, deleted or revoked")
    citations: list[str] = Field(description="the base Pasal, then the change that wrote it")
    chunk_ids: list[str] = Field(default_factory=list, description="the chunks cited")


class Hit(Record):
    """A retrieved chunk with its scores, ranks and the in-force status of its regulation."""

    chunk: Chunk
    score: float
    rank: int
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    status: Status = "n/a"
    status_note: str | None = Field(
        default=None, description="by what, e.g. 'dicabut oleh UU 5/2014 Pasal 136'"
    )
    via: str | None = Field(
        default=None, description="id of the Penjelasan chunk that lifted this Pasal, if any"
    )
    in_force: InForce | None = Field(
        default=None, description="for a Pasal a later law rewrote: its wording in force"
    )
    figure: dict | None = Field(
        default=None, description="for a figure question: the exact answer (stats.ask.FigureAnswer)"
    )

    @property
    def citation(self) -> str:
        return self.chunk.citation

    def to_json(self) -> dict:
        """The JSON shape of ``pilar search --json``."""
        c = self.chunk
        return {
            "rank": self.rank,
            "chunk_id": c.id,
            "score": round(self.score, 6),
            "text": c.text,
            "source": c.source,
            "doc_title": c.doc_title,
            "citation": c.citation,
            "status": self.status,
            "status_note": self.status_note,
            "page": c.pages[0] if c.pages else None,
            "pages": c.pages,
            "kind": c.kind,
            "jenis": c.jenis,
            "nomor": c.nomor,
            "tahun": c.tahun,
            "pasal": c.pasal,
            "ayat": c.ayat,
            "language": c.language,
            "dense_rank": self.dense_rank,
            "bm25_rank": self.bm25_rank,
            "via_penjelasan": self.via,
            "amends": c.amends,
            "in_force": self.in_force.model_dump() if self.in_force else None,
            "figure": self.figure,
        }


# --------------------------------------------------------------------------- verification

VerdictLabel = Literal["supported", "weak", "unsupported"]
ReasonCode = Literal[
    "no_citation",
    "citation_not_in_evidence",
    "number_mismatch",
    "low_support",
    "source_revoked",
    "source_partially_revoked",
    "wrong_reference",
    "llm_judge",
    "source_is_instruction",
    "no_claim",
    "modality_mismatch",
    "negation_mismatch",
    "unit_mismatch",
    "actor_mismatch",
    "list_item_extra",
    "list_item_missing",
    "contradiction",
    "already_regulated",
    "not_in_passage",
    "incomplete",
]


class Evidence(Record):
    """A passage a claim cites: its text and, when known, its citation, status and chunk id.

    The text is data, never instructions. ``citation`` is what a brief prints
    (``"UU 14/2008 Pasal 9 ayat (2)"``); the verifier compares it with the regulation and Pasal
    a claim names. ``status`` is the in-force status of the passage's regulation.
    """

    text: str
    citation: str | None = None
    status: Status | None = None
    chunk_id: str | None = None
    #: a statistics passage's exact values with their cells: a claim's figures are checked there
    figures: list[Figure] = Field(default_factory=list)


class Reason(Record):
    """Why a verdict is not (fully) ``supported``: a short machine code and a human message."""

    code: ReasonCode
    message: str
    passage: int | None = Field(
        default=None, description="1-based number of the passage concerned, when one is"
    )


class Verdict(Record):
    """The verdict on one claim (a brief sentence) against the passages it cites."""

    claim: str
    verdict: VerdictLabel
    reasons: list[Reason] = Field(default_factory=list)
    support: float = Field(
        description="calibrated combination of embedding similarity and lexical overlap, 0..1"
    )
    similarity: float = Field(description="max cosine between the claim and a passage sentence")
    lexical: float = Field(description="share of the claim's content words found in the passages")
    cited: list[int] = Field(
        default_factory=list, description="1-based passage numbers the claim was checked against"
    )
    best_passage: int | None = Field(
        default=None, description="1-based passage holding the most similar sentence"
    )
    best_sentence: str | None = None
    cells: list[CellRef] = Field(default_factory=list)  # where its figures were checked

    @property
    def codes(self) -> list[str]:
        """The reason codes, in order."""
        return [r.code for r in self.reasons]

    def to_json(self) -> dict:
        """The JSON shape of ``pilar verify --json`` (without the id)."""
        return {
            "verdict": self.verdict,
            "reasons": [r.model_dump(mode="json", exclude_none=True) for r in self.reasons],
            "support": round(self.support, 4),
            "similarity": round(self.similarity, 4),
            "lexical": round(self.lexical, 4),
            "cited": self.cited,
            **(
                {"cells": [c.model_dump(exclude_none=True) for c in self.cells]}
                if self.cells
                else {}
            ),
        }


# --------------------------------------------------------------------------- briefs


class Source(Record):
    """One numbered entry of a brief's reference list: a retrieved chunk or a statistics card.

    ``n`` is what the brief's ``[n]`` markers print. ``text`` is the passage the sentences were
    checked against (data, never instructions).
    """

    n: int = Field(description="1-based number in the brief's reference list")
    kind: Literal["chunk", "card"]
    id: str = Field(description="chunk id (index) or evidence-card id (statistics)")
    citation: str = Field(description="short form, e.g. 'UU 14/2008 Pasal 9 ayat (2)'")
    full_citation: str = Field(
        description="e.g. 'Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi "
        "Publik, Pasal 9 ayat (2)' or 'Persentase penduduk miskin (P0), ACEH, 2023 — "
        "indikator.csv row 12, column nilai'"
    )
    text: str
    doc_title: str | None = None
    source: str | None = Field(default=None, description="file the passage came from")
    page: int | None = None
    status: Status = "n/a"
    status_note: str | None = None
    unit: str | None = Field(default=None, description="a card's unit, e.g. 'persen'")
    series: list[Figure] = Field(
        default_factory=list, description="a card's figures over time (charted in the DOCX)"
    )


class BriefSentence(Record):
    """A sentence of a brief, its ``[n]`` markers (brief numbering) and its verdict."""

    text: str = Field(description="the sentence as printed, markers renumbered to the brief's")
    refs: list[int] = Field(default_factory=list, description="reference numbers it cites")
    verdict: Verdict | None = None
    dropped: bool = Field(
        default=False, description="left out of the exported text (drop_unsupported), kept here"
    )
    attributed: bool = Field(
        default=False,
        description="the model gave no valid marker; Pilar cited the passage that supports the "
        "sentence best (only when that passage alone supports it)",
    )


class ProvisionFact(Record):
    """The normative core of one sentence of a Pasal (or ayat), as the legal parser reads it:
    who, must / may / must not, what, on which condition, by when or how much, and the
    sanction. ``ref`` is the evidence item (chunk id) it was read from."""

    ref: str
    citation: str = Field(description="e.g. 'PP 94/2021 Pasal 3 ayat (2)'")
    text: str = Field(description="the sentence, as the regulation words it")
    kind: Literal["obligation", "permission", "prohibition", "sanction", "rule"]
    who: str | None = Field(default=None, description="the subject, e.g. 'Setiap PNS'")
    actor: str | None = Field(default=None, description="an institution or official it names")
    action: str | None = Field(default=None, description="what is required, allowed or barred")
    condition: str | None = Field(default=None, description="e.g. 'yang tidak masuk kerja …'")
    limit: str | None = Field(
        default=None, description="a deadline, period or amount, e.g. 'paling lambat 14 hari'"
    )
    sanction: str | None = Field(default=None, description="e.g. 'Hukuman Disiplin berat'")
    status: Status = "n/a"
    status_note: str | None = None


class FigureFact(Record):
    """One indicator for one region, read from a statistics card, every figure cell-cited."""

    ref: str = Field(description="evidence card id")
    indicator: str
    region: str
    period: str
    value: str = Field(description="the latest value, Indonesian format")
    unit: str = ""
    trend: Literal["rising", "falling", "flat", "n/a"] = "n/a"
    change: float | None = None
    change_from: str | None = None
    start: str | None = Field(default=None, description="the value in ``change_from``")
    rank: int | None = None
    rank_of: int | None = None
    rank_order: Literal["desc", "asc"] = Field(default="desc", description="asc: 1 = lowest")
    level: str = Field(default="province", description="the level the region is ranked among")
    national: str | None = Field(default=None, description="the national value, same period")
    cell: str = Field(description="where the latest value was read")


class RelationFact(Record):
    """What revoked or amended a regulation the evidence holds."""

    regulation: str = Field(description="e.g. 'UU 8/1974'")
    status: Status
    note: str = Field(description="e.g. 'dicabut oleh UU 5/2014 Pasal 5'")


class FactSheet(Record):
    """The facts a brief is written from, read from its evidence before any model call."""

    topic: str
    provisions: list[ProvisionFact] = Field(default_factory=list)
    figures: list[FigureFact] = Field(default_factory=list)
    relations: list[RelationFact] = Field(default_factory=list)


class LegalBasisItem(Record):
    """One regulation in the Dasar Hukum section, built from the chunks the brief cites."""

    title: str = Field(description="e.g. 'Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur …'")
    citation: str = Field(description="short form, e.g. 'UU 5/2014'")
    jenis: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    hierarchy_level: int | None = None
    status: Status = "n/a"
    status_note: str | None = None
    refs: list[int] = Field(default_factory=list)


class BriefSection(Record):
    """One section of a brief: drafted prose, or (Dasar Hukum) a list built from metadata."""

    key: str
    heading: str
    kind: Literal["llm", "summary", "legal_basis", "provisions", "data"]
    sentences: list[BriefSentence] = Field(default_factory=list)
    legal_basis: list[LegalBasisItem] = Field(default_factory=list)
    query: str | None = Field(default=None, description="what was retrieved for this section")
    note: str | None = Field(default=None, description="e.g. why the section is empty")


class BriefSummary(Record):
    """Counts over the brief's verified sentences (Dasar Hukum items are not sentences)."""

    sentences: int
    supported: int
    weak: int
    unsupported: int
    dropped: int = 0
    left_out: int = Field(
        0, description="model sentences left out while drafting: no cited fact supported them"
    )
    supported_share: float = Field(description="supported / sentences (0 when empty)")
    problems: list[str] = Field(default_factory=list, description="one line per kind of problem")


class Brief(Record):
    """A drafted, verified policy brief: sections, numbered references and a summary."""

    title: str
    topic: str
    lang: Literal["id", "en"]
    template: str
    created: str = Field(description="ISO 8601 time the run started (UTC)")
    index: str | None = None
    model: str | None = None
    sections: list[BriefSection]
    references: list[Source]
    summary: BriefSummary
    run_dir: str | None = None
