"""Sections the facts write alone: key provisions, data and trends, and the direct answer to a
question, as cited sentences made from the fact sheet without a model.

Every sentence carries the local ``[n]`` of the evidence item it was read from (``numbers``
maps an item id to its number) and is verified like any other sentence of the brief.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence

from pipeline.draft.evidence import EvidenceItem
from pipeline.stats.known import RANK_ONE, is_percent, level_name
from pipeline.text.analyzer import Analyzer
from pipeline.types import FigureFact, ProvisionFact

__all__ = [
    "answer_sentence",
    "data_sentences",
    "fallback_sentences",
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
#: a provision sentence that is not whole on its own: a list's head ("… yaitu:", "… meliputi:")
#: or the tail of an item ("dan b. telah memiliki …")
_FRAGMENT = re.compile(
    r"^\W*(?:dan|atau|serta|and|or)\b|(?::|\b(?:yaitu|meliputi|antara lain|sebagai berikut|"
    r"berikut|untuk|terdiri atas|adalah))\W*$",
    re.IGNORECASE,
)


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
    after all others; one of an amended regulation is not moved (most of its Pasal stand). A
    sentence that is not whole on its own (a list's head, an item's tail) is left out."""
    analyzer = analyzer or Analyzer(stem=True, stop="function")
    wanted = list(dict.fromkeys(analyzer(topic)))
    pairs = set(itertools.pairwise(wanted))
    candidates = []
    seen: set[str] = set()
    for i, fact in enumerate(facts):
        if (
            fact.status == "revoked"
            or len(fact.text.split()) > _MAX_WORDS
            or fact.text in seen
            or _FRAGMENT.search(fact.text)
        ):
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


#: the sentences the facts write for a model section the model left empty (``fallback`` of
#: the section), per language and role; ``{text}`` is the provision in its own words
_FALLBACK_PHRASES = {
    "id": {
        "sanction": "Kepatuhan ditegakkan dengan sanksi: menurut {citation}, {text}",
        "deadline": "Dalam pelaksanaannya, batas waktu atau jumlah diatur {citation}: {text}",
        "actor": "Pelaksanaannya bertumpu pada {actor}: menurut {citation}, {text}",
        "duty": "Dalam pelaksanaannya, menurut {citation}, {text}",
        "figure": "Angka statistik memperlihatkan bahwa {text}",
        "background": "Persoalan ini diatur dalam {citation}: {text}",
        "related": "Ketentuan lain yang terkait: menurut {citation}, {text}",
        "enforce": "Opsi pertama adalah menegakkan secara konsisten {citation} yang sudah berlaku, "
        "yang menetapkan bahwa {text}",
        "strengthen": "Opsi kedua adalah memperkuat pembinaan dan pengawasan oleh {actor} "
        "berdasarkan {citation}, yang menetapkan bahwa {text}",
        "guide": "Opsi kedua adalah menyusun pedoman pelaksanaan {citation}, yang menetapkan "
        "bahwa {text}",
        "motive": "Kedua opsi itu didorong oleh angka: {text}",
        "pick": "Kami merekomendasikan penegakan {citation} yang sudah berlaku, karena ketentuan "
        "itu menetapkan bahwa {text}",
        "step": "Langkah pertamanya bertumpu pada {actor}: menurut {citation}, {text}",
    },
    "en": {
        "sanction": "Compliance is enforced by sanctions: under {citation}, {text}",
        "deadline": "In practice, the time limit or amount is set by {citation}: {text}",
        "actor": "Implementation rests on {actor}: under {citation}, {text}",
        "duty": "In practice, under {citation}, {text}",
        "figure": "The statistics show that {text}",
        "background": "The matter is governed by {citation}: {text}",
        "related": "A related provision: under {citation}, {text}",
        "enforce": "The first option is to enforce {citation}, which is in force, consistently; "
        "it provides that {text}",
        "strengthen": "The second option is to strengthen guidance and supervision by {actor} "
        "under {citation}, which provides that {text}",
        "guide": "The second option is to issue implementing guidelines for {citation}, which "
        "provides that {text}",
        "motive": "Both options are driven by the figures: {text}",
        "pick": "We recommend enforcing {citation}, which is in force, because it provides "
        "that {text}",
        "step": "The first step rests on {actor}: under {citation}, {text}",
    },
}
#: the roles that may rest on a provision another section states already
_RESTATED = ("enforce", "strengthen", "guide", "pick")
#: the roles each fallback fills, in order (a role no fact fits is passed over)
FALLBACKS = {
    "background": ("background",),
    "analysis": ("sanction", "deadline", "actor", "duty", "figure"),
    "options": ("enforce", "second", "motive"),
    "recommendation": ("pick", "step"),
}
#: the roles that may follow what the model wrote, when it wrote fewer sentences than the
#: section asks for (a second option after the model's first; who takes the first step after
#: its recommendation)
TOP_UP = {
    "background": ("related",),
    "analysis": FALLBACKS["analysis"],
    "options": ("second", "motive"),
    "recommendation": ("step",),
}


def _fits(role: str, fact: ProvisionFact) -> bool:
    acts = bool(fact.actor and fact.who and fact.actor.lower() in fact.who.lower())
    return {
        "sanction": fact.kind == "sanction",
        "deadline": bool(fact.limit) and fact.kind != "sanction",
        "actor": acts,
        "strengthen": acts,
        "step": acts,
        "duty": fact.kind in ("obligation", "prohibition"),
        "enforce": fact.kind in ("obligation", "prohibition", "sanction"),
        "pick": fact.kind in ("obligation", "prohibition", "sanction"),
        "guide": fact.kind in ("obligation", "prohibition"),
        "background": True,
        "related": True,
    }.get(role, False)


def fallback_sentences(
    kind: str,
    facts: Sequence[ProvisionFact],
    figures: Sequence[FigureFact],
    numbers: Mapping[str, int],
    topic: str,
    lang: str,
    *,
    quoted: Sequence[str] = (),
    follow: Sequence[str] = (),
    most: int = 3,
    supported: Callable[[Sequence[str]], Sequence[bool]] | None = None,
    tries: int = 3,
    top_up: bool = False,
) -> list[str]:
    """Up to ``most`` cited sentences for a model section the model left empty, from the fact
    sheet: ``kind`` is a key of :data:`FALLBACKS` (``analysis``: the sanction, the deadline,
    who acts, the duty and the figure; ``options``: enforcing the provision in force, then
    supervision by the authority it names or guidelines for it, and the figure that drives
    them; ``recommendation``: enforcing it, and who takes the first step; ``background``: the
    provision the topic turns on).

    Each role takes the best-ranked provision for the topic (:func:`pick_provisions`) that fits
    it and that no sentence of ``quoted`` states yet, never one another role took; only the
    options and the recommendation may rest on a provision stated already, the one
    ``follow`` (the options, for a recommendation) states first. With ``supported`` (the
    verifier, on a batch of sentences) the first of its ``tries`` best candidates the verifier
    supports; a role nothing fits is passed over. With ``top_up`` (the model wrote some of the
    section) only the roles of :data:`TOP_UP`."""
    ranked = [f for f in pick_provisions(facts, topic, len(facts)) if f.ref in numbers]
    fresh = [f for f in ranked if not _states(quoted, f.text)]
    stated = [f for f in ranked if _states(follow, f.text)]
    out: list[str] = []
    for pool in (fresh, ranked):  # when every provision is stated already: restate them
        roles = (TOP_UP if top_up else FALLBACKS)[kind]
        candidates = _candidates(roles, pool, ranked, stated, figures, numbers, lang, tries)
        ok = supported([c[2] for c in candidates]) if supported and candidates else None
        taken: set[str] = set()
        done: set[str] = set()
        out = []
        for i, (role, fact_text, sentence) in enumerate(candidates):
            if len(out) >= most:
                break
            if role in done or (fact_text is not None and fact_text in taken):
                continue
            if ok is not None and not ok[i]:
                continue
            done.add(role)
            if fact_text is not None:
                taken.add(fact_text)
            out.append(sentence)
        if taken:
            break
    return out


_WORDS = re.compile(r"[^\W\d_]{3,}")


def _states(sentences: Sequence[str], text: str) -> bool:
    """Whether one of ``sentences`` states the provision ``text``: holds 70 % of its words (a
    quote, or the model's words for it)."""
    words = {w.lower() for w in _WORDS.findall(text)}
    return bool(words) and any(
        len(words & {w.lower() for w in _WORDS.findall(s)}) >= 0.7 * len(words) for s in sentences
    )


def _candidates(
    roles: Sequence[str],
    fresh: Sequence[ProvisionFact],
    ranked: Sequence[ProvisionFact],
    stated: Sequence[ProvisionFact],
    figures: Sequence[FigureFact],
    numbers: Mapping[str, int],
    lang: str,
    tries: int,
) -> list[tuple[str, str | None, str]]:
    """(role, the provision's text or None for a figure, sentence) for every candidate of a
    fallback, in order of preference."""
    phrases = _FALLBACK_PHRASES[lang]
    candidates: list[tuple[str, str | None, str]] = []
    for role in roles:
        if role in ("figure", "motive"):
            if figures and figures[0].ref in numbers:
                n = numbers[figures[0].ref]
                value = data_sentences(figures[0], n, lang)[0]
                text = _lead(value[: value.rfind(" [")])
                candidates.append((role, None, _cite(phrases[role].format(text=text), n)))
            continue
        for each in ("strengthen", "guide") if role == "second" else (role,):
            pool = fresh  # a provision the brief states already is not stated again …
            if each in _RESTATED:  # … except one an option or a recommendation rests on
                pool = [*stated, *fresh, *(f for f in ranked if f not in fresh and f not in stated)]
            for fact in [f for f in pool if _fits(each, f)][:tries]:
                line = phrases[each].format(
                    citation=fact.citation, actor=fact.actor, text=_lead(fact.text)
                )
                candidates.append((role, fact.text, _cite(line, numbers[fact.ref])))
    return candidates
