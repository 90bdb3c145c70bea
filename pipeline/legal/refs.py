"""References to regulations in running text, OCR repair, and the hierarchy of UU 12/2011 Pasal 7.

OCR of Indonesian regulations confuses ``1``/``l``/``I`` and ``0``/``O`` inside numbers
(``2Ol4``, ``Pasal l0``, ``NOMOR I1``), splits words (``Undang- Undang``, ``Tah un``) and spaces
out letters (``P E R AT U R A N``). The helpers here repair numbers only where a number is
expected, so ordinary words are never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.types import RegulationRef

#: OCR look-alikes inside a number token.
_DIGIT_FIX = str.maketrans({"l": "1", "I": "1", "i": "1", "O": "0", "o": "0", "T": "7", "S": "5"})
NUM = r"[0-9][0-9lIOoT]*|[lI][0-9][0-9lIOo]*"
YEAR = r"(?:1[89]|2[0O])[0-9lIOoSL\s]{2,4}"


def fix_number(token: str) -> str:
    """``'2Ol4'`` → ``'2014'``; ``'I1'`` → ``'11'``. Letters that are not look-alikes stay."""
    return token.replace(" ", "").translate(_DIGIT_FIX).replace("L", "1")


def fix_year(token: str) -> int | None:
    digits = fix_number(token)
    if re.fullmatch(r"(1[89]|20)\d\d", digits):
        return int(digits)
    return None


# jenis: canonical short name, long name, regex over normalised text (single spaces)
JENIS: list[tuple[str, str, str]] = [
    ("UUD", "Undang-Undang Dasar", r"Undang-Undang Dasar"),
    (
        "Perppu",
        "Peraturan Pemerintah Pengganti Undang-Undang",
        r"Peraturan Pemerintah Pengganti Undang-Undang",
    ),
    ("UU", "Undang-Undang", r"Undang-Undang"),
    ("PP", "Peraturan Pemerintah", r"Peraturan Pemerintah"),
    ("Perpres", "Peraturan Presiden", r"Peraturan Presiden"),
    ("Keppres", "Keputusan Presiden", r"Keputusan Presiden"),
    ("Permen", "Peraturan Menteri", r"Peraturan Menteri(?: [A-Z][\w,]*(?: dan| [A-Z][\w,]*)*)?"),
    ("Perda", "Peraturan Daerah", r"Peraturan Daerah(?: (?:Provinsi|Kabupaten|Kota) [A-Z]\w*)?"),
    ("Perka", "Peraturan Kepala", r"Peraturan Kepala(?: [A-Z]\w*)*"),
    ("Perba", "Peraturan Badan", r"Peraturan Badan(?: [A-Z]\w*)*"),
    ("Kepmen", "Keputusan Menteri", r"Keputusan Menteri(?: [A-Z]\w*)*"),
]

#: UU 12/2011 Pasal 7 ayat (1): UUD 1945 (1) … Perda Kabupaten/Kota (7).
HIERARCHY = {"UUD": 1, "TAP MPR": 2, "UU": 3, "Perppu": 3, "PP": 4, "Perpres": 5, "Perda": 6}

_REF_RE = re.compile(
    r"(?P<jenis>"
    + "|".join(f"(?:{pattern})" for _, _, pattern in JENIS[1:])
    + r")\s+(?:Republik Indonesia\s+)?Nomor\s+(?P<nomor>"
    + NUM
    + r")\s+Tahun\s+(?P<tahun>"
    + YEAR
    + r")",
    re.IGNORECASE,
)


def normalise_text(text: str) -> str:
    """Repair OCR splits that break matching: dashes, ``Undang- Undang``, ``Tah un``, spaces."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2022", "-")
    text = re.sub(r"Undang\s*-\s*[Uu]ndang", "Undang-Undang", text)
    text = re.sub(r"UNDANG\s*-\s*UNDANG", "UNDANG-UNDANG", text)
    text = re.sub(r"\bTah\s+un\b", "Tahun", text)
    text = re.sub(r"\bNom\s+or\b", "Nomor", text)
    return text


def jenis_of(phrase: str) -> tuple[str, str]:
    """Canonical (short, long) jenis for a phrase such as ``Peraturan Pemerintah``."""
    squeezed = re.sub(r"\s+", " ", phrase).strip()
    for short, long, pattern in JENIS:
        if re.fullmatch(pattern, squeezed, re.IGNORECASE):
            if short == "Perda":
                kab = re.search(r"Kabupaten|Kota", squeezed, re.IGNORECASE)
                return short, squeezed if kab else long
            return short, long
    return squeezed, squeezed


def hierarchy_level(jenis: str, jenis_long: str = "") -> int | None:
    """Level in UU 12/2011 Pasal 7 ayat (1); ``None`` for types outside it (Pasal 8)."""
    if jenis == "Perda" and re.search(r"Kabupaten|Kota", jenis_long, re.IGNORECASE):
        return 7
    return HIERARCHY.get(jenis)


def find_refs(text: str) -> list[tuple[RegulationRef, int, int]]:
    """Every ``<jenis> Nomor N Tahun YYYY`` in ``text`` with its span (text must be normalised)."""
    refs = []
    for match in _REF_RE.finditer(text):
        tahun = fix_year(match["tahun"])
        nomor = fix_number(match["nomor"]).lstrip("0") or "0"
        if tahun is None or not nomor.isdigit():
            continue
        short, _ = jenis_of(match["jenis"])
        refs.append((RegulationRef(jenis=short, nomor=nomor, tahun=tahun), *match.span()))
    return refs


def parse_citation(label: str) -> RegulationRef | None:
    """``'UU 5/2014'`` or ``'Undang-Undang Nomor 5 Tahun 2014'`` → a reference."""
    match = re.fullmatch(r"\s*([A-Za-z ]+?)\s+(\d+)\s*/\s*(\d{4})\s*", label)
    if match:
        return RegulationRef(jenis=match[1], nomor=match[2], tahun=int(match[3]))
    refs = find_refs(normalise_text(label))
    return refs[0][0] if refs else None


# --------------------------------------------------------------------------- mentions in a claim

#: how a sentence of a brief names a regulation type (case as written): the long names of
#: :data:`JENIS` for the types a brief cites, and their usual abbreviations → the short name
_MENTION_SHORTS = ("Perppu", "UU", "PP", "Perpres", "Permen", "Perda")
_MENTION_JENIS = {long: short for short, long, _ in JENIS if short in _MENTION_SHORTS} | {
    short: short for short in _MENTION_SHORTS
}
# longest first, so "Peraturan Pemerintah Pengganti Undang-Undang" wins over "Peraturan Pemerintah"
_MENTION_ALT = "|".join(
    re.escape(phrase) for phrase in sorted(_MENTION_JENIS, key=len, reverse=True)
)
_MENTION_REG_RE = re.compile(
    rf"\b(?P<jenis>{_MENTION_ALT})\s+(?:Republik Indonesia\s+)?(?:(?:Nomor|No\.?)\s*)?"
    r"(?P<nomor>\d+)\s*(?:/\s*|\s+(?:Tahun|tahun|TAHUN)\s+)(?P<tahun>(?:19|20)\d\d)\b"
)
_MENTION_PASAL_RE = re.compile(
    r"\bPasal\s+(?P<pasal>\d+[A-Z]?)(?![\w/])"
    r"(?:\s+ayat\s*\(\s*\d+[a-z]?\s*\))?(?:\s+huruf\s+[a-z]\b)?(?:\s+angka\s+\d+)?",
    re.IGNORECASE,
)
_MENTION_LOCATOR_RE = re.compile(
    r"\b(?:ayat\s*\(\s*\d+[a-z]?\s*\)(?:\s*[–-]\s*\(\s*\d+[a-z]?\s*\))?|huruf\s+[a-z]\b|"
    r"angka\s+\d+|Bab\s+[IVXLC]+\b|"
    r"ke-?\s?\d+|nomor\s+\d+\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mentions:
    """What a sentence names: regulations as ``(jenis, nomor, tahun)``, Pasal numbers (upper
    case, ``"27A"``), and the spans of every reference and locator (``ayat (2)``, ``huruf a``,
    ``Bab IV`` …), so the digits inside them are not read as figures."""

    regulations: frozenset[tuple[str, str, int]]
    pasal: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def find_mentions(text: str) -> Mentions:
    """The regulations, Pasal and locators named in a written sentence or a citation label.

    Unlike :func:`find_refs` (headers and OCR text: ``<jenis> Nomor N Tahun YYYY`` only, with
    OCR repair), this reads the way a brief writes: ``UU 5/2014``, ``PP Nomor 94 Tahun 2021``,
    ``Peraturan Pemerintah No. 94 tahun 2021``, ``Pasal 27 ayat (1) huruf a``. Regulation
    types are matched as written (case-sensitive).

    >>> sorted(find_mentions("menurut UU 5/2014 Pasal 87 ayat (4)").regulations)
    [('UU', '5', 2014)]
    """
    regs: set[tuple[str, str, int]] = set()
    pasal: set[str] = set()
    spans: list[tuple[int, int]] = []
    for m in _MENTION_REG_RE.finditer(text):
        regs.add((_MENTION_JENIS[m["jenis"]], m["nomor"].lstrip("0") or "0", int(m["tahun"])))
        spans.append(m.span())
    for m in _MENTION_PASAL_RE.finditer(text):
        pasal.add(m["pasal"].upper())
        spans.append(m.span())
    for m in _MENTION_LOCATOR_RE.finditer(text):
        spans.append(m.span())
    return Mentions(frozenset(regs), frozenset(pasal), tuple(sorted(spans)))
