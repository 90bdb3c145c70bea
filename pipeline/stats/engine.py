"""From a long table in DuckDB to evidence cards, in memory bounded by groups, not rows.

The long relation ``src`` (columns :data:`pipeline.stats.read.LONG_COLUMNS`) may be a 10-million
row CSV. Small lookup tables (canonical region names, period order, indicator properties) are
built in Python from the *distinct* values and joined in SQL; every per-row decision (placeholder
zeros, method breaks) is made in SQL, and only a bounded amount per region × indicator comes back
to Python: the last ``max_series_points`` values, the first comparable value, counts and notes.
"""

from __future__ import annotations

import bisect
import logging
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import duckdb
import pandas as pd

from pipeline.settings import StatsSettings
from pipeline.stats.known import (
    RANK_ONE,
    IndicatorInfo,
    canonical_region,
    is_percent,
    level_name,
    lookup_indicator,
    normalise_text,
    region_key,
    slugify,
)
from pipeline.text.numbers import MISSING_TOKENS, format_number_id
from pipeline.types import EvidenceCard, Figure

logger = logging.getLogger(__name__)

FLAT_TOLERANCE = 0.005  # |change| below 0.5 % of the first value counts as flat
MEAN_TOLERANCE = 1e-6  # national == mean of provinces within this relative difference
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("januari", "january", "jan"), ("februari", "february", "feb"),
            ("maret", "march", "mar"), ("april", "apr"), ("mei", "may"),
            ("juni", "june", "jun"), ("juli", "july", "jul"),
            ("agustus", "august", "agu", "aug"), ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"), ("november", "nov"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_LEVEL_WORDS = {
    "province": "province", "provinsi": "province", "propinsi": "province", "prov": "province",
    "national": "national", "nasional": "national", "nation": "national", "country": "national",
    "kabupaten": "kabupaten/kota", "kota": "kabupaten/kota", "kabupaten kota": "kabupaten/kota",
    "kab kota": "kabupaten/kota", "regency": "kabupaten/kota", "city": "kabupaten/kota",
    "district": "kabupaten/kota",
}  # fmt: skip
_BREAK_RE = re.compile(
    r"((?:19|20)\d{2})\s*\+?\s*(?:new method|metode baru)|(?:new method|metode baru)\D{0,20}"
    r"((?:19|20)\d{2})|(?:series break|break)\D{0,20}((?:19|20)\d{2})",
    re.IGNORECASE,
)


def period_key(raw: str) -> tuple[int | None, int, str]:
    """(year, sub-period, label) for sorting: ``"2021"``, ``"2021-03"``, ``"Maret 2021"``,
    ``"2021 Q1"``/``"Triwulan I 2021"``, ``"Semester 2 2020"``; unknown text gets no year."""
    text = str(raw).strip()
    label = re.sub(r"^((?:19|20)\d{2})\.0+$", r"\1", text)
    norm = normalise_text(text)
    year_match = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", norm)
    if not year_match:
        return None, 0, label
    year = int(year_match.group(1))
    rest = (norm[: year_match.start()] + " " + norm[year_match.end() :]).split()
    sub = 0
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    for i, word in enumerate(rest):
        nxt = rest[i + 1] if i + 1 < len(rest) else ""
        if word in _MONTHS:
            sub = _MONTHS[word] * 10
        elif re.fullmatch(r"q[1-4]", word):
            sub = int(word[1]) * 30
        elif word in {"q", "tw", "triwulan", "kuartal", "quarter"} and (
            nxt.isdigit() or nxt in roman
        ):
            sub = (int(nxt) if nxt.isdigit() else roman[nxt]) * 30
        elif word in {"semester", "sem", "s", "h"} and (nxt.isdigit() or nxt in roman):
            sub = (int(nxt) if nxt.isdigit() else roman[nxt]) * 60
        elif word.isdigit() and 1 <= int(word) <= 12 and not sub:
            sub = int(word) * 10
    return year, sub, label


@dataclass
class _Point:
    ord: int
    period: str
    year: int | None
    v: float
    row: int
    col: str
    sheet: str
    file: str


def _decimal_diff(a: float, b: float) -> float:
    return float(Decimal(repr(a)) - Decimal(repr(b)))


#: how the notes about a card's latest figure open (the method break crossed, the series
#: shortened): a card read as of an earlier year writes its own
LATEST_NOTES = ("Perubahan metode", "Deret dipersingkat")


def break_note(year: int, since: str, note: str | None) -> str:
    """The note of a change counted since ``since``, not across the method break of ``year``."""
    return (
        f"{LATEST_NOTES[0]} {year}: perubahan dihitung sejak {since}, bukan lintas perubahan "
        f"metode. {note or ''}"
    ).strip()


def trend_of(first: float, latest: float) -> tuple[float, Literal["rising", "falling", "flat"]]:
    """The change from ``first`` to ``latest`` (exact in decimals) and its direction: flat
    within :data:`FLAT_TOLERANCE` of the first value."""
    change = _decimal_diff(latest, first)
    tolerance = FLAT_TOLERANCE * abs(first) if first else 1e-12
    return change, "flat" if abs(change) <= tolerance else ("rising" if change > 0 else "falling")


def build_cards(
    con: duckdb.DuckDBPyConnection,
    settings: StatsSettings,
    *,
    indicators: list[str] | None = None,
    max_points: int = 50,
) -> tuple[list[EvidenceCard], list[str]]:
    """Evidence cards for every region × indicator of the relation ``src`` in ``con``."""
    warnings: list[str] = []
    # ---------------------------------------------------------------- lookup tables
    regions = con.sql("SELECT DISTINCT region_raw, level_raw FROM src").fetchall()
    reg_rows = []
    for raw, level_raw in regions:
        name, national = canonical_region(raw, settings.national_names)
        level = _LEVEL_WORDS.get(normalise_text(level_raw or ""), (level_raw or "").strip())
        if national or level == "national":
            level, national = "national", True
        elif not level:
            level = "region"
        reg_rows.append((raw, level_raw, name, level, national))
    regmap = pd.DataFrame(
        reg_rows, columns=["region_raw", "level_raw", "region", "level", "is_national"]
    )
    periods = [p for (p,) in con.sql("SELECT DISTINCT period_raw FROM src").fetchall()]
    keyed = sorted(
        ((period_key(p), p) for p in periods),
        key=lambda k: (k[0][0] is None, k[0][0] or 0, k[0][1], k[0][2]),
    )
    permap = pd.DataFrame(
        [(p, i, key[0], key[2]) for i, (key, p) in enumerate(keyed)],
        columns=["period_raw", "ord", "year", "label"],
    ).astype({"year": "Int64"})
    ind_rows = con.sql(
        """SELECT ind_raw, min_by(name_raw, row) AS name_raw, min_by(unit_raw, row) AS unit_raw,
                  list(DISTINCT note) FILTER (WHERE note <> '') AS notes
           FROM src GROUP BY ind_raw"""
    ).fetchall()
    infos: dict[str, IndicatorInfo] = {}
    ind_table = []
    wanted = {normalise_text(i) for i in indicators} if indicators else None
    for ind_raw, name_raw, unit_raw, notes in ind_rows:
        info = lookup_indicator(ind_raw or "", name_raw or "")
        code = info.code if info else slugify(ind_raw or name_raw or "indikator")
        name = (name_raw or "").strip() or (info.name if info else ind_raw)
        if name == ind_raw and info:
            name = info.name
        unit = (unit_raw or "").strip() or (info.unit if info else "")
        break_year = info.break_year if info else None
        break_note = info.break_note if info else None
        for note in notes or []:
            match = _BREAK_RE.search(note)
            if match:
                break_year = int(next(g for g in match.groups() if g))
                break_note = note
        if wanted is not None and not (
            {normalise_text(code), normalise_text(ind_raw or ""), normalise_text(name)} & wanted
        ):
            continue
        infos[code] = IndicatorInfo(
            code=code,
            name=name,
            unit=unit,
            rank_order=info.rank_order if info else "desc",
            nonzero=info.nonzero if info else False,
            break_year=break_year,
            break_note=break_note,
        )
        ind_table.append((ind_raw, code, infos[code].nonzero, break_year))
    if not ind_table:
        return [], warnings
    indmap = pd.DataFrame(ind_table, columns=["ind_raw", "ind", "nonzero", "break_year"]).astype(
        {"break_year": "Int64"}
    )
    # what the figure store keeps of each indicator (``pipeline.stats.store``)
    indinfo = pd.DataFrame(
        [
            (i.code, i.name, i.unit, i.rank_order, i.break_year, i.break_note)
            for i in infos.values()
        ],
        columns=["ind", "indicator_name", "unit", "rank_order", "break_year", "break_note"],
    ).astype({"break_year": "Int64", "break_note": "string"})
    con.register("indinfo", indinfo)
    con.register("regmap", regmap)
    con.register("permap", permap)
    con.register("indmap", indmap)
    missing_list = ", ".join(f"'{t}'" for t in sorted(MISSING_TOKENS) if "'" not in t)
    con.sql(
        """CREATE OR REPLACE TEMP VIEW joined AS
        SELECT m.ind, r.region, r.level, r.is_national, p.ord, p.label AS period, p.year,
               m.nonzero, m.break_year, s.v, s.raw_text, s.note, s.row, s.col, s.sheet,
               s.region_raw, s.file
        FROM src s
        JOIN regmap r ON s.region_raw = r.region_raw AND s.level_raw = r.level_raw
        JOIN permap p ON s.period_raw = p.period_raw
        JOIN indmap m ON s.ind_raw = m.ind_raw"""
    )
    # leading zeros before the first non-zero value (a province not yet formed) are placeholders
    con.sql(
        """CREATE OR REPLACE TEMP TABLE lead AS
        SELECT ind, region, level, min(ord) FILTER (WHERE v <> 0) AS first_nonzero
        FROM joined GROUP BY ALL"""
    )
    con.sql(
        f"""CREATE OR REPLACE TEMP VIEW clean AS
        SELECT j.*,
          (j.v = 0 AND (j.nonzero OR (l.first_nonzero IS NOT NULL AND j.ord < l.first_nonzero
                                       AND lz.n_lead >= 2))) AS placeholder,
          (j.v IS NOT NULL AND NOT (j.v = 0 AND (j.nonzero OR (l.first_nonzero IS NOT NULL
                AND j.ord < l.first_nonzero AND lz.n_lead >= 2)))) AS valid,
          (j.v IS NULL AND lower(trim(j.raw_text)) NOT IN ({missing_list})) AS unparsed
        FROM joined j
        JOIN lead l USING (ind, region, level)
        JOIN (SELECT ind, region, level, count(*) FILTER (
                  WHERE v = 0 AND (first_nonzero IS NULL OR ord < first_nonzero)) AS n_lead
              FROM joined JOIN lead USING (ind, region, level) GROUP BY ALL) lz
          USING (ind, region, level)"""
    )
    point = (
        "{'ord': ord, 'period': period, 'year': year, 'v': v, 'row': row, 'col': col, "
        "'sheet': sheet, 'file': file}"
    )
    # ---------------------------------------------------------------- ranks at each latest period
    peers: dict[tuple[str, str, int], dict[str, float]] = defaultdict(dict)
    for ind, level, ord_, region, v in con.sql(
        """WITH latest AS (
               SELECT DISTINCT ind, level, max(ord) FILTER (WHERE valid) AS ord
               FROM clean WHERE NOT is_national GROUP BY ind, region, level)
           SELECT c.ind, c.level, c.ord, c.region, min_by(c.v, c.row)
           FROM clean c JOIN latest t ON c.ind = t.ind AND c.level = t.level AND c.ord = t.ord
           WHERE c.valid AND NOT c.is_national GROUP BY ALL"""
    ).fetchall():
        peers[(ind, level, ord_)][region] = v
    sorted_peers = {key: sorted(values.values()) for key, values in peers.items()}

    # ---------------------------------------------------------------- national figures
    national: dict[tuple[str, int], _Point] = {}
    for ind, ord_, period, year, v, row, col, sheet, file in con.sql(
        """SELECT ind, ord, any_value(period), any_value(year), min_by(v, row), min(row),
                  min_by(col, row), min_by(sheet, row), min_by(file, row)
           FROM clean WHERE is_national AND valid GROUP BY ind, ord"""
    ).fetchall():
        national[(ind, ord_)] = _Point(ord_, period, year, v, row, col, sheet, file)
    computed: dict[tuple[str, int], str] = {}
    if national:
        means = con.sql(
            """SELECT ind, level, ord, avg(v) FILTER (WHERE valid), count(*) FILTER (WHERE valid),
                      avg(v) FILTER (WHERE v IS NOT NULL), count(v)
               FROM clean WHERE NOT is_national GROUP BY ALL"""
        ).fetchall()
        for ind, _level, ord_, mean_valid, n_valid, mean_all, n_all in means:
            nat = national.get((ind, ord_))
            if nat is None:
                continue
            for mean, n in ((mean_valid, n_valid), (mean_all, n_all)):
                if mean is not None and n >= 3 and _close(nat.v, mean):
                    computed[(ind, ord_)] = (
                        f"sama dengan rata-rata sederhana {n} wilayah "
                        f"({format_number_id(mean)}): angka hitungan, bukan angka resmi"
                    )
                    break
        if settings.unofficial_national_after is not None:
            for key, nat in national.items():
                if nat.year is not None and nat.year > settings.unofficial_national_after:
                    computed.setdefault(
                        key,
                        f"sesudah {settings.unofficial_national_after}: angka hitungan "
                        "(pengaturan unofficial_national_after), bukan angka resmi",
                    )

    group_sql = f"""SELECT ind, region, level, any_value(is_national) AS is_national,
              max_by({point}, ord, {int(max_points)}) FILTER (WHERE valid) AS pts,
              min_by({point}, ord) FILTER (WHERE valid AND (break_year IS NULL OR year IS NULL
                                                  OR year >= break_year)) AS first_cmp,
              min_by({point}, ord) FILTER (WHERE valid) AS first_any,
              count(*) FILTER (WHERE valid) AS n_valid,
              min_by(period, ord, 12) FILTER (WHERE placeholder) AS placeholder_periods,
              count(*) FILTER (WHERE placeholder) AS n_placeholder,
              min_by(period, ord, 12) FILTER (WHERE v IS NULL) AS missing_periods,
              count(*) FILTER (WHERE v IS NULL) AS n_missing,
              count(*) FILTER (WHERE unparsed) AS n_unparsed,
              min_by(raw_text, ord, 3) FILTER (WHERE unparsed) AS unparsed_examples,
              list(DISTINCT note) FILTER (WHERE note <> '') AS notes,
              list(DISTINCT region_raw) AS raw_names
           FROM clean GROUP BY ind, region, level ORDER BY ind, region"""
    columns = [
        "ind", "region", "level", "is_national", "pts", "first_cmp", "first_any", "n_valid",
        "placeholder_periods", "n_placeholder", "missing_periods", "n_missing", "n_unparsed",
        "unparsed_examples", "notes", "raw_names",
    ]  # fmt: skip
    # ---------------------------------------------------------------- cards, streamed
    cards = []
    result = con.execute(group_sql)
    while batch := result.fetchmany(2000):
        for values in batch:
            r = dict(zip(columns, values, strict=True))
            if not r["pts"]:
                continue
            info = infos[r["ind"]]
            try:
                cards.append(_card(r, info, peers, sorted_peers, national, computed))
            except Exception as exc:  # one broken group must not lose the file
                warnings.append(f"{r['ind']}/{r['region']}: card failed: {exc}")
                logger.warning("card %s/%s failed: %s", r["ind"], r["region"], exc)
            if r["n_unparsed"]:
                examples = ", ".join(repr(x) for x in r["unparsed_examples"] or [])
                warnings.append(
                    f"{r['region']} · {r['ind']}: {r['n_unparsed']} cell(s) are not "
                    f"numbers (e.g. {examples}); treated as missing"
                )
    return cards, warnings


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= MEAN_TOLERANCE * max(abs(a), abs(b), 1e-12)


def _figure(p: dict[str, Any] | _Point, note: str | None = None) -> Figure:
    """A Figure for one fetched point (one validation call, nested cell included)."""
    get = p.get if isinstance(p, dict) else p.__dict__.get
    value = float(get("v"))
    return Figure.model_validate(
        {
            "value": value,
            "period": str(get("period")),
            "cell": {
                "file": sys.intern(str(get("file"))),
                "row": int(get("row")),
                "column": sys.intern(str(get("col"))),
                "sheet": get("sheet") or None,
            },
            "text": format_number_id(value),
            "note": note,
        }
    )


def _periods_text(periods: list[str] | None, total: int) -> str:
    shown = ", ".join(periods or [])
    return shown + (f" … ({total} periode)" if total > len(periods or []) else "")


def _card(
    r: dict[str, Any],
    info: IndicatorInfo,
    peers: dict[tuple[str, str, int], dict[str, float]],
    sorted_peers: dict[tuple[str, str, int], list[float]],
    national: dict[tuple[str, int], _Point],
    computed: dict[tuple[str, int], str],
) -> EvidenceCard:
    notes: list[str] = []
    # dedupe periods (same region written two ways in one file): keep the first row
    by_ord: dict[int, dict[str, Any]] = {}
    for p in sorted(r["pts"], key=lambda p: (p["ord"], p["row"])):
        kept = by_ord.get(p["ord"])
        if kept is None:
            by_ord[p["ord"]] = p
        elif kept["v"] != p["v"]:
            notes.append(
                f"Periode {p['period']} tercatat dua kali dengan nilai berbeda (baris "
                f"{kept['row']}: {format_number_id(kept['v'])}; baris {p['row']}: "
                f"{format_number_id(p['v'])}); dipakai baris {kept['row']}."
            )
    pts = [by_ord[k] for k in sorted(by_ord)]
    latest = pts[-1]
    break_year = info.break_year
    old_method = (
        break_year is not None
        and r["first_any"]["year"] is not None
        and r["first_any"]["year"] < break_year
        and latest["year"] is not None
        and latest["year"] >= break_year
    )
    series = [
        _figure(
            p,
            "metode lama (sebelum perubahan metode)"
            if old_method and p["year"] is not None and p["year"] < break_year
            else None,
        )
        for p in pts
    ]  # fmt: skip
    first = r["first_cmp"] if r["first_cmp"] else r["first_any"]
    change = change_from = None
    trend = "n/a"
    if first and first["ord"] < latest["ord"]:
        change, trend = trend_of(first["v"], latest["v"])
        change_from = str(first["period"])
    if old_method:
        notes.append(break_note(break_year, change_from or latest["period"], info.break_note))
    if r["n_valid"] > len(pts):
        notes.append(
            f"{LATEST_NOTES[1]} ke {len(pts)} periode terakhir dari {r['n_valid']} "
            f"(perubahan tetap dihitung sejak {change_from or '-'})."
        )
    if r["n_placeholder"]:
        notes.append(
            f"Nilai 0 pada {_periods_text(r['placeholder_periods'], r['n_placeholder'])} "
            "dianggap placeholder (0 tidak mungkin untuk indikator ini, atau mendahului data "
            "pertama wilayah): diperlakukan sebagai data hilang."
        )
    if r["n_missing"]:
        notes.append(
            f"Data hilang ('-' atau kosong) pada "
            f"{_periods_text(r['missing_periods'], r['n_missing'])}."
        )
    raw_names = sorted(
        {n for n in r["raw_names"] or [] if region_key(n) != region_key(r["region"])}
    )
    if raw_names:
        notes.append("Nama wilayah di sumber: " + ", ".join(f"'{n}'" for n in raw_names) + ".")
    for note in r["notes"] or []:
        if old_method and note == info.break_note:
            continue
        notes.append(f"Catatan sumber: {note}")

    rank = rank_of = None
    if not r["is_national"]:
        values = peers.get((r["ind"], r["level"], latest["ord"]), {})
        if len(values) >= 2 and r["region"] in values:
            mine = values[r["region"]]
            ordered = sorted_peers[(r["ind"], r["level"], latest["ord"])]
            if info.rank_order == "asc":
                rank = 1 + bisect.bisect_left(ordered, mine)
            else:
                rank = 1 + len(ordered) - bisect.bisect_right(ordered, mine)
            rank_of = len(ordered)

    nat_fig = None
    vs_national = None
    nat = national.get((r["ind"], latest["ord"]))
    if r["is_national"]:
        flagged = sorted(
            (p for (ind, _o), p in national.items() if ind == r["ind"] and (ind, _o) in computed),
            key=lambda p: p.ord,
        )
        if flagged:
            notes.append(
                f"Angka {r['region']} untuk {_span([p.period for p in flagged])} "
                f"{computed[(r['ind'], flagged[0].ord)]}; jangan disajikan sebagai angka resmi."
            )
    elif nat is not None:
        flag = computed.get((r["ind"], nat.ord))
        nat_fig = _figure(nat, flag)
        vs_national = _decimal_diff(latest["v"], nat.v)
        if flag:
            notes.append(f"Angka nasional {nat.period} {flag}.")
    latest_fig = series[-1]
    if r["is_national"] and (r["ind"], latest["ord"]) in computed:
        latest_fig = latest_fig.model_copy(update={"note": computed[(r["ind"], latest["ord"])]})
        series[-1] = latest_fig
    card = EvidenceCard(
        id=f"stat:{r['ind']}:{slugify(r['region']).replace('_', '-')}",
        region=r["region"],
        region_level=r["level"],
        indicator=r["ind"],
        indicator_name=info.name,
        unit=info.unit,
        latest=latest_fig,
        series=series,
        change=change,
        change_from=change_from,
        trend=trend,
        rank=rank,
        rank_of=rank_of,
        rank_order=info.rank_order,  # type: ignore[arg-type]
        national=nat_fig,
        vs_national=vs_national,
        notes=notes,
    )
    return card.model_copy(update={"summary": summarise(card)})


def _span(periods: list[str]) -> str:
    if not periods:
        return ""
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def unit_suffix(unit: str) -> str:
    """How a unit follows a number in Indonesian text (``" persen"``, ``""`` for an index)."""
    norm = normalise_text(unit)
    if is_percent(unit):
        return " persen"
    if norm in {"", "index", "indeks", "index 0 100", "rasio", "ratio", "ratio 0 1", "ratio 0-1"}:
        return ""
    if norm.startswith(("index", "indeks", "ratio", "rasio")):
        return ""
    return f" {unit.strip()}"


def summarise(card: EvidenceCard) -> str:
    """One Indonesian sentence with the card's figures in Indonesian number format."""
    suffix = unit_suffix(card.unit)
    text = f"{card.indicator_name} {card.region} {card.latest.text}{suffix} ({card.latest.period})"
    parts = [text]
    if card.change is not None and card.change_from:
        word = {"rising": "naik", "falling": "turun", "flat": "relatif tetap"}[card.trend]
        first = next((f for f in card.series if f.period == card.change_from), None)
        delta = format_number_id(abs(card.change), _dec(card))
        unit_word = " poin" if suffix == " persen" else ""
        base = f" dari {first.text}" if first else ""
        parts.append(f"{word} {delta}{unit_word}{base} ({card.change_from})")
    if card.rank is not None and card.rank_of:
        best = RANK_ONE["id"][card.rank_order]
        level = level_name(card.region_level)
        parts.append(f"peringkat {card.rank} dari {card.rank_of} {level} (1 = {best})")
    if card.national is not None and card.vs_national is not None:
        sign = "+" if card.vs_national > 0 else ""
        official = "" if card.national.note is None else ", angka hitungan"
        parts.append(
            f"nasional {card.national.text}{suffix} ({card.national.period}{official}), "
            f"selisih {sign}{format_number_id(card.vs_national, _dec(card))}"
        )
    return "; ".join(parts) + "."


def _dec(card: EvidenceCard) -> int:
    """Decimals to show a difference with: the most the card's own figures are written with."""
    texts = [card.latest.text, *(f.text for f in card.series[:1])]
    return min(max(len(t.partition(",")[2]) for t in texts), 6)
