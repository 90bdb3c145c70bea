"""Export a verified brief to Markdown, Word (.docx) and JSON, and write a run folder.

The exported text prints each sentence as drafted (its ``[n]`` markers already point into the
reference list), marks unsupported and weak sentences when ``show_verdicts`` is on, and ends
with the numbered references and, optionally, an appendix listing every sentence's verdict,
including the sentences left out of the text. Every fixed label follows ``brief.lang``.

Every file is written atomically: to a temporary file in the same folder, then ``os.replace``,
so a reader never sees half a brief and a failed export leaves nothing behind.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.text.labels import NOT_IN_FORCE, STATUS_LABELS
from pipeline.text.markers import format_markers
from pipeline.types import Brief, BriefSection, BriefSentence, LegalBasisItem, Source

__all__ = ["LABELS", "brief_to_json", "to_markdown", "write_brief", "write_docx", "write_run"]

#: every fixed text an export prints, by brief language
LABELS: dict[str, dict[str, str]] = {
    "id": {
        "topic": "Topik",
        "created": "Dibuat",
        "index": "Indeks",
        "model": "Model",
        "template": "Templat",
        "summary": "Verifikasi: {supported} dari {sentences} kalimat didukung ({pct} %); "
        "{weak} lemah; {unsupported} tidak didukung",
        "summary_dropped": "; {dropped} dihapus dari teks",
        "mark_unsupported": "⚠ tidak didukung",
        "mark_weak": "? lemah",
        "references": "Daftar Referensi",
        "charts": "Grafik Data yang Dikutip",
        "page": "hlm.",
        "appendix": "Lampiran: Hasil Verifikasi",
        "col_n": "#",
        "col_section": "Bagian",
        "col_sentence": "Kalimat",
        "col_verdict": "Hasil",
        "col_reasons": "Alasan",
        "cells": "angka diperiksa pada sel",
        "supported": "didukung",
        "weak": "lemah",
        "unsupported": "tidak didukung",
        "unverified": "belum diverifikasi",
        "dropped": "(dihapus)",
    },
    "en": {
        "topic": "Topic",
        "created": "Created",
        "index": "Index",
        "model": "Model",
        "template": "Template",
        "summary": "Verification: {supported} of {sentences} sentences supported ({pct} %); "
        "{weak} weak; {unsupported} unsupported",
        "summary_dropped": "; {dropped} left out of the text",
        "mark_unsupported": "⚠ unsupported",
        "mark_weak": "? weak",
        "references": "References",
        "page": "p.",
        "appendix": "Appendix: Verification",
        "charts": "Charts of the Cited Figures",
        "col_n": "#",
        "col_section": "Section",
        "col_sentence": "Sentence",
        "col_verdict": "Verdict",
        "col_reasons": "Reasons",
        "cells": "figures checked against",
        "supported": "supported",
        "weak": "weak",
        "unsupported": "unsupported",
        "unverified": "not verified",
        "dropped": "(dropped)",
    },
}

_RED = (0xC0, 0x00, 0x00)
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
#: characters XML 1.0 (and so a .docx) cannot hold; PDF text sometimes carries them (\x0c)
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- shared pieces


def _labels(brief: Brief) -> dict[str, str]:
    lang = brief.lang if brief.lang in LABELS else "en"
    return {**LABELS[lang], **STATUS_LABELS[lang]}


def _one_line(text: str) -> str:
    """``text`` with every line break (and the blanks around it) turned into one space."""
    return _NEWLINES.sub(" ", text).strip()


def _created(created: str) -> str:
    """The date part of an ISO 8601 time; the text as given when it does not parse."""
    try:
        return datetime.fromisoformat(created).date().isoformat()
    except ValueError:
        return created


def _metadata_line(brief: Brief, lab: dict[str, str]) -> str:
    parts = [f"{lab['topic']}: {brief.topic}", f"{lab['created']}: {_created(brief.created)}"]
    if brief.index:
        parts.append(f"{lab['index']}: {brief.index}")
    if brief.model:
        parts.append(f"{lab['model']}: {brief.model}")
    parts.append(f"{lab['template']}: {brief.template}")
    return _one_line(" · ".join(parts))


def _summary_line(brief: Brief, lab: dict[str, str]) -> str:
    s = brief.summary
    pct = int(s.supported_share * 100 + 0.5)
    text = lab["summary"].format(
        supported=s.supported,
        sentences=s.sentences,
        pct=pct,
        weak=s.weak,
        unsupported=s.unsupported,
    )
    if s.dropped:
        text += lab["summary_dropped"].format(dropped=s.dropped)
    return text + "."


def _mark(sentence: BriefSentence, lab: dict[str, str]) -> str | None:
    """The label an exported sentence carries, if its verdict is weak or unsupported."""
    verdict = sentence.verdict.verdict if sentence.verdict else None
    if verdict == "unsupported":
        return lab["mark_unsupported"]
    if verdict == "weak":
        return lab["mark_weak"]
    return None


def _visible(section: BriefSection) -> list[BriefSentence]:
    return [s for s in section.sentences if not s.dropped]


def _refs(refs: list[int]) -> str:
    return format_markers(refs)


def _status(status: str, note: str | None, lab: dict[str, str]) -> str | None:
    """``dicabut oleh UU 5/2014 Pasal 136`` (the note) or the bare label, for a regulation not
    (fully) in force; ``label: note`` when the note does not already say it."""
    if status not in NOT_IN_FORCE:
        return None
    label = lab[status]
    if not note:
        return label
    note = _one_line(note)
    return note if note.lower().startswith(label.lower()) else f"{label}: {note}"


def _legal_basis_text(item: LegalBasisItem) -> str:
    refs = _refs(item.refs)
    return _one_line(f"{item.title} {refs}" if refs else item.title)


def _reference_text(src: Source, lab: dict[str, str]) -> str:
    """``[n] full citation — source, hlm. page`` (the status note comes separately)."""
    text = f"[{src.n}] {src.full_citation}"
    if src.source:
        text += f" — {src.source}"
    if src.page is not None:
        text += f", {lab['page']} {src.page}"
    return _one_line(text)


def _verdict_cell(sentence: BriefSentence, lab: dict[str, str]) -> str:
    text = lab[sentence.verdict.verdict] if sentence.verdict else lab["unverified"]
    return f"{text} {lab['dropped']}" if sentence.dropped else text


def _reasons_cell(sentence: BriefSentence, lab: dict[str, str]) -> str:
    """The reasons of a sentence's verdict, and the cells its figures were checked against."""
    if sentence.verdict is None:
        return ""
    parts = [r.message for r in sentence.verdict.reasons]
    if sentence.verdict.cells:
        parts.append(f"{lab['cells']}: " + "; ".join(c.label for c in sentence.verdict.cells))
    return "; ".join(parts)


def _appendix_rows(brief: Brief, lab: dict[str, str]) -> list[list[str]]:
    """One row per sentence of every section (dropped ones too), the five appendix columns."""
    rows: list[list[str]] = []
    for section in brief.sections:
        for sentence in section.sentences:
            rows.append(
                [
                    str(len(rows) + 1),
                    section.heading,
                    sentence.text,
                    _verdict_cell(sentence, lab),
                    _reasons_cell(sentence, lab),
                ]
            )
    return [[_one_line(cell) for cell in row] for row in rows]


def _header(lab: dict[str, str]) -> list[str]:
    return [lab[k] for k in ("col_n", "col_section", "col_sentence", "col_verdict", "col_reasons")]


# --------------------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def to_markdown(brief: Brief, *, show_verdicts: bool = True) -> str:
    """``brief`` as Markdown: title, metadata, verification summary, sections, references.

    With ``show_verdicts`` unsupported and weak sentences carry an italic label and an appendix
    table lists every sentence (dropped ones too) with its verdict and reasons.
    """
    lab = _labels(brief)
    blocks: list[str] = [f"# {_one_line(brief.title)}", _metadata_line(brief, lab)]
    summary = _summary_line(brief, lab)
    if brief.summary.problems:
        summary += "\n\n" + "\n".join(f"- {_one_line(p)}" for p in brief.summary.problems)
    blocks.append(summary)

    for section in brief.sections:
        blocks.append(f"## {_one_line(section.heading)}")
        if section.kind == "legal_basis":
            items = []
            for i, item in enumerate(section.legal_basis, 1):
                line = f"{i}. {_legal_basis_text(item)}"
                status = _status(item.status, item.status_note, lab)
                if status:
                    line += f" — *{status}*"
                items.append(line)
            if items:
                blocks.append("\n".join(items))
            elif section.note:
                blocks.append(f"*{_one_line(section.note)}*")
            continue
        sentences = _visible(section)
        if not sentences:
            if section.note:
                blocks.append(f"*{_one_line(section.note)}*")
            continue
        parts = []
        for sentence in sentences:
            text = _one_line(sentence.text)
            mark = _mark(sentence, lab) if show_verdicts else None
            parts.append(f"{text} *({mark})*" if mark else text)
        blocks.append(" ".join(parts))

    blocks.append(f"## {lab['references']}")
    for src in brief.references:
        line = _reference_text(src, lab)
        status = _status(src.status, src.status_note, lab)
        blocks.append(f"{line} — *{status}*" if status else line)

    if show_verdicts:
        blocks.append(f"## {lab['appendix']}")
        header = _header(lab)
        table = [_md_row(header), "|" + "|".join(["---"] * len(header)) + "|"]
        table += [_md_row(row) for row in _appendix_rows(brief, lab)]
        blocks.append("\n".join(table))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- DOCX


def _x(text: str) -> str:
    """``text`` without the control characters a .docx cannot hold."""
    return _XML_INVALID.sub("", text)


def _build_docx(brief: Brief, *, show_verdicts: bool) -> Any:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    lab = _labels(brief)
    red = RGBColor(*_RED)
    doc = Document()
    props = doc.core_properties
    props.title = _x(_one_line(brief.title))[:255]
    props.subject = _x(_one_line(brief.topic))[:255]
    props.author = "Pilar"

    doc.add_heading(_x(_one_line(brief.title)), level=0)
    doc.add_paragraph(_x(_metadata_line(brief, lab)))
    doc.add_paragraph(_x(_summary_line(brief, lab)))
    for problem in brief.summary.problems:
        doc.add_paragraph(_x(_one_line(problem)), style="List Bullet")

    for section in brief.sections:
        doc.add_heading(_x(_one_line(section.heading)), level=1)
        if section.kind == "legal_basis":
            for item in section.legal_basis:
                para = doc.add_paragraph(_x(_legal_basis_text(item)), style="List Number")
                status = _status(item.status, item.status_note, lab)
                if status:
                    para.add_run(" — ")
                    para.add_run(_x(status)).italic = True
            if not section.legal_basis and section.note:
                doc.add_paragraph().add_run(_x(_one_line(section.note))).italic = True
            continue
        sentences = _visible(section)
        if not sentences:
            if section.note:
                doc.add_paragraph().add_run(_x(_one_line(section.note))).italic = True
            continue
        para = doc.add_paragraph()
        for i, sentence in enumerate(sentences):
            if i:
                para.add_run(" ")
            run = para.add_run(_x(_one_line(sentence.text)))
            mark = _mark(sentence, lab) if show_verdicts else None
            if mark is None:
                continue
            label = para.add_run(f" ({mark})")
            label.italic = True
            if sentence.verdict is not None and sentence.verdict.verdict == "unsupported":
                run.font.color.rgb = red
                label.font.color.rgb = red
            else:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    doc.add_heading(lab["references"], level=1)
    for src in brief.references:
        para = doc.add_paragraph(_x(_reference_text(src, lab)))
        status = _status(src.status, src.status_note, lab)
        if status:
            para.add_run(" — ")
            para.add_run(_x(status)).italic = True

    charted = [src for src in brief.references if src.kind == "card" and len(src.series) >= 2]
    if charted:
        from docx.shared import Inches

        doc.add_heading(lab["charts"], level=1)
        for src in charted:
            doc.add_picture(_chart_png(src), width=Inches(5.5))
            doc.add_paragraph(_x(f"[{src.n}] {src.full_citation}")).runs[0].italic = True

    if show_verdicts:
        doc.add_heading(lab["appendix"], level=1)
        header = _header(lab)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for row in _appendix_rows(brief, lab):
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = _x(text)
    return doc


def _chart_png(src: Source) -> io.BytesIO:
    """A small line chart of a cited card's series (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    periods = [f.period for f in src.series]
    values = [f.value for f in src.series]
    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=120)
    try:
        ax.plot(periods, values, marker="o", color="#1f6feb")
        for x, y, f in zip(periods, values, src.series, strict=True):
            ax.annotate(f.text, (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                        fontsize=7)  # fmt: skip
        ax.set_title(src.citation, fontsize=9)
        ax.set_ylabel(src.unit or "", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    buf.seek(0)
    return buf


# --------------------------------------------------------------------------- files


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` on a temporary file next to ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _write_text(path: Path, text: str) -> Path:
    return _atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _write_json(path: Path, data: Any) -> Path:
    text = json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n"
    return _write_text(path, text)


def write_docx(brief: Brief, path: str | Path, *, show_verdicts: bool = True) -> Path:
    """Write ``brief`` as a Word document to ``path`` (atomically) and return the path.

    Same content as :func:`to_markdown`: unsupported sentences are red, weak ones highlighted
    yellow, each followed by its label; the appendix is a ``Table Grid`` table.
    """
    doc = _build_docx(brief, show_verdicts=show_verdicts)
    return _atomic_write(Path(path), lambda tmp: doc.save(str(tmp)))


def brief_to_json(brief: Brief) -> dict[str, Any]:
    """``brief`` as a JSON-ready dict; ``Brief.model_validate`` turns it back into the brief."""
    return brief.model_dump(mode="json")


def write_brief(brief: Brief, path: str | Path, *, show_verdicts: bool = True) -> Path:
    """Write ``brief`` in the format its suffix names: ``.md``/``.markdown``, ``.docx``, ``.json``.

    The parent folder is created. Raises ``ConfigError`` for any other suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return _write_text(path, to_markdown(brief, show_verdicts=show_verdicts))
    if suffix == ".docx":
        return write_docx(brief, path, show_verdicts=show_verdicts)
    if suffix == ".json":
        return _write_json(path, brief_to_json(brief))
    raise ConfigError(f"cannot export to {suffix!r}", help="Use a .md, .docx or .json file name.")


def write_run(brief: Brief, audit: Mapping[str, Any], run_dir: str | Path) -> dict[str, Path]:
    """Write ``brief.md``, ``brief.docx``, ``brief.json`` and ``audit.json`` into ``run_dir``.

    The folder is created (parents too); returns the four paths by key
    ``md``, ``docx``, ``json`` and ``audit``.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    return {
        "md": write_brief(brief, run_dir / "brief.md"),
        "docx": write_brief(brief, run_dir / "brief.docx"),
        "json": write_brief(brief, run_dir / "brief.json"),
        "audit": _write_json(run_dir / "audit.json", dict(audit)),
    }
