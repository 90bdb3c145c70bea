"""Which ``Pasal N`` in a text is a heading and which a reference; BAB, Bagian and Paragraf.

A ``Pasal N`` heading is accepted only when it does not read like a reference ("sebagaimana
dimaksud dalam Pasal 5", "Pasal 5 ayat (2)") and continues the numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.legal.refs import (
    NUM,
    fix_number,
)

PASAL_RE = re.compile(
    r"(?<![A-Za-z])P {0,2}a {0,2}s {0,2}a {0,2}[l1IJ]\s*(?P<num>(?:"
    + NUM
    + r")[A-Z]?|[IVX]{1,4})(?![\w])"
)
REF_PREV = {
    "dalam",
    "dan",
    "atau",
    "dengan",
    "pada",
    "oleh",
    "menurut",
    "berdasarkan",
    "ketentuan",
    "sampai",
    "hingga",
    "serta",
    "lihat",
    "di",
    "antara",
    "yakni",
    "yaitu",
    "sebagaimana",
    "dimaksud",
    "kecuali",
    "terhadap",
    "melanggar",
    "dari",
    "atas",
    "ke",
    "bahwa",
    "setelah",
    "sebelum",
    "tentang",
    "sehingga",
    "disisipkan",
    "diubah",
    "dihapus",
    "menjadi",
    "jo",
    "juncto",
    "sesuai",
    "mengenai",
    "melalui",
    "tercantum",
    "termuat",
    "diatur",
    "bunyi",
    "menyimpang",
    "pelaksanaan",
    "untuk",
    "bagi",
    "tersebut",
    "beserta",
}
REF_NEXT = re.compile(
    r"\s*(?:ayat|huruf|angka|dan\b|sampai|hingga|,|Undang(?!-Undang\s+ini)|UUD|"
    r"Peraturan(?!\s+(?:Pemerintah|Presiden|Daerah|Menteri)\s+ini)|tentang|jo\b|juncto|"
    r"s\.d|sd\b|berlaku\s+secara|tidak\s+berlaku|yang\s+mengatur|dapat\s+dilihat)",
)
#: where a regulation's Penjelasan starts ("PENJELASAN ATAS UNDANG-UNDANG …"): its body ends there
PENJELASAN_RE = re.compile(r"PENJELASAN\s*\n?\s*ATAS\s+(?:UNDANG|PERATURAN|P\s*E\s*R)")
AYAT_RE = re.compile(r"\(\s*(?P<num>[0-9lI]{1,2})\s*\)")


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    key: tuple[int, str]
    strength: int  # 2: own line or followed by "(1)"; 1: after a sentence end; 0: inline

    @property
    def strong(self) -> bool:
        return self.strength == 2


def pasal_key(token: str) -> list[tuple[int, str]]:
    """Possible readings of a Pasal number token: ``'2T'`` → 27 or (2, 'T'); ``'12A'``."""
    readings = []
    whole = fix_number(token)
    if whole.isdigit():
        readings.append((int(whole), ""))
    if len(token) > 1 and token[-1].isalpha() and token[-1].isupper():
        head = fix_number(token[:-1])
        if head.isdigit():
            readings.append((int(head), token[-1]))
    return readings


def prev_word(text: str, start: int) -> str:
    window = text[max(0, start - 40) : start].rstrip()
    if window.endswith((",", "/", "-")):
        return ","
    words = re.findall(r"[A-Za-z]+", window)
    return words[-1].lower() if words else ""


_SPLIT_RE = re.compile(r"(?<![A-Za-z])Pasal\s*(?P<num>\d \d{1,2})(?![\w])")


def heading_candidates(text: str, lo: int, hi: int) -> list[_Cand]:
    cands = []
    # OCR sometimes splits a number ("Pasal 1 1" for 11): a candidate, accepted only in sequence
    matches = sorted(
        [*PASAL_RE.finditer(text, lo, hi), *_SPLIT_RE.finditer(text, lo, hi)],
        key=lambda m: m.start(),
    )
    for m in matches:
        token = m["num"].replace(" ", "")
        if re.fullmatch(r"[IVX]+", token) and not re.fullmatch(r"[Il]", token):
            continue  # Roman: only in amending laws, handled apart
        prev = prev_word(text, m.start())
        # "… arsip tersebut.\nPasal 66" ends a sentence: the word before is no reference word
        after_sentence = re.search(r"[.;:]\s*\n\s*$", text[max(0, m.start() - 8) : m.start()])
        if (prev in REF_PREV or prev == ",") and not after_sentence:
            continue
        before = text[max(0, m.start() - 3) : m.start()]
        # "Pasal 87\nPeraturan Perundang-undangan mulai berlaku …": a line of its own is a
        # heading whatever word opens the next line
        alone = ("\n" in before or m.start() == 0) and re.match(r"[ \t]*\n", text[m.end() :])
        if REF_NEXT.match(text, m.end()) and not alone:
            continue
        after = text[m.end() : m.end() + 6]
        own_line = "\n" in before or m.start() == 0
        if own_line or re.match(r"\s*(\n|\(\s*[1lI]\s*\))", after):
            strength = 2
        elif re.search(r"[.;:]\s*$", before) and re.match(r"\s*[A-Z(]", after):
            strength = 1
        else:
            strength = 0
        for key in pasal_key(token):
            cands.append(_Cand(m.start(), m.end(), key, strength))
    return cands


def _next_keys(key: tuple[int, str]) -> list[tuple[int, str]]:
    number, suffix = key
    nxt = chr(ord(suffix) + 1) if suffix else "A"
    return [(number + 1, ""), (number, nxt)]


def choose_headings(cands: list[_Cand], first: int = 1) -> list[_Cand]:
    """Walk the numbering: at each step take the best candidate for the next expected key.

    The next key is N+1 or an inserted N+letter. When OCR lost a heading, a candidate a few
    numbers ahead is taken if it looks like a heading (gap ≤ 3 after a sentence end, ≤ 10 on its
    own line), so one lost heading does not end the walk.
    """
    chosen: list[_Cand] = []
    pos = -1
    expected = [(first, "")]
    while True:
        pick = None
        best_gap = 0
        for gap in range(0, 11):
            keys = expected if gap == 0 else [(expected[0][0] + gap, "")]
            if gap and not chosen:
                break
            options = [c for c in cands if c.start > pos and c.key in keys]
            if gap:
                options = [c for c in options if c.strength >= (1 if gap <= 3 else 2)]
            if options and (pick is None or options[0].start < pick.start):
                pick, best_gap = options[0], gap
        if pick is not None and not pick.strong:
            # a stronger candidate for the same key before the next number's first candidate
            same = [c for c in cands if c.start > pos and c.key == pick.key]
            following = [c for c in cands if c.start > pick.start and c.key[0] > pick.key[0]]
            limit = following[0].start if following else float("inf")
            better = [c for c in same if c.strength > pick.strength and c.start < limit]
            if better:
                pick = max(better, key=lambda c: (c.strength, -c.start))
        del best_gap
        if pick is None:
            break
        chosen.append(pick)
        pos = pick.end
        expected = _next_keys(pick.key)
    return chosen


def key_label(key: tuple[int, str]) -> str:
    return f"{key[0]}{key[1]}"


# --------------------------------------------------------------------------- divisions

BAB_RE = re.compile(
    r"(?<![A-Za-z])BAB\s+(?P<num>[IVXLC]{1,7}|[0-9]{1,2})\b\s*(?P<title>[A-Z][A-Z0-9 ,/&()'.-]{2,200}?)"
    r"(?=\s+(?:Bagian|Paragraf|Pasal)\b|\s*\n|\s+[A-Z][a-z])"
)
_BAGIAN_RE = re.compile(
    r"(?<![A-Za-z])Bagian\s+(?P<num>Ke[a-z]+|Pertama)\b\s*(?P<title>[^\n]{2,200}?)"
    r"(?=\s+(?:Paragraf|Pasal)\b|\s*\n)"
)
_PARAGRAF_RE = re.compile(
    r"(?<![A-Za-z])Paragraf\s+(?P<num>\d{1,2}|Ke[a-z]+)\b\s*(?P<title>[^\n]{2,200}?)(?=\s+Pasal\b|\s*\n)"
)


def find_divisions(text: str, lo: int, hi: int) -> list[tuple[int, str, str, str]]:
    found = []
    for kind, regex in (("BAB", BAB_RE), ("Bagian", _BAGIAN_RE), ("Paragraf", _PARAGRAF_RE)):
        for m in regex.finditer(text, lo, hi):
            if prev_word(text, m.start()) in REF_PREV:
                continue
            found.append((m.start(), kind, m["num"], re.sub(r"\s+", " ", m["title"]).strip()))
    return sorted(found)


# --------------------------------------------------------------------------- main entry
