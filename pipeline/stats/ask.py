"""Exact answers to figure questions from the figure store: "Berapa TPT Banten tahun 2020?",
"What was Papua's poverty rate in 2019?", "IPM Jawa Barat dibanding provinsi lain".

:func:`read_question` finds the region (store names and their variants: "Kep. Riau",
"Kepulauan Riau", "Riau Islands"; "Kota Bandung" apart from "Bandung"), the indicator (table
names, codes and abbreviations — P0, TPT, IPM/HDI, Gini … — in Indonesian and English) and the
years ("tahun 2020", "sejak 2015", "since 2015"). :func:`answer_question` reads the figure,
its rank among regions of the same level, the national figure and the change since a year
from :class:`~pipeline.stats.store.FigureStore`, each cited to its cell. A missing figure or a
placeholder zero is said to be missing, never 0; a comparison across a method break says so;
a name that fits several regions or indicators gets the candidates, not a guess.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from pipeline.stats.engine import LATEST_NOTES, break_note, summarise, trend_of
from pipeline.stats.known import (
    KNOWN_INDICATORS,
    QUESTION_WORDS,
    RANK_ONE,
    REGION_ALIASES,
    level_name,
    normalise_text,
)
from pipeline.stats.store import FigureRow, FigureStore
from pipeline.text.numbers import format_number_id
from pipeline.types import EvidenceCard, Figure, Record

__all__ = [
    "FigureAnswer",
    "Reading",
    "answer_question",
    "card_as_of",
    "read_question",
    "topic_cards",
]

AnswerStatus = Literal["ok", "missing", "ambiguous"]

_NATIONAL_WORDS = ("nasional", "national", "indonesia", "seluruh indonesia", "nationwide")
#: the earlier year of a comparison: "sejak 2015", "dari tahun 2012 ke 2019", "between 2010 and
#: 2021", "dibandingkan 2014"
_SINCE_RE = re.compile(
    r"\b(?:sejak|since|dari|from|antara|between|dibanding(?:kan)?)\s+(?:tahun\s+|year\s+)?"
    r"((?:19|20)\d\d)\b"
)
_YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")
_ENGLISH = re.compile(r"\b(what|which|how|was|is|the|in|rate|compared|since)\b", re.IGNORECASE)


class FigureAnswer(Record):
    """The exact figure a question asks for, or why there is none, each figure cited to its cell."""

    question: str
    status: AnswerStatus
    message: str = Field(description="the answer as an analyst reads it, with the cell")
    region: str | None = None
    region_level: str | None = None
    indicator: str | None = None
    indicator_name: str | None = None
    unit: str | None = None
    period: str | None = None
    figure: Figure | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_order: str | None = None
    national: Figure | None = None
    since: Figure | None = None
    change: float | None = None
    series: list[Figure] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list, description="when ambiguous")
    notes: list[str] = Field(default_factory=list)
    doc_id: str | None = None


@dataclass
class Reading:
    """What a question names: regions (name, level), indicator codes, years."""

    regions: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    year: int | None = None
    since: int | None = None
    english: bool = False


def read_question(question: str, store: FigureStore) -> Reading:
    """The regions, indicators and years ``question`` names, among those in ``store``."""
    text = " " + normalise_text(question) + " "
    reading = Reading(english=bool(len(_ENGLISH.findall(question)) >= 2))
    reading.regions = _regions(text, store)
    reading.indicators = _indicators(text, store)
    since = _SINCE_RE.search(text)
    years = [int(y) for y in _YEAR_RE.findall(text)]
    if since:
        reading.since = int(since[1])
        years = [y for y in years if y != reading.since]
    reading.year = max(years) if years else None
    return reading


def answer_question(question: str, store: FigureStore) -> FigureAnswer | None:
    """The answer to a figure question; ``None`` when it names no indicator, or no region (a
    question about something else)."""
    reading = read_question(question, store)
    if not reading.indicators or not reading.regions:
        return None
    lang = "en" if reading.english else "id"
    if len(reading.indicators) > 1 or len(reading.regions) > 1:
        names = {code: name for code, name, _unit in store.indicators()}
        candidates = (
            [names.get(c, c) for c in reading.indicators]
            if len(reading.indicators) > 1
            else [f"{r} ({level})" for r, level in reading.regions]
        )
        what = "indikator" if len(reading.indicators) > 1 else "wilayah"
        if lang == "en":
            what = "indicator" if what == "indikator" else "region"
            message = f"The question fits more than one {what}: {'; '.join(candidates)}. Name one."
        else:
            message = f"Pertanyaan ini cocok dengan lebih dari satu {what}: {'; '.join(candidates)}. Sebutkan salah satu."
        return FigureAnswer(
            question=question, status="ambiguous", message=message, candidates=candidates
        )
    (region, _level), indicator = reading.regions[0], reading.indicators[0]
    series = store.series(region, indicator)
    if not series:
        message = (
            f"The index holds no {indicator} figure for {region}."
            if lang == "en"
            else f"Indeks tidak memuat angka {indicator} untuk {region}."
        )
        return FigureAnswer(
            question=question, status="missing", message=message, region=region, indicator=indicator
        )
    return _answer(question, store, series, reading, lang)


def topic_cards(topic: str, store: FigureStore, region: str | None = None) -> list[EvidenceCard]:
    """The store's evidence cards for a brief on ``topic``: of the region it names (or
    ``region``) and the indicators it names — all of that region's when it names none; no card
    when neither the topic nor ``region`` names a region. A topic that names a year gets the
    cards as of that year (:func:`card_as_of`)."""
    reading = read_question(topic, store)
    regions = {r for r, _level in reading.regions}
    if region:
        regions |= {r for r, _level in read_question(region, store).regions} or {region}
    if not regions:
        return []
    wanted = {normalise_text(r) for r in regions}
    cards = [c for c in store.cards() if normalise_text(c.region) in wanted]
    named = [c for c in cards if c.indicator in reading.indicators]
    chosen = named or [c for c in cards if not re.search(r"(target|rkp)", c.indicator)]
    if reading.year is None:
        return chosen
    return [card_as_of(c, store, reading.year) for c in chosen]


def card_as_of(card: EvidenceCard, store: FigureStore, year: int) -> EvidenceCard:
    """``card`` as it read in ``year``, every figure from the store with its cell: that year's
    figure as the latest, the series up to it, the change since the first comparable year (not
    across a method break), the rank and the national figure of that year. A year the store
    has no value for (a missing cell, a placeholder zero) leaves the card as it is, with the
    reason first in its notes: a missing figure is said to be missing, never given as 0."""
    rows = store.series(card.region, card.indicator)
    answer = _answer(card.indicator_name, store, rows, Reading(year=year), "id")
    if answer.status != "ok" or answer.figure is None:
        return card.model_copy(update={"notes": [answer.message, *card.notes]})
    upto = [r for r in rows if r.status == "ok" and r.year is not None and r.year <= year]
    head, brk = upto[-1], upto[-1].break_year
    comparable = [r for r in upto if brk is None or head.year < brk or r.year >= brk]
    notes = [n for n in card.notes if not n.startswith(LATEST_NOTES)]
    change = change_from = None
    trend: Literal["rising", "falling", "flat", "n/a"] = "n/a"
    if comparable[0] is not head:
        change, trend = trend_of(comparable[0].value, head.value)
        change_from = comparable[0].period
        if len(comparable) < len(upto):
            notes.insert(0, break_note(brk, change_from, head.break_note))
    national = answer.national
    as_of = card.model_copy(
        update={
            "id": f"{card.id}:{year}",
            "latest": answer.figure,
            "series": [_figure(r) for r in upto],
            "change": change,
            "change_from": change_from,
            "trend": trend,
            "rank": answer.rank,
            "rank_of": answer.rank_of,
            "national": national,
            "vs_national": trend_of(national.value, head.value)[0] if national else None,
            "notes": notes,
        }
    )
    return as_of.model_copy(update={"summary": summarise(as_of)})


# --------------------------------------------------------------------------- reading


@functools.lru_cache(maxsize=8)
def _region_names(store: FigureStore) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Normalised name → the store regions it names (with province variants and English
    names), and the names longest first; worked out once per store."""
    names: dict[str, list[tuple[str, str]]] = {}
    for region, level, is_national in store.regions():
        key = normalise_text(region)
        names.setdefault(key, []).append((region, "national" if is_national else level))
        if key.startswith("kota "):  # "Kota Makassar" as English writes it: "Makassar city"
            names.setdefault(f"{key[5:]} city", []).append((region, level))
    provinces = {normalise_text(r): (r, lvl) for r, lvl, _n in store.regions() if lvl == "province"}
    for alias, target in REGION_ALIASES.items():
        if normalise_text(target) in provinces:
            names.setdefault(normalise_text(alias), []).append(provinces[normalise_text(target)])
    return names, sorted(names, key=len, reverse=True)


def _regions(text: str, store: FigureStore) -> list[tuple[str, str]]:
    """Store regions named in ``text`` (normalised, padded with spaces): longest names first,
    each span used once; "kota X" / "kabupaten X" / "provinsi X" decide between namesakes."""
    names, ordered = _region_names(store)
    national = [(r, "national") for r, _lvl, nat in store.regions() if nat]
    found: list[tuple[str, str]] = []
    taken = text
    for key in ordered:
        at = taken.find(f" {key} ")
        if at < 0:
            continue
        options = list(dict.fromkeys(names[key]))
        # the words around the name ("Kabupaten Bandung", "Bandung regency", "Jayapura city")
        near = [*taken[: at + 1].split()[-2:], *taken[at + len(key) + 2 :].split()[:1]]
        if len(options) > 1 or _has_city(key, names):
            options = _by_level_words(options, set(near), set(text.split()), key, names)
        found.extend(options)
        taken = taken[:at] + " " + "#" * len(key) + " " + taken[at + len(key) + 2 :]
    if not found and national and any(f" {w} " in text for w in _NATIONAL_WORDS):
        found = national[:1]
    return list(dict.fromkeys(r for r in found if r[1] != "national" or len(found) == 1))


def _has_city(key: str, names: dict[str, list[tuple[str, str]]]) -> bool:
    return not key.startswith("kota ") and f"kota {key}" in names and bool(names[f"kota {key}"])


def _by_level_words(
    options: list[tuple[str, str]],
    near: set[str],
    words: set[str],
    key: str,
    names: dict[str, list[tuple[str, str]]],
) -> list[tuple[str, str]]:
    """Among namesakes, the one the words next to the name point to ("kabupaten", "kota",
    "regency", "city", "provinsi"), or the question as a whole ("… di antara provinsi")."""
    if _has_city(key, names):
        options = options + names[f"kota {key}"]
    city = [o for o in options if o[0].lower().startswith("kota ")]
    if near & {"kabupaten", "kab", "regency"}:
        return [o for o in options if o[1] == "kabupaten/kota" and o not in city] or options
    if near & {"kota", "city"} and city:
        return city
    if (near | words) & {"provinsi", "prov", "province", "provinces"}:
        return [o for o in options if o[1] == "province"] or options
    return options


def _indicators(text: str, store: FigureStore) -> list[str]:
    """Store indicators named in ``text``: known codes and abbreviations, the broader words of
    questions, then the store's own names (most of their content words)."""
    codes = {code for code, _name, _unit in store.indicators()}
    targets = any(w in text for w in (" target ", " sasaran ", " rkp "))
    found: list[str] = []
    for info, patterns in KNOWN_INDICATORS:
        words = (*patterns, *QUESTION_WORDS.get(info.code, ()))
        if info.code in codes and any(f" {normalise_text(p)} " in text for p in words):
            found.append(info.code)
    if not found:
        found = _by_name(text, store)
    if not targets:
        found = [c for c in found if not re.search(r"(target|rkp)", c)]
    return list(dict.fromkeys(found))


_NAME_STOP = {
    "persentase",
    "rumah",
    "tangga",
    "yang",
    "memiliki",
    "terhadap",
    "menurut",
    "atas",
    "dasar",
    "dengan",
    "untuk",
    "kabupaten",
    "kota",
    "provinsi",
    "persen",
    "tahun",
}


@functools.lru_cache(maxsize=8)
def _name_words(store: FigureStore) -> dict[str, tuple[set[str], set[str]]]:
    """Indicator → (its content words, those no other indicator's name has)."""
    words = {
        code: {w for w in normalise_text(name).split() if len(w) > 2 and w not in _NAME_STOP}
        for code, name, _unit in store.indicators()
    }
    return {
        code: (
            ws,
            {w for w in ws if not any(w in other for c, other in words.items() if c != code)},
        )
        for code, ws in words.items()
    }


def _by_name(text: str, store: FigureStore) -> list[str]:
    """Indicators named by their own table names: at least one word only that indicator's name
    has ("sanitasi") and two of its content words, the most distinctive words winning."""
    scored = []
    for code, (content, distinct) in _name_words(store).items():
        hits = {w for w in content if f" {w} " in text}
        unique = hits & distinct
        if unique and len(hits) >= min(2, len(content)):
            scored.append((len(unique), len(hits), code))
    if not scored:
        return []
    best = max(s[:2] for s in scored)
    return [code for u, h, code in scored if (u, h) == best]


# --------------------------------------------------------------------------- answering


def _figure(row: FigureRow) -> Figure:
    return Figure(
        value=row.value, period=row.period, cell=row.cell, text=format_number_id(row.value)
    )


def _answer(
    question: str, store: FigureStore, series: list[FigureRow], reading: Reading, lang: str
) -> FigureAnswer:
    head = series[-1]
    unit = f" {head.unit}" if head.unit else ""
    ok = [r for r in series if r.status == "ok"]
    base = dict(
        question=question,
        region=head.region,
        region_level=head.level,
        indicator=head.indicator,
        indicator_name=head.indicator_name,
        unit=head.unit,
        series=[_figure(r) for r in ok],
        doc_id=head.doc_id,
    )
    if reading.year is not None:
        rows = [r for r in series if r.year == reading.year]
        row = next((r for r in reversed(rows) if r.status == "ok"), rows[-1] if rows else None)
    else:
        row = ok[-1] if ok else series[-1]
    name = f"{head.indicator_name} {head.region}"
    if row is None:
        span = f"{ok[0].period}–{ok[-1].period}" if ok else "-"
        message = (
            f"No {name} figure for {reading.year} in the index (it holds {span})."
            if lang == "en"
            else f"Tidak ada angka {name} untuk {reading.year} di indeks (tersedia {span})."
        )
        return FigureAnswer(**base, status="missing", message=message, period=str(reading.year))
    if row.status != "ok":
        why = {
            "placeholder": f"'{row.raw_text}' is a placeholder zero, not a value"
            if lang == "en"
            else f"sel berisi '{row.raw_text}', angka pengganti, bukan nilai",
            "unparsed": f"'{row.raw_text}' is not a number"
            if lang == "en"
            else f"sel berisi '{row.raw_text}', bukan angka",
        }.get(row.status, "the cell is empty" if lang == "en" else "sel kosong")
        message = (
            f"{name} {row.period}: missing ({why}; {row.cell.label})."
            if lang == "en"
            else f"{name} {row.period}: tidak tersedia ({why}; {row.cell.label})."
        )
        return FigureAnswer(**base, status="missing", message=message, period=row.period)
    figure = _figure(row)
    when = f" {row.period}" if row.period != "n/a" else ""
    parts = [f"{name}{when}: {figure.text}{unit} ({row.cell.label})"]
    notes: list[str] = []
    rank = rank_of = None
    peers, national = store.peers(row.indicator, row.level, row.period)
    if not row.is_national:
        peers = [p for p in peers if p.status == "ok"]
        if len(peers) > 1:
            ordered = sorted(peers, key=lambda p: p.value, reverse=row.rank_order != "asc")
            rank, rank_of = [p.region for p in ordered].index(row.region) + 1, len(ordered)
            best = RANK_ONE[lang]["asc" if row.rank_order == "asc" else "desc"]
            level = level_name(row.level, lang)
            parts.append(
                f"rank {rank} of {rank_of} {level} (1 = {best})"
                if lang == "en"
                else f"peringkat {rank} dari {rank_of} {level} (1 = {best})"
            )
    national = national if not row.is_national else None
    national_figure = (
        _figure(national) if national is not None and national.status == "ok" else None
    )
    if national_figure is not None:
        parts.append(
            f"national {national_figure.text}{unit} ({national.cell.label})"
            if lang == "en"
            else f"nasional {national_figure.text}{unit} ({national.cell.label})"
        )
    since_figure = change = None
    if reading.since is not None:
        before = next((r for r in ok if r.year == reading.since), None)
        if before is None:
            notes.append(
                f"no figure for {reading.since}"
                if lang == "en"
                else f"tidak ada angka untuk {reading.since}"
            )
        else:
            since_figure = _figure(before)
            crosses = (
                row.break_year is not None
                and before.year is not None
                and row.year is not None
                and before.year < row.break_year <= row.year
            )
            if crosses:
                notes.append(
                    f"{before.period} and {row.period} are not comparable: method break in {row.break_year}"
                    + (f" ({row.break_note})" if row.break_note else "")
                    if lang == "en"
                    else f"{before.period} dan {row.period} tidak sebanding: perubahan metode pada {row.break_year}"
                    + (f" ({row.break_note})" if row.break_note else "")
                )
                parts.append(f"{before.period}: {since_figure.text}{unit} ({before.cell.label})")
            else:
                change = round(row.value - before.value, 10)
                sign = "+" if change > 0 else ""
                parts.append(
                    f"change since {before.period}: {sign}{format_number_id(change)} (from {since_figure.text}, {before.cell.label})"
                    if lang == "en"
                    else f"perubahan sejak {before.period}: {sign}{format_number_id(change)} (dari {since_figure.text}, {before.cell.label})"
                )
    if row.period == "n/a":
        notes.append(
            "the table names no period" if lang == "en" else "tabel tidak menyebut periodenya"
        )
    message = (
        "; ".join(parts)
        + "."
        + (" " + " ".join(n[0].upper() + n[1:] + "." for n in notes) if notes else "")
    )
    return FigureAnswer(
        **base,
        status="ok",
        message=message,
        period=row.period,
        figure=figure,
        rank=rank,
        rank_of=rank_of,
        rank_order=row.rank_order,
        national=national_figure,
        since=since_figure,
        change=change,
        notes=notes,
    )
