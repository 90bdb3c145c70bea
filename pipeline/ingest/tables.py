"""Tables (``.csv``, ``.tsv``, ``.xlsx``, ``.parquet``) as Documents: ``tables`` plus a text view.

Every cell is kept as text exactly as written (no float rounding: ``9,36`` stays ``9,36``, a
number cell of an XLSX is rendered with :func:`pipeline.ingest.base.cell_text`). The text of the
Document is one line per row, cells joined by `` | ``, each sheet under a ``## sheet`` heading.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.ingest.base import RawDocument, RawPage, cell_text, render_table, table_from_rows
from pipeline.ingest.guards import check_zip
from pipeline.ingest.text import decode_bytes, read_text_file
from pipeline.settings import IngestSettings
from pipeline.types import Table

_DELIMITERS = ",;\t|"


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(_DELIMITERS, key=first.count)


def _document(tables: list[Table], media_type: str, warnings: list[str]) -> RawDocument:
    parts: list[str] = []
    headings: list[tuple[int, int, str]] = []
    length = 0
    for table in tables:
        if table.sheet is not None and len(tables) > 1:
            heading = f"## {table.sheet}"
            offset = length + (2 if parts else 0)
            headings.append((2, offset, table.sheet))
            block = f"{heading}\n{render_table(table)}"
        else:
            block = render_table(table)
        if parts:
            parts.append("\n\n")
            length += 2
        parts.append(block)
        length += len(block)
    return RawDocument(
        pages=[RawPage("".join(parts))],
        media_type=media_type,
        tables=tables,
        headings=headings,
        warnings=warnings,
    )


class CsvReader:
    """``.csv`` / ``.tsv``: encoding detected, delimiter sniffed (``,`` ``;`` tab ``|``)."""

    suffixes = (".csv", ".tsv")
    media_type = "text/csv"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Decode and parse the file into one table (first non-empty row is the header); a
        file over ``table_preview_mb``: its first ``preview_rows`` rows."""
        if path.stat().st_size > settings.table_preview_mb * 1024 * 1024:
            return self._preview(path, settings)
        text, warnings = read_text_file(path)
        delimiter = _sniff_delimiter(text[:8192], path.suffix.lower())
        try:
            rows = [
                [cell_text(c) for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error as exc:
            raise IngestError(f"{path}: malformed CSV: {exc}", reason="corrupt") from exc
        table = table_from_rows(rows)
        if table is None:
            raise IngestError(f"{path}: the CSV has no rows", reason="empty")
        return _document([table], self.media_type, warnings)

    def _preview(self, path: Path, settings: IngestSettings) -> RawDocument:
        with open(path, "rb") as handle:
            head = b"".join(
                line for _, line in zip(range(settings.preview_rows + 1), handle, strict=False)
            )
        try:
            text, encoding = decode_bytes(head)  # whole lines: the file is read line by line
        except IngestError as exc:
            raise IngestError(f"{path}: {exc}", reason=exc.reason) from exc
        delimiter = _sniff_delimiter(text[:8192], path.suffix.lower())
        rows = [
            [cell_text(c) for c in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
        table = table_from_rows(rows)
        if table is None:
            raise IngestError(f"{path}: the CSV has no rows", reason="empty")
        size_mb = path.stat().st_size / 1024 / 1024
        warnings = [
            f"large table ({size_mb:.0f} MB): its first {len(table.rows)} rows are the text "
            "preview; its figures are read whole into the figure store"
        ]
        if encoding not in {"utf-8", "ascii"}:
            warnings.append(f"encoding detected as {encoding}")
        return _document([table], self.media_type, warnings)


class XlsxReader:
    """``.xlsx`` / ``.xlsm``: every visible sheet with data, read with openpyxl in read-only mode."""

    suffixes = (".xlsx", ".xlsm")
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Check the zip for bombs, then read cached cell values sheet by sheet."""
        check_zip(path, settings)
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises KeyError/InvalidFileException/zip errors
            raise IngestError(
                f"{path}: not a readable Excel workbook ({exc.__class__.__name__}: {exc})",
                reason="corrupt",
            ) from exc
        tables, warnings = [], []
        try:
            for sheet in workbook.worksheets:
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    warnings.append(f"hidden sheet {sheet.title!r} skipped")
                    continue
                rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                table = table_from_rows(rows, sheet=sheet.title)
                if table is not None:
                    tables.append(table)
        finally:
            workbook.close()
        if not tables:
            raise IngestError(f"{path}: the workbook has no cells with data", reason="empty")
        return _document(tables, self.media_type, warnings)


class ParquetReader:
    """``.parquet``: column names as header, values rendered as text."""

    suffixes = (".parquet",)
    media_type = "application/vnd.apache.parquet"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        """Read the whole file with pyarrow."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            if path.stat().st_size > settings.table_preview_mb * 1024 * 1024:
                batch = next(
                    pq.ParquetFile(path).iter_batches(batch_size=settings.preview_rows), None
                )
                arrow = pa.Table.from_batches([batch]) if batch is not None else pq.read_table(path)
            else:
                arrow = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise IngestError(
                f"{path}: not a readable Parquet file: {exc}", reason="corrupt"
            ) from exc
        header = [str(name) for name in arrow.column_names]
        columns = [arrow.column(i).to_pylist() for i in range(arrow.num_columns)]
        rows = [[cell_text(col[i]) for col in columns] for i in range(arrow.num_rows)]
        if not header:
            raise IngestError(f"{path}: the Parquet file has no columns", reason="empty")
        return _document([Table(header=header, rows=rows)], self.media_type, [])
