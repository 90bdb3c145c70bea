"""Reading statistics tables and recognising their layout.

A table is *long* (one row per region × indicator × period with a value column), *wide by year*
(region rows × year columns, the BPS export layout) or *wide by indicator* (region rows ×
indicator columns). Roles are recognised from column names in Indonesian and English and from
the content (a column of province names is the region column even when its header says
``Tahun``). Title rows above the real header are skipped.

Every reader yields the same long shape (see :data:`LONG_COLUMNS`) with the row and column each
value came from, so the aggregation in :mod:`pipeline.stats.engine` never needs to know the
file format.
"""

from __future__ import annotations

import codecs
import csv
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import StatsError
from pipeline.stats.known import canonical_province, lookup_indicator, normalise_text, slugify
from pipeline.text.numbers import MISSING_TOKENS, parse_number

logger = logging.getLogger(__name__)

#: columns of the long shape every reader produces (all text except ``v`` and ``row``)
LONG_COLUMNS = (
    "region_raw", "level_raw", "ind_raw", "name_raw", "unit_raw", "period_raw",
    "v", "raw_text", "note", "row", "col", "sheet", "file",
)  # fmt: skip

MAP_HELP = (
    "Name the columns with --map, e.g. "
    "--map region=Provinsi,indicator=Indikator,period=Tahun,value=Nilai,unit=Satuan "
    "(roles: region, indicator, name, period, value, unit, level, note). "
    "In Python: cards_from_files(paths, mapping={'region': 'Provinsi', ...})."
)
ROLES = ("region", "indicator", "name", "period", "value", "unit", "level", "note")

_ROLE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("level", r"(region_)?level|tingkat(_wilayah)?|level_wilayah|jenis_wilayah|region_type"),
    ("name", r"indicator_name|nama_indikator|indikator_nama|uraian|indicator_label|deskripsi"),
    ("indicator", r"indicator|indikator|ind|variabel|variable|kode_indikator|indicator_code"),
    (
        "region",
        r"(nama_)?(provinsi|propinsi|province|prov|wilayah|region|daerah|kabupaten|kota"
        r"|kab_kota|kabupaten_kota|kabkota|kab|regency|city|district|area)",
    ),
    (
        "period",
        r"tahun|year|periode|period|waktu|time|bulan|month|triwulan|quarter|semester"
        r"|date|tanggal|thn",
    ),
    ("value", r"nilai|value|angka|val|obs_value|jumlah"),
    ("unit", r"satuan|unit|units|unit_of_measure"),
    ("note", r"catatan|keterangan|note|notes|ket|remarks"),
)
_KABKOTA_RE = re.compile(r"kab|kota|regency|city|district")
_PROVINCE_NAME_RE = re.compile(r"prov|propinsi|province")
_YEAR_RE = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0+)?\s*$")
_UNIT_IN_TITLE_RE = re.compile(r"\(([^()]{1,40})\)\s*$")


def cell_text(value: Any) -> str:
    """A cell as text: ``None`` → ``""``, ``2010.0`` → ``"2010"``, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def year_of(value: Any) -> int | None:
    """The year a header cell stands for (``2021``, ``"2021"``, ``2021.0``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return int(value) if float(value).is_integer() and 1900 <= value <= 2100 else None
    match = _YEAR_RE.match(str(value)) if value is not None else None
    return int(match.group(1)) if match else None


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return not (isinstance(value, float) and math.isnan(value))
    return parse_number(value, "auto") is not None


def _is_missing(value: Any) -> bool:
    return cell_text(value).lower() in MISSING_TOKENS


def name_role(header: str) -> str | None:
    """The role a column name announces (``"Provinsi"`` → region), if any."""
    norm = normalise_text(header).replace(" ", "_")
    for role, pattern in _ROLE_PATTERNS:
        if re.fullmatch(pattern, norm):
            return role
    return None


def _is_kabkota(header: str) -> bool:
    return bool(_KABKOTA_RE.search(normalise_text(header))) and not _PROVINCE_NAME_RE.search(
        normalise_text(header)
    )


@dataclass
class Layout:
    """What a table's columns mean."""

    kind: str  # "long" | "wide_years" | "wide_indicators"
    header: list[str]
    roles: dict[str, int] = field(default_factory=dict)
    year_cols: list[tuple[int, str]] = field(default_factory=list)
    indicator_cols: list[int] = field(default_factory=list)
    level: str = ""
    title: str = ""


def find_header(rows: Sequence[Sequence[Any]], limit: int = 30) -> int:
    """Index of the real header row: the first row naming roles or years above numeric data."""
    candidates = rows[:limit]
    for i, row in enumerate(candidates):
        cells = [cell_text(c) for c in row]
        if not any(cells):
            continue
        roles = sum(1 for c in cells if c and name_role(c))
        years = sum(1 for c in row if year_of(c) is not None)
        numbers = sum(1 for c in row if _is_number(c) and year_of(c) is None)
        after = rows[i + 1 : i + 6]
        has_data = any(_is_number(c) or _is_missing(c) for r in after for c in r[1:])
        if (roles or years) and numbers == 0 and has_data:
            return i
    widths = [sum(1 for c in r if cell_text(c)) for r in candidates]
    if not widths or max(widths) == 0:
        raise StatsError("the table is empty")
    best = max(widths)
    for i, row in enumerate(candidates):
        if widths[i] == best and not any(_is_number(c) for c in row):
            return i
    return 0


def title_of(rows: Sequence[Sequence[Any]]) -> str:
    texts = [cell_text(c) for row in rows for c in row if cell_text(c)]
    texts = [t for t in texts if not re.fullmatch(r"\d+\s*\w{0,12}", t)]
    return max(texts, key=len) if texts else ""


def unit_from_title(title: str) -> str:
    """``"... Menurut Provinsi (Persen)"`` → ``"persen"``."""
    match = _UNIT_IN_TITLE_RE.search(title or "")
    return match.group(1).strip().lower() if match else ""


def detect_layout(
    header_row: Sequence[Any],
    data: Sequence[Sequence[Any]],
    mapping: dict[str, str] | None = None,
    title: str = "",
) -> Layout:
    """Recognise the role of each column from its name and a sample of its content.

    Raises :class:`StatsError` (whose help shows the ``--map`` syntax) when no region column can
    be found or the value column is ambiguous.
    """
    header = [cell_text(h) for h in header_row]
    width = len(header)
    columns = [[row[i] if i < len(row) else None for row in data] for i in range(width)]
    layout = Layout(kind="long", header=header, title=title)

    if mapping:
        by_norm = {normalise_text(h): i for i, h in enumerate(header) if h}
        for role, column in mapping.items():
            if role not in ROLES:
                raise StatsError(f"unknown role {role!r} in the column mapping", help=MAP_HELP)
            index = by_norm.get(normalise_text(column))
            if index is None:
                raise StatsError(
                    f"column {column!r} (for {role}) is not in the table; columns: "
                    + ", ".join(repr(h) for h in header if h),
                    help=MAP_HELP,
                )
            layout.roles[role] = index

    def content(i: int) -> dict[str, float]:
        values = [v for v in columns[i] if not _is_missing(v)]
        n = len(values) or 1
        return {
            "n": len(values),
            "num": sum(1 for v in values if _is_number(v)) / n,
            "year": sum(1 for v in values if year_of(v) is not None) / n,
            "prov": sum(
                1
                for v in values
                if canonical_province(cell_text(v))
                or normalise_text(cell_text(v)) in {"indonesia", "nasional"}
            )
            / n,
        }

    stats = [content(i) for i in range(width)]
    taken = set(layout.roles.values())
    region_candidates: list[int] = []
    for i, h in enumerate(header):
        if i in taken or (not h and stats[i]["n"] == 0):
            continue
        role = name_role(h) if h else None
        if year_of(h) is not None and role is None:
            layout.year_cols.append((i, str(year_of(h))))
            continue
        if role == "period" and stats[i]["num"] < 0.5 and stats[i]["prov"] >= 0.5:
            role = "region"  # "Tahun" over a column of province names: the BPS export layout
        if role is None and stats[i]["prov"] >= 0.5 and stats[i]["num"] < 0.5:
            role = "region"
        if role == "region":
            region_candidates.append(i)
        elif role and role not in layout.roles:
            layout.roles[role] = i
    if "region" not in layout.roles:
        if not region_candidates:
            raise StatsError(
                "no region column found (looked for Provinsi/Kabupaten/Kota/Wilayah/Region "
                "or a column of province names)",
                help=MAP_HELP,
            )
        kab = [i for i in region_candidates if _is_kabkota(header[i])]
        named = [i for i in region_candidates if name_role(header[i]) == "region"]
        if kab:
            chosen = kab[0]
        elif len(region_candidates) == 1:
            chosen = region_candidates[0]
        elif len(named) == 1:
            chosen = named[0]
        else:
            raise StatsError(
                "several columns could be the region: "
                + ", ".join(repr(header[i]) for i in region_candidates),
                help=MAP_HELP,
            )
        layout.roles["region"] = chosen
    region_header = header[layout.roles["region"]]
    if _is_kabkota(region_header):
        layout.level = "kabupaten/kota"
    elif _PROVINCE_NAME_RE.search(normalise_text(region_header)) or (
        stats[layout.roles["region"]]["prov"] >= 0.5
    ):
        layout.level = "province"
    else:
        layout.level = "region"

    assigned = set(layout.roles.values()) | {i for i, _ in layout.year_cols}
    numeric_free = [
        i
        for i in range(width)
        if i not in assigned
        and i not in region_candidates
        and header[i]
        and stats[i]["n"] > 0
        and stats[i]["num"] >= 0.8
    ]
    if layout.year_cols and "value" not in layout.roles:
        layout.kind = "wide_years"
    elif "value" in layout.roles:
        layout.kind = "long"
    elif len(numeric_free) == 1 and ("period" in layout.roles or "indicator" in layout.roles):
        layout.roles["value"] = numeric_free[0]
        layout.kind = "long"
    elif numeric_free and "indicator" not in layout.roles:
        layout.kind = "wide_indicators"
        layout.indicator_cols = numeric_free
    elif numeric_free:
        raise StatsError(
            "cannot tell which column holds the values: "
            + ", ".join(repr(header[i]) for i in numeric_free),
            help=MAP_HELP,
        )
    else:
        raise StatsError("no value column and no year columns found", help=MAP_HELP)
    logger.debug("layout %s roles=%s", layout.kind, layout.roles)
    return layout


# --------------------------------------------------------------------------- text files


@dataclass
class CsvFormat:
    """How a CSV file is written."""

    path: Path
    encoding: str
    delimiter: str
    bom: bool = False


def sniff_csv(path: Path, sample_bytes: int = 256 * 1024) -> CsvFormat:
    """Detect the encoding (charset-normalizer) and delimiter (``, ; \\t |``) of a CSV file."""
    with open(path, "rb") as handle:
        head = handle.read(sample_bytes)
    if not head.strip():
        raise StatsError("the file is empty")
    bom = head.startswith(codecs.BOM_UTF8)
    encoding = "utf-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            from charset_normalizer import from_bytes

            best = from_bytes(head).best()
            encoding = best.encoding if best else "latin-1"
    text = head.decode(encoding, errors="ignore")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:30]), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in ",;\t|"}
        delimiter = max(counts, key=lambda d: counts[d])
    return CsvFormat(path=path, encoding=encoding, delimiter=delimiter, bom=bom)


def read_csv_head(fmt: CsvFormat, max_rows: int = 300) -> list[list[str]]:
    """The first ``max_rows`` records of a CSV file as lists of strings."""
    rows: list[list[str]] = []
    encoding = "utf-8-sig" if fmt.bom else fmt.encoding
    with open(fmt.path, encoding=encoding, errors="replace", newline="") as handle:
        for record in csv.reader(handle, delimiter=fmt.delimiter):
            rows.append(record)
            if len(rows) >= max_rows:
                break
    return rows


def transcode_to_utf8(fmt: CsvFormat, target: Path) -> Path:
    """Copy a non-UTF-8 CSV to ``target`` as UTF-8, streaming (line numbers are unchanged)."""
    encoding = "utf-8-sig" if fmt.bom else fmt.encoding
    with (
        open(fmt.path, encoding=encoding, errors="replace", newline="") as src,
        open(target, "w", encoding="utf-8", newline="") as dst,
    ):
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return target


def read_csv_grid(fmt: CsvFormat) -> list[list[str]]:
    """The whole CSV as lists of strings (for wide tables, which are small)."""
    encoding = "utf-8-sig" if fmt.bom else fmt.encoding
    with open(fmt.path, encoding=encoding, errors="replace", newline="") as handle:
        return [list(r) for r in csv.reader(handle, delimiter=fmt.delimiter)]


# --------------------------------------------------------------------------- workbooks


def read_xlsx_sheets(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet of a workbook as (title, rows) with cached formula values, read-only.

    ``rows[i]`` is Excel row ``i + 1``. Trailing empty rows and columns are dropped.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise StatsError(f"cannot open the workbook: {exc}") from exc
    sheets = []
    try:
        for sheet in workbook.worksheets:
            rows = [tuple(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
            while rows and not any(cell_text(c) for c in rows[-1]):
                rows.pop()
            width = max(
                (max((i + 1 for i, c in enumerate(r) if cell_text(c)), default=0) for r in rows),
                default=0,
            )
            sheets.append((sheet.title, [r[:width] for r in rows]))
    finally:
        workbook.close()
    return sheets


# --------------------------------------------------------------------------- grid → long frame


def grid_to_long(
    rows: Sequence[Sequence[Any]],
    header_index: int,
    layout: Layout,
    *,
    source: Path,
    sheet: str | None,
    row_offset: int = 1,
    locale: str = "auto",
) -> pd.DataFrame:
    """Melt a table (already split into header and rows) into the long shape.

    ``row_offset`` is the file row number of ``rows[0]`` (1 for CSV lines and Excel rows).
    """
    roles = layout.roles
    header = layout.header
    title = layout.title
    const_name, const_code, const_unit, period_const = constant_indicator(title, sheet, source.stem)
    file = str(source)
    records: list[tuple[Any, ...]] = []

    def get(row: Sequence[Any], role: str) -> str:
        index = roles.get(role)
        return cell_text(row[index]) if index is not None and index < len(row) else ""

    used_codes: dict[int, str] = {}
    if layout.kind == "wide_indicators":
        seen: set[str] = set()
        for i in layout.indicator_cols:
            info = lookup_indicator("", header[i])
            code = info.code if info and info.code not in seen else slugify(header[i])
            seen.add(code)
            used_codes[i] = code

    for offset, row in enumerate(rows[header_index + 1 :]):
        line = row_offset + header_index + 1 + offset
        region = get(row, "region")
        if not region:
            continue
        base = {
            "region_raw": region,
            "level_raw": get(row, "level") or layout.level,
            "note": get(row, "note"),
        }
        if layout.kind == "long":
            value_index = roles["value"]
            raw = row[value_index] if value_index < len(row) else None
            ind = get(row, "indicator") or const_code
            name = get(row, "name") or (const_name if "indicator" not in roles else ind)
            records.append(
                (base["region_raw"], base["level_raw"], ind, name,
                 get(row, "unit") or const_unit, get(row, "period") or period_const,
                 _to_float(raw, locale), cell_text(raw), base["note"], line,
                 header[value_index], sheet or "", file)
            )  # fmt: skip
        elif layout.kind == "wide_years":
            for index, period in layout.year_cols:
                raw = row[index] if index < len(row) else None
                records.append(
                    (base["region_raw"], base["level_raw"], const_code, const_name,
                     get(row, "unit") or const_unit, period, _to_float(raw, locale),
                     cell_text(raw), base["note"], line, header[index], sheet or "", file)
                )  # fmt: skip
        else:
            period = get(row, "period") or period_const
            for index in layout.indicator_cols:
                raw = row[index] if index < len(row) else None
                records.append(
                    (base["region_raw"], base["level_raw"], used_codes[index], header[index],
                     get(row, "unit") or unit_from_title(header[index]), period,
                     _to_float(raw, locale), cell_text(raw), base["note"], line, header[index],
                     sheet or "", file)
                )  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=list(LONG_COLUMNS))
    frame["v"] = frame["v"].astype("float64")
    frame["row"] = frame["row"].astype("int64")
    return frame


def _to_float(value: Any, locale: str) -> float | None:
    if isinstance(value, str) and value.startswith("="):
        return None  # a formula without a cached value
    return parse_number(value, locale)  # type: ignore[arg-type]


def constant_indicator(title: str, sheet: str | None, stem: str) -> tuple[str, str, str, str]:
    """(name, code, unit, period) for a table holding one indicator not named in a column.

    Taken from the title rows above the header, else the sheet name, else the file name;
    a known indicator (``persentasemiskin`` → poverty_rate) gets its code and Indonesian name.
    """
    name = _constant_indicator_name(title, sheet, stem)
    info = lookup_indicator(stem, name) or lookup_indicator(sheet or "", title)
    if info and name in {stem, sheet}:
        name = info.name
    code = info.code if info else slugify(name)
    unit = unit_from_title(title) or (info.unit if info else "")
    return name, code, unit, _period_from_text(f"{title} {stem}")


def _constant_indicator_name(title: str, sheet: str | None, stem: str) -> str:
    if title and re.search(r"[A-Za-z]{4}", title):
        return re.sub(r"\s*\([^()]*\)\s*$", "", title).strip() or title
    if sheet and not re.fullmatch(r"(sheet|lembar)\s*\d*", sheet.strip(), re.IGNORECASE):
        return sheet.strip()
    return stem


def _period_from_text(text: str) -> str:
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
    return years[-1] if len(set(years)) == 1 else "n/a"


def guess_locale(values: Sequence[Any]) -> str:
    """``"id"`` unless text values show English decimals (``71.7``, ``0.384``, ``1,234.5``)."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    id_signals = sum(
        1
        for t in texts
        if (re.search(r"\d,\d", t) and not re.search(r"\d,\d{3}\.\d", t))
        or re.search(r"\d\.\d{3}\.\d{3}", t)
    )
    en_signals = sum(
        1
        for t in texts
        if re.fullmatch(r"-?\d+\.(\d{1,2}|\d{4,})", t)
        or re.fullmatch(r"-?0\.\d+", t)
        or re.search(r"\d,\d{3}\.\d", t)
        or re.search(r"\d,\d{3},\d{3}", t)
    )
    return "en" if en_signals > id_signals else "id"
