"""Regional statistics → evidence cards with exact figures and the cell they came from.

``cards_from_files`` reads CSV (any encoding, ``,``/``;``/tab delimiters), XLSX (every sheet,
title rows skipped) and Parquet tables in long or wide layout, and returns one
:class:`~pipeline.types.EvidenceCard` per region × indicator: the latest value, the series,
the change since the first comparable period (never across a method break such as IPM 2013),
the trend, the rank among regions of the same level, and the national figure — flagged when the
"national" row is just the mean of the provinces. Placeholder zeros and ``-`` cells are missing.

Aggregation runs in DuckDB over a long relation, so a 10-million-row CSV is summarised in bounded
memory; row numbers are kept for provenance (header = row 1, as in a spreadsheet).

Example::

    from pipeline import stats
    report = stats.cards_from_files(["samples/stats/indikator_provinsi.csv"])
    print(stats.format_card(report.cards[0]))
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.errors import StatsError
from pipeline.settings import StatsSettings
from pipeline.stats.engine import build_cards, summarise, unit_suffix
from pipeline.stats.known import canonical_region, normalise_text
from pipeline.stats.read import (
    MAP_HELP,
    ROLES,
    Layout,
    constant_indicator,
    detect_layout,
    find_header,
    grid_to_long,
    guess_locale,
    read_csv_grid,
    read_csv_head,
    read_xlsx_sheets,
    sniff_csv,
    title_of,
    transcode_to_utf8,
)
from pipeline.stats.store import sql_literal, write_figures
from pipeline.text.numbers import format_number_id
from pipeline.types import EvidenceCard, SkippedFile

__all__ = [
    "StatsReport",
    "cards_from_files",
    "format_card",
    "parse_mapping",
    "summarise",
]

logger = logging.getLogger(__name__)

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


@dataclass
class StatsReport:
    """What :func:`cards_from_files` produced: cards, files it could not use, and warnings."""

    cards: list[EvidenceCard] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_mapping(text: str) -> dict[str, str]:
    """Parse ``"region=Provinsi,indicator=ind,period=Tahun,value=Nilai,unit=Satuan"``.

    Roles: region, indicator, name, period, value, unit, level, note. Raises
    :class:`StatsError` on an unknown role or a malformed pair.
    """
    mapping: dict[str, str] = {}
    for pair in (p for p in text.split(",") if p.strip()):
        role, sep, column = pair.partition("=")
        role = role.strip().lower()
        if not sep or not column.strip():
            raise StatsError(f"bad column mapping {pair!r}: expected role=COLUMN", help=MAP_HELP)
        if role not in ROLES:
            raise StatsError(f"unknown role {role!r} in the column mapping", help=MAP_HELP)
        mapping[role] = column.strip()
    return mapping


def cards_from_files(
    paths: Iterable[str | os.PathLike[str]],
    settings: StatsSettings | None = None,
    mapping: dict[str, str] | None = None,
    regions: list[str] | None = None,
    indicators: list[str] | None = None,
    figures_to: Path | None = None,
) -> StatsReport:
    """Evidence cards for every region × indicator in the given tables (files or folders).

    All readable files are summarised together, so one indicator spread over several files
    (a BPS export per year) becomes one series, and ranks and national figures span them.
    A file that cannot be read or understood is reported in ``skipped`` and the rest goes on;
    if *every* file failed because its columns could not be recognised, that
    :class:`StatsError` is raised so its help (the ``--map`` syntax) reaches the user.
    ``regions`` and ``indicators`` filter the cards (ranks are still among all regions).
    ``figures_to``: also write every figure, with its cell, to that Parquet file (the index's
    figure store, :mod:`pipeline.stats.store`).
    """
    settings = settings or StatsSettings()
    report = StatsReport()
    files = list(_expand(paths))
    errors: list[StatsError] = []
    threshold = settings.large_csv_mb * 1024 * 1024
    large = any(p.is_file() and p.stat().st_size > threshold for p in files)
    with tempfile.TemporaryDirectory(prefix="pilar-stats-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "stats.duckdb") if large else ":memory:")
        try:
            con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
            con.execute(f"SET temp_directory = '{Path(tmp) / 'spill'}'")
            con.execute("SET preserve_insertion_order = true")
            loaded: list[str] = []
            for index, path in enumerate(files):
                name = f"src_{index}"
                try:
                    report.warnings.extend(_load_file(con, path, mapping, Path(tmp), name))
                except StatsError as exc:
                    errors.append(exc)
                    report.skipped.append(
                        SkippedFile(source=str(path), reason="not_understood", error=str(exc))
                    )
                    logger.warning("%s: %s", path, exc)
                    continue
                except (OSError, duckdb.Error, ValueError, KeyError, UnicodeError) as exc:
                    report.skipped.append(
                        SkippedFile(source=str(path), reason="unreadable", error=str(exc)[:500])
                    )
                    logger.warning("%s: unreadable: %s", path, exc)
                    continue
                loaded.append(name)
            if errors and len(errors) == len(files):
                raise errors[0]
            if loaded:
                union = " UNION ALL ".join(f"SELECT * FROM {n}" for n in loaded)
                con.execute(f"CREATE TEMP VIEW src AS {union}")
                cards, warnings = build_cards(
                    con, settings, indicators=indicators, max_points=settings.max_series_points
                )
                report.cards, report.warnings = cards, report.warnings + warnings
                if figures_to is not None:
                    write_figures(con, figures_to)
        finally:
            con.close()
    if regions:
        wanted = {normalise_text(canonical_region(r, settings.national_names)[0]) for r in regions}
        wanted |= {normalise_text(r) for r in regions}
        report.cards = [c for c in report.cards if normalise_text(c.region) in wanted]
    logger.info("%d card(s) from %d file(s)", len(report.cards), len(files))
    return report


def _expand(paths: Iterable[str | os.PathLike[str]]) -> Iterable[Path]:
    suffixes = CSV_SUFFIXES | XLSX_SUFFIXES | PARQUET_SUFFIXES
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes - {".txt"})
        else:
            yield path


# --------------------------------------------------------------------------- one file


def _load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: dict[str, str] | None,
    tmp: Path,
    name: str,
) -> list[str]:
    """Create the view ``name`` (long shape) for one file; returns warnings."""
    if not path.is_file():
        raise OSError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _load_csv(con, path, mapping, tmp, name)
    if suffix in XLSX_SUFFIXES:
        return _load_xlsx(con, path, mapping, name)
    if suffix in PARQUET_SUFFIXES:
        return _load_parquet(con, path, mapping, name)
    raise StatsError(
        f"unsupported table format {suffix or '(none)'}",
        help="Statistics tables must be .csv, .xlsx or .parquet.",
    )


def _register_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, name: str) -> None:
    con.register(f"{name}_frame", frame)
    con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_frame")


def _value_sql(column: str, locale: str) -> str:
    """SQL turning a text cell into a DOUBLE, exactly as :func:`parse_number` would."""
    n = (
        f"regexp_extract(lower(replace(replace(trim({column}), '−', '-'), ' ', '')), "
        r"'^(-?[0-9][0-9.,]*)(%|persen|percent)?$', 1)"
    )
    id_rules = [
        (r"-?\d+", "n"),
        (r"-?\d{1,3}(\.\d{3})+(,\d+)?", "replace(replace(n, '.', ''), ',', '.')"),
        (r"-?\d+,\d+", "replace(n, ',', '.')"),
        (r"-?\d+\.\d+", "n"),
        (r"-?\d{1,3}(,\d{3})+\.\d+", "replace(n, ',', '')"),
    ]
    en_rules = [
        (r"-?\d+", "n"),
        (r"-?\d+\.\d+", "n"),
        (r"-?\d{1,3}(,\d{3})+(\.\d+)?", "replace(n, ',', '')"),
        (r"-?\d+,\d+", "replace(n, ',', '.')"),
        (r"-?\d{1,3}(\.\d{3})+,\d+", "replace(replace(n, '.', ''), ',', '.')"),
    ]
    rules = id_rules if locale == "id" else en_rules
    whens = " ".join(
        f"WHEN regexp_full_match(n, '{pattern}') THEN CAST({expr} AS DOUBLE)"
        for pattern, expr in rules
    )
    return f"(SELECT CASE {whens} ELSE NULL END FROM (SELECT {n} AS n))"


def _long_select(
    layout: Layout, cols: list[str], const: dict[str, str], row_expr: str, path: Path
) -> str:
    """The SELECT list mapping a raw long table to the standard long columns."""
    roles = layout.roles

    def col(role: str) -> str:
        index = roles.get(role)
        return "''" if index is None else f"coalesce(trim({cols[index]}), '')"

    ind = col("indicator") if "indicator" in roles else sql_literal(const["ind"])
    if "name" in roles:
        name = col("name")
    else:
        name = ind if "indicator" in roles else sql_literal(const["name"])
    period = col("period") if "period" in roles else sql_literal(const["period"])
    unit = col("unit") if "unit" in roles else sql_literal(const["unit"])
    level = col("level") if "level" in roles else sql_literal(layout.level)
    value_col = cols[roles["value"]]
    return (
        f"{col('region')} AS region_raw, {level} AS level_raw, {ind} AS ind_raw, "
        f"{name} AS name_raw, {unit} AS unit_raw, {period} AS period_raw, "
        f"{{value}} AS v, coalesce({value_col}, '') AS raw_text, {col('note')} AS note, "
        f"CAST({row_expr} AS BIGINT) AS row, {sql_literal(layout.header[roles['value']])} AS col, "
        f"'' AS sheet, {sql_literal(str(path))} AS file"
    )


def _constants(layout: Layout, path: Path) -> dict[str, str]:
    name, code, unit, period = constant_indicator(layout.title, None, path.stem)
    return {"ind": code, "name": name, "unit": unit, "period": period}


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: dict[str, str] | None,
    tmp: Path,
    name: str,
) -> list[str]:
    fmt = sniff_csv(path)
    head = read_csv_head(fmt)
    header_index = find_header(head)
    layout = detect_layout(
        head[header_index], head[header_index + 1 :], mapping, title_of(head[:header_index])
    )
    if layout.kind != "long":
        grid = read_csv_grid(fmt)
        locale = guess_locale([c for r in grid[header_index + 1 : 300] for c in r[1:]])
        frame = grid_to_long(grid, header_index, layout, source=path, sheet=None, locale=locale)
        _register_frame(con, frame, name)
        return []
    source = path
    if fmt.encoding.replace("_", "-").lower() not in {"utf-8", "utf8", "ascii"} or fmt.bom:
        source = transcode_to_utf8(fmt, tmp / f"{name}.csv")
    width = max(len(r) for r in head[header_index:])
    cols = [f"c{i}" for i in range(width)]
    types = ", ".join(f"'{c}': 'VARCHAR'" for c in cols)
    value_index = layout.roles["value"]
    locale = guess_locale(
        [r[value_index] for r in head[header_index + 1 :] if value_index < len(r)]
    )
    skip = header_index + 1
    # insertion order is preserved, so rowid + skip + 1 is the 1-based line number
    con.execute(
        f"""CREATE TABLE {name}_raw AS SELECT * FROM read_csv(?, header = false,
            skip = {skip}, delim = ?, quote = '"', escape = '"', columns = {{{types}}},
            null_padding = true, auto_detect = false)""",
        [str(source), fmt.delimiter],
    )
    select = _long_select(layout, cols, _constants(layout, path), f"rowid + {skip + 1}", path)
    select = select.replace("{value}", _value_sql(cols[value_index], locale))
    region_col = cols[layout.roles["region"]]
    con.execute(
        f"CREATE TEMP VIEW {name} AS SELECT {select} FROM {name}_raw "
        f"WHERE coalesce(trim({region_col}), '') <> ''"
    )
    return []


def _load_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: dict[str, str] | None, name: str
) -> list[str]:
    frames = []
    warnings = []
    first_error: StatsError | None = None
    for title, rows in read_xlsx_sheets(path):
        if not rows:
            continue
        try:
            header_index = find_header(rows)
            layout = detect_layout(
                rows[header_index],
                rows[header_index + 1 :],
                mapping,
                title_of(rows[:header_index]),
            )
        except StatsError as exc:
            first_error = first_error or StatsError(f"sheet {title!r}: {exc}", help=exc.help)
            warnings.append(f"{path} [{title}]: sheet skipped: {exc}")
            continue
        frames.append(grid_to_long(rows, header_index, layout, source=path, sheet=title))
    if not frames:
        raise first_error or StatsError("the workbook has no readable sheet")
    _register_frame(con, pd.concat(frames, ignore_index=True), name)
    return warnings


def _load_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: dict[str, str] | None, name: str
) -> list[str]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    header = list(parquet.schema_arrow.names)
    sample = next(parquet.iter_batches(batch_size=300), None)
    rows = [list(r.values()) for r in sample.to_pylist()] if sample is not None else []
    layout = detect_layout(header, rows, mapping, "")
    if layout.kind != "long":
        table = parquet.read().to_pandas()
        grid = [header, *table.itertuples(index=False, name=None)]
        _register_frame(con, grid_to_long(grid, 0, layout, source=path, sheet=None), name)
        return []
    cols = [f"c{i}" for i in range(len(header))]
    renames = ", ".join(
        f'CAST("{h.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS {c}'
        for h, c in zip(header, cols, strict=True)
    )
    con.execute(
        f"CREATE TEMP VIEW {name}_raw AS SELECT {renames}, file_row_number "
        f"FROM read_parquet({sql_literal(str(path))}, file_row_number = true)"
    )
    value_index = layout.roles["value"]
    select = _long_select(layout, cols, _constants(layout, path), "file_row_number + 2", path)
    select = select.replace("{value}", _value_sql(cols[value_index], "en"))
    con.execute(f"CREATE TEMP VIEW {name} AS SELECT {select} FROM {name}_raw")
    return []


# --------------------------------------------------------------------------- display


def format_card(card: EvidenceCard) -> str:
    """The card as a few lines of Indonesian text for the terminal.

    ``JAWA BARAT · Persentase penduduk miskin (P0) (persen): 7,98 (2022)`` followed by the
    source cell, the series, change/rank/national comparison and notes.
    """
    unit = f" ({card.unit})" if card.unit else ""
    lines = [
        f"{card.region} · {card.indicator_name}{unit}: {card.latest.text} ({card.latest.period})"
        f"  [{card.id}]",
        f"  sumber: {card.latest.cell.label}",
    ]
    series = " · ".join(f"{f.period} {f.text}" for f in card.series[-12:])
    more = f"… ({len(card.series)} periode) " if len(card.series) > 12 else ""
    lines.append(f"  deret: {more}{series}")
    facts = []
    if card.change is not None:
        word = {"rising": "naik", "falling": "turun", "flat": "tetap", "n/a": ""}[card.trend]
        sign = "+" if card.change > 0 else ""
        facts.append(
            f"perubahan sejak {card.change_from}: {sign}{format_number_id(card.change)} ({word})"
        )
    if card.rank is not None:
        best = "terendah" if card.rank_order == "asc" else "tertinggi"
        facts.append(f"peringkat {card.rank}/{card.rank_of} (1 = {best})")
    if card.national is not None and card.vs_national is not None:
        sign = "+" if card.vs_national > 0 else ""
        facts.append(
            f"nasional {card.national.text}{unit_suffix(card.unit)} ({card.national.period}), "
            f"selisih {sign}{format_number_id(round(card.vs_national, 6))}"
        )
    if facts:
        lines.append("  " + " · ".join(facts))
    lines.extend(f"  catatan: {note}" for note in card.notes)
    return "\n".join(lines)
