"""Drafting: a topic and an index → a policy brief in which every sentence is cited and checked.

The flow, section by section of a template (``prompts/*.toml``):

1. **Retrieve** the section's query (``{topic}`` plus the template's words) from the index; a
   section with ``stats = true`` also gets the statistics evidence cards that match the query.
2. **Number** the evidence ``[1] … [n]`` and show each passage to the model inside a fence
   (``<<<BUKTI … BUKTI>>>``) as data, trimmed to the sentences that best match the query
   (``draft.evidence_words``) — prompt reading is the main cost of a CPU model.
3. **Draft** with the chat model (streamed), split the answer into sentences and keep only
   markers that map to a numbered passage: a marker that maps to nothing cannot reach the output.
4. **Verify** every sentence against the *whole* passages it cites (:mod:`pipeline.verify`).
5. **Dasar Hukum** is not written by the model: it lists the regulations the brief actually cites,
   in the order of UU 12/2011 Pasal 7, with revoked ones flagged (or left out).
6. The **summary** section (Ringkasan Eksekutif) is drafted last from the passages the other
   sections cite most, and printed first.
7. **Renumber** the markers to one reference list in reading order, and keep a JSON **audit
   record** of the run (request, settings, index manifest, hits, prompts, raw output, verdicts).

>>> from pipeline import Index
>>> from pipeline.draft import draft_brief
>>> result = draft_brief("disiplin pegawai negeri sipil", Index.open("sampel"))  # doctest: +SKIP
>>> result.brief.summary.supported_share                                         # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import getpass
import logging
import re
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.analyzer import Analyzer
from pipeline.embed import MemoEmbedder
from pipeline.errors import ConfigError
from pipeline.legal.refs import hierarchy_level
from pipeline.llm import ChatModel, Message, as_chat_model, count_message_tokens, prompt_budget
from pipeline.settings import Settings, load_settings
from pipeline.types import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefSummary,
    EvidenceCard,
    Figure,
    Hit,
    LegalBasisItem,
    Reason,
    Source,
    Status,
    Verdict,
)
from pipeline.verify import (
    _MARKER_RE,
    LLMJudge,
    extract_markers,
    split_sentences,
    verify_sentences,
)

if TYPE_CHECKING:
    from pipeline.embed import Embedder
    from pipeline.index import Index

logger = logging.getLogger(__name__)

__all__ = [
    "DraftEvent",
    "DraftResult",
    "SectionSpec",
    "Template",
    "TemplateError",
    "draft_brief",
    "list_templates",
    "load_template",
    "redraft_section",
    "reverify",
    "select_cards",
    "split_answer",
]

BUILTIN_PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
SECTION_KINDS = ("llm", "summary", "legal_basis")
_PROMPT_FIELDS = ("topic", "heading", "instruction", "evidence", "sentences")


class TemplateError(ConfigError):
    """A template that cannot be found or read."""


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One section of a template."""

    key: str
    heading: str
    kind: Literal["llm", "summary", "legal_basis"]
    instruction: str = ""
    query: str = "{topic}"
    k: int | None = None
    sentences: str = "2 sampai 3"
    max_tokens: int = 150
    stats: bool = False


@dataclass(frozen=True, slots=True)
class Template:
    """A brief template: title, system prompt, the per-section prompt and the sections."""

    name: str
    lang: Literal["id", "en"]
    title: str
    system: str
    section_prompt: str
    sections: tuple[SectionSpec, ...]
    description: str = ""
    path: Path | None = None

    @property
    def label(self) -> str:
        """``name.lang``, as `pilar templates` lists it."""
        return f"{self.name}.{self.lang}"


def template_dirs(settings: Settings | None = None) -> list[Path]:
    """Where templates are looked up, first match wins: ``draft.prompts_dir``, ``./prompts``,
    then the prompts/ folder shipped with Pilar."""
    settings = settings or load_settings()
    dirs = []
    if settings.draft.prompts_dir is not None:
        dirs.append(Path(settings.draft.prompts_dir).expanduser())
    dirs += [Path("prompts"), BUILTIN_PROMPTS]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and all(d.resolve() != o.resolve() for o in out):
            out.append(d)
    return out


def list_templates(settings: Settings | None = None) -> list[Template]:
    """Every readable template in :func:`template_dirs` (the first of each ``name.lang``)."""
    seen: dict[str, Template] = {}
    for folder in template_dirs(settings):
        for path in sorted(folder.glob("*.toml")):
            try:
                tpl = read_template(path)
            except TemplateError as exc:
                logger.warning("skipping template %s: %s", path, exc)
                continue
            seen.setdefault(tpl.label, tpl)
    return list(seen.values())


def load_template(
    name_or_path: str | Path, lang: str | None = None, settings: Settings | None = None
) -> Template:
    """A template by path (``my_brief.toml``) or by name (``brief``, ``memo``) and language."""
    settings = settings or load_settings()
    lang = lang or settings.draft.lang
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise TemplateError(f"no template file {candidate}")
        return read_template(candidate)
    name = str(name_or_path)
    for folder in template_dirs(settings):
        for path in (folder / f"{name}.{lang}.toml", folder / f"{name}.toml"):
            if path.is_file():
                tpl = read_template(path)
                if tpl.lang == lang or path.name == f"{name}.{lang}.toml":
                    return tpl
    known = ", ".join(t.label for t in list_templates(settings)) or "none"
    raise TemplateError(
        f"no template {name!r} in language {lang!r}",
        help=f"Known templates: {known}. Or pass a path to a .toml file (see prompts/README.md).",
    )


def read_template(path: Path) -> Template:
    """Read and check one template file (TOML; see ``prompts/README.md`` for the keys)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"cannot read template {path}: {exc}") from exc
    try:
        lang = data.get("lang", "id")
        if lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', not {lang!r}")
        system = str(data["system"])
        system_path = path.parent / system
        if "\n" not in system and system_path.is_file():
            system = system_path.read_text(encoding="utf-8")
        section_prompt = str(data["section_prompt"])
        _check_placeholders(section_prompt, _PROMPT_FIELDS, "section_prompt")
        if "{evidence}" not in section_prompt:
            raise ValueError("section_prompt must contain {evidence}")
        title = str(data.get("title", "{topic}"))
        _check_placeholders(title, ("topic",), "title")
        sections = []
        for raw in data["sections"]:
            kind = raw.get("kind", "llm")
            if kind not in SECTION_KINDS:
                raise ValueError(f"section kind must be one of {SECTION_KINDS}, not {kind!r}")
            unknown = set(raw) - set(SectionSpec.__slots__)  # type: ignore[attr-defined]
            if unknown:
                raise ValueError(f"unknown section key(s) {sorted(unknown)}")
            spec = SectionSpec(**{**raw, "kind": kind})
            _check_placeholders(spec.query, ("topic",), f"query of {spec.key}")
            sections.append(spec)
        if not sections:
            raise ValueError("a template needs at least one [[sections]] entry")
        keys = [s.key for s in sections]
        if len(set(keys)) != len(keys):
            raise ValueError("section keys must be unique")
    except (KeyError, TypeError, ValueError, OSError) as exc:
        what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise TemplateError(
            f"template {path} is not valid: {what}", help="See prompts/README.md for the keys."
        ) from exc
    return Template(
        name=str(data.get("name", path.stem.split(".")[0])),
        lang=lang,
        title=title,
        system=system.strip(),
        section_prompt=section_prompt,
        sections=tuple(sections),
        description=str(data.get("description", "")),
        path=path,
    )


def _check_placeholders(text: str, allowed: Sequence[str], where: str) -> None:
    try:
        text.format(**{name: "" for name in allowed})
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"{where}: unknown or malformed placeholder {exc} (allowed: "
            + ", ".join("{" + a + "}" for a in allowed)
            + ")"
        ) from exc


# --------------------------------------------------------------------------- evidence


@dataclass(slots=True)
class _Item:
    """A numbered passage of a section: a retrieved chunk or a statistics card."""

    kind: Literal["chunk", "card"]
    id: str
    citation: str
    full_citation: str
    text: str
    status: Status = "n/a"
    status_note: str | None = None
    doc_title: str | None = None
    source: str | None = None
    page: int | None = None
    doc_id: str | None = None
    jenis: str | None = None
    nomor: str | None = None
    tahun: int | None = None
    shown: str = ""
    unit: str | None = None
    series: list[Figure] = field(default_factory=list)

    def source_record(self, n: int) -> Source:
        return Source(
            n=n,
            kind=self.kind,
            id=self.id,
            citation=self.citation,
            full_citation=self.full_citation,
            text=self.text,
            doc_title=self.doc_title,
            source=self.source,
            page=self.page,
            status=self.status,
            status_note=self.status_note,
            unit=self.unit,
            series=list(self.series),
        )


def _from_hit(hit: Hit) -> _Item:
    c = hit.chunk
    short = f"{c.jenis} {c.nomor}/{c.tahun}" if c.jenis and c.nomor and c.tahun else None
    full = c.doc_title or c.citation
    if short and c.doc_title:
        locator = c.citation.replace(short, "").strip(" ,")
        full = f"{c.doc_title}, {locator}" if locator else c.doc_title
    elif c.doc_title and c.citation and c.citation != c.doc_title:
        full = f"{c.doc_title}, {c.citation}"
    return _Item(
        kind="chunk",
        id=c.id,
        citation=c.citation,
        full_citation=full,
        text=c.text,
        status=hit.status,
        status_note=hit.status_note,
        doc_title=c.doc_title,
        source=c.source,
        page=c.pages[0] if c.pages else None,
        doc_id=c.doc_id,
        jenis=c.jenis,
        nomor=c.nomor,
        tahun=c.tahun,
    )


def _from_card(card: EvidenceCard) -> _Item:
    unit = f" ({card.unit})" if card.unit else ""
    where = card.latest.cell.label
    return _Item(
        kind="card",
        id=card.id,
        citation=f"{card.indicator_name}, {card.region} {card.latest.period}",
        full_citation=f"{card.indicator_name}{unit}, {card.region}, {card.latest.period} — {where}",
        text=card.summary,
        source=card.latest.cell.file,
        unit=card.unit or None,
        series=list(card.series),
    )


def select_cards(
    cards: Sequence[EvidenceCard],
    query: str,
    n: int,
    *,
    region: str | None = None,
    analyzer: Analyzer | None = None,
) -> list[EvidenceCard]:
    """The statistics cards that match ``query``: indicator words shared with the query, the
    region named in the query (or ``region``) first, then the national figure."""
    if n <= 0 or not cards:
        return []
    analyzer = analyzer or Analyzer(stem=True)
    q_tokens = set(analyzer(query))
    q_norm = f" {_norm(query)} "
    wanted_region = _norm(region) if region else None
    scored = []
    for card in cards:
        overlap = len(q_tokens & set(analyzer(card.indicator_name)))
        if overlap == 0:
            continue
        name = _norm(card.region)
        in_query = f" {name} " in q_norm
        if wanted_region is not None and name != wanted_region and card.region_level != "national":
            continue
        score = overlap + (3 if in_query or name == wanted_region else 0)
        score += 1 if card.region_level == "national" else 0
        scored.append((score, card.id, card))
    if not scored:
        return []
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [card for _, _, card in scored[:n]]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text.lower())).strip()


def _shown(text: str, query_tokens: set[str], words: int, analyzer: Analyzer) -> str:
    """The sentences of ``text`` that best match the query, in their order, within ``words``."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat.split()) <= words:
        return flat
    sentences = split_sentences(text)
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(query_tokens & set(analyzer(sentences[i]))), i),
    )
    chosen: list[int] = []
    used = 0
    for i in scored:
        n = len(sentences[i].split())
        if used and used + n > words:
            continue
        chosen.append(i)
        used += n
        if used >= words:
            break
    out = " … ".join(sentences[i] for i in sorted(chosen))
    tokens = out.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


_FENCE_RE = re.compile(r"<<<|>>>")


def _fence_safe(text: str) -> str:
    """Passage text cannot close the evidence fence or fake a numbered marker."""
    text = _FENCE_RE.sub(lambda m: "‹‹‹" if m[0] == "<<<" else "›››", text)
    return _MARKER_RE.sub(lambda m: f"({m[1]})", text)


_STATUS_LABEL = {
    "id": {
        "in_force": "berlaku",
        "amended": "telah diubah",
        "partially_revoked": "dicabut sebagian",
        "revoked": "DICABUT",
    },
    "en": {
        "in_force": "in force",
        "amended": "amended",
        "partially_revoked": "partly revoked",
        "revoked": "REVOKED",
    },
}


def _evidence_block(items: Sequence[_Item], lang: str) -> str:
    blocks = []
    titled: set[str | None] = set()
    for n, item in enumerate(items, 1):
        status = _STATUS_LABEL[lang].get(item.status) if item.status != "in_force" else None
        head = item.citation
        if item.kind == "chunk" and item.doc_title and item.doc_id not in titled:
            titled.add(item.doc_id)  # the title once per document: prompt tokens are the budget
            about = item.doc_title.split(" tentang ", 1)[-1] if item.jenis else item.doc_title
            head += f" — {'tentang ' if item.jenis else ''}{about}"
        if status:
            head += f" ({status}{': ' + item.status_note if item.status_note else ''})"
        blocks.append(f"[{n}] {_fence_safe(head)}\n{_fence_safe(item.shown or item.text)}")
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------- model output


_PLACEHOLDER_RE = re.compile(r"\[\s*(?:[a-zA-Z?]|n\s*[,;]\s*n|sumber|source|ref)\s*\]")
_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[\[\"“(]?[A-Z0-9])")
_LEADING_MARKERS_RE = re.compile(r"^((?:\[\d[\d,;\s–-]*\]\s*)+)")
_LIST_PREFIX_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)]|#+)\s+")


def split_answer(text: str) -> list[str]:
    """The sentences of a model's answer, each keeping the ``[n]`` markers that follow it.

    Headings and list bullets are stripped; a marker group written after the full stop
    (``… 2014. [1]``) is moved back to its sentence.
    """
    lines = [_LIST_PREFIX_RE.sub("", line).strip() for line in text.splitlines()]
    flat = " ".join(line for line in lines if line and not line.endswith(":"))
    flat = re.sub(r"\s+", " ", _PLACEHOLDER_RE.sub("", flat)).strip()
    if not flat:
        return []
    pieces = _SPLIT_RE.split(flat)
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        lead = _LEADING_MARKERS_RE.match(piece)
        if lead and out:
            out[-1] = _attach(out[-1], lead[1].strip())
            piece = piece[lead.end() :].strip()
        if piece:
            out.append(piece)
    # a list number or a stray marker left on its own ("2.") is not a sentence
    return [s for s in out if re.search(r"[^\W\d_]{2,}", _MARKER_RE.sub("", s))]


def _attach(sentence: str, markers: str) -> str:
    """Put markers before the sentence's final punctuation: ``"A." + "[1]" → "A [1]."``."""
    m = re.search(r"([.!?]+)$", sentence)
    if m:
        return f"{sentence[: m.start()].rstrip()} {markers}{m[1]}"
    return f"{sentence} {markers}"


_ADJACENT_RE = re.compile(r"\[(\d[\d,\s]*)\]\s*\[(\d[\d,\s]*)\]")


def _merge_markers(text: str) -> str:
    """``[1] [2][3]`` → ``[1, 2, 3]``."""
    while True:
        merged = _ADJACENT_RE.sub(
            lambda m: (
                "["
                + ", ".join(
                    dict.fromkeys(n.strip() for n in f"{m[1]},{m[2]}".split(",") if n.strip())
                )
                + "]"
            ),
            text,
        )
        if merged == text:
            return text
        text = merged


def _keep_valid_markers(sentence: str, n_items: int) -> tuple[str, list[int], list[int]]:
    """Markers that point at no numbered passage are removed. Returns (text, kept, removed)."""
    kept: list[int] = []
    removed: list[int] = []

    def fix(match: re.Match[str]) -> str:
        numbers = extract_markers(match[0])
        good = [n for n in numbers if 1 <= n <= n_items]
        removed.extend(n for n in numbers if not 1 <= n <= n_items)
        kept.extend(n for n in good if n not in kept)
        return f"[{', '.join(map(str, good))}]" if good else ""

    text = _MARKER_RE.sub(fix, sentence)
    text = _PLACEHOLDER_RE.sub("", text)
    text = _merge_markers(text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text, kept, removed


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True, slots=True)
class DraftEvent:
    """Progress of a draft: ``section`` (starts), ``token`` (streamed text), ``section_done``,
    ``verify`` and ``done``. ``text`` carries the token or a short message."""

    kind: Literal["section", "token", "section_done", "verify", "done"]
    key: str = ""
    heading: str = ""
    text: str = ""


@dataclass(slots=True)
class DraftResult:
    """The brief, its audit record and the files written for the run (if any).

    It also keeps what :func:`redraft_section` and :func:`reverify` need to change one section
    and assemble the brief again.
    """

    brief: Brief
    audit: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    run: _Run | None = field(default=None, repr=False)


@dataclass(slots=True)
class _Drafted:
    spec: SectionSpec
    items: list[_Item] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    note: str | None = None
    query: str | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    attributed: set[int] = field(default_factory=set)


_NOTES = {
    "id": {
        "no_evidence": "Tidak ada bukti di indeks untuk bagian ini; bagian ini tidak ditulis.",
        "no_sentences": "Model tidak menghasilkan kalimat yang dapat dipakai untuk bagian ini.",
        "no_regulation": "Tidak ada peraturan yang dikutip dalam kertas ini.",
        "revoked": "{n} kalimat mengutip peraturan yang sudah dicabut",
        "number": "{n} kalimat memuat angka yang tidak cocok dengan sumbernya",
        "uncited": "{n} kalimat tanpa kutipan yang sah",
        "low": "{n} kalimat kurang didukung oleh sumbernya",
        "instruction": "{n} kalimat bersandar pada teks yang memberi perintah (kemungkinan injeksi)",
        "reference": "{n} kalimat menyebut peraturan atau pasal yang berbeda dari sumbernya",
        "dropped": "{n} kalimat tidak didukung dihapus dari teks (tetap tercatat di audit)",
    },
    "en": {
        "no_evidence": "The index holds no evidence for this section; it was not drafted.",
        "no_sentences": "The model produced no usable sentence for this section.",
        "no_regulation": "The brief cites no regulation.",
        "revoked": "{n} sentence(s) cite a revoked regulation",
        "number": "{n} sentence(s) hold a figure that does not match the source",
        "uncited": "{n} sentence(s) without a valid citation",
        "low": "{n} sentence(s) weakly supported by their sources",
        "instruction": "{n} sentence(s) rest on text that gives orders (possible injection)",
        "reference": "{n} sentence(s) name a regulation or article other than the source's",
        "dropped": "{n} unsupported sentence(s) left out of the text (kept in the audit)",
    },
}


LENGTHS = {
    # length → (factor on max_tokens, sentences asked for in id, in en); None keeps the template's
    "short": (0.6, "1 sampai 2", "1 to 2"),
    "standard": (1.0, None, None),
    "long": (1.6, "3 sampai 4", "3 to 4"),
}


@dataclass(slots=True)
class _Run:
    """Everything one brief is drafted with; kept so a section can be redrafted later."""

    topic: str
    index: Index
    tpl: Template
    settings: Settings
    chat: ChatModel
    embedder: Embedder
    analyzer: Analyzer
    cards: Sequence[EvidenceCard]
    region: str | None
    filters: dict[str, Any] | None
    audience: str | None
    started: _dt.datetime
    folder: Path | None
    user: str | None = None
    index_version: str | None = None
    drafted: dict[str, _Drafted] = field(default_factory=dict)
    seconds: float = 0.0
    judge_log: list[dict[str, Any]] = field(default_factory=list)


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return None


def draft_brief(
    topic: str,
    index: Index,
    *,
    settings: Settings | None = None,
    template: Template | str | Path | None = None,
    lang: Literal["id", "en"] | None = None,
    model: Any = None,
    cards: Sequence[EvidenceCard] = (),
    region: str | None = None,
    filters: dict[str, Any] | None = None,
    audience: str | None = None,
    length: Literal["short", "standard", "long"] = "standard",
    embedder: Embedder | None = None,
    on_event: Callable[[DraftEvent], None] | None = None,
    run_dir: str | Path | bool = True,
    user: str | None = None,
) -> DraftResult:
    """Draft, verify and (with ``run_dir``) save a brief on ``topic`` from ``index``.

    ``template`` is a :class:`Template`, a name or a path (default ``draft.template``);
    ``model`` a :class:`~pipeline.llm.ChatModel`, a LangChain chat model, or ``None`` for the
    backend in ``settings.llm``; ``cards`` statistics evidence cards (see
    :func:`pipeline.stats.cards_from_files`) offered to sections with ``stats = true``;
    ``filters`` apply to every retrieval (same keys as ``pilar search --filter``);
    ``audience`` (e.g. "Bupati dan Sekda") is told to the model; ``length`` scales the answers.
    ``run_dir=True`` writes the run folder under ``draft.runs_dir``; a path writes there;
    ``False`` writes nothing. ``user`` (default: the operating-system account) goes into the
    audit record with the index version the brief was drafted from.
    """
    topic = re.sub(r"\s+", " ", topic).strip()
    if not topic:
        raise ConfigError("the topic is empty", help='Give the brief a topic, e.g. "disiplin PNS".')
    if length not in LENGTHS:
        raise ConfigError(f"unknown length {length!r}", help="Use short, standard or long.")
    settings = settings or index.settings
    lang = lang or settings.draft.lang
    tpl = template if isinstance(template, Template) else None
    tpl = tpl or load_template(template or settings.draft.template, lang, settings)
    tpl = _with_length(tpl, length)
    started = _dt.datetime.now(_dt.UTC)
    folder = None
    if run_dir:
        folder = (
            Path(run_dir)
            if not isinstance(run_dir, bool)
            else settings.home / settings.draft.runs_dir / _run_name(started, topic)
        )
    run = _Run(
        topic=topic,
        index=index,
        tpl=tpl,
        settings=settings,
        chat=as_chat_model(model, settings.llm),
        embedder=MemoEmbedder(embedder or index.embedder),
        analyzer=Analyzer(stem=True),
        cards=cards,
        region=region,
        filters=filters,
        audience=(audience or "").strip() or None,
        started=started,
        folder=folder,
        user=user or _os_user(),
        index_version=index.manifest.get("version"),
    )
    emit = on_event or (lambda event: None)
    t0 = time.perf_counter()
    order = [s for s in tpl.sections if s.kind == "llm"]
    order += [s for s in tpl.sections if s.kind == "summary"]
    for spec in order:
        _run_section(run, spec, emit)
    emit(DraftEvent("verify", text="verifying sentences"))
    for section in run.drafted.values():
        _verify_section(run, section)
    run.seconds = time.perf_counter() - t0
    return _finish(run, emit)


def redraft_section(
    result: DraftResult,
    key: str,
    *,
    seed: int | None = None,
    on_event: Callable[[DraftEvent], None] | None = None,
) -> DraftResult:
    """Draft one section again (a new seed unless given), verify it, and assemble the brief
    again; the run folder (if any) is rewritten. Dasar Hukum follows the new citations."""
    run = _require_run(result)
    spec = next((s for s in run.tpl.sections if s.key == key), None)
    if spec is None or spec.kind == "legal_basis":
        raise ConfigError(
            f"section {key!r} cannot be redrafted",
            help="Choose one of: "
            + ", ".join(s.key for s in run.tpl.sections if s.kind != "legal_basis"),
        )
    emit = on_event or (lambda event: None)
    base = run.settings.llm.seed if run.settings.llm.seed is not None else 0
    new_seed = (
        seed
        if seed is not None
        else base + 1 + sum(1 for d in run.drafted.values() for _ in d.audit.get("redrafts", []))
    )
    llm = run.settings.llm.model_copy(update={"seed": new_seed})
    settings = run.settings.model_copy(update={"llm": llm})
    previous = run.drafted.get(key)
    t0 = time.perf_counter()
    section = _run_section(run, spec, emit, settings=settings)
    section.audit["redrafts"] = [
        *(previous.audit.get("redrafts", []) if previous else []),
        {
            "seed": new_seed,
            "previous_raw_output": previous.audit.get("raw_output") if previous else None,
        },
    ]
    _verify_section(run, section)
    run.seconds += time.perf_counter() - t0
    return _finish(run, emit)


def reverify(
    result: DraftResult,
    edits: dict[str, str],
    *,
    on_event: Callable[[DraftEvent], None] | None = None,
) -> DraftResult:
    """Replace the text of sections with an analyst's edits and verify them again.

    ``edits`` maps a section key to its new text, whose ``[n]`` markers use the brief's
    reference numbers. A marker may point at any reference of the brief; one that points at no
    reference is removed, as in drafting.
    """
    run = _require_run(result)
    by_number = {ref.n: ref.id for ref in result.brief.references}
    items_by_id = {i.id: i for d in run.drafted.values() for i in d.items}
    emit = on_event or (lambda event: None)
    for key, text in edits.items():
        section = run.drafted.get(key)
        if section is None:
            raise ConfigError(f"no drafted section {key!r} in this brief")
        local: dict[int, int] = {}
        for n, ref_id in by_number.items():
            item = items_by_id.get(ref_id)
            if item is None:
                continue
            positions = [i for i, it in enumerate(section.items) if it.id == ref_id]
            if not positions:
                section.items.append(_copy(item))
                positions = [len(section.items) - 1]
            local[n] = positions[0] + 1

        def to_local(match: re.Match[str], local: dict[int, int] = local) -> str:
            numbers = [local[n] for n in extract_markers(match[0]) if n in local]
            return f"[{', '.join(map(str, numbers))}]" if numbers else ""

        sentences = []
        for sentence in split_answer(text):
            fixed = _MARKER_RE.sub(to_local, sentence)
            fixed = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", fixed)).strip()
            if re.search(r"\w", _MARKER_RE.sub("", fixed)):
                sentences.append(fixed)
        section.audit.setdefault("edits", []).append(
            {"before": list(section.sentences), "after": sentences}
        )
        section.sentences = sentences
        section.attributed = set()
        section.note = None if sentences else section.note
        _verify_section(run, section)
    return _finish(run, emit)


def _require_run(result: DraftResult) -> _Run:
    if result.run is None:
        raise ConfigError("this draft result keeps no run state (it was loaded from a file)")
    return result.run


def _with_length(tpl: Template, length: str) -> Template:
    factor, sent_id, sent_en = LENGTHS[length]
    if length == "standard":
        return tpl
    sentences = sent_id if tpl.lang == "id" else sent_en
    specs = tuple(
        replace(
            s, max_tokens=max(40, int(s.max_tokens * factor)), sentences=sentences or s.sentences
        )
        for s in tpl.sections
    )
    return replace(tpl, sections=specs)


def _run_section(
    run: _Run,
    spec: SectionSpec,
    emit: Callable[[DraftEvent], None],
    settings: Settings | None = None,
) -> _Drafted:
    """Retrieve, draft and attribute one section (stored in ``run.drafted``)."""
    settings = settings or run.settings
    emit(DraftEvent("section", spec.key, spec.heading))
    if spec.kind == "summary":
        others = [d for k, d in run.drafted.items() if k != spec.key]
        items = _summary_items(others, spec.k or 5)
        query = None
        if not items:  # nothing cited yet: fall back to the topic itself
            query = run.topic
            items = _retrieve(run.index, query, spec.k or settings.draft.k, run.filters)
    else:
        query = spec.query.format(topic=run.topic)
        items = _retrieve(run.index, query, spec.k or settings.draft.k, run.filters)
        if spec.stats and run.cards:
            chosen = select_cards(
                run.cards,
                f"{run.topic} {query}",
                settings.draft.cards_per_section,
                region=run.region,
            )
            items += [_from_card(c) for c in chosen]
    if run.audience:
        who = "Pembaca" if run.tpl.lang == "id" else "Audience"
        spec = replace(spec, instruction=f"{spec.instruction} {who}: {run.audience}.".strip())
    section = _draft_section(
        spec, run.tpl, run.topic, query, items, run.chat, settings, run.analyzer, emit
    )
    if section.sentences:
        _attribute(section, settings, run.embedder)
    run.drafted[spec.key] = section
    emit(DraftEvent("section_done", spec.key, spec.heading, f"{len(section.sentences)}"))
    return section


def _verify_section(run: _Run, section: _Drafted) -> None:
    section.verdicts = []
    if not section.sentences:
        return
    judge = LLMJudge(run.chat, run.tpl.lang) if run.settings.draft.judge else None
    section.verdicts = verify_sentences(
        section.sentences,
        [_evidence(i) for i in section.items],
        run.settings,
        run.embedder,
        judge=judge,
        require_markers=True,
    )
    section.audit["verdicts"] = [v.to_json() for v in section.verdicts]
    if judge:
        section.audit["judge"] = judge.log


def _finish(run: _Run, emit: Callable[[DraftEvent], None]) -> DraftResult:
    """Assemble the brief from the drafted sections, build the audit record, write the files."""
    tpl, index, settings = run.tpl, run.index, run.settings
    brief, audit_sections = _assemble(
        tpl, run.topic, tpl.lang, run.drafted, settings, index, run.chat, run.started
    )
    if run.folder is not None:
        brief = brief.model_copy(update={"run_dir": str(run.folder)})
    audit = {
        "request": {
            "topic": run.topic,
            "template": tpl.label,
            "template_path": str(tpl.path) if tpl.path else None,
            "lang": tpl.lang,
            "index": str(index.path),
            "index_version": run.index_version,
            "user": run.user,
            "filters": run.filters or {},
            "region": run.region,
            "audience": run.audience,
            "cards_offered": len(run.cards),
        },
        "created": brief.created,
        "seconds": round(run.seconds, 2),
        "model": run.chat.model_id,
        "settings": settings.model_dump(mode="json"),
        "index_manifest": _manifest(index),
        "template": {
            "system": tpl.system,
            "section_prompt": tpl.section_prompt,
            "sections": [
                {"key": s.key, "kind": s.kind, "max_tokens": s.max_tokens, "sentences": s.sentences}
                for s in tpl.sections
            ],
        },
        "sections": audit_sections,
        "brief": brief.model_dump(mode="json"),
    }
    files: dict[str, Path] = {}
    if run.folder is not None:
        from pipeline.export import write_run

        files = write_run(brief, audit, run.folder)
    emit(DraftEvent("done", text=f"{brief.summary.supported}/{brief.summary.sentences} supported"))
    return DraftResult(brief=brief, audit=audit, files=files, run=run)


def _attribute(section: _Drafted, settings: Settings, embedder: Embedder) -> None:
    """Cite the best passage for sentences the model left without a valid marker — only when
    that passage alone supports the sentence (a ``supported`` verdict); others stay uncited."""
    missing = [i for i, s in enumerate(section.sentences) if not extract_markers(s)]
    if not missing:
        return
    evidence = [_evidence(i) for i in section.items]
    candidates = verify_sentences(
        [section.sentences[i] for i in missing],
        evidence,
        settings,
        embedder,
        require_markers=False,
    )
    best = [v.best_passage for v in candidates]
    trial = [
        _attach(section.sentences[i], f"[{n}]") if n else section.sentences[i]
        for i, n in zip(missing, best, strict=True)
    ]
    checked = verify_sentences(trial, evidence, settings, embedder, require_markers=True)
    attributed = []
    for i, n, sentence, verdict in zip(missing, best, trial, checked, strict=True):
        if n and verdict.verdict == "supported":
            section.sentences[i] = sentence
            section.attributed.add(i)
            attributed.append({"sentence": i + 1, "passage": n, "support": verdict.support})
    section.audit["attributed"] = attributed


def _retrieve(index: Index, query: str, k: int, filters: dict[str, Any] | None) -> list[_Item]:
    return [_from_hit(h) for h in index.search(query, k=k, filters=filters)]


def _evidence(item: _Item):
    from pipeline.types import Evidence

    return Evidence(text=item.text, citation=item.citation, status=item.status, chunk_id=item.id)


def _summary_items(sections: Sequence[_Drafted] | Any, k: int) -> list[_Item]:
    """The passages the drafted sections cite most (ties: first cited first)."""
    counts: Counter[str] = Counter()
    first: dict[str, _Item] = {}
    for section in sections:
        for sentence in section.sentences:
            for n in extract_markers(sentence):
                item = section.items[n - 1]
                counts[item.id] += 1
                first.setdefault(item.id, item)
    ranked = sorted(first, key=lambda i: (-counts[i], list(first).index(i)))
    return [_copy(first[i]) for i in ranked[:k]]


def _copy(item: _Item) -> _Item:
    return _Item(**{f: getattr(item, f) for f in _Item.__slots__})  # type: ignore[attr-defined]


def _draft_section(
    spec: SectionSpec,
    tpl: Template,
    topic: str,
    query: str | None,
    items: list[_Item],
    chat: ChatModel,
    settings: Settings,
    analyzer: Analyzer,
    emit: Callable[[DraftEvent], None],
) -> _Drafted:
    section = _Drafted(spec=spec, query=query)
    notes = _NOTES[tpl.lang]
    if not items:
        section.note = notes["no_evidence"]
        section.audit = {"key": spec.key, "query": query, "evidence": [], "note": section.note}
        return section
    q_tokens = set(analyzer(f"{topic} {query or ''} {spec.instruction}"))
    for item in items:
        item.shown = _shown(item.text, q_tokens, settings.draft.evidence_words, analyzer)
    items, messages = _fit(spec, tpl, topic, items, chat)
    section.items = items
    start = time.perf_counter()
    first_token: float | None = None
    pieces: list[str] = []
    for piece in chat.stream(
        messages,
        max_tokens=spec.max_tokens,
        temperature=settings.llm.temperature,
        seed=settings.llm.seed,
        stop=["<<<", "BUKTI>>>", "EVIDENCE>>>", "\n\n\n"],
    ):
        if first_token is None:
            first_token = time.perf_counter() - start
        pieces.append(piece)
        emit(DraftEvent("token", spec.key, spec.heading, piece))
    raw = "".join(pieces)
    seconds = time.perf_counter() - start
    removed: list[int] = []
    heading = re.escape(spec.heading)
    answer = re.sub(
        rf"^\W*(?:\d+[.)]\s*)?\W*{heading}[\"”'*]*\s*[:.\-–]?\s*", "", raw.strip(), flags=re.I
    )
    sentences = split_answer(answer)
    truncated = None
    if sentences and not re.search(r"[.!?\]]\W*$", sentences[-1]):
        truncated = sentences.pop()  # cut off by max_tokens: half a sentence is not a claim
    for sentence in sentences:
        text, _kept, bad = _keep_valid_markers(sentence, len(items))
        removed += bad
        if re.search(r"\w", text):
            section.sentences.append(text)
    if not section.sentences:
        section.note = notes["no_sentences"]
    section.audit = {
        "key": spec.key,
        "heading": spec.heading,
        "query": query,
        "evidence": [
            {
                "n": n,
                "kind": i.kind,
                "id": i.id,
                "citation": i.citation,
                "status": i.status,
                "shown": i.shown,
            }
            for n, i in enumerate(items, 1)
        ],
        "messages": [m.to_dict() for m in messages],
        "raw_output": raw,
        "sentences": list(section.sentences),
        "markers_removed": removed,
        "truncated_sentence": truncated,
        "prompt_tokens": count_message_tokens(chat, messages),
        "output_tokens": chat.count_tokens(raw) if raw else 0,
        "ttft_s": round(first_token, 3) if first_token is not None else None,
        "seconds": round(seconds, 3),
        "note": section.note,
    }
    return section


def _fit(
    spec: SectionSpec, tpl: Template, topic: str, items: list[_Item], chat: ChatModel
) -> tuple[list[_Item], list[Message]]:
    """The messages for a section, dropping the lowest-ranked passages until they fit."""
    while True:
        prompt = tpl.section_prompt.format(
            topic=topic,
            heading=spec.heading,
            instruction=spec.instruction,
            evidence=_evidence_block(items, tpl.lang),
            sentences=spec.sentences,
        )
        messages = [Message.system(tpl.system), Message.user(prompt)]
        if count_message_tokens(chat, messages) <= prompt_budget(chat, spec.max_tokens) or (
            len(items) <= 1
        ):
            return items, messages
        items = items[:-1]


def _assemble(
    tpl: Template,
    topic: str,
    lang: str,
    drafted: dict[str, _Drafted],
    settings: Settings,
    index: Index,
    chat: ChatModel,
    started: _dt.datetime,
) -> tuple[Brief, list[dict[str, Any]]]:
    """Renumber markers to one reference list in reading order; build Dasar Hukum; summarise."""
    numbers: dict[str, int] = {}
    references: list[Source] = []

    def number_of(item: _Item) -> int:
        if item.id not in numbers:
            numbers[item.id] = len(references) + 1
            references.append(item.source_record(numbers[item.id]))
        return numbers[item.id]

    drop = settings.draft.drop_unsupported
    sections: list[BriefSection] = []
    audit_sections: list[dict[str, Any]] = []
    legal_at: int | None = None
    for spec in tpl.sections:
        if spec.kind == "legal_basis":
            legal_at = len(sections)
            sections.append(BriefSection(key=spec.key, heading=spec.heading, kind=spec.kind))
            continue
        d = drafted[spec.key]
        sentences = []
        verdicts = d.verdicts or [None] * len(d.sentences)
        for i, (text, verdict) in enumerate(zip(d.sentences, verdicts, strict=True)):
            local = extract_markers(text)
            mapping = {n: number_of(d.items[n - 1]) for n in local}
            dropped = drop and verdict is not None and verdict.verdict == "unsupported"
            sentences.append(
                BriefSentence(
                    text=_renumber(text, mapping),
                    refs=[mapping[n] for n in local],
                    verdict=_renumber_verdict(verdict, mapping) if verdict else None,
                    dropped=dropped,
                    attributed=i in d.attributed,
                )
            )
        sections.append(
            BriefSection(
                key=spec.key,
                heading=spec.heading,
                kind=spec.kind,
                sentences=sentences,
                query=d.query,
                note=d.note,
            )
        )
        audit_sections.append({**d.audit, "renumbered": {str(k): v for k, v in numbers.items()}})
    if legal_at is not None:
        spec = sections[legal_at]
        items = _legal_basis(sections, references, index, settings)
        note = None if items else _NOTES[lang]["no_regulation"]
        sections[legal_at] = spec.model_copy(update={"legal_basis": items, "note": note})
        audit_sections.append(
            {"key": spec.key, "legal_basis": [i.model_dump(mode="json") for i in items]}
        )
    summary = _summary(sections, lang)
    brief = Brief(
        title=tpl.title.format(topic=topic),
        topic=topic,
        lang=tpl.lang,
        template=tpl.label,
        created=started.isoformat(timespec="seconds"),
        index=str(index.path),
        model=chat.model_id,
        sections=sections,
        references=references,
        summary=summary,
    )
    return brief, audit_sections


def _renumber(text: str, mapping: dict[int, int]) -> str:
    def fix(match: re.Match[str]) -> str:
        return "[" + ", ".join(str(mapping[n]) for n in extract_markers(match[0])) + "]"

    return _MARKER_RE.sub(fix, text)


def _renumber_verdict(verdict: Verdict, mapping: dict[int, int]) -> Verdict:
    def g(n: int | None) -> int | None:
        return mapping.get(n) if n is not None else None

    reasons = [
        r.model_copy(update={"passage": g(r.passage)}) if r.passage else r for r in verdict.reasons
    ]
    return verdict.model_copy(
        update={
            "claim": _renumber(verdict.claim, mapping),
            "cited": [mapping[n] for n in verdict.cited if n in mapping],
            "best_passage": g(verdict.best_passage),
            "reasons": [Reason.model_validate(r.model_dump()) for r in reasons],
        }
    )


def _legal_basis(
    sections: Sequence[BriefSection],
    references: Sequence[Source],
    index: Index,
    settings: Settings,
) -> list[LegalBasisItem]:
    """The regulations behind the references the kept sentences cite, by hierarchy, then year."""
    cited = {n for s in sections for st in s.sentences if not st.dropped for n in st.refs}
    docs = {d["doc_id"]: d for d in index.documents()}
    by_doc: dict[str, dict[str, Any]] = {}
    for ref in references:
        if ref.n not in cited or ref.kind != "chunk":
            continue
        doc_id = ref.id.split("-")[0]
        doc = docs.get(doc_id)
        if not doc or not doc.get("jenis"):
            continue
        entry = by_doc.setdefault(doc_id, {"doc": doc, "refs": []})
        entry["refs"].append(ref.n)
    items = []
    for entry in by_doc.values():
        doc = entry["doc"]
        status = doc.get("status") or "n/a"
        if status == "revoked" and settings.draft.revoked_in_legal_basis == "omit":
            continue
        items.append(
            LegalBasisItem(
                title=doc.get("title") or f"{doc['jenis']} {doc['nomor']}/{doc['tahun']}",
                citation=f"{doc['jenis']} {doc['nomor']}/{doc['tahun']}",
                jenis=doc["jenis"],
                nomor=str(doc["nomor"]) if doc.get("nomor") is not None else None,
                tahun=doc.get("tahun"),
                hierarchy_level=doc.get("hierarchy_level") or hierarchy_level(doc["jenis"]),
                status=status,
                status_note=doc.get("status_note"),
                refs=sorted(entry["refs"]),
            )
        )

    def order(item: LegalBasisItem) -> tuple[int, int, int]:
        nomor = int(item.nomor) if item.nomor and item.nomor.isdigit() else 0
        return (item.hierarchy_level or 99, item.tahun or 0, nomor)

    return sorted(items, key=order)


def _summary(sections: Sequence[BriefSection], lang: str) -> BriefSummary:
    notes = _NOTES[lang]
    verdicts = [st.verdict for s in sections for st in s.sentences if st.verdict is not None]
    counts = Counter(v.verdict for v in verdicts)
    codes = Counter(code for v in verdicts for code in set(v.codes))
    problems = []
    for code, key in (
        ("number_mismatch", "number"),
        ("source_revoked", "revoked"),
        ("no_citation", "uncited"),
        ("citation_not_in_evidence", "uncited"),
        ("wrong_reference", "reference"),
        ("low_support", "low"),
        ("source_is_instruction", "instruction"),
    ):
        if codes.get(code):
            line = notes[key].format(n=codes[code])
            if line not in problems:
                problems.append(line)
    dropped = sum(st.dropped for s in sections for st in s.sentences)
    if dropped:
        problems.append(notes["dropped"].format(n=dropped))
    total = len(verdicts)
    return BriefSummary(
        sentences=total,
        supported=counts.get("supported", 0),
        weak=counts.get("weak", 0),
        unsupported=counts.get("unsupported", 0),
        dropped=dropped,
        supported_share=round(counts.get("supported", 0) / total, 4) if total else 0.0,
        problems=problems,
    )


def _manifest(index: Index) -> dict[str, Any]:
    try:
        info = index.info()
    except Exception as exc:  # the audit must not fail the run
        return {"error": str(exc)}
    info.pop("skipped", None)
    return info


def _run_name(started: _dt.datetime, topic: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")[:40] or "brief"
    return f"{started.strftime('%Y%m%d-%H%M%S')}-{slug}"
