"""The header of a regulation: jenis, nomor, tahun and tentang, from OCR'd or spaced-out text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.legal.refs import (
    NUM,
    fix_number,
    fix_year,
    normalise_text,
)

_HEADER_RE = re.compile(
    r"(?P<jenis>UNDANG-?UNDANG(?!DASAR)|PERATURANPEMERINTAHPENGGANTIUNDANG-?UNDANG"
    r"|PERATURANPEM[A-Z]{3,8}?|PERATURANPRESIDEN|KEPUTUSANPRESIDEN|PERATURANMENTERI[A-Z]*?"
    r"|PERATURANDAERAH[A-Z]*?|PERATURANKEPALA[A-Z]*?|PERATURANBADAN[A-Z]*?"
    r"|KEPUTUSANMENTERI[A-Z]*?|KEPUTUSANKEPALA[A-Z]*?|SURATEDARAN[A-Z]*?)"
    r"(?:REPUBLIKINDO?NESIA)?(?:\([A-Z]+\))?NOMOR"
    r"(?:(?P<nomor>[0-9OILTS]{1,5}?)(?:/[A-Z0-9./-]+?)?TAHUN(?P<tahun>[0-9OILS]{4})"
    # agency style: "NOMOR : 02/Ka-BAPETEN/V-99", "NOMOR : 0842/K/IV/2020"
    r"|(?P<nomor2>[0-9]{1,5})/[A-Z0-9./-]*?[/-](?P<tahun2>(?:19|20)?[0-9]{2})(?=TENTANG))"
)
_JENIS_SQUEEZED = [
    ("PERATURANPEMERINTAHPENGGANTI", "Perppu", "Peraturan Pemerintah Pengganti Undang-Undang"),
    ("UNDANG", "UU", "Undang-Undang"),
    ("PERATURANPEM", "PP", "Peraturan Pemerintah"),
    ("PERATURANPRESIDEN", "Perpres", "Peraturan Presiden"),
    ("KEPUTUSANPRESIDEN", "Keppres", "Keputusan Presiden"),
    ("PERATURANMENTERI", "Permen", "Peraturan Menteri"),
    ("PERATURANDAERAH", "Perda", "Peraturan Daerah"),
    ("PERATURANKEPALA", "Perka", "Peraturan Kepala"),
    ("PERATURANBADAN", "Perba", "Peraturan Badan"),
    ("KEPUTUSANMENTERI", "Kepmen", "Keputusan Menteri"),
    ("KEPUTUSANKEPALA", "Kepka", "Keputusan Kepala"),
    ("SURATEDARAN", "SE", "Surat Edaran"),
]
_TENTANG_END = re.compile(
    r"DENGAN\s*RAHMAT|Dengan\s+Rahmat|M[ce]nimbang|M[ce]ngingat|PRESIDEN\s+REPUBLIK|"
    r"\bbahwa\b|\bMEMUTUSKAN|\bMenetapkan|GUBERNUR|BUPATI|WALIKOTA|MENTERI\s|KEPALA\s+BADAN|\n\s*\n"
)
_SMALL_WORDS = {
    "dan",
    "atau",
    "di",
    "ke",
    "dari",
    "yang",
    "untuk",
    "pada",
    "atas",
    "dengan",
    "antara",
    "sebagai",
    "dalam",
    "bagi",
    "terhadap",
    "serta",
    "oleh",
    "tentang",
    "kedua",
    "ketiga",
}


@dataclass(frozen=True)
class Header:
    jenis: str
    jenis_long: str
    nomor: str
    tahun: int
    tentang: str
    end: int


def _squeeze_map(text: str) -> tuple[str, list[int]]:
    """Uppercase text without whitespace, and for each kept char its offset in ``text``."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if not ch.isspace() and ch not in ".,:":
            chars.append(ch)
            offsets.append(i)
    return "".join(chars).upper(), offsets


def parse_header(text: str, title_hint: str = "") -> Header | None:
    """jenis, nomor, tahun and tentang from the title block (tolerates OCR and spaced letters)."""
    head = normalise_text(text[:6000])
    squeezed, offsets = _squeeze_map(head)
    match = _HEADER_RE.search(squeezed)
    if match is None and title_hint:
        squeezed, offsets = _squeeze_map(normalise_text(title_hint))
        head = normalise_text(title_hint)
        match = _HEADER_RE.search(squeezed)
    if match is None:
        return None
    raw = match["jenis"]
    short, long = next(((s, lg) for key, s, lg in _JENIS_SQUEEZED if raw.startswith(key)), ("", ""))
    if match["nomor"] is not None:
        nomor, tahun = fix_number(match["nomor"]).lstrip("0") or "0", fix_year(match["tahun"])
    else:
        nomor, year = match["nomor2"].lstrip("0") or "0", int(match["tahun2"])
        tahun = year if year > 100 else (2000 + year if year <= 50 else 1900 + year)
    if not short or tahun is None or not nomor.isdigit():
        return None
    if short == "Perda":
        kind = re.search(
            r"PERATURAN\s+DAERAH\s+((?:PROVINSI|KABUPATEN|KOTA)\s+[A-Z .]+?)\s+NOMOR", head
        )
        if kind:
            long = f"Peraturan Daerah {_title_case(kind[1])}"
    start, end = offsets[match.start()], offsets[match.end() - 1] + 1
    letters = [c for c in head[start:end] if c.isalpha()]
    if sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None  # "Undang-Undang Nomor 25 Tahun 2009" in running text is not a title
    return Header(short, long, nomor, tahun, _tentang(head, end, text), end)


def _tentang(head: str, start: int, full: str) -> str:
    match = re.compile(r"T\s*E\s*N\s*T\s*A\s*N\s*G\s+").search(head, start, start + 400)
    if not match:
        return ""
    stop = _TENTANG_END.search(head, match.end())
    tentang = head[match.end() : stop.start() if stop else match.end() + 300]
    tentang = re.sub(r"\s+", " ", tentang).strip(" ,.;:")
    tokens = tentang.split()
    if tokens and sum(len(t) <= 2 for t in tokens) > len(tokens) / 2:
        # letters spaced out by OCR: prefer the "Menetapkan : ... TENTANG ..." line
        later = re.search(
            r"Menetapkan\s*:?\s*[A-Z -]+?TENTANG\s+([A-Z][A-Z ,/-]+?)\s*[.\n]", full[:20000]
        )
        tentang = later[1] if later else _despace(tentang, full)
    tentang = re.sub(
        r"(?i)(nomor\s+)(" + NUM + r")(\s+tahun\s+)(\S{4})",
        lambda m: f"{m[1]}{fix_number(m[2])}{m[3]}{fix_year(m[4]) or m[4]}",
        tentang,
    )
    return _title_case(tentang[:300])


def _despace(spaced: str, full: str) -> str:
    """Re-segment letter-spaced OCR ("S I NK RO N I S A S I") with the document's own words."""
    vocab: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z]{2,}", full):
        vocab[word.upper()] = vocab.get(word.upper(), 0) + 1
    joined = re.sub(r"\s+", "", spaced.upper())
    best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(joined)
    for i in range(1, len(joined) + 1):
        for j in range(max(0, i - 25), i):
            word, prev = joined[j:i], best[j]
            if prev is None or (word not in vocab and len(word) > 1):
                continue
            score = prev[0] + (len(word) ** 2 if word in vocab else -5)
            if best[i] is None or score > best[i][0]:
                best[i] = (score, [*prev[1], word])
    return " ".join(best[-1][1]) if best[-1] else spaced


def _title_case(text: str) -> str:
    if not text.isupper():
        return text
    words = []
    for i, word in enumerate(text.lower().split()):
        parts = "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
        words.append(word if i and word in _SMALL_WORDS else parts)
    return " ".join(words)


# --------------------------------------------------------------------------- Pasal headings
