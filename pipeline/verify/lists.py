"""Enumerations: the items a passage lists and the items a sentence lists.

A passage lists its items by huruf or angka ("a. gaji; b. cuti; dan c. perlindungan") or
inline after a cue word ("terdiri atas unsur pemerintah, pakar, praktisi dan tokoh
masyarakat"). :func:`enumerations` reads both; :func:`list_lengths` counts them for the count
check of :mod:`pipeline.verify.numbers`. :func:`check_lists` gives

* ``list_item_extra`` — the sentence lists an item the passage's list does not hold;
* ``list_item_missing`` — the sentence presents a list as complete but leaves out items the
  passage lists (the reason names them).

Within one language items are matched by their words; an English sentence about an Indonesian
list is checked by the number of items (the glossary cannot match every item).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.text.markers import strip_markers
from pipeline.types import Reason

__all__ = ["Enumeration", "check_lists", "claim_items", "enumerations", "list_lengths"]

_LETTER_ITEM = re.compile(r"(?:^|[\s;:,])([a-z])\s*[.),]\s+(?=\S)")
_NUMBER_ITEM = re.compile(r"(?:^|[\s;:,])(\d{1,2})\s*[.)]\s+(?=[A-Za-z])")
#: words that open a list: what follows is the enumeration
_CUE = re.compile(
    r"\b(?:terdiri\s+(?:atas|dari)|meliputi|mencakup|berupa|yaitu|yakni|antara\s+lain|"
    r"sebagai\s+berikut|comprises?|consists?\s+of|made\s+up\s+of|covers?|"
    r"take\s+the\s+form\s+of|takes\s+the\s+form\s+of|namely|are\s+as\s+follows)\b\s*:?|:",
    re.IGNORECASE,
)
#: words that say a list is not complete
_PARTIAL = re.compile(
    r"\b(?:antara\s+lain|termasuk|misalnya|seperti|di\s+antaranya|dan\s+lain-lain|dll|"
    r"including|such\s+as|among\s+others|among\s+other\s+things|for\s+example|e\.g|etc|"
    r"for\s+instance|"
    r"paling\s+sedikit|sekurang-kurangnya|at\s+least)\b",
    re.IGNORECASE,
)
#: words after which a sentence's first list item starts when no cue opens the list
_LEAD = re.compile(
    r"\b(?:melalui|dengan|lewat|oleh|kepada|berupa|through|by|via|with|to)\s+", re.IGNORECASE
)
#: who says it, not what is said: "Menurut PP 94/2021 Pasal 3," / "The preamble of UU 1/2022
#: states that" opens a sentence without being one of its list items
_ATTRIBUTION = re.compile(
    r"^\s*(?:(?:Menurut|Berdasarkan|Sesuai\s+dengan|Under|According\s+to)\s+[^,]{1,80},\s*|"
    r"The\s+preamble\s+of\s+[^,]{1,40}?\s+states\s+that\s+|"
    r"(?:Setelah|Sesudah|Sejak)\s+(?:diubah|perubahan|berlakunya)[^,]{0,60},\s*|"
    r"(?:At\s+(?:a|the)\s+minimum|At\s+least|In\s+(?:short|total|all)|Paling\s+(?:tidak|kurang)|"
    r"Sekurang-kurangnya|Setidaknya),\s*|"
    r"(?:After|Since)\s+(?:the\s+|its\s+)?(?:amendment|change)[^,]{0,60},\s*)",
    re.IGNORECASE,
)
_CONJ = re.compile(r"\s*\b(?:dan/atau|and/or|dan|atau|serta|and|or|as\s+well\s+as)\b\s*", re.I)
_TAIL = re.compile(r"[\s;,.]*(?:\b(?:dan/atau|dan|atau|serta|and/or|and|or)\s*)?[\s;,.]*$", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    """yang dan atau serta dari untuk dalam pada oleh bagi atas dengan sebagai tersebut
    dimaksud ayat pasal huruf the and for with from into its their of orang satu dua tiga
    empat lima enam tujuh delapan sembilan sepuluh one two three four five six seven eight
    nine ten seorang sebuah para""".split()  # noqa: SIM905 - a word block reads better
)


@dataclass(frozen=True, slots=True)
class Enumeration:
    """One list of a passage: its items, where it starts, and whether it is numbered."""

    items: tuple[str, ...]
    start: int
    numbered: bool


def _numbered(text: str) -> list[Enumeration]:
    out: list[Enumeration] = []
    for regex, first, step in ((_LETTER_ITEM, "a", "letter"), (_NUMBER_ITEM, "1", "number")):
        marks = list(regex.finditer(text))
        run: list[re.Match[str]] = []

        def close(run: list[re.Match[str]]) -> None:
            if len(run) > 1:
                bounds = [m.end() for m in run]
                items = []
                for i in range(len(run)):
                    end = run[i + 1].start() if i + 1 < len(run) else len(text)
                    item = text[bounds[i] : end]
                    if i + 1 == len(run):
                        item = re.split(r"(?<=[.;])\s+(?=\(\d|[A-Z])", item)[0]
                    items.append(_TAIL.sub("", item).strip())
                out.append(Enumeration(tuple(items), run[0].start(), True))

        for m in marks:
            expected = chr(ord("a") + len(run)) if step == "letter" else str(len(run) + 1)
            if m[1] == expected:
                run.append(m)
            elif m[1] == first:
                close(run)
                run = [m]
        close(run)
    return out


def _split_items(segment: str, cued: bool = True) -> list[str]:
    """Items of "A, B, dan C" / "A, B and C" / "A dan B" (after a cue). The last part is cut at
    its first conjunction only ("protection and competence development" → two items;
    ", or accepting it and issuing a recommendation" → one). Without a cue, a list needs a
    conjunction in its last part."""
    # items separated by semicolons may hold commas ("planning; implementation, monitoring
    # and coaching; appraisal")
    separator = r";" if segment.count(";") >= 2 else r"[,;]"
    parts = [p.strip() for p in re.split(separator, segment) if p.strip()]
    if not parts:
        return []
    starts = _CONJ.match(parts[-1])
    if starts and starts.start() == 0 and len(parts) > 1:
        last = [parts[-1][starts.end() :].strip()]
    else:
        last = [p.strip() for p in _CONJ.split(parts[-1], maxsplit=1) if p.strip()]
        if len(last) < 2 and not cued:
            return []
    if len(parts) == 1 and len(last) < 2:
        return []
    items = parts[:-1] + last
    return [_TAIL.sub("", i).strip() for i in items if _TAIL.sub("", i).strip()]


def _inline(text: str) -> list[Enumeration]:
    out = []
    for cue in _CUE.finditer(text):
        rest = text[cue.end() :]
        segment = re.split(r"(?<=[a-z)])\.\s|\.$|;\s*(?:dan|atau)?\s*\(|\s\(\d", rest)[0]
        if _LETTER_ITEM.match(" " + segment.lstrip()) or _CUE.search(segment):
            continue  # a numbered list, or a later cue opens the list ("3 tahap, meliputi …")
        items = _split_items(segment)
        if len(items) >= 2 and "," in segment:
            out.append(Enumeration(tuple(items), cue.start(), False))
    return out


def _uncued(text: str, taken: list[Enumeration]) -> list[Enumeration]:
    """Lists of three or more items that no cue word opens ("berasal dari A, B, C, dan D",
    "bersifat langsung, umum, bebas, rahasia, jujur, dan adil"), a sentence at a time."""
    out = []
    start = 0
    for sentence in re.split(r"(?<=[.;])\s+", text):
        at = text.find(sentence, start)
        start = max(start, at)
        # two commas at least: "A, B, dan C" is a list, "X terjadi, Y dimasukkan dan Z" is not
        if sentence.count(",") >= 2 and not any(at <= e.start < at + len(sentence) for e in taken):
            items, _, cued = claim_items(sentence)
            short = all(len(i.split()) <= 4 for i in items[1:-1])  # a list, not two clauses
            if not cued and len(items) >= 3 and short:
                out.append(Enumeration(tuple(items), at, False))
    return out


def enumerations(text: str) -> list[Enumeration]:
    """The lists of ``text``: numbered (huruf / angka) ones, inline ones after a cue word, and
    comma lists of three or more items. Read once per passage text (the count, figure and list
    checks all ask)."""
    return list(_enumerations(text))


@functools.lru_cache(maxsize=2048)
def _enumerations(text: str) -> tuple[Enumeration, ...]:
    numbered = _numbered(text)
    found = numbered + [e for e in _inline(text) if not any(e.start >= n.start for n in numbered)]
    return tuple(found + _uncued(text, found))


def list_lengths(text: str) -> set[int]:
    """How many items each enumeration of ``text`` lists."""
    return {len(e.items) for e in enumerations(text)}


def claim_items(text: str) -> tuple[list[str], bool, bool]:
    """(the items a sentence lists, whether it presents them as complete, whether a cue word
    opens the list, so that its first item is an item and not the sentence's subject)."""
    text = _ATTRIBUTION.sub("", strip_markers(text).strip().rstrip("."), count=1)
    comma = text.find(",")
    cues = [
        c
        for c in _CUE.finditer(text)
        if comma < 0
        or c.end() <= comma
        or re.search(r",\s*$", text[: c.start()])
        or c[0].strip() == ":"  # a colon opens a list wherever it stands
    ]
    cue = cues[-1] if cues else None  # "mencakup tiga ranah: A, B, dan C" → after the colon
    segment = text[cue.end() :] if cue else text
    items = _split_items(segment, cued=bool(cue))
    if not items and cue:
        items = [i for i in _CONJ.split(segment) if i.strip()]
        items = items if len(items) >= 2 else []
    if len(items) >= 3:  # the ends may carry the sentence's subject or predicate: trim them
        n = max(len(i.split()) for i in items[1:-1])
        items[-1] = " ".join(items[-1].split()[:n])
        if not cue:
            lead = list(_LEAD.finditer(items[0]))  # "dijalankan melalui A" → "A"
            head = items[0][lead[-1].end() :] if lead else items[0]
            items[0] = " ".join(head.split()[-n:])
    complete = not _PARTIAL.search(text) and (bool(cue) or len(items) >= 3)
    return items, complete, bool(cue)


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def _near(word: str, words: set[str]) -> bool:
    return word in words or any(
        len(word) >= 5 and len(w) >= 5 and (word in w or w in word) for w in words
    )


def _share(item: str, words: set[str]) -> float:
    tokens = _tokens(item)
    return sum(_near(t, words) for t in tokens) / len(tokens) if tokens else 1.0


def _choose(lists: list[Enumeration], claim: str) -> Enumeration:
    words = _tokens(claim)
    return max(lists, key=lambda e: (sum(_share(i, words) >= 0.5 for i in e.items), -e.start))


def check_lists(
    claim: str, passage: str, number: int | None, cross_lingual: bool = False
) -> list[Reason]:
    """``list_item_extra`` / ``list_item_missing`` for a sentence that lists items, against the
    list of the cited ``passage`` it matches."""
    items, complete, _ = claim_items(claim)
    lists = enumerations(passage)
    if len(items) < 2 or not lists:
        return []
    chosen = _choose(lists, claim)
    theirs = list(chosen.items)
    if cross_lingual:
        k, m = len(items), len(theirs)
        if k > m and (complete or k >= 3):
            return [
                Reason(
                    code="list_item_extra",
                    message=f"the sentence lists {k} items; the passage lists {m}: "
                    + "; ".join(theirs),
                    passage=number,
                )
            ]
        if k < m and complete and 2 * k >= m:
            return [
                Reason(
                    code="list_item_missing",
                    message=f"the sentence lists {k} items as complete; the passage lists {m}: "
                    + "; ".join(theirs),
                    passage=number,
                )
            ]
        return []
    # the words just before the list belong to each item ("cacat: a. wewenang" → cacat wewenang)
    chapeau = _tokens(passage[max(0, chosen.start - 30) : chosen.start].split(" ", 1)[-1])
    # the words of the sentence's list (from its first item on, the ends not trimmed)
    first = claim.find(items[0])
    item_words = (
        _tokens(claim[first:]) if first >= 0 else set().union(*(_tokens(i) for i in items))
    ) | chapeau
    claim_words = _tokens(claim)
    list_words = set().union(*(_tokens(i) for i in theirs)) | chapeau
    passage_words = _tokens(passage)
    mentioned = [i for i in theirs if _share(i, claim_words) > 0.5 and _share(i, item_words) >= 0.5]
    found = [i for i in items if _share(i, list_words) > 0.5]
    # an item in other words ("usulan" for "saran") leaves the count as it is: an extra or a
    # missing item changes it
    if len(found) >= 2 and len(items) > len(theirs):
        extra = [
            i for i in items if _share(i, list_words) <= 0.5 and _share(i, passage_words) <= 0.5
        ]
        if extra:
            return [
                Reason(
                    code="list_item_extra",
                    message="the passage's list does not hold: " + "; ".join(extra),
                    passage=number,
                )
            ]
    if len(mentioned) >= 2 and complete and len(items) < len(theirs):
        missing = [i for i in theirs if i not in mentioned]
        if missing:
            return [
                Reason(
                    code="list_item_missing",
                    message="the sentence leaves out items the passage lists: "
                    + "; ".join(missing),
                    passage=number,
                )
            ]
    return []
