"""Sections the facts write alone: key provisions, data and trends, and the direct answer to a
question, as cited sentences made from the fact sheet without a model.

Every sentence carries the local ``[n]`` of the evidence item it was read from (``numbers``
maps an item id to its number) and is verified like any other sentence of the brief.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence

from pipeline.draft.evidence import EvidenceItem
from pipeline.stats.known import RANK_ONE, is_percent, level_name
from pipeline.text.analyzer import Analyzer
from pipeline.types import FigureFact, ProvisionFact

__all__ = [
    "answer_sentence",
    "data_sentences",
    "is_question",
    "key_provisions",
    "pick_provisions",
    "preamble_sentences",
]

_QUESTION = re.compile(
    r"\?\s*$|^\s*(?:apakah|apa|berapa|bagaimana|siapa|kapan|mengapa|kenapa|di\s*mana|"
    r"what|how|who|when|which|why|where|is|are|does|do|can|must)\b",
    re.IGNORECASE,
)
#: weight of the retrieval rank of a fact's passage (the r-th passage, from 0, adds 4 / (1 + r)):
#: an English topic shares no word with an Indonesian Pasal, so without it the ranking fell to
#: the kind of provision (brief_coverage.py, held-out: a gold Pasal cited 0.567 → 0.667 with
#: it, 0.633 once a regulation revoked in part comes last; weights 4 and 8 gave the same)
_RANK_PRIOR = 4.0
_KIND_WEIGHT = {"sanction": 3, "obligation": 2, "prohibition": 2, "rule": 1, "permission": 1}
_MAX_WORDS = 60


def is_question(topic: str) -> bool:
    """Whether the topic is asked as a question."""
    return bool(_QUESTION.search(topic.strip()))


def pick_provisions(
    facts: Sequence[ProvisionFact], topic: str, n: int, analyzer: Analyzer | None = None
) -> list[ProvisionFact]:
    """The ``n`` provisions a brief on ``topic`` should state: in-force sentences of at most
    60 words, ranked by the topic words they share, each weighted by how rare it is among the
    facts ("masuk kerja" tells the provisions apart, "PNS" and "disiplin" do not), with a bonus
    for each pair of topic words they hold side by side and one for the retrieval rank of their
    passage (``facts`` come in evidence order; it decides when the topic is in English); then by
    force (a sanction, an obligation or a prohibition before a permission), then by evidence
    order. A provision of a regulation revoked in part (which the verifier marks weak) comes
    after all others; one of an amended regulation is not moved (most of its Pasal stand)."""
    analyzer = analyzer or Analyzer(stem=True, stop="function")
    wanted = list(dict.fromkeys(analyzer(topic)))
    pairs = set(itertools.pairwise(wanted))
    candidates = []
    seen: set[str] = set()
    for i, fact in enumerate(facts):
        if fact.status == "revoked" or len(fact.text.split()) > _MAX_WORDS or fact.text in seen:
            continue
        seen.add(fact.text)
        candidates.append((i, fact, analyzer(fact.text)))
    df = {w: sum(w in set(tokens) for _, _, tokens in candidates) for w in wanted}
    rank = {ref: r for r, ref in enumerate(dict.fromkeys(f.ref for f in facts))}
    scored = []
    for i, fact, tokens in candidates:
        held = set(tokens)
        overlap = sum(math.log(1 + len(candidates) / df[w]) for w in wanted if w in held)
        overlap += sum(1.0 for pair in itertools.pairwise(tokens) if pair in pairs)
        bonus = 1 if fact.limit or fact.sanction else 0
        prior = _RANK_PRIOR / (1 + rank[fact.ref])
        stale = fact.status == "partially_revoked"  # after the rest (revoked: left out above)
        scored.append((stale, -(overlap + bonus + prior), -_KIND_WEIGHT[fact.kind], i, fact))
    scored.sort(key=lambda t: t[:4])
    return [t[4] for t in scored[:n]]


#: a list item's own number or letter at its start, as printed or as OCR reads it
#: ("1) ", "2l ", "(21 ", "b. ")
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[).l]|\(\d{1,2}\)?|[a-z][.)])\s+(?=[A-Za-z])")


def _lead(text: str) -> str:
    text = _ENUMERATOR.sub("", text, count=1)
    first = text.split(" ", 1)[0]
    if first.isupper() or any(ch.isdigit() for ch in first):
        return text  # "PNS …", "UU …": keep the case
    return text[0].lower() + text[1:]


def _cite(text: str, n: int) -> str:
    return f"{text.rstrip(' .;:')} [{n}]."


def key_provisions(
    facts: Sequence[ProvisionFact], numbers: Mapping[str, int], lang: str
) -> list[str]:
    """One cited sentence per provision: the rule in the regulation's own words, introduced by
    its citation ("Menurut PP 94/2021 Pasal 3 ayat (2), PNS yang … dijatuhi …")."""
    out = []
    for fact in facts:
        n = numbers.get(fact.ref)
        if n is None:
            continue
        lead = "Menurut" if lang == "id" else "Under"
        text = fact.text
        if fact.sanction and text.startswith(f"{fact.sanction} bagi "):  # a listed sanction
            text = f"{fact.sanction} dijatuhkan bagi {text[len(fact.sanction) + 6 :]}"
        out.append(_cite(f"{lead} {fact.citation}, {_lead(text)}", n))
    return out


def answer_sentence(
    topic: str, facts: Sequence[ProvisionFact], numbers: Mapping[str, int], lang: str
) -> str | None:
    """The direct answer to a question topic: the provision that shares most words with it
    (a sanction or limit first), cited; ``None`` when no provision shares any."""
    best = pick_provisions(facts, topic, 1)
    if not best or best[0].ref not in numbers:
        return None
    return key_provisions(best, numbers, lang)[0]


#: where a consideration of a Menimbang starts ("a. bahwa …", "bahwa …")
_BAHWA = re.compile(r"(?:^|[\s;])(?:[a-z]\.\s+)?bahwa\s+", re.IGNORECASE)
_PREAMBLE_WORDS = 45


def preamble_sentences(
    items: Sequence[EvidenceItem], numbers: Mapping[str, int], topic: str, lang: str, n: int = 2
) -> list[str]:
    """Why the main regulation was made: the considerations of its Menimbang (among ``items``)
    that share most words with ``topic``, in its own words, cited — the closest first, then up
    to ``n - 1`` more that share a topic word; none without a Menimbang among the facts."""
    item = next((i for i in items if i.citation.endswith(" Menimbang")), None)
    if item is None or item.id not in numbers:
        return []
    text = re.sub(r"^\s*Menimbang\s*:?\s*", "", item.text)
    clauses = []
    for clause in _BAHWA.split(text):
        words = clause.strip(" ;,.").split()
        if len(words) > _PREAMBLE_WORDS:
            cut = " ".join(words[:_PREAMBLE_WORDS]).rfind(",")
            words = " ".join(words[:_PREAMBLE_WORDS])[:cut].split() if cut > 0 else []
        if len(words) >= 8:
            clauses.append(" ".join(words).rstrip(" ,;"))
    if not clauses:
        return []
    analyzer = Analyzer(stem=True, stop="function")
    wanted = set(analyzer(topic))
    shared = {c: len(wanted & set(analyzer(c))) for c in clauses}
    ranked = sorted(dict.fromkeys(clauses), key=lambda c: (-shared[c], clauses.index(c)))
    chosen = ranked[:1] + [c for c in ranked[1:n] if shared[c]]
    label = item.citation.removesuffix(" Menimbang")
    leads = {
        "id": (f"Menurut konsiderans {label}, ", "Konsiderans itu juga menyebut bahwa "),
        "en": (f"The preamble of {label} states that ", "It also states that "),
    }[lang]
    return [
        _cite(f"{leads[min(i, 1)]}{clause}", numbers[item.id]) for i, clause in enumerate(chosen)
    ]


#: the sentences of a statistics fact, per language (one table: the wording lives here only)
_FIGURE_PHRASES = {
    "id": {
        "value": "{indicator} di {region} pada {period} sebesar {value}{unit}",
        "trend": "{indicator} di {region} {verb} {change}{points} dari {start} pada {change_from} "
        "menjadi {value} pada {period}",
        "rank": "{indicator} {region} berada di peringkat {rank} dari {rank_of} {levels} "
        "(peringkat 1 = {best})",
        "points": " poin",
        "national": "{indicator} nasional pada {period} sebesar {national}{unit}",
        "verbs": {"rising": "naik", "falling": "turun", "flat": "tetap", None: "berubah"},
    },
    "en": {
        "value": "{indicator} in {region} was {value}{unit} in {period}",
        "trend": "{indicator} in {region} {verb} by {change}{points} from {start} in "
        "{change_from} to {value} in {period}",
        "rank": "On {indicator}, {region} ranks {rank} of {rank_of} {levels} (1 = {best})",
        "points": " percentage points",
        "national": "The national {indicator} for {period} was {national}{unit}",
        "verbs": {"rising": "rose", "falling": "fell", "flat": "stayed flat", None: "changed"},
    },
}


def _fmt(value: float) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def data_sentences(figure: FigureFact, n: int, lang: str) -> list[str]:
    """The cited sentences of one statistics fact: the latest value, the trend since the first
    comparable year, the rank among peers and the national figure."""
    phrases = _FIGURE_PHRASES[lang]
    verbs = phrases["verbs"]
    fields = {
        **figure.model_dump(),
        "unit": f" {figure.unit}" if figure.unit and figure.unit not in ("indeks", "index") else "",
        "region": figure.region.title() if figure.region.isupper() else figure.region,
        "change": _fmt(figure.change) if figure.change is not None else "",
        "verb": verbs.get(figure.trend, verbs[None]),
        "points": phrases["points"] if is_percent(figure.unit) else "",
        "levels": level_name(figure.level, lang),
        "best": RANK_ONE[lang][figure.rank_order],
    }
    out = [phrases["value"].format(**fields)]
    if figure.change is not None and figure.change_from and figure.start:
        out.append(phrases["trend"].format(**fields))
    if figure.rank and figure.rank_of:
        out.append(phrases["rank"].format(**fields))
    if figure.national:
        out.append(phrases["national"].format(**fields))
    return [_cite(s, n) for s in out]
