"""Checks run before any parser sees a file: size, real content type, zip bombs.

They look only at the file size, its first bytes and (for DOCX/XLSX) the zip central directory,
so a hostile file is refused before python-docx, openpyxl or pypdf allocate anything for it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import FileTooLargeError, IngestError
from pipeline.settings import IngestSettings

MB = 1024 * 1024
#: members smaller than this are not held to the compression-ratio limit (tiny XML parts of an
#: ordinary DOCX can compress 100×+ and are harmless at that size)
RATIO_MIN_MEMBER_BYTES = 1 * MB

SNIFF_BYTES = 2048
#: tables whose size is held to ``max_table_mb``: above ``table_preview_mb`` they are read as a
#: preview of their first rows, and their figures by DuckDB (``pipeline.stats``)
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".parquet"})


def check_size(path: Path, settings: IngestSettings) -> int:
    """The file size in bytes; raises for a missing, empty or too large file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot read file: {exc}", reason="unreadable") from exc
    if size == 0:
        raise IngestError(f"{path}: file is empty (0 bytes)", reason="empty")
    table = path.suffix.lower() in TABLE_SUFFIXES  # read in bounded memory (a preview)
    limit_mb = settings.max_table_mb if table else settings.max_file_mb
    if size > limit_mb * MB:
        raise FileTooLargeError(
            f"{path}: file is {size / MB:.1f} MB, over the {limit_mb:g} MB limit"
        )
    return size


def sniff(head: bytes) -> str:
    """The real kind of a file from its first bytes.

    One of ``pdf``, ``zip``, ``ole2`` (legacy .doc/.xls), ``parquet``, ``gzip``, ``html``,
    ``text`` or ``binary``.
    """
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "text"  # a BOM: UTF-8/16 text, possibly HTML
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "html"
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary"
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return "binary" if sample and controls / len(sample) > 0.05 else "text"


def check_zip(path: Path, settings: IngestSettings) -> None:
    """Refuse a DOCX/XLSX that is not a zip, or whose members would unpack into a bomb.

    Looks only at the central directory: the total declared uncompressed size against
    ``max_unzipped_mb`` and each member's compression ratio against ``max_compression_ratio``
    (members under :data:`RATIO_MIN_MEMBER_BYTES` exempt). A member that lies about its size
    cannot get past this either: :mod:`zipfile`, which python-docx and openpyxl read through,
    stops at the declared size and fails the CRC check, and the worker's memory cap is the last
    line of defence.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise IngestError(
            f"{path}: not a valid zip container ({exc}); the file is corrupt or mislabelled",
            reason="corrupt",
        ) from exc
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size >= RATIO_MIN_MEMBER_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > settings.max_compression_ratio:
                raise IngestError(
                    f"{path}: zip member {member.filename!r} expands {ratio:.0f}× "
                    f"(limit {settings.max_compression_ratio:g}×); refusing a likely zip bomb",
                    reason="zip_bomb",
                )
    if total > settings.max_unzipped_mb * MB:
        raise IngestError(
            f"{path}: zip members unpack to {total / MB:.0f} MB "
            f"(limit {settings.max_unzipped_mb:g} MB); refusing a likely zip bomb",
            reason="zip_bomb",
        )
