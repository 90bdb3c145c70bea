"""The figure store: every figure of an index's statistics tables, with the cell it came from.

One Parquet file per table document in the index version (``stats/<doc_id>.parquet``), written
by DuckDB straight from the cleaned long relation of :func:`pipeline.stats.cards_from_files` —
streamed, so a 10-million-row table needs bounded memory — and versioned with the rest of the
index (a new version carries the files of unchanged documents over). Each row: region, level,
indicator (code, name, unit, which way is better, method break), period, year, the value or
why there is none (``missing``, ``placeholder`` zero, ``unparsed``), and file / sheet / row /
column.

:class:`FigureStore` reads them with DuckDB: one figure, a series, the peers of a region at a
period, the national figure. A store that fits in memory (:data:`IN_MEMORY_ROWS`) is read once
into a DuckDB table; a table larger than that also gets a DuckDB database file beside its
Parquet file (``stats/<doc_id>.duckdb``, written once at indexing, opened read-only), because
DuckDB's own storage answers a lookup in 10 million figures three times faster than the
Parquet file (23 vs 74 ms, ``benchmarks/stats_large_csv.py --index``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from pipeline.types import CellRef, EvidenceCard

__all__ = [
    "IN_MEMORY_ROWS",
    "FigureRow",
    "FigureStore",
    "sql_literal",
    "write_database",
    "write_figures",
]

#: a store up to this many figures is read into memory; a table above it gets a database file
IN_MEMORY_ROWS = 2_000_000

#: the columns of :class:`FigureRow`, in order
_COLUMNS = (
    "region, level, is_national, indicator, indicator_name, unit, rank_order, period, year, "
    "value, status, raw_text, break_year, break_note, file, sheet, row, col, doc_id"
)


def write_figures(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Write the figures of ``con``'s ``clean`` relation (after ``build_cards``) to ``path``
    as Parquet; the number of rows written (0 when the tables gave no figure)."""
    has_clean = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'clean'"
    ).fetchone()[0]
    if not has_clean:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (
            SELECT c.region, c.level, c.is_national, c.ind AS indicator, i.indicator_name,
                   i.unit, i.rank_order, c.period, c.year, c.ord,
                   CASE WHEN c.valid THEN c.v END AS value,
                   CASE WHEN c.valid THEN 'ok' WHEN c.placeholder THEN 'placeholder'
                        WHEN c.unparsed THEN 'unparsed' ELSE 'missing' END AS status,
                   c.raw_text, i.break_year, i.break_note, c.note, c.file, c.sheet,
                   c.row, c.col
            FROM clean c JOIN indinfo i ON c.ind = i.ind
            ORDER BY c.ind, c.region, c.ord
        ) TO {sql_literal(path)} (FORMAT PARQUET, COMPRESSION ZSTD)"""
    )
    rows = con.execute(f"SELECT count(*) FROM read_parquet({sql_literal(path)})").fetchone()[0]
    if rows > IN_MEMORY_ROWS:
        write_database(path)
    return rows


def write_database(path: Path) -> Path:
    """A DuckDB database file beside the Parquet file ``path`` (``<doc_id>.duckdb``, one
    table ``figures``, same rows and order): DuckDB's own storage answers lookups without
    reading Parquet pages. Written under a temporary name, then renamed."""
    database = path.with_suffix(".duckdb")
    partial = path.with_suffix(".duckdb.part")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial)) as out:
        out.execute(f"CREATE TABLE figures AS SELECT * FROM read_parquet({sql_literal(path)})")
    os.replace(partial, database)
    return database


def sql_literal(text: str | Path) -> str:
    """``text`` as a quoted SQL string literal (for DuckDB statements that take no parameters,
    such as ``COPY … TO`` and ``ATTACH``)."""
    return "'" + str(text).replace("'", "''") + "'"


class FigureRow(NamedTuple):
    """One figure of the store (a value, or the reason there is none) and its cell (a named
    tuple: a lookup makes a thousand of them, four times faster than a dataclass)."""

    region: str
    level: str
    is_national: bool
    indicator: str
    indicator_name: str
    unit: str
    rank_order: str
    period: str
    year: int | None
    value: float | None
    status: str
    raw_text: str
    break_year: int | None
    break_note: str | None
    file: str
    sheet: str
    row: int
    col: str
    doc_id: str

    @property
    def cell(self) -> CellRef:
        return CellRef(file=self.file, row=self.row, column=self.col, sheet=self.sheet or None)


class FigureStore:
    """The figures of an index version (``stats/*.parquet``), queried with DuckDB."""

    def __init__(self, files: list[Path], *, in_memory_rows: int = IN_MEMORY_ROWS) -> None:
        self.files = sorted(files)
        self._cards: list[EvidenceCard] | None = None
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()  # one DuckDB connection: one query at a time
        listed = ", ".join(sql_literal(f) for f in self.files)
        rows = self._con.execute(
            f"SELECT count(*) FROM read_parquet([{listed}], union_by_name = true)"
        ).fetchone()[0]
        # a store that fits is read once into memory (a lookup: a few ms); a larger one is
        # queried where it lies: a large table in its database file, the others in their
        # Parquet files (sorted by indicator and region, so row groups prune)
        kind = "TABLE" if rows <= in_memory_rows else "VIEW"
        parts, parquet = [], []
        for i, f in enumerate(self.files):
            database = f.with_suffix(".duckdb")
            if kind == "VIEW" and database.exists():
                self._con.execute(f"ATTACH {sql_literal(database)} AS table{i} (READ_ONLY)")
                parts.append(f"SELECT *, {sql_literal(f.stem)} AS doc_id FROM table{i}.figures")
            else:
                parquet.append(sql_literal(f))
        if parquet:
            parts.append(
                "SELECT * EXCLUDE (filename), parse_filename(filename, true) AS doc_id "
                f"FROM read_parquet([{', '.join(parquet)}], union_by_name = true, filename = true)"
            )
            if kind == "VIEW":  # each lookup reads the files' footers: keep them in memory
                self._con.execute("SET parquet_metadata_cache = true")
        source = " UNION ALL BY NAME ".join(parts)
        self._con.execute(f"CREATE {kind} figures AS {source}")
        self._regions = self._query(
            "SELECT DISTINCT region, level, is_national FROM figures ORDER BY 1"
        )
        self._indicators = self._query(
            "SELECT indicator, min(indicator_name), min(unit) FROM figures GROUP BY 1 ORDER BY 1"
        )

    @classmethod
    def open(cls, version_dir: Path) -> FigureStore | None:
        """The store of ``version_dir``; ``None`` when the index holds no statistics."""
        files = sorted((version_dir / "stats").glob("*.parquet"))
        return cls(files) if files else None

    def cards(self) -> list[EvidenceCard]:
        """The evidence cards of the store's tables (``<doc_id>.cards.jsonl`` beside each
        Parquet file), read once."""
        if self._cards is None:
            self._cards = [
                EvidenceCard.model_validate_json(line)
                for f in self.files
                if f.with_suffix(".cards.jsonl").exists()
                for line in f.with_suffix(".cards.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
        return self._cards

    def _rows(self, sql: str, params: list[Any]) -> list[FigureRow]:
        with self._lock:
            rows = self._con.execute(f"SELECT {_COLUMNS} FROM figures {sql}", params).fetchall()
        return [FigureRow._make(r) for r in rows]

    def _query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params or []).fetchall()

    def regions(self) -> list[tuple[str, str, bool]]:
        """(region, level, is_national) of every region in the store."""
        return self._regions

    def indicators(self) -> list[tuple[str, str, str]]:
        """(code, name, unit) of every indicator in the store."""
        return self._indicators

    def series(self, region: str, indicator: str) -> list[FigureRow]:
        """Every figure of ``region`` × ``indicator``, oldest first (one row per period: the
        first file in name order where several tables hold it)."""
        return _first_per_period(
            self._rows(
                "WHERE region = ? AND indicator = ? ORDER BY year NULLS LAST, ord, file, row",
                [region, indicator],
            )
        )

    def peers(
        self, indicator: str, level: str, period: str
    ) -> tuple[list[FigureRow], FigureRow | None]:
        """The figures of every region of ``level`` at ``period`` (one per region: the first
        file in name order), and the national figure then, if the store has one; one scan."""
        rows = self._rows(
            "WHERE indicator = ? AND period = ? AND (level = ? OR is_national) "
            "ORDER BY region, file, row",
            [indicator, period, level],
        )
        seen: dict[str, FigureRow] = {}
        national = None
        for row in rows:
            if row.is_national:
                national = national or row
            else:
                seen.setdefault(row.region, row)
        return list(seen.values()), national

    def count(self) -> int:
        return self._query("SELECT count(*) FROM figures")[0][0]


def _first_per_period(rows: list[FigureRow]) -> list[FigureRow]:
    out: dict[str, FigureRow] = {}
    for row in rows:
        out.setdefault(row.period, row)
    return list(out.values())
