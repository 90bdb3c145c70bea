"""One section of a brief: show the evidence, draft with the model, keep the valid markers,
and cite the best passage for sentences the model left uncited."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pipeline.draft.answer import attach_markers, keep_valid_markers, split_answer
from pipeline.draft.evidence import (
    EvidenceItem,
    copy_item,
    evidence_block,
    shown_text,
    to_evidence,
)
from pipeline.draft.grammar import cited_grammar, valid_sentence
from pipeline.draft.notes import NOTES
from pipeline.draft.templates import SectionSpec, Template
from pipeline.llm import ChatModel, Message, count_message_tokens, prompt_budget
from pipeline.settings import Settings
from pipeline.text.analyzer import Analyzer
from pipeline.text.markers import MARKER_RE, extract_markers
from pipeline.text.words import Vocabulary
from pipeline.types import Verdict
from pipeline.verify import add_reasons, check_already_regulated, verify_sentences

if TYPE_CHECKING:
    from pipeline.embed import Embedder

__all__ = [
    "DraftEvent",
    "DraftedSection",
    "attribute",
    "draft_section",
    "end_cleanly",
    "fit_messages",
    "keep_supported",
    "recite",
    "renumber_openers",
    "repeats_itself",
    "summary_items",
    "trim_glued",
]


@dataclass(frozen=True, slots=True)
class DraftEvent:
    """Progress of a draft: ``section`` (starts), ``token`` (streamed text), ``section_done``,
    ``verify`` and ``done``. ``text`` carries the token or a short message."""

    kind: Literal["section", "token", "section_done", "verify", "done"]
    key: str = ""
    heading: str = ""
    text: str = ""


@dataclass(slots=True)
class DraftedSection:
    """A drafted section: its evidence, sentences (local ``[n]`` markers), verdicts, audit."""

    spec: SectionSpec
    items: list[EvidenceItem] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    #: the verdicts of the section alone, before the checks across the brief
    checked: list[Verdict] = field(default_factory=list)
    note: str | None = None
    query: str | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    attributed: set[int] = field(default_factory=set)


def draft_section(
    spec: SectionSpec,
    tpl: Template,
    topic: str,
    query: str | None,
    items: list[EvidenceItem],
    chat: ChatModel,
    settings: Settings,
    analyzer: Analyzer,
    emit: Callable[[DraftEvent], None],
    *,
    cited: bool = False,
    vocabulary: Vocabulary | None = None,
) -> DraftedSection:
    """Show the evidence, stream the model's answer and keep its sentences with valid markers.

    With ``cited`` (shared evidence, already shown as facts) every sentence must end in a
    marker among the items: a backend that takes a grammar is constrained to it
    (:func:`pipeline.draft.grammar.cited_grammar`); with another backend an answer with a
    sentence that breaks the rule is asked for once more, and such sentences never reach the
    brief. With a ``vocabulary``, a sentence with a word that is in neither the dictionary nor
    the evidence ("disiplinasi") is left out too. The audit part of the section (evidence shown, messages, raw output, timing, prompt
    tokens the backend reused from its cache) is filled in; verification is left to the caller.
    """
    section = DraftedSection(spec=spec, query=query)
    notes = NOTES[tpl.lang]
    if not items:
        section.note = notes["no_evidence"]
        section.audit = {"key": spec.key, "query": query, "evidence": [], "note": section.note}
        return section
    if not cited:
        q_tokens = set(analyzer(f"{topic} {query or ''} {spec.instruction}"))
        for item in items:
            item.shown = shown_text(item.text, q_tokens, settings.draft.evidence_words, analyzer)
    items, messages = fit_messages(spec, tpl, topic, items, chat)
    section.items = items
    grammar = (
        cited_grammar(len(items), spec.sentence_range[1], starts=spec.starts) if cited else None
    )
    constrained = bool(grammar) and getattr(chat, "supports_grammar", False)
    start = time.perf_counter()
    timing: dict[str, float | None] = {"first": None}

    def ask() -> str:
        pieces: list[str] = []
        options: dict[str, Any] = {"grammar": grammar} if constrained else {}
        for piece in chat.stream(
            messages,
            max_tokens=spec.max_tokens,
            temperature=settings.llm.temperature,
            seed=settings.llm.seed,
            stop=["<<<", "BUKTI>>>", "EVIDENCE>>>", "\n\n\n"],
            **options,
        ):
            if timing["first"] is None:
                timing["first"] = time.perf_counter() - start
            pieces.append(piece)
            emit(DraftEvent("token", spec.key, spec.heading, piece))
        return "".join(pieces)

    raw = ask()
    retried = None
    if (
        cited
        and not constrained
        and not _all_valid(_sentences(raw, spec.heading, True), len(items))
    ):
        retried, raw = raw, ask()  # check and retry once
    seconds = time.perf_counter() - start
    removed: list[int] = []
    sentences = _sentences(raw, spec.heading, cited)
    truncated = None
    if sentences and not re.search(r"[.!?\]]\W*$", sentences[-1]):
        truncated = sentences.pop()  # cut off by max_tokens: half a sentence is not a claim
    rejected = []
    sentences = [end_cleanly(s) for s in sentences]
    if vocabulary is not None:
        sentences = [trim_glued(s, vocabulary) for s in sentences]
    for sentence in sentences:
        if cited and (
            not valid_sentence(sentence, len(items))
            or _TALKS_ABOUT_EVIDENCE.search(sentence)
            or repeats_itself(sentence)
            or sentence in section.sentences
            or len(MARKER_RE.sub("", sentence).split()) < 5  # "PP 94/2021 Pasal 8 dan [3]."
            or (vocabulary is not None and vocabulary.unknown(sentence))
        ):
            rejected.append(sentence)
            continue
        text, _kept, bad = keep_valid_markers(sentence, len(items))
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
        "rejected_sentences": rejected,
        "retried_answer": retried,
        "grammar": grammar if constrained else None,
        "prompt_reused_tokens": (getattr(chat, "last_prompt", None) or {}).get("reused"),
        "prompt_tokens": count_message_tokens(chat, messages),
        "output_tokens": chat.count_tokens(raw) if raw else 0,
        "ttft_s": round(timing["first"], 3) if timing["first"] is not None else None,
        "seconds": round(seconds, 3),
        "note": section.note,
    }
    return section


#: "Dalam bukti [3], disebutkan …": a sentence about the evidence, not about the topic
_TALKS_ABOUT_EVIDENCE = re.compile(r"\b(?:bukti|evidence|fakta|fact)\s*\[\d", re.IGNORECASE)


_STRAY_END = re.compile(r"\s*[,;]\s*((?:\s?\[\d+(?:,\s?\d+)*\])+)\.$")


def end_cleanly(sentence: str) -> str:
    """A sentence the grammar made end at its marker right after a comma or semicolon
    ("… tidak kehilangan status sebagai PNS, [4]."): the stray mark goes. Whether what is left
    is whole is the verifier's to say (``incomplete``)."""
    return _STRAY_END.sub(r" \1.", sentence)


def trim_glued(sentence: str, vocabulary: Vocabulary) -> str:
    """A sentence that ran to the grammar's word limit often ends in words glued together
    ("… tidak sesuaistandar,ibilitas [1]."): cut it back to the last comma before the first
    unknown word, keeping its marker, when at least eight words remain."""
    match = re.search(r"((?:\s?\[\d+(?:,\s?\d+)*\])+)\.$", sentence)
    if not match or not vocabulary.unknown(sentence):
        return sentence
    body, marker = sentence[: match.start()], match[1].strip()
    first_bad = min(
        (m.start() for w in vocabulary.unknown(body) for m in re.finditer(re.escape(w), body)),
        default=len(body),
    )
    cut = body.rfind(",", 0, first_bad)
    if cut < 0 or len(body[:cut].split()) < 8:
        return sentence
    return f"{body[:cut].rstrip()} {marker}."


def repeats_itself(sentence: str, n: int = 5) -> bool:
    """Whether a run of ``n`` words comes twice in ``sentence`` (a model caught in a loop:
    "… dicabut dan dinyatakan tidak berlaku sepanjang …, dicabut dan dinyatakan …")."""
    words = re.findall(r"\w+", sentence.lower())
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(grams) != len(set(grams))


_CITED_END = re.compile(r".*?(?:\s?\[\d+(?:,\s?\d+)*\])+\.", re.DOTALL)


def _sentences(raw: str, heading: str, cited: bool = False) -> list[str]:
    """The answer's sentences, without an echoed heading at its start. A ``cited`` answer
    (written under the grammar) is cut where its markers end its sentences; text after the
    last one is the cut-off rest."""
    if cited:
        ends = [m[0].strip() for m in _CITED_END.finditer(raw)]
        rest = _CITED_END.sub("", raw).strip()
        return ends + ([rest] if rest else [])
    answer = re.sub(
        rf"^\W*(?:\d+[.)]\s*)?\W*{re.escape(heading)}[\"”'*]*\s*[:.\-–]?\s*",
        "",
        raw.strip(),
        flags=re.I,
    )
    return split_answer(answer)


def _all_valid(sentences: Sequence[str], n: int) -> bool:
    return bool(sentences) and all(valid_sentence(s, n) for s in sentences)


def fit_messages(
    spec: SectionSpec, tpl: Template, topic: str, items: list[EvidenceItem], chat: ChatModel
) -> tuple[list[EvidenceItem], list[Message]]:
    """The messages for a section, dropping the lowest-ranked passages until they fit."""
    while True:
        prompt = tpl.section_prompt.format(
            topic=topic,
            heading=spec.heading,
            instruction=spec.instruction,
            evidence=evidence_block(items, tpl.lang),
            sentences=spec.sentences,
        )
        messages = [Message.system(tpl.system), Message.user(prompt)]
        if count_message_tokens(chat, messages) <= prompt_budget(chat, spec.max_tokens) or (
            len(items) <= 1
        ):
            return items, messages
        items = items[:-1]


def attribute(section: DraftedSection, settings: Settings, embedder: Embedder) -> None:
    """Cite the best passage for sentences the model left without a valid marker — only when
    that passage alone supports the sentence (a ``supported`` verdict); others stay uncited."""
    missing = [i for i, s in enumerate(section.sentences) if not extract_markers(s)]
    if not missing:
        return
    evidence = [to_evidence(i) for i in section.items]
    candidates = verify_sentences(
        [section.sentences[i] for i in missing],
        evidence,
        settings,
        embedder,
        require_markers=False,
    )
    best = [v.best_passage for v in candidates]
    trial = [
        attach_markers(section.sentences[i], f"[{n}]") if n else section.sentences[i]
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


def recite(section: DraftedSection, settings: Settings, embedder: Embedder) -> None:
    """A model sentence whose marker points at a fact that does not support it, while another
    fact alone does ("… 3 hari kerja … teguran lisan [1]" where the rule is [2]), is cited to
    that fact instead and marked as cited by Pilar (``attributed``)."""
    if not section.sentences:
        return
    evidence = [to_evidence(i) for i in section.items]
    own = verify_sentences(section.sentences, evidence, settings, embedder, require_markers=True)
    wrong = [i for i, v in enumerate(own) if v.verdict != "supported"]
    if not wrong:
        return
    bare = [MARKER_RE.sub("", section.sentences[i]).replace(" .", ".").strip() for i in wrong]
    best = verify_sentences(bare, evidence, settings, embedder, require_markers=False)
    trial = [
        attach_markers(b, f"[{v.best_passage}]") if v.best_passage else b
        for b, v in zip(bare, best, strict=True)
    ]
    checked = verify_sentences(trial, evidence, settings, embedder, require_markers=True)
    moved = []
    for i, sentence, verdict in zip(wrong, trial, checked, strict=True):
        if verdict.verdict == "supported":
            moved.append({"sentence": i + 1, "was": section.sentences[i], "now": sentence})
            section.sentences[i] = sentence
            section.attributed.add(i)
    section.audit["recited"] = moved


def keep_supported(
    section: DraftedSection,
    settings: Settings,
    embedder: Embedder,
    documents: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Leave out the model sentences the verifier does not find supported by the facts they
    cite, or that call for a regulation one of ``documents`` (the index's) already is; returns
    them with the verdict and its reasons (for the audit record)."""
    if not section.sentences:
        return []
    evidence = [to_evidence(i) for i in section.items]
    verdicts = [
        add_reasons(v, check_already_regulated(v.claim, documents))
        for v in verify_sentences(
            section.sentences, evidence, settings, embedder, require_markers=True
        )
    ]
    kept: list[str] = []
    attributed: set[int] = set()
    left_out = []
    for i, (sentence, verdict) in enumerate(zip(section.sentences, verdicts, strict=True)):
        if verdict.verdict == "supported":
            if i in section.attributed:
                attributed.add(len(kept))
            kept.append(sentence)
        else:
            left_out.append(
                {
                    "sentence": sentence,
                    "verdict": verdict.verdict,
                    "reasons": [r.message for r in verdict.reasons],
                }
            )
    section.sentences, section.attributed = kept, attributed
    return left_out


def renumber_openers(sentences: Sequence[str], starts: Sequence[str]) -> list[str]:
    """The openers of the sentences that kept one, in order again once some were left out:
    "Opsi kedua adalah …" left alone becomes "Opsi pertama adalah …"."""
    out, used = [], 0
    for sentence in sentences:
        own = next((s for s in starts if sentence.startswith(s.strip() + " ")), None)
        if own is not None and used < len(starts):
            sentence = starts[used].strip() + sentence[len(own.strip()) :]
            used += 1
        out.append(sentence)
    return out


def summary_items(sections: Sequence[DraftedSection] | Any, k: int) -> list[EvidenceItem]:
    """The passages the drafted sections cite most (ties: first cited first)."""
    counts: Counter[str] = Counter()
    first: dict[str, EvidenceItem] = {}
    for section in sections:
        for sentence in section.sentences:
            for n in extract_markers(sentence):
                item = section.items[n - 1]
                counts[item.id] += 1
                first.setdefault(item.id, item)
    ranked = sorted(first, key=lambda i: (-counts[i], list(first).index(i)))
    return [copy_item(first[i]) for i in ranked[:k]]
