"""The words on the app's page, in Indonesian and English, the page's CSS, and :func:`t`.

The four status labels come from :data:`pipeline.text.labels.STATUS_LABELS`, the one table every
output (CLI, app, exports, audit) names a status from.
"""

from __future__ import annotations

from typing import Any

from pipeline.text.labels import STATUS_LABELS

__all__ = ["CSS", "TEXTS", "t"]

# the words on the page; the status labels join them from pipeline.text.labels (TEXTS below)
_WORDS: dict[str, dict[str, str]] = {
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
        "pasal_ref": "Buka pasal (mis. UU 23/2014 Pasal 101)",
        "pasal_date": "Per tanggal (TTTT-BB-HH, kosong: hari ini)",
        "open_pasal": "Buka pasal",
        "pasal_history": "Riwayat pasal",
        "in_force_now": "Berlaku kini",
        "as_of": "Rumusan per",
        "today": "hari ini",
        "no_wording": "(tidak ada rumusan yang berlaku)",
        "date_unread": "tanggal tidak terbaca",
        "bad_date": "Tanggal {value!r} tidak terbaca; tulis TTTT-BB-HH.",
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
        "pasal_ref": "Open an article (e.g. UU 23/2014 Pasal 101)",
        "pasal_date": "As of (YYYY-MM-DD, empty: today)",
        "open_pasal": "Open article",
        "pasal_history": "Article history",
        "in_force_now": "In force now",
        "as_of": "Wording as of",
        "today": "today",
        "no_wording": "(no wording in force)",
        "date_unread": "date unreadable",
        "bad_date": "The date {value!r} could not be read; write YYYY-MM-DD.",
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
        "default_llm": "built-in (llama.cpp, offline)",
        "openai_llm": "OpenAI-compatible server",
    },
}

#: every text of the interface by language: the words above and the status labels
TEXTS: dict[str, dict[str, str]] = {
    lang: {**words, **STATUS_LABELS[lang]} for lang, words in _WORDS.items()
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
.pilar-in-force { border-left: 3px solid #1a7f37; padding: 4px 10px; margin: 8px 0; }
.pilar-timeline li.pilar-current { font-weight: 600; }
.pilar-diff { font-weight: normal; font-size: 0.92em; margin: 4px 0 8px; }
ins { background: #dafbe1; text-decoration: none; }
.pilar-series { display: block; margin: 6px 0; }
.pilar-point { fill: #0969da; }
.pilar-point.chosen { fill: #cf222e; }
del { background: #ffebe9; }
"""


def t(lang: str, key: str, **values: Any) -> str:
    """The interface text ``key`` in ``lang`` (Indonesian when unknown)."""
    text = TEXTS.get(lang, TEXTS["id"]).get(key) or TEXTS["id"][key]
    return text.format(**values) if values else text
