"""Pilar's analyst app: library, search and drafting in the browser — a thin Gradio layer over
``pipeline``.

    .venv/bin/python app.py [--index sampel] [--host 127.0.0.1] [--port 7860]
    PILAR_APP__USERNAME=analis PILAR_APP__PASSWORD=rahasia .venv/bin/python app.py   # log-in

Everything a document says is escaped before it reaches the page: text from documents is data,
never markup. The rendering helpers (``render_*``, ``highlight``) are plain functions, tested on
their own; ``build_app`` wires them to Gradio components.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from pipeline.analyzer import Analyzer
from pipeline.draft import DraftEvent, DraftResult, draft_brief, list_templates, redraft_section
from pipeline.draft import reverify as reverify_brief
from pipeline.errors import PilarError
from pipeline.index import Index, current_version
from pipeline.retrieve import parse_filters
from pipeline.settings import Settings, load_settings
from pipeline.types import Brief, EvidenceCard, Hit

logger = logging.getLogger("pilar.app")

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt", ".csv", ".xlsx", ".parquet"]
TABLE_SUFFIXES = {".csv", ".xlsx", ".parquet"}

# --------------------------------------------------------------------------- words on the page

TEXT: dict[str, dict[str, str]] = {
    "id": {
        "title": "# Pilar — bukti untuk kertas kebijakan",
        "subtitle": "Setiap kalimat dikutip dan diperiksa terhadap sumbernya.",
        "lang": "Bahasa antarmuka",
        "index": "Indeks",
        "tab_library": "Pustaka",
        "tab_search": "Cari",
        "tab_draft": "Draf",
        "tab_settings": "Pengaturan",
        "upload": "Unggah dokumen (PDF, DOCX, HTML, MD, TXT, CSV, XLSX)",
        "do_index": "Indeks berkas",
        "documents": "Dokumen di indeks",
        "pick_doc": "Pilih dokumen",
        "delete": "Hapus dari indeks",
        "reindex": "Indeks ulang",
        "cards": "Kartu bukti statistik",
        "pick_card": "Pilih kartu",
        "trend": "Tren dari tahun ke tahun",
        "rank": "Peringkat di antara wilayah",
        "query": "Pertanyaan",
        "search": "Cari",
        "jenis": "Jenis",
        "year_from": "Tahun dari",
        "year_to": "Tahun sampai",
        "region": "Wilayah",
        "status": "Status",
        "language": "Bahasa dokumen",
        "k": "Jumlah hasil",
        "topic": "Topik",
        "audience": "Pembaca (mis. Sekda, Bappeda)",
        "brief_lang": "Bahasa kertas",
        "template": "Templat",
        "length": "Panjang",
        "draft": "Tulis draf",
        "streaming": "Model sedang menulis",
        "section": "Bagian",
        "redraft": "Tulis ulang bagian ini",
        "edit": "Sunting teks (nomor [n] mengacu ke daftar referensi)",
        "reverify": "Periksa ulang suntingan",
        "dl_docx": "Unduh DOCX",
        "dl_md": "Unduh Markdown",
        "dl_audit": "Unduh catatan audit (JSON)",
        "backend": "Model bahasa",
        "base_url": "URL server (kompatibel OpenAI)",
        "model": "Nama model",
        "api_key": "Kunci API",
        "save": "Simpan",
        "saved": "Pengaturan model disimpan untuk sesi ini.",
        "no_hits": "Tidak ada hasil.",
        "open_context": "Buka dalam konteks",
        "indexed": "Terindeks: {added} baru, {updated} diubah, {unchanged} tetap · {chunks} potongan · {seconds:.1f} dtk",
        "skipped": "Dilewati",
        "too_big": "{name}: {mb:.1f} MB melebihi batas {limit:.0f} MB, tidak diunggah.",
        "rate_limited": "{n} berkas tidak diunggah: batas {limit} berkas per menit; coba lagi nanti.",
        "bad_type": "{name}: jenis berkas tidak didukung.",
        "nothing": "Belum ada berkas yang dipilih.",
        "no_index": "Indeks belum ada: unggah dokumen di tab Pustaka.",
        "removed": "Dihapus: {name}",
        "need_topic": "Tulis topik dulu.",
        "verified": "{supported} dari {total} kalimat didukung ({share:.0f} %)",
        "supported": "didukung",
        "weak": "lemah",
        "unsupported": "tidak didukung",
        "references": "Referensi",
        "short": "ringkas",
        "standard": "standar",
        "long": "panjang",
        "in_force": "berlaku",
        "revoked": "dicabut",
        "amended": "diubah",
        "partially_revoked": "dicabut sebagian",
        "default_llm": "bawaan (llama.cpp, luring)",
        "openai_llm": "server kompatibel OpenAI",
    },
    "en": {
        "title": "# Pilar — evidence for policy briefs",
        "subtitle": "Every sentence is cited and checked against its source.",
        "lang": "Interface language",
        "index": "Index",
        "tab_library": "Library",
        "tab_search": "Search",
        "tab_draft": "Draft",
        "tab_settings": "Settings",
        "upload": "Upload documents (PDF, DOCX, HTML, MD, TXT, CSV, XLSX)",
        "do_index": "Index files",
        "documents": "Documents in the index",
        "pick_doc": "Choose a document",
        "delete": "Remove from index",
        "reindex": "Re-index",
        "cards": "Statistics evidence cards",
        "pick_card": "Choose a card",
        "trend": "Trend over the years",
        "rank": "Rank among regions",
        "query": "Question",
        "search": "Search",
        "jenis": "Type",
        "year_from": "Year from",
        "year_to": "Year to",
        "region": "Region",
        "status": "Status",
        "language": "Document language",
        "k": "Results",
        "topic": "Topic",
        "audience": "Audience (e.g. regional secretary)",
        "brief_lang": "Brief language",
        "template": "Template",
        "length": "Length",
        "draft": "Draft",
        "streaming": "The model is writing",
        "section": "Section",
        "redraft": "Redraft this section",
        "edit": "Edit the text ([n] numbers refer to the reference list)",
        "reverify": "Verify the edits",
        "dl_docx": "Download DOCX",
        "dl_md": "Download Markdown",
        "dl_audit": "Download audit record (JSON)",
        "backend": "Language model",
        "base_url": "Server URL (OpenAI-compatible)",
        "model": "Model name",
        "api_key": "API key",
        "save": "Save",
        "saved": "Model settings saved for this session.",
        "no_hits": "No results.",
        "open_context": "Open in context",
        "indexed": "Indexed: {added} new, {updated} changed, {unchanged} unchanged · {chunks} chunks · {seconds:.1f} s",
        "skipped": "Skipped",
        "too_big": "{name}: {mb:.1f} MB is over the {limit:.0f} MB limit; not uploaded.",
        "rate_limited": "{n} file(s) not uploaded: the limit is {limit} files a minute; try later.",
        "bad_type": "{name}: this file type is not supported.",
        "nothing": "No file chosen yet.",
        "no_index": "No index yet: upload documents in the Library tab.",
        "removed": "Removed: {name}",
        "need_topic": "Write a topic first.",
        "verified": "{supported} of {total} sentences supported ({share:.0f} %)",
        "supported": "supported",
        "weak": "weak",
        "unsupported": "unsupported",
        "references": "References",
        "short": "short",
        "standard": "standard",
        "long": "long",
        "in_force": "in force",
        "revoked": "revoked",
        "amended": "amended",
        "partially_revoked": "partly revoked",
        "default_llm": "built-in (llama.cpp, offline)",
        "openai_llm": "OpenAI-compatible server",
    },
}

CSS = """
.pilar-hit { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px; margin: 8px 0; }
.pilar-cite { font-weight: 600; }
.pilar-badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 0.8em;
  margin-left: 6px; }
.pilar-badge.in_force { background: #dafbe1; color: #1a7f37; }
.pilar-badge.revoked { background: #ffebe9; color: #cf222e; }
.pilar-badge.partially_revoked, .pilar-badge.amended { background: #fff8c5; color: #9a6700; }
.pilar-sent.supported { }
.pilar-sent.weak { background: #fff8c5; }
.pilar-sent.unsupported { background: #ffebe9; text-decoration: underline wavy #cf222e; }
.pilar-verdict { font-size: 0.75em; border-radius: 8px; padding: 0 5px; margin: 0 3px;
  cursor: help; }
.pilar-verdict.supported { background: #dafbe1; color: #1a7f37; }
.pilar-verdict.weak { background: #fff8c5; color: #9a6700; }
.pilar-verdict.unsupported { background: #ffebe9; color: #cf222e; }
.pilar-ref { border-left: 3px solid #d0d7de; padding: 4px 10px; margin: 8px 0; }
.pilar-ref:target { border-left-color: #bf8700; background: #fff8c5; }
.pilar-ref .pilar-passage { font-size: 0.92em; color: #333; }
mark { background: #fde68a; padding: 0 1px; }
a.pilar-marker { text-decoration: none; font-weight: 600; }
"""


def t(lang: str, key: str, **values: Any) -> str:
    """The interface text ``key`` in ``lang`` (Indonesian when unknown)."""
    text = TEXT.get(lang, TEXT["id"]).get(key) or TEXT["id"][key]
    return text.format(**values) if values else text


# --------------------------------------------------------------------------- rendering helpers

_ANALYZER = Analyzer(stem=True)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def terms_of(*texts: str) -> set[str]:
    """The content words (stop words out, stemmed) of ``texts``, for highlighting."""
    out: set[str] = set()
    for text in texts:
        out.update(_ANALYZER(text or ""))
    return out


def highlight(text: str, terms: set[str]) -> str:
    """``text`` escaped for HTML, with words whose stem is in ``terms`` inside ``<mark>``."""
    out: list[str] = []
    last = 0
    for match in _WORD_RE.finditer(text):
        word = match[0]
        stems = _ANALYZER(word)
        out.append(html.escape(text[last : match.start()]))
        if stems and stems[0] in terms:
            out.append(f"<mark>{html.escape(word)}</mark>")
        else:
            out.append(html.escape(word))
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def status_badge(status: str, note: str | None, lang: str) -> str:
    if status not in ("in_force", "revoked", "amended", "partially_revoked"):
        return ""
    title = f' title="{html.escape(note)}"' if note else ""
    label = t(lang, status) + (f": {note}" if note and status != "in_force" else "")
    return f'<span class="pilar-badge {status}"{title}>{html.escape(label)}</span>'


def render_hits(hits: Sequence[Hit], query: str, lang: str, index: Index | None = None) -> str:
    """Result cards: citation, status badge, the passage with the query's words highlighted, and
    the passage in its document (the surrounding text) behind a "open in context" toggle."""
    if not hits:
        return f"<p>{html.escape(t(lang, 'no_hits'))}</p>"
    terms = terms_of(query)
    cards = []
    for hit in hits:
        c = hit.chunk
        page = f" · hlm. {c.pages[0]}" if c.pages and c.kind in ("section", "table") else ""
        context = ""
        if index is not None:
            context = _context_html(index, hit, terms, lang)
        cards.append(
            f'<div class="pilar-hit" data-chunk="{html.escape(c.id)}">'
            f'<div><span class="pilar-cite">{hit.rank}. {html.escape(c.citation)}</span>'
            f"{html.escape(page)}{status_badge(hit.status, hit.status_note, lang)}"
            f" <small>{html.escape(c.doc_title or '')}</small></div>"
            f'<div class="pilar-passage">{highlight(c.text, terms)}</div>{context}</div>'
        )
    return "\n".join(cards)


def _context_html(index: Index, hit: Hit, terms: set[str], lang: str) -> str:
    c = hit.chunk
    try:
        text = index.document_text(c.doc_id)
    except Exception:  # context is a convenience; the hit itself is shown anyway
        return ""
    start, end = max(0, c.char_start - 600), min(len(text), c.char_end + 600)
    before, body, after = (
        text[start : c.char_start],
        text[c.char_start : c.char_end],
        text[c.char_end : end],
    )
    return (
        f"<details><summary>{html.escape(t(lang, 'open_context'))}</summary>"
        f'<div class="pilar-context" style="white-space: pre-wrap">…{html.escape(before)}'
        f"<strong>{highlight(body, terms)}</strong>{html.escape(after)}…</div></details>"
    )


_MARKER_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def render_brief(brief: Brief, lang: str) -> str:
    """The brief as HTML: every sentence with its verdict badge (reasons on hover), every
    ``[n]`` a link to its reference, and each reference with its passage, the words of the
    sentences that cite it highlighted."""
    citing: dict[int, list[str]] = {}
    parts = [f"<h2>{html.escape(brief.title)}</h2>"]
    s = brief.summary
    share = 100 * s.supported_share
    parts.append(
        f"<p><strong>{html.escape(t(lang, 'verified', supported=s.supported, total=s.sentences, share=share))}"
        f"</strong></p>"
    )
    if s.problems:
        parts.append("<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in s.problems) + "</ul>")
    for section in brief.sections:
        parts.append(
            f'<h3 data-section="{html.escape(section.key)}">{html.escape(section.heading)}</h3>'
        )
        if section.kind == "legal_basis":
            items = []
            for item in section.legal_basis:
                refs = " ".join(_marker_link(n) for n in item.refs)
                items.append(
                    f"<li>{html.escape(item.title)} {refs}"
                    f"{status_badge(item.status, item.status_note, lang)}</li>"
                )
            parts.append("<ol>" + "".join(items) + "</ol>" if items else "")
        sentences = []
        for sentence in section.sentences:
            if sentence.dropped:
                continue
            verdict = sentence.verdict.verdict if sentence.verdict else "weak"
            reasons = (
                "; ".join(r.message for r in sentence.verdict.reasons) if sentence.verdict else ""
            )
            for n in sentence.refs:
                citing.setdefault(n, []).append(_MARKER_RE.sub("", sentence.text))
            body = _MARKER_RE.sub(
                lambda m: " ".join(_marker_link(int(n)) for n in m[1].split(",")),
                html.escape(sentence.text),
            )
            tip = html.escape(reasons or t(lang, verdict))
            sentences.append(
                f'<span class="pilar-sent {verdict}">{body}</span>'
                f'<span class="pilar-verdict {verdict}" title="{tip}" data-verdict="{verdict}">'
                f"{html.escape(t(lang, verdict))}</span> "
            )
        if sentences:
            parts.append("<p>" + "".join(sentences) + "</p>")
        elif section.note:
            parts.append(f"<p><em>{html.escape(section.note)}</em></p>")
    parts.append(f"<h3>{html.escape(t(lang, 'references'))}</h3>")
    for ref in brief.references:
        terms = terms_of(*citing.get(ref.n, []))
        where = f" — {html.escape(ref.source)}" if ref.source else ""
        parts.append(
            f'<div class="pilar-ref" id="ref-{ref.n}"><div><strong>[{ref.n}]</strong> '
            f"{html.escape(ref.full_citation)}{where}{status_badge(ref.status, ref.status_note, lang)}</div>"
            f'<div class="pilar-passage">{highlight(ref.text, terms)}</div></div>'
        )
    return "\n".join(parts)


def _marker_link(n: int | str) -> str:
    return f'<a class="pilar-marker" href="#ref-{int(n)}" data-ref="{int(n)}">[{int(n)}]</a>'


def edit_text(brief: Brief) -> str:
    """The drafted sections as editable text: a ``### key · Heading`` line, then the text."""
    blocks = []
    for section in brief.sections:
        if section.kind == "legal_basis":
            continue
        text = " ".join(s.text for s in section.sentences if not s.dropped)
        blocks.append(f"### {section.key} · {section.heading}\n{text}")
    return "\n\n".join(blocks)


def parse_edits(text: str) -> dict[str, str]:
    """``edit_text`` back into ``{section key: text}``."""
    edits: dict[str, str] = {}
    key = None
    lines: list[str] = []
    for line in text.splitlines():
        m = re.match(r"^###\s+(\w+)", line)
        if m:
            if key is not None:
                edits[key] = "\n".join(lines).strip()
            key, lines = m[1], []
        elif key is not None:
            lines.append(line)
    if key is not None:
        edits[key] = "\n".join(lines).strip()
    return edits


def documents_frame(index: Index | None, lang: str) -> pd.DataFrame:
    """One row per document: title, jenis, nomor/tahun, status (by what), chunks, language, pages."""
    cols = ["title", "jenis", "nomor/tahun", "status", "chunks", "language", "pages", "source"]
    if index is None:
        return pd.DataFrame(columns=cols)
    rows = []
    for d in index.documents():
        status = t(lang, d["status"]) if d["status"] in TEXT["id"] else ""
        if d.get("status_note"):
            status += f" ({d['status_note']})"
        number = f"{d['nomor']}/{d['tahun']}" if d.get("nomor") else ""
        rows.append(
            [
                d["title"],
                d.get("jenis") or "",
                number,
                status,
                d["n_chunks"],
                d["language"],
                d["page_count"],
                d["source"],
            ]
        )
    return pd.DataFrame(rows, columns=cols)


def card_frames(
    cards: Sequence[EvidenceCard], card_id: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trend of the chosen card, the latest value of its indicator in every region)."""
    card = next((c for c in cards if c.id == card_id), None)
    if card is None:
        return pd.DataFrame(columns=["period", "value"]), pd.DataFrame(
            columns=["region", "value", "this"]
        )
    trend = pd.DataFrame([{"period": f.period, "value": f.value} for f in card.series])
    peers = [
        c for c in cards if c.indicator == card.indicator and c.region_level == card.region_level
    ]
    rank = pd.DataFrame(
        [
            {"region": c.region, "value": c.latest.value, "this": "●" if c.id == card.id else "○"}
            for c in sorted(peers, key=lambda c: -c.latest.value)
        ]
    )
    return trend, rank


def render_cards(cards: Sequence[EvidenceCard], lang: str, limit: int = 12) -> str:
    rows = []
    for card in cards[:limit]:
        rows.append(
            f'<div class="pilar-hit"><span class="pilar-cite">{html.escape(card.region)} · '
            f"{html.escape(card.indicator_name)}</span><div>{html.escape(card.summary)}</div>"
            f"<small>{html.escape(card.latest.cell.label)}</small></div>"
        )
    more = f"<p>… {len(cards) - limit} more</p>" if len(cards) > limit else ""
    return "\n".join(rows) + more


def index_message(report: Any, lang: str, extra: str = "") -> str:
    """What an indexing run did, then ``extra`` lines, then the skipped files with reasons."""
    message = t(
        lang,
        "indexed",
        added=report.documents_added,
        updated=report.documents_updated,
        unchanged=report.documents_unchanged,
        chunks=report.chunks_total,
        seconds=report.seconds,
    ) + ("\n" + extra if extra else "")
    if report.skipped:
        message += f"\n\n**{t(lang, 'skipped')}:**\n" + "\n".join(
            f"- {html.escape(Path(x.source).name)}: {html.escape(x.reason)} — {html.escape(x.error)}"
            for x in report.skipped
        )
    return message


# --------------------------------------------------------------------------- state helpers


def list_indexes(settings: Settings) -> list[str]:
    root = Path(settings.index.root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and current_version(p) is not None)


def user_of(request: gr.Request | None) -> str:
    """Who is asking: the log-in name, else the browser session, as a safe folder name."""
    who = getattr(request, "username", None) or getattr(request, "session_hash", None) or "anon"
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", str(who))[:64].strip("_")
    return safe or "anon"


def user_folder(settings: Settings, request: gr.Request | None) -> Path:
    """Each user's uploads apart: by log-in name, else by browser session."""
    folder = Path(settings.home) / settings.app.uploads_dir / user_of(request)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def runs_folder(settings: Settings, request: gr.Request | None) -> Path:
    """Each user's drafting runs apart, under ``draft.runs_dir``."""
    return Path(settings.home) / settings.draft.runs_dir / user_of(request)


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(name: str | bytes, max_bytes: int = 150) -> str:
    """A file name that is one harmless path component: no folders, no ``..``, no control or NUL
    characters, valid UTF-8, at most ``max_bytes`` long with its suffix kept.

    ``'../../etc/passwd'`` → ``'passwd'``; ``'a\x00b.pdf'`` → ``'a_b.pdf'``; bytes that are not
    UTF-8 are replaced; an empty or all-dots name becomes ``'berkas'``.
    """
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates → '?'
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().lstrip(".").strip() or "berkas"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    budget = max_bytes - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore").rstrip() or "berkas"
    return stem + suffix


class RateLimiter:
    """At most ``limit`` events per user in any ``window`` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, user: str, n: int = 1, now: float | None = None) -> int:
        """How many of ``n`` events ``user`` may have now (recorded as taken)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._seen.get(user, []) if now - t < self.window]
            granted = max(0, min(n, self.limit - len(recent)))
            self._seen[user] = recent + [now] * granted
            return granted


def audit_event(settings: Settings, user: str, action: str, **fields: Any) -> None:
    """Append one line to ``runs/audit.jsonl``: who did what, when, on which index version."""
    path = Path(settings.home) / settings.draft.runs_dir / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "user": user, "action": action}
    line.update({k: (str(v) if isinstance(v, Path) else v) for k, v in fields.items()})
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, data)  # one write with O_APPEND: lines from several threads never interleave
    finally:
        os.close(fd)


def _run_folder(result: DraftResult) -> str | None:
    path = next(iter(result.files.values()), None)
    return str(path.parent) if path else None


_DOWNLOADS = Path(tempfile.gettempdir()) / f"pilar-downloads-{os.getpid()}"


def private_copy(path: Path, keep_s: float = 3600) -> str:
    """A copy of a run file in a fresh temporary folder, for Gradio to hand to this session only.

    Run folders are never served by path (they are ``blocked_paths``); Gradio moves the copy into
    its cache under an unguessable name that only this session's page receives. Copies older
    than ``keep_s`` are swept here, so the temporary folder does not grow with every draft."""
    _DOWNLOADS.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in _DOWNLOADS.iterdir():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > keep_s:
                shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(dir=_DOWNLOADS))
    target = folder / path.name
    shutil.copyfile(path, target)
    return str(target)


def table_sources(index: Index) -> list[Path]:
    return [
        Path(d["source"])
        for d in index.documents()
        if Path(d["source"]).suffix.lower() in TABLE_SUFFIXES and Path(d["source"]).is_file()
    ]


# --------------------------------------------------------------------------- the app


class PilarApp:
    """The app's server-side state: settings, opened indexes, an optional model override."""

    def __init__(self, settings: Settings | None = None, model: Any = None) -> None:
        self.settings = settings or load_settings()
        self.model = model
        self._indexes: dict[str, Index] = {}
        self._cards: dict[tuple[str, str], list[EvidenceCard]] = {}
        self._lock = threading.Lock()
        self.uploads = RateLimiter(self.settings.app.uploads_per_minute)

    def index(self, name: str | None, create: bool = False) -> Index | None:
        name = name or self.settings.app.index
        with self._lock:
            if name not in self._indexes:
                try:
                    self._indexes[name] = Index.open(name, self.settings, create=create)
                except PilarError:
                    if not create:
                        return None
                    raise
            return self._indexes[name]

    def cards(self, index: Index) -> list[EvidenceCard]:
        from pipeline.stats import cards_from_files

        sources = table_sources(index)
        key = (str(index.path), "|".join(sorted(map(str, sources))))
        if key not in self._cards:
            self._cards[key] = (
                cards_from_files(sources, self.settings.stats).cards if sources else []
            )
        return self._cards[key]


def build_app(settings: Settings | None = None, model: Any = None) -> gr.Blocks:
    """The Gradio app. ``model`` overrides the chat model (tests pass a scripted one)."""
    state = PilarApp(settings, model)
    s = state.settings
    lang0 = s.app.lang
    templates = sorted({tpl.name for tpl in list_templates(s)})
    limit_mb = s.app.max_upload_mb

    with gr.Blocks(title="Pilar") as demo:
        lang = gr.State(lang0)
        result_state = gr.State(None)
        llm_state = gr.State({})
        with gr.Row():
            title = gr.Markdown(t(lang0, "title") + "\n\n" + t(lang0, "subtitle"))
            lang_radio = gr.Radio(
                [("Bahasa Indonesia", "id"), ("English", "en")],
                value=lang0,
                label=t(lang0, "lang"),
                elem_id="lang-switch",
            )
        index_dd = gr.Dropdown(
            choices=list_indexes(s) or [s.app.index],
            value=s.app.index,
            label=t(lang0, "index"),
            allow_custom_value=True,
            elem_id="index-choice",
        )
        with gr.Tabs():
            with gr.Tab(t(lang0, "tab_library"), id="library") as tab_library:
                upload = gr.File(
                    file_count="multiple",
                    file_types=UPLOAD_TYPES,
                    label=t(lang0, "upload"),
                    elem_id="upload",
                )
                index_btn = gr.Button(t(lang0, "do_index"), variant="primary", elem_id="index-btn")
                index_status = gr.Markdown(elem_id="index-status")
                docs = gr.Dataframe(
                    value=documents_frame(state.index(s.app.index), lang0),
                    label=t(lang0, "documents"),
                    interactive=False,
                    wrap=True,
                    elem_id="documents",
                )
                with gr.Row():
                    doc_pick = gr.Dropdown(
                        choices=[], label=t(lang0, "pick_doc"), elem_id="doc-pick"
                    )
                    delete_btn = gr.Button(t(lang0, "delete"), variant="stop", elem_id="delete-btn")
                    reindex_btn = gr.Button(t(lang0, "reindex"), elem_id="reindex-btn")
                cards_html = gr.HTML(label=t(lang0, "cards"), elem_id="cards")
                card_pick = gr.Dropdown(
                    choices=[], label=t(lang0, "pick_card"), elem_id="card-pick"
                )
                with gr.Row():
                    trend_plot = gr.LinePlot(x="period", y="value", label=t(lang0, "trend"))
                    rank_plot = gr.BarPlot(
                        x="region", y="value", color="this", label=t(lang0, "rank")
                    )
            with gr.Tab(t(lang0, "tab_search"), id="search") as tab_search:
                query = gr.Textbox(label=t(lang0, "query"), elem_id="query")
                with gr.Row():
                    jenis = gr.CheckboxGroup(
                        ["UU", "Perppu", "PP", "Perpres", "Permen", "Perda"],
                        label=t(lang0, "jenis"),
                    )
                    year_from = gr.Number(label=t(lang0, "year_from"), precision=0)
                    year_to = gr.Number(label=t(lang0, "year_to"), precision=0)
                with gr.Row():
                    region = gr.Textbox(label=t(lang0, "region"))
                    status = gr.CheckboxGroup(
                        [
                            (t(lang0, x), x)
                            for x in ("in_force", "amended", "partially_revoked", "revoked")
                        ],
                        label=t(lang0, "status"),
                    )
                    doc_lang = gr.CheckboxGroup(["id", "en"], label=t(lang0, "language"))
                    k = gr.Slider(1, 30, value=8, step=1, label=t(lang0, "k"))
                search_btn = gr.Button(t(lang0, "search"), variant="primary", elem_id="search-btn")
                results = gr.HTML(elem_id="results")
            with gr.Tab(t(lang0, "tab_draft"), id="draft") as tab_draft:
                topic = gr.Textbox(label=t(lang0, "topic"), elem_id="topic")
                with gr.Row():
                    audience = gr.Textbox(label=t(lang0, "audience"), elem_id="audience")
                    brief_lang = gr.Radio(
                        ["id", "en"], value=s.draft.lang, label=t(lang0, "brief_lang")
                    )
                    template = gr.Dropdown(
                        templates, value=s.draft.template, label=t(lang0, "template")
                    )
                    length = gr.Radio(
                        [(t(lang0, x), x) for x in ("short", "standard", "long")],
                        value="standard",
                        label=t(lang0, "length"),
                    )
                draft_btn = gr.Button(t(lang0, "draft"), variant="primary", elem_id="draft-btn")
                stream_box = gr.Textbox(
                    label=t(lang0, "streaming"), lines=4, interactive=False, elem_id="stream"
                )
                brief_html = gr.HTML(elem_id="brief")
                with gr.Row():
                    section_pick = gr.Dropdown(
                        choices=[], label=t(lang0, "section"), elem_id="section-pick"
                    )
                    redraft_btn = gr.Button(t(lang0, "redraft"), elem_id="redraft-btn")
                edit_box = gr.Textbox(label=t(lang0, "edit"), lines=10, elem_id="edit")
                reverify_btn = gr.Button(t(lang0, "reverify"), elem_id="reverify-btn")
                with gr.Row():
                    dl_docx = gr.DownloadButton(
                        t(lang0, "dl_docx"), visible=False, elem_id="dl-docx"
                    )
                    dl_md = gr.DownloadButton(t(lang0, "dl_md"), visible=False, elem_id="dl-md")
                    dl_audit = gr.DownloadButton(
                        t(lang0, "dl_audit"), visible=False, elem_id="dl-audit"
                    )
            with gr.Tab(t(lang0, "tab_settings"), id="settings") as tab_settings:
                backend = gr.Radio(
                    [(t(lang0, "default_llm"), "default"), (t(lang0, "openai_llm"), "openai")],
                    value="default",
                    label=t(lang0, "backend"),
                )
                base_url = gr.Textbox(
                    label=t(lang0, "base_url"), placeholder="http://localhost:8000/v1"
                )
                model_name = gr.Textbox(label=t(lang0, "model"))
                api_key = gr.Textbox(label=t(lang0, "api_key"), type="password")
                save_btn = gr.Button(t(lang0, "save"))
                settings_status = gr.Markdown()

        # ------------------------------------------------------------------ library
        def refresh_library(index_name: str, lang: str):
            index = state.index(index_name)
            if index is None:
                return (
                    documents_frame(None, lang),
                    gr.update(choices=[], value=None),
                    "",
                    gr.update(choices=[], value=None),
                )
            frame = documents_frame(index, lang)
            cards = state.cards(index)
            choices = [(f"{c.region} · {c.indicator_name}", c.id) for c in cards]
            return (
                frame,
                gr.update(choices=list(frame["source"]), value=None),
                render_cards(cards, lang),
                gr.update(choices=choices, value=choices[0][1] if choices else None),
            )

        def do_index(
            files,
            index_name: str,
            lang: str,
            request: gr.Request,
            progress=gr.Progress(),  # noqa: B008
        ):
            if not files:
                return (t(lang, "nothing"), *refresh_library(index_name, lang))
            folder = user_folder(s, request)
            who = user_of(request)
            granted = state.uploads.allow(who, len(files))
            saved, problems = [], []
            if granted < len(files):
                problems.append(
                    t(lang, "rate_limited", n=len(files) - granted, limit=s.app.uploads_per_minute)
                )
                files = files[:granted]
            for f in files:
                src = Path(f if isinstance(f, str) else f.name)
                name = safe_filename(getattr(f, "orig_name", None) or src.name)
                size_mb = src.stat().st_size / 1_048_576
                if size_mb > limit_mb:
                    problems.append(t(lang, "too_big", name=name, mb=size_mb, limit=limit_mb))
                    continue
                if src.suffix.lower() not in UPLOAD_TYPES:
                    problems.append(t(lang, "bad_type", name=name))
                    continue
                target = folder / name
                if target.resolve().parent != folder.resolve():  # safe_filename makes this hold
                    problems.append(t(lang, "bad_type", name=name))
                    continue
                shutil.copyfile(src, target)
                saved.append(target.resolve())
            message = "\n".join(f"- {html.escape(p)}" for p in problems)
            if saved:
                index = state.index(index_name, create=True)

                def on_progress(stage: str, done: int, total: int) -> None:
                    progress((done, max(total, 1)), desc=stage)

                report = index.add(saved, progress=on_progress)
                state._cards.clear()
                message = index_message(report, lang, extra=message)
                audit_event(
                    s,
                    who,
                    "index",
                    index=str(index.path),
                    version=report.version,
                    files=[p.name for p in saved],
                    skipped=len(report.skipped),
                )
            return (message, *refresh_library(index_name, lang))

        library_outputs = [docs, doc_pick, cards_html, card_pick]
        index_btn.click(
            do_index,
            [upload, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )

        def do_delete(source: str | None, index_name: str, lang: str, request: gr.Request):
            index = state.index(index_name)
            if index is None or not source:
                return ("", *refresh_library(index_name, lang))
            report = index.remove([source])
            state._cards.clear()
            audit_event(
                s,
                user_of(request),
                "remove",
                index=str(index.path),
                version=report.version,
                source=Path(source).name,
            )
            return (t(lang, "removed", name=Path(source).name), *refresh_library(index_name, lang))

        delete_btn.click(
            do_delete,
            [doc_pick, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )

        def do_reindex(source: str | None, index_name: str, lang: str):
            index = state.index(index_name)
            if index is None or not source:
                return ("", *refresh_library(index_name, lang))
            report = index.add([source])
            state._cards.clear()
            return (index_message(report, lang), *refresh_library(index_name, lang))

        reindex_btn.click(
            do_reindex,
            [doc_pick, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )

        def show_card(card_id: str | None, index_name: str):
            index = state.index(index_name)
            cards = state.cards(index) if index else []
            return card_frames(cards, card_id)

        card_pick.change(show_card, [card_pick, index_dd], [trend_plot, rank_plot])
        index_dd.change(refresh_library, [index_dd, lang], library_outputs)
        demo.load(refresh_library, [index_dd, lang], library_outputs)

        # ------------------------------------------------------------------ search
        def do_search(q, jenis_v, y_from, y_to, region_v, status_v, langs, k_v, index_name, lang):
            index = state.index(index_name)
            if index is None:
                return f"<p>{html.escape(t(lang, 'no_index'))}</p>"
            if not (q or "").strip():
                return ""
            raw = []
            if jenis_v:
                raw.append("jenis=" + ",".join(jenis_v))
            if y_from or y_to:
                raw.append(f"tahun={int(y_from) if y_from else ''}..{int(y_to) if y_to else ''}")
            if (region_v or "").strip():
                raw.append(f"region={region_v.strip()}")
            if status_v:
                raw.append("status=" + ",".join(status_v))
            if langs:
                raw.append("language=" + ",".join(langs))
            hits = index.search(q, k=int(k_v), filters=parse_filters(raw))
            return render_hits(hits, q, lang, index)

        search_inputs = [
            query,
            jenis,
            year_from,
            year_to,
            region,
            status,
            doc_lang,
            k,
            index_dd,
            lang,
        ]
        search_btn.click(do_search, search_inputs, results)
        query.submit(do_search, search_inputs, results)

        # ------------------------------------------------------------------ draft
        def chat_model(llm: dict[str, Any]):
            if state.model is not None:
                return state.model
            if llm.get("backend") == "openai":
                from pipeline.llm import get_chat_model

                cfg = s.llm.model_copy(
                    update={
                        "backend": "openai",
                        "base_url": llm.get("base_url") or None,
                        "model": llm.get("model") or "",
                        "api_key": llm.get("api_key") or None,
                    }
                )
                return get_chat_model(cfg)
            return None

        def outputs_for(result: DraftResult, lang: str):
            brief = result.brief
            keys = [
                (f"{sec.heading}", sec.key) for sec in brief.sections if sec.kind != "legal_basis"
            ]
            files = result.files
            return (
                render_brief(brief, lang),
                result,
                gr.update(choices=keys, value=keys[0][1] if keys else None),
                edit_text(brief),
                gr.update(value=private_copy(files["docx"]), visible=True)
                if files
                else gr.update(visible=False),
                gr.update(value=private_copy(files["md"]), visible=True)
                if files
                else gr.update(visible=False),
                gr.update(value=private_copy(files["audit"]), visible=True)
                if files
                else gr.update(visible=False),
            )

        def do_draft(
            topic_v,
            audience_v,
            brief_lang_v,
            template_v,
            length_v,
            index_name,
            lang,
            llm,
            request: gr.Request,
        ) -> Iterator[Any]:
            index = state.index(index_name)
            if index is None or not (topic_v or "").strip():
                msg = t(lang, "no_index") if index is None else t(lang, "need_topic")
                yield (
                    msg,
                    f"<p>{html.escape(msg)}</p>",
                    None,
                    gr.update(),
                    "",
                    gr.update(),
                    gr.update(),
                    gr.update(),
                )
                return
            events: queue.Queue[Any] = queue.Queue()
            box: dict[str, Any] = {}

            def work() -> None:
                try:
                    folder = runs_folder(s, request)
                    box["result"] = draft_brief(
                        topic_v,
                        index,
                        settings=s.model_copy(
                            update={"draft": s.draft.model_copy(update={"runs_dir": folder})}
                        ),
                        template=template_v,
                        lang=brief_lang_v,
                        model=chat_model(llm),
                        cards=state.cards(index),
                        audience=audience_v,
                        length=length_v,
                        on_event=events.put,
                        user=user_of(request),
                    )
                except Exception as exc:  # shown to the analyst, logged for IT
                    logger.exception("draft failed")
                    box["error"] = exc
                finally:
                    events.put(None)

            threading.Thread(target=work, daemon=True).start()
            streamed = ""
            while True:
                event = events.get()
                if event is None:
                    break
                if isinstance(event, DraftEvent):
                    if event.kind == "section":
                        streamed += f"\n── {event.heading}\n"
                    elif event.kind == "token":
                        streamed += event.text
                    elif event.kind == "verify":
                        streamed += "\n…\n"
                    else:
                        continue
                    yield (
                        streamed,
                        gr.update(),
                        gr.update(),
                        gr.update(),
                        gr.update(),
                        gr.update(),
                        gr.update(),
                        gr.update(),
                    )
            if "error" in box:
                msg = f"{type(box['error']).__name__}: {box['error']}"
                yield (
                    streamed,
                    f"<p>{html.escape(msg)}</p>",
                    None,
                    gr.update(),
                    "",
                    gr.update(),
                    gr.update(),
                    gr.update(),
                )
                return
            result = box["result"]
            audit_event(
                s,
                user_of(request),
                "draft",
                topic=topic_v,
                template=template_v,
                index=str(index.path),
                version=index.manifest.get("version"),
                run=_run_folder(result),
                sentences=result.brief.summary.sentences if result.brief.summary else None,
                supported=result.brief.summary.supported if result.brief.summary else None,
            )
            yield (streamed, *outputs_for(result, lang))

        draft_outputs = [
            stream_box,
            brief_html,
            result_state,
            section_pick,
            edit_box,
            dl_docx,
            dl_md,
            dl_audit,
        ]
        draft_btn.click(
            do_draft,
            [topic, audience, brief_lang, template, length, index_dd, lang, llm_state],
            draft_outputs,
            concurrency_limit=s.app.concurrency,
            concurrency_id="llm",
        )

        def do_redraft(result: DraftResult | None, key: str | None, lang: str, request: gr.Request):
            if result is None or not key:
                return (gr.update(),) * 7
            result = redraft_section(result, key)
            audit_event(s, user_of(request), "redraft", section=key, run=_run_folder(result))
            return outputs_for(result, lang)

        redraft_btn.click(
            do_redraft,
            [result_state, section_pick, lang],
            draft_outputs[1:],
            concurrency_limit=s.app.concurrency,
            concurrency_id="llm",
        )

        def do_reverify(result: DraftResult | None, text: str, lang: str, request: gr.Request):
            if result is None:
                return (gr.update(),) * 7
            result = reverify_brief(result, parse_edits(text))
            audit_event(s, user_of(request), "reverify", run=_run_folder(result))
            return outputs_for(result, lang)

        reverify_btn.click(do_reverify, [result_state, edit_box, lang], draft_outputs[1:])

        # ------------------------------------------------------------------ settings
        def save_llm(backend_v, url, name, key, lang):
            return {"backend": backend_v, "base_url": url, "model": name, "api_key": key}, t(
                lang, "saved"
            )

        save_btn.click(
            save_llm, [backend, base_url, model_name, api_key, lang], [llm_state, settings_status]
        )

        # ------------------------------------------------------------------ language switch
        labelled = [
            (index_dd, "index"),
            (upload, "upload"),
            (docs, "documents"),
            (doc_pick, "pick_doc"),
            (card_pick, "pick_card"),
            (trend_plot, "trend"),
            (rank_plot, "rank"),
            (query, "query"),
            (jenis, "jenis"),
            (year_from, "year_from"),
            (year_to, "year_to"),
            (region, "region"),
            (status, "status"),
            (doc_lang, "language"),
            (k, "k"),
            (topic, "topic"),
            (audience, "audience"),
            (brief_lang, "brief_lang"),
            (template, "template"),
            (length, "length"),
            (stream_box, "streaming"),
            (section_pick, "section"),
            (edit_box, "edit"),
            (backend, "backend"),
            (base_url, "base_url"),
            (model_name, "model"),
            (api_key, "api_key"),
            (lang_radio, "lang"),
        ]
        buttons = [
            (index_btn, "do_index"),
            (delete_btn, "delete"),
            (reindex_btn, "reindex"),
            (search_btn, "search"),
            (draft_btn, "draft"),
            (redraft_btn, "redraft"),
            (reverify_btn, "reverify"),
            (dl_docx, "dl_docx"),
            (dl_md, "dl_md"),
            (dl_audit, "dl_audit"),
            (save_btn, "save"),
        ]
        tabs = [
            (tab_library, "tab_library"),
            (tab_search, "tab_search"),
            (tab_draft, "tab_draft"),
            (tab_settings, "tab_settings"),
        ]

        def switch(new: str, result: DraftResult | None, index_name: str):
            updates: list[Any] = [new, t(new, "title") + "\n\n" + t(new, "subtitle")]
            updates += [gr.update(label=t(new, key)) for _, key in labelled]
            updates += [gr.update(value=t(new, key)) for _, key in buttons]
            updates += [gr.update(label=t(new, key)) for _, key in tabs]
            updates.append(render_brief(result.brief, new) if result is not None else gr.update())
            updates.append(documents_frame(state.index(index_name), new))
            return updates

        lang_radio.change(
            switch,
            [lang_radio, result_state, index_dd],
            [
                lang,
                title,
                *[c for c, _ in labelled],
                *[c for c, _ in buttons],
                *[c for c, _ in tabs],
                brief_html,
                docs,
            ],
        )
    demo.queue(default_concurrency_limit=4)
    return demo


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """What ``Blocks.launch`` needs: log-in, upload limit, the folders files may be served from."""
    app = settings.app
    kwargs: dict[str, Any] = {
        "server_name": app.host,
        "server_port": app.port,
        "max_file_size": int(app.max_upload_mb * 1024 * 1024),
        # run folders, uploads and indexes are never served by path, whoever asks
        "blocked_paths": [
            str((Path(settings.home) / settings.draft.runs_dir).resolve()),
            str((Path(settings.home) / app.uploads_dir).resolve()),
            str(Path(settings.index.root).resolve()),
        ],
        "css": CSS,
        "show_error": True,
    }
    users = {name: secret.get_secret_value() for name, secret in app.users.items()}
    if app.username and app.password:
        users[app.username] = app.password.get_secret_value()
    if users:
        kwargs["auth"] = sorted(users.items())
        kwargs["auth_message"] = "Pilar"
    return kwargs


def main(argv: Sequence[str] | None = None) -> None:
    """Start the app (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Pilar's analyst app")
    parser.add_argument("--index", help="index opened at start (default: app.index setting)")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {"app": {}}
    for key in ("index", "host", "port"):
        if getattr(args, key) is not None:
            overrides["app"][key] = getattr(args, key)
    settings = load_settings(args.config, **overrides)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    demo = build_app(settings)
    kwargs = launch_kwargs(settings)
    print(f"Pilar: http://{settings.app.host}:{settings.app.port}", flush=True)
    demo.launch(**kwargs)


if __name__ == "__main__":
    main()
