"""Fuzzed and hostile inputs: every reader, fed broken files, either reads them or reports them
skipped with a reason; none crashes the batch, hangs past the per-file limit or runs away with
memory. The outcome counts go to ``tests/artifacts/fuzz_report.json`` and the test output."""

from __future__ import annotations

import io
import json
import random
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import IngestError
from pipeline.ingest import ingest_paths, read_file
from pipeline.settings import IngestSettings
from tests.conftest import ROOT, SAMPLES
from tests.ingest.helpers import make_pdf

ARTIFACTS = ROOT / "tests" / "artifacts"


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Peraturan Contoh", 1)
    document.add_paragraph("Pasal 1 Setiap pegawai wajib hadir tepat waktu.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "Provinsi", "12,5"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["provinsi", "tahun", "nilai"])
    sheet.append(["ACEH", 2023, 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seeds() -> dict[str, bytes]:
    """One valid file per format, written here: the starting points of the mutations."""
    return {
        ".pdf": make_pdf([["Pasal 1", "Setiap pegawai wajib hadir tepat waktu."]]),
        ".docx": _docx_bytes(),
        ".xlsx": _xlsx_bytes(),
        ".html": b"<html><head><title>Perda</title></head><body><h1>Pasal 1</h1>"
        b"<p>Setiap pegawai wajib hadir.</p><table><tr><td>a</td></tr></table></body></html>",
        ".csv": (SAMPLES / "stats" / "internet_provinsi_wide.csv").read_bytes(),
        ".md": (SAMPLES / "regulations" / "pp-94-2021-disiplin-pns-ringkas.md").read_bytes(),
        ".txt": b"Pasal 1\nSetiap pegawai wajib hadir. Pasal 2 ayat (1) berlaku.\n",
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Flip, delete, duplicate or truncate bytes, or splice in junk."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.choice(("flip", "cut", "dup", "trunc", "junk"))
        if not data:
            break
        at = rng.randrange(len(data))
        if op == "flip":
            for _ in range(rng.randint(1, 32)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == "cut":
            del data[at : at + rng.randint(1, 512)]
        elif op == "dup":
            data[at:at] = data[at : at + rng.randint(1, 4096)] * rng.randint(1, 8)
        elif op == "trunc":
            del data[at:]
        else:
            data[at:at] = rng.randbytes(rng.randint(1, 256))
    return bytes(data)


def hostile(folder: Path) -> list[Path]:
    """Bombs and pathological structures, written on the fly."""
    made = []

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        made.append(folder / name)

    # a DOCX whose document.xml declares the billion laughs
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            body = laughs if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, body)
    put("billion-laughs.docx", buffer.getvalue())
    # a zip bomb dressed as XLSX: 300 MB of zeros in a few hundred KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 300_000_000)
    put("zip-bomb.xlsx", buffer.getvalue())
    # HTML nested 100,000 levels deep, and an unclosed-tag flood
    put("deep.html", b"<div>" * 100_000 + b"Pasal 1 teks" + b"</div>" * 100_000)
    put("flood.html", b"<p><b><i>" * 50_000)
    # a CSV with one 20 MB field and a CSV of only separators
    put("long-field.csv", b'provinsi,nilai\nACEH,"' + b"9" * 20_000_000 + b'"\n')
    put("separators.csv", b",;\t|" * 200_000)
    # a PDF that claims pages it does not have, and one of pure junk with a PDF header
    put("liar.pdf", b"%PDF-1.4\n1 0 obj<</Type/Pages/Count 99999999/Kids[1 0 R]>>endobj\n%%EOF")
    put("junk.pdf", b"%PDF-1.7\n" + random.Random(3).randbytes(200_000))
    # text that is not UTF-8 and text that is one 5 MB line
    put(
        "latin1.txt",
        "Peraturan Daerah tentang Pajak Kendaraan Bermotor é ü".encode("latin-1") * 100,
    )
    put("one-line.txt", b"pasal " * 900_000)
    # a 1 GB text file (sparse: no disk used), refused by size before anything reads it
    with (folder / "satu-gb.txt").open("wb") as f:
        f.truncate(1024**3)
    made.append(folder / "satu-gb.txt")
    return made


def test_fuzzed_and_hostile_files_never_break_the_batch(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    folder = tmp_path / "fuzz"
    folder.mkdir()
    per_format = 25
    for suffix, data in seeds().items():
        for i in range(per_format):
            (folder / f"m{i:02d}{suffix}").write_bytes(mutate(data, rng))
        (folder / f"empty{suffix}").write_bytes(b"")
        (folder / f"random{suffix}").write_bytes(rng.randbytes(rng.randint(1, 50_000)))
    bad = hostile(folder)
    files = sorted(p for p in folder.iterdir())
    limits = IngestSettings(timeout_s=20, max_file_mb=200)
    start = time.monotonic()
    report = ingest_paths([folder], limits)
    elapsed = time.monotonic() - start

    outcomes = {Path(d.source).name: "read" for d in report.documents}
    outcomes.update({Path(s.source).name: f"skipped:{s.reason}" for s in report.skipped})
    assert set(outcomes) == {p.name for p in files}  # one outcome per file, none lost
    for skipped in report.skipped:
        assert skipped.reason and skipped.error  # a clear reason, not a bare failure
        assert "Traceback" not in skipped.error
    for name in [p.name for p in bad]:
        assert outcomes[name] != "read" or name in {
            "deep.html",
            "flood.html",
            "latin1.txt",
            "one-line.txt",
            "separators.csv",
            "long-field.csv",
        }, (name, outcomes[name])
    assert outcomes["satu-gb.txt"] == "skipped:too_large"
    assert outcomes["billion-laughs.docx"] != "read" or all(
        "lollollol" * 1000 not in d.text for d in report.documents
    )
    # no file hung past its limit: the slowest possible batch is files × limit / workers
    assert elapsed < 20 * 4 + 60, elapsed

    by_format = {}
    for name, outcome in outcomes.items():
        fmt = Path(name).suffix
        by_format.setdefault(fmt, Counter())[outcome.split(":")[0]] += 1
    summary = {
        "files": len(files),
        "seconds": round(elapsed, 1),
        "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
        "skip_reasons": dict(Counter(o for o in outcomes.values() if o != "read")),
        "hostile": {p.name: outcomes[p.name] for p in bad},
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "fuzz_report.json").write_text(json.dumps(summary, indent=1))
    print("fuzz:", json.dumps(summary))


@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".html", ".csv", ".md", ".txt"]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_text_readers_in_process_raise_only_ingest_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    """The text-like readers, called directly: any bytes are either a Document or an
    IngestError with a reason — never another exception type."""
    path = tmp_path_factory.mktemp("hyp") / f"f{suffix}"
    path.write_bytes(data)
    try:
        doc = read_file(path)
    except IngestError as exc:
        assert exc.reason
    else:
        assert isinstance(doc.text, str)
