"""Rendering: search hits, the verified brief, the library's tables and messages, as HTML or
data frames for the page.

Everything a document says is escaped before it reaches the page: text from documents is data,
never markup. These are plain functions (no Gradio), tested on their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import PilarError
from pipeline.index import Index
from pipeline.legal.consolidate import ConsolidatedPasal, word_diff
from pipeline.text.analyzer import Analyzer
from pipeline.text.labels import STATUSES, VERSION_LABELS
from pipeline.text.markers import MARKER_RE, extract_markers, strip_markers
from pipeline.types import Brief, EvidenceCard, Hit
from pipeline.ui.texts import t

__all__ = [
    "card_frames",
    "context_html",
    "diff_html",
    "documents_frame",
    "edit_text",
    "highlight",
    "in_force_html",
    "index_message",
    "marker_link",
    "parse_edits",
    "render_brief",
    "render_cards",
    "render_hits",
    "render_pasal",
    "series_svg",
    "status_badge",
    "terms_of",
    "timeline_html",
]

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
    """A coloured badge naming ``status`` (with its note, e.g. what revoked it); ``''`` for none."""
    if status not in STATUSES:
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
            context = context_html(index, hit, terms, lang)
        cards.append(
            f'<div class="pilar-hit" data-chunk="{html.escape(c.id)}">'
            f'<div><span class="pilar-cite">{hit.rank}. {html.escape(c.citation)}</span>'
            f"{html.escape(page)}{status_badge(hit.status, hit.status_note, lang)}"
            f" <small>{html.escape(c.doc_title or '')}</small></div>"
            f'<div class="pilar-passage">{highlight(c.text, terms)}</div>{context}'
            f"{in_force_html(index, hit, lang)}{series_svg(hit.figure)}</div>"
        )
    return "\n".join(cards)


def in_force_html(index: Index | None, hit: Hit, lang: str) -> str:
    """For a hit on a Pasal a later law rewrote: its wording in force (cited to both laws) and,
    behind a toggle, the Pasal's timeline with each change highlighted."""
    now = hit.in_force
    if now is None or not now.text:
        return ""
    cited = html.escape(" jo. ".join(now.citations))
    history = ""
    if index is not None:
        try:
            found = index.pasal(now.citations[0])
        except PilarError:  # the timeline is a convenience; the wording is shown anyway
            found = None
        if found is not None:
            history = (
                f"<details><summary>{html.escape(t(lang, 'pasal_history'))}</summary>"
                f"{timeline_html(found, lang)}</details>"
            )
    # the hit that is itself the latest change holds the wording already: not shown twice
    same = " ".join(now.text.split()) in " ".join(hit.chunk.text.split())
    wording = (
        ""
        if same
        else f'<div class="pilar-passage" style="white-space: pre-wrap">{html.escape(now.text)}</div>'
    )
    return (
        f'<div class="pilar-in-force"><strong>{html.escape(t(lang, "in_force_now"))}</strong> '
        f"({cited}){wording}{history}</div>"
    )


def series_svg(answer: dict | None, width: int = 420, height: int = 120) -> str:
    """For a figure answer (``Hit.figure``): its series as a small line chart, the answered
    period marked, each point titled with its period, value and cell."""
    if not answer or len(answer.get("series") or []) < 2:
        return ""
    points = answer["series"]
    values = [p["value"] for p in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    pad = 12

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + i * (width - 2 * pad) / (len(points) - 1)
        return round(x, 1), round(height - pad - (v - low) * (height - 2 * pad) / span, 1)

    coords = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    marks = []
    for (x, y), p in zip(coords, points, strict=True):
        chosen = p["period"] == answer.get("period")
        title = html.escape(
            f"{p['period']}: {p['text']} — {p['cell']['file']} row {p['cell']['row']}"
        )
        marks.append(
            f'<circle cx="{x}" cy="{y}" r="{5 if chosen else 3}" class="{"pilar-point chosen" if chosen else "pilar-point"}">'
            f"<title>{title}</title></circle>"
        )
    first, last = html.escape(points[0]["period"]), html.escape(points[-1]["period"])
    return (
        f'<svg class="pilar-series" width="{width}" height="{height + 14}" role="img" '
        f'aria-label="{html.escape(answer.get("indicator_name") or "")}">'
        f'<polyline points="{line}" fill="none" stroke="#0969da" stroke-width="2"/>{"".join(marks)}'
        f'<text x="{pad}" y="{height + 12}" font-size="10">{first}</text>'
        f'<text x="{width - pad}" y="{height + 12}" font-size="10" text-anchor="end">{last}</text>'
        "</svg>"
    )


def render_pasal(found: ConsolidatedPasal, lang: str) -> str:
    """A Pasal as of its date: the wording, what it rests on, and its timeline."""
    where = (f" ayat ({found.ayat})" if found.ayat else "") + (
        f" huruf {found.huruf}" if found.huruf else ""
    )
    when = found.as_of.isoformat() if found.as_of else t(lang, "today")
    label = VERSION_LABELS.get(lang, VERSION_LABELS["id"])[found.status]
    wording = found.text or t(lang, "no_wording")
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in found.warnings)
    return (
        f'<div class="pilar-pasal"><h3>{html.escape(found.regulation)} Pasal '
        f"{html.escape(found.pasal + where)} — {html.escape(found.title)}</h3>"
        f'<p>{html.escape(t(lang, "as_of"))} {html.escape(when)}: <span class="pilar-kind">'
        f"{html.escape(label)}</span> · {html.escape('; '.join(found.citations))}</p>"
        f'<div class="pilar-passage" style="white-space: pre-wrap">{html.escape(wording)}</div>'
        + (f'<ul class="pilar-warnings">{warnings}</ul>' if warnings else "")
        + timeline_html(found, lang)
        + "</div>"
    )


def timeline_html(found: ConsolidatedPasal, lang: str) -> str:
    """Every version of the Pasal — date, kind, source — and what each changed of the one before
    (added words in ``<ins>``, removed ones in ``<del>``); the one in force is marked."""
    labels = VERSION_LABELS.get(lang, VERSION_LABELS["id"])
    rows = []
    for i, version in enumerate(found.versions):
        date = version.date.isoformat() if version.date else t(lang, "date_unread")
        current = " pilar-current" if i == found.current else ""
        note = f" — {html.escape(version.note)}" if version.note else ""
        changed = ""
        if i and version.text and found.versions[i - 1].text:
            changed = f'<div class="pilar-diff">{diff_html(found.versions[i - 1].text, version.text)}</div>'
        rows.append(
            f'<li class="pilar-version{current}" data-kind="{version.kind}">'
            f"<strong>{html.escape(date)}</strong> · {html.escape(labels[version.kind])} · "
            f"{html.escape(version.citation)}{note}{changed}</li>"
        )
    return f'<ol class="pilar-timeline">{"".join(rows)}</ol>'


def diff_html(old: str, new: str) -> str:
    """``new`` against ``old``: the changed lines, added words in ``<ins>``, removed in ``<del>``."""
    parts = []
    for op, words in word_diff(old, new):
        text = html.escape(words)
        parts.append(
            {"same": text, "added": f"<ins>{text}</ins>", "removed": f"<del>{text}</del>"}[op]
        )
    lines = " ".join(parts).replace(" \n", "\n").replace("\n ", "\n").split("\n")
    changed = [line for line in lines if "<ins>" in line or "<del>" in line]
    return "<br>".join(changed)


def context_html(index: Index, hit: Hit, terms: set[str], lang: str) -> str:
    """The hit's passage in its document (600 characters either side), behind a toggle."""
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
                refs = " ".join(marker_link(n) for n in item.refs)
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
                citing.setdefault(n, []).append(strip_markers(sentence.text))
            body = MARKER_RE.sub(
                lambda m: " ".join(marker_link(n) for n in extract_markers(m[0])),
                html.escape(sentence.text),
            )
            cells = "; ".join(c.label for c in sentence.verdict.cells) if sentence.verdict else ""
            tip = html.escape((reasons or t(lang, verdict)) + (f" — {cells}" if cells else ""))
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


def marker_link(n: int | str) -> str:
    """``[n]`` as a link to reference ``n`` of the brief."""
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
        status = t(lang, d["status"]) if d["status"] in STATUSES else ""
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
    """The first ``limit`` statistics evidence cards: region, indicator, summary, source cell."""
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
