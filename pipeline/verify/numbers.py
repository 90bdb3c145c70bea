"""The number check: every figure and year a claim states must be in the passages it cites.

Numbers are read in Indonesian or English format, as digits or words
(:mod:`pipeline.text.numbers`); an ambiguous ``1,234`` keeps both readings. A figure matches a
passage figure of the same value (rounding allowed with ``verify.round_numbers``), unit and
period (the nearest year). Digits inside regulation references and locators (``UU 5/2014``,
``ayat (2)``) are not figures.

A statistics passage also carries its exact values (:attr:`~pipeline.types.Evidence.figures`),
each with its period and the cell it was read from: a claim's figure is checked against those
cells — any year of the series, not only the ones the card's text names — and the cells it
matched are returned with the reasons, so a brief shows which cell each figure was checked
against; a value given for another year than its cell's is named with that cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.legal.refs import find_mentions
from pipeline.text.numbers import (
    NumberMention,
    decimals_of,
    find_numbers,
    find_word_numbers,
    parse_number,
)
from pipeline.types import CellRef, Evidence, Figure, Reason
from pipeline.verify.lists import enumerations, list_lengths

__all__ = ["NumberCheck", "check_numbers", "counts_a_list", "prep"]


@dataclass(frozen=True, slots=True)
class _Num:
    values: tuple[float, ...]  # the reading(s): ambiguous "1,234" gives 1.234 and 1234
    shown: str
    unit: str | None
    decimals: int
    scale: float
    period: int | None
    start: int
    end: int
    cell: CellRef | None = None  # a statistics passage's value: the cell it was read from


@dataclass(frozen=True, slots=True)
class NumberCheck:
    """What :func:`check_numbers` found: the mismatches, and the cells of the cited statistics
    that the claim's figures are the values of."""

    reasons: list[Reason]
    cells: list[CellRef]


_YEAR_IN_PERIOD = re.compile(r"\b(?:19|20)\d\d\b")


def _cell_figure(figure: Figure) -> _Num:
    year = _YEAR_IN_PERIOD.search(figure.period)
    return _Num(
        values=(figure.value,),
        shown=figure.text,
        unit=None,
        decimals=len(figure.text.partition(",")[2]),
        scale=1.0,
        period=int(year[0]) if year else None,
        start=-1,
        end=-1,
        cell=figure.cell,
    )


_CORE_RE = re.compile(r"\d(?:[\d.,]*\d)?")


def _readings(mention: NumberMention) -> tuple[float, ...]:
    core = _CORE_RE.search(mention.raw)
    values = [mention.value]
    if core and mention.scale:
        sign = -1.0 if mention.value < 0 else 1.0
        for locale in ("id", "en"):
            v = parse_number(core[0], locale=locale)  # type: ignore[arg-type]
            if v is not None:
                values.append(sign * v * mention.scale)
    unique: list[float] = []
    for v in values:
        if not any(math.isclose(v, u, rel_tol=1e-12, abs_tol=1e-12) for u in unique):
            unique.append(v)
    return tuple(unique)


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


_RP_GLUED = re.compile(r"\b(Rp\.?)(?=\d)", re.IGNORECASE)


def prep(text: str) -> str:
    """``Rp1.000`` → ``Rp 1.000`` so the amount is read as rupiah (same length ± 1 per match)."""
    return _RP_GLUED.sub(r"\1 ", text)


_YEAR_LEAD = re.compile(
    r"\b(?:tahun|pada|sejak|hingga|sampai|akhir|awal|per|in|since|by|until)\s+$", re.IGNORECASE
)


def _as_year(text: str, m: NumberMention) -> NumberMention:
    """``pada 2023 penduduk …``: a 4-digit year after a time word is a year even when a unit
    word follows it."""
    if m.is_year or m.scale != 1.0 or not re.fullmatch(r"(?:19|20)\d\d", m.raw.split()[0]):
        return m
    if _YEAR_LEAD.search(text[max(0, m.start - 12) : m.start]):
        return replace(m, is_year=True, unit=None, raw=m.raw.split()[0])
    return m


def _numbers(text: str, skip: Sequence[tuple[int, int]] = ()) -> tuple[list[_Num], list[int]]:
    """(numbers, years) in ``text``, leaving out those inside ``skip`` spans (references).

    ``text`` must already be passed through :func:`prep` (spans refer to it).
    """
    digits = [m for m in find_numbers(text) if not _inside(skip, m.start, m.end)]
    words = [m for m in find_word_numbers(text) if not _inside(skip, m.start, m.end)]
    kept_words = []
    for w in words:
        twin = any(
            d.value == w.value and re.fullmatch(r"\s*\(\s*", text[d.end : w.start])
            for d in digits
            if d.end <= w.start
        )
        if not twin:  # "7 (tujuh)" is one number written twice
            kept_words.append(w)
    digits = [_as_year(text, m) for m in digits]
    years = [m for m in digits if m.is_year]
    nums: list[_Num] = []
    for m in sorted([d for d in digits if not d.is_year] + kept_words, key=lambda x: x.start):
        period = None
        if years:
            nearest = min(years, key=lambda y: max(y.start - m.end, m.start - y.end, 0))
            period = int(nearest.value)
        nums.append(
            _Num(
                values=_readings(m),
                shown=m.raw,
                unit=m.unit,
                decimals=decimals_of(m.base_value),
                scale=m.scale,
                period=period,
                start=m.start,
                end=m.end,
            )
        )
    return nums, [int(y.value) for y in years]


_FALLING_RE = re.compile(
    r"\b(?:turun|menurun|penurunan|berkurang|terkontraksi|kontraksi|minus|merosot|anjlok|"
    r"fell|fall|decline[ds]?|decrease[ds]?|contract(?:ed|ion)|shr[au]nk|negative)\b",
    re.IGNORECASE,
)


def _value_match(claim: _Num, fig: _Num, rounding: bool, falling: bool = False) -> bool:
    for c in claim.values:
        for f in fig.values:
            if falling and c > 0 > f:
                f = -f  # "terkontraksi 9,33 persen" states -9,33 in words
            if math.isclose(c, f, rel_tol=1e-9, abs_tol=1e-9):
                return True
            if rounding and (claim.decimals > 0 or claim.scale > 1):
                step = 10.0 ** (-claim.decimals) * claim.scale
                if abs(c - f) <= step / 2 + 1e-9 * max(1.0, abs(f)):
                    return True
    return False


def _unit_match(claim: _Num, fig: _Num) -> bool:
    return claim.unit is None or fig.unit is None or claim.unit == fig.unit


def _show(num: _Num) -> str:
    text = num.shown
    return f"{text} ({num.period})" if num.period else text


#: an ayat's own number at its start, "(4) Jenis hukuman …": a label, not a figure
_AYAT_MARK = re.compile(r"(?:^|(?<=[\s.;:]))\(\s*\d{1,2}[a-z]?\s*\)(?=\s)")
#: a number that counts things ("lima jenis", "3 kinds", "ada empat: …"), not a time, a
#: multiple or a unit
_COUNTED = re.compile(
    r"\s+(?!(?:x|kali|times|hari|jam|menit|minggu|bulan|tahun|days?|hours?|minutes?|weeks?|"
    r"months?|years?|persen|percent)\b)[^\W\d_]|\s*:",
    re.IGNORECASE,
)


_SPELLED = r"\s*(?:\([^)]{1,40}\))?\s*"
_HOURS_RE = re.compile(rf"\b(\d{{1,2}}){_SPELLED}(?:x|×|kali){_SPELLED}24{_SPELLED}jam\b", re.I)
_YEARS_MONTHS_RE = re.compile(
    rf"\b(\d{{1,2}}){_SPELLED}tahun\s+(?:dan\s+)?(\d{{1,2}}){_SPELLED}bulan\b", re.I
)
_PEOPLE_RE = re.compile(rf"\b(\d{{1,3}}){_SPELLED}orang\b", re.I)


def _derived(text: str) -> list[_Num]:
    """Figures a passage states without writing them: ``3 x 24 jam`` is 72 hours, ``1 tahun 6
    bulan`` is 18 months."""
    out = []
    for m in _HOURS_RE.finditer(text):
        out.append((int(m[1]) * 24, m))
    for m in _YEARS_MONTHS_RE.finditer(text):
        out.append((int(m[1]) * 12 + int(m[2]), m))
    return [
        _Num((float(v),), f"{m[0]} (= {v})", None, 0, 1.0, None, m.start(), m.end()) for v, m in out
    ]


#: a share said as a fraction: "a quarter of", "sepertiga dari" (a percentage of the whole)
_FRACTION_RE = re.compile(
    r"\b(?:(?P<half>half|setengah|separuh)|(?:a|one|se)\s*(?P<part>third|quarter|fifth|tenth)s?|"
    r"se(?P<bagian>pertiga|perempat|perlima|persepuluh)|(?P<two>two|dua)[\s-]+(?:thirds|pertiga))"
    r"\s+(?:of|dari)\b",
    re.IGNORECASE,
)
_FRACTION_SHARE = {
    "third": 100 / 3,
    "quarter": 25.0,
    "fifth": 20.0,
    "tenth": 10.0,
    "pertiga": 100 / 3,
    "perempat": 25.0,
    "perlima": 20.0,
    "persepuluh": 10.0,
}


def _fractions(text: str) -> list[_Num]:
    """Shares a sentence says as fractions, as percentages ("a quarter of" → 25 %)."""
    out = []
    for m in _FRACTION_RE.finditer(text):
        if m["half"]:
            value = 50.0
        elif m["two"]:
            value = 200 / 3
        else:
            value = _FRACTION_SHARE[(m["part"] or m["bagian"]).lower()]
        out.append(_Num((round(value, 1),), m[0], "persen", 1, 1.0, None, m.start(), m.end()))
    return out


_ITEM_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _item_words(text: str) -> set[str]:
    return {w.lower() for w in _ITEM_WORD.findall(text)}


_PART_BREAK = re.compile(
    r"[,;:]|\b(?:dan|serta|sedangkan|sementara|and|while|whereas|but)\b", re.IGNORECASE
)


def _clause_at(text: str, start: int, end: int) -> str:
    """The part of ``text`` around ``start:end`` between commas and conjunctions."""
    before = [m.end() for m in _PART_BREAK.finditer(text, 0, start)]
    after = _PART_BREAK.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _bound_elsewhere(claim_text: str, num: _Num, passage: str, rounding: bool) -> str | None:
    """Where a passage lists a figure per item ("a. 58 tahun bagi Pejabat Administrasi; b. 60
    tahun bagi Pejabat Pimpinan Tinggi"), the item the claim's figure belongs to by the words
    around it, when that item gives another figure: "60 tahun … Pejabat Administrasi" is
    then a mismatch. Returns the message, or ``None``."""
    near = _item_words(_clause_at(claim_text, num.start, num.end)) - _item_words(num.shown)
    for enum in enumerations(passage):
        if not enum.numbered or len(enum.items) < 2:
            continue
        figures = [_numbers(prep(item))[0] for item in enum.items]
        if sum(bool(f) for f in figures) < 2:
            continue
        words = [_item_words(re.sub(r"\([^)]*\)", " ", item)) for item in enum.items]
        common = set.intersection(*words)
        scores = [len((w - common) & near) for w in words]
        best = max(scores)
        if best == 0 or scores.count(best) > 1:
            continue
        chosen = scores.index(best)
        if any(_value_match(num, f, rounding) for f in figures[chosen]):
            return None
        holder = next(
            (
                i
                for i, figs in enumerate(figures)
                if any(_value_match(num, f, rounding) for f in figs)
            ),
            None,
        )
        if holder is not None:
            theirs = f" ({figures[chosen][0].shown})" if figures[chosen] else ""
            return (
                f"{num.shown} is the passage's figure for '{enum.items[holder][:60]}', not for "
                f"'{enum.items[chosen][:60]}'{theirs}"
            )
    return None


#: after a number, words that make it a total ("sembilan orang, yakni …", "seven in total")
_TOTAL_AFTER = re.compile(
    r"[^\W\d_]*\s*(?:orang|members?|anggota|people|persons?)?\s*(?:,\s*(?:yakni|yaitu|namely)|:|"
    r"in\s+(?:total|all)|(?:secara\s+)?(?:seluruhnya|keseluruhan)|altogether)",
    re.IGNORECASE,
)


#: a change between two years ("naik 4,20 dari 68,25 pada 2013"): it belongs to both
_CHANGE_BEFORE = re.compile(
    r"\b(?:naik|turun|meningkat|menurun|bertambah|berkurang|rose|fell|risen|fallen|"
    r"increased|decreased|up|down)\s+(?:by\s+|sebesar\s+)?$",
    re.IGNORECASE,
)


def _people_total(text: str) -> int | None:
    """The people a list of ``1 orang Ketua; 1 orang Wakil Ketua; 7 orang anggota`` counts in
    all (9), when it gives two or more such counts."""
    people = [int(m[1]) for m in _PEOPLE_RE.finditer(text)]
    return sum(people) if len(people) >= 2 else None


#: the year in the Constitution's name is not a figure ("UUD 1945", "the 1945 Constitution")
_CONSTITUTION = re.compile(
    r"\b(?:UUD(?:\s+NRI)?|Undang-Undang\s+Dasar(?:\s+Negara\s+Republik\s+Indonesia)?"
    r"(?:\s+Tahun)?)\s+1945\b|\b1945\s+Constitution\b",
    re.IGNORECASE,
)


def counts_a_list(claim_text: str, passages: Sequence[Evidence]) -> bool:
    """Whether ``claim_text`` counts the items of a list that one of ``passages`` holds
    ("empat bentuk penghargaan" where the passage lists four): a count sentence is short and
    in its own words, so the word-overlap check does not apply to it."""
    listed = set().union(*(list_lengths(ev.text) for ev in passages)) if passages else set()
    nums, _ = _numbers(claim_text)
    return any(
        len(n.values) == 1
        and n.values[0] in listed
        and n.unit is None
        and bool(_COUNTED.match(claim_text, n.end))
        for n in nums
    )


def check_numbers(
    claim_text: str,
    claim_skip: Sequence[tuple[int, int]],
    passages: Sequence[Evidence],
    rounding: bool,
) -> NumberCheck:
    """``number_mismatch`` reasons for the figures and years of ``claim_text`` (already through
    :func:`prep`) that the cited ``passages`` do not hold, and the cells the figures are the
    values of; figures inside ``claim_skip`` spans (references, locators) are left out.
    ``rounding`` lets ``14,5`` match ``14,45``."""
    claim_skip = (*claim_skip, *(m.span() for m in _CONSTITUTION.finditer(claim_text)))
    claim_nums, claim_years = _numbers(claim_text, claim_skip)
    claim_nums += _fractions(claim_text)
    if not claim_nums and not claim_years:
        return NumberCheck([], [])
    # a statistics passage's cells first: a figure that is a cell's value is checked there
    figs: list[tuple[int, _Num]] = [
        (i, _cell_figure(f)) for i, ev in enumerate(passages) for f in ev.figures
    ]
    years: set[int] = set()
    for i, ev in enumerate(passages):
        text = ev.text if not ev.citation else f"{ev.text}\n{ev.citation}"
        ptext = prep(ev.text)
        skip = find_mentions(ptext).spans + tuple(m.span() for m in _AYAT_MARK.finditer(ptext))
        nums, found_years = _numbers(ptext, skip)
        figs.extend((i, n) for n in nums + _derived(ptext))
        years.update(found_years)
        years.update(int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text))
        years.update(int(n.values[0]) for n in nums if n.values[0].is_integer())
    years.update(f.period for _, f in figs if f.period is not None)
    totals = {t for ev in passages if (t := _people_total(prep(ev.text))) is not None}
    listed = set().union(*(list_lengths(ev.text) for ev in passages)) if passages else set()
    falling = bool(_FALLING_RE.search(claim_text))
    reasons: list[Reason] = []
    cells: list[CellRef] = []
    for year in claim_years:
        if year not in years:
            reasons.append(
                Reason(
                    code="number_mismatch",
                    message=f"the year {year} does not appear in the cited passages",
                )
            )
    for num in claim_nums:
        value_hits = [(i, f) for i, f in figs if _value_match(num, f, rounding, falling)]
        change = bool(_CHANGE_BEFORE.search(claim_text[max(0, num.start - 14) : num.start]))
        full = [
            (i, f)
            for i, f in value_hits
            if _unit_match(num, f)
            and (num.period is None or change or f.period in (None, num.period))
        ]
        if full:
            cell = next((f.cell for _, f in full if f.cell is not None), None)
            if cell is not None and cell not in cells:
                cells.append(cell)
            for i, _ in full[:1]:
                bound = _bound_elsewhere(claim_text, num, passages[i].text, rounding)
                if bound:
                    reasons.append(Reason(code="number_mismatch", message=bound, passage=i + 1))
            continue
        if (
            len(num.values) == 1
            and num.values[0] in totals
            and _TOTAL_AFTER.match(claim_text, num.end)
        ):
            continue  # "sembilan orang, yakni ketua, wakil ketua, dan tujuh anggota"
        count = int(num.values[0]) if len(num.values) == 1 and num.values[0].is_integer() else 0
        counted = bool(_COUNTED.match(claim_text, num.end))
        if counted and num.unit is None and num.period is None and count in listed:
            continue  # "lima jenis hukuman": the passage lists five items without the digit
        unit_hits = [(i, f) for i, f in value_hits if _unit_match(num, f)]
        if unit_hits:
            i, f = unit_hits[0]
            where = f"the passage ({f.cell.label})" if f.cell else "the passage"
            reasons.append(
                Reason(
                    code="number_mismatch",
                    message=f"{num.shown} is given for {num.period} in the claim but for "
                    f"{f.period} in {where}",
                    passage=i + 1,
                )
            )
            continue
        candidates = [(i, f) for i, f in figs if _unit_match(num, f)] or figs
        if counted and num.unit is None and 1 < count <= 26 and listed:
            reasons.append(
                Reason(
                    code="number_mismatch",
                    message=f"{num.shown}: the cited passage lists "
                    f"{' or '.join(str(n) for n in sorted(listed))} items",
                )
            )
            continue
        if candidates:
            i, f = min(
                candidates,
                key=lambda x: (
                    x[1].period != num.period if num.period else False,
                    min(abs(a - b) / max(abs(b), 1e-9) for a in num.values for b in x[1].values),
                ),
            )
            near = f"{_show(f)}, {f.cell.label}" if f.cell else _show(f)
            reasons.append(
                Reason(
                    code="number_mismatch",
                    message=f"{_show(num)} is not in the cited passages; nearest: {near}",
                    passage=i + 1,
                )
            )
        else:
            reasons.append(
                Reason(
                    code="number_mismatch",
                    message=f"{_show(num)} is not in the cited passages (they hold no figures)",
                )
            )
    return NumberCheck(reasons, cells)
