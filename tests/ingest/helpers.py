"""Small fixture builders for the ingest tests: PDFs by hand, scanned pages, odd readers."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.ingest.base import RawDocument, RawPage
from pipeline.settings import IngestSettings

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

ID_TEXT = (
    "Peraturan ini mengatur tentang pelayanan publik yang dilakukan oleh pemerintah daerah. "
    "Setiap penyelenggara wajib memberikan informasi yang akurat kepada masyarakat dan "
    "melaksanakan ketentuan sebagaimana dimaksud dalam Pasal 2 dengan sebaik-baiknya."
)
EN_TEXT = (
    "This regulation sets out the rules for public services that are provided by the local "
    "government. Each provider shall give accurate information to the public and it must "
    "carry out the provisions of Article 2 in the best way that is possible for them."
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], *, rules: bool = False) -> bytes:
    """A valid PDF with one Helvetica text line per string, one list per page.

    ``rules`` draws a ruled grid under the lines (so the page is tried for tables).
    """
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        ops = []
        for j, line in enumerate(lines):
            ops.append(f"BT /F1 11 Tf 72 {740 - 16 * j} Td ({_escape(line)}) Tj ET")
        if rules:
            top, rows = 752, len(lines)
            for r in range(rows + 1):
                ops.append(f"70 {top - 16 * r} m 540 {top - 16 * r} l S")
            for x in (70, 300, 540):
                ops.append(f"{x} {top} m {x} {top - 16 * rows} l S")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def make_scanned_pdf(path: Path, lines: list[str], pages: int = 1) -> Path:
    """An image-only PDF (no text layer) showing ``lines`` in large type, like a scan."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=44)
    images = []
    for _ in range(pages):
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((150, 200 + 80 * i), line, fill=0, font=font)
        images.append(image)
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return path


class SleepyReader:
    """A reader that hangs (``.hang`` files): stands in for a parser stuck on a hostile file."""

    suffixes = (".hang",)
    media_type = "text/plain"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        time.sleep(3600)
        return RawDocument(pages=[RawPage("never")], media_type=self.media_type)


class CrashingReader:
    """A reader that kills its own process (``.crash`` files), like a segfaulting C library."""

    suffixes = (".crash",)
    media_type = "text/plain"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)
        raise AssertionError("unreachable")


class HogReader:
    """A reader that asks for 16 GiB (``.hog`` files), like a bomb that got past the checks.

    numpy's zeros is a lazy calloc: without a memory cap it succeeds without touching RAM (and
    the test that expects ``memory`` fails); under the worker's RLIMIT_AS it raises MemoryError.
    """

    suffixes = (".hog",)
    media_type = "text/plain"

    def read(self, path: Path, settings: IngestSettings) -> RawDocument:
        import numpy

        block = numpy.zeros(16 * 1024**3, dtype=numpy.uint8)
        return RawDocument(
            pages=[RawPage(f"allocated {block.nbytes} bytes")], media_type="text/plain"
        )
