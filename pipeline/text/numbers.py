"""Indonesian (and English) number parsing and formatting.

Indonesian writes ``2.161.000`` for two million one hundred sixty-one thousand and ``9,36`` for
nine point three six; English does the opposite. :func:`parse_number` reads one value,
:func:`find_numbers` finds every number in a sentence (with its unit, scale word and whether it is
a year) so the verifier can compare a brief's numbers with a cited evidence card, and
:func:`format_number_id` writes a value the Indonesian way.

Ambiguous tokens are read Indonesian-first under ``locale="auto"``: a single separator followed by
exactly three digits (``1.234``, ``2,161``) is taken as a thousands group when written with a dot
and as a decimal when written with a comma, unless the integer part is ``0`` (``0.384``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Locale = Literal["id", "en", "auto"]

__all__ = [
    "MISSING_TOKENS",
    "NumberMention",
    "decimals_of",
    "find_numbers",
    "find_word_numbers",
    "format_number_id",
    "parse_number",
]

#: cell texts that mean "no value"
MISSING_TOKENS = frozenset(
    {"", "-", "—", "–", "−", "--", "...", "…", "..", "n/a", "na", "nan", "none", "null", "x", "*"}
)

#: scale words (lower case) and their factors; single letters only after "Rp"
SCALES: dict[str, float] = {
    "ribu": 1e3,
    "rb": 1e3,
    "thousand": 1e3,
    "juta": 1e6,
    "jt": 1e6,
    "million": 1e6,
    "miliar": 1e9,
    "milyar": 1e9,
    "billion": 1e9,
    "triliun": 1e12,
    "trilyun": 1e12,
    "trillion": 1e12,
}
_RP_LETTER_SCALES = {"m": 1e9, "t": 1e12, "k": 1e3}

_UNIT_WORDS: dict[str, str] = {
    "%": "persen",
    "persen": "persen",
    "percent": "persen",
    "per cent": "persen",
    "pct": "persen",
    "jiwa": "jiwa",
    "orang": "orang",
    "penduduk": "jiwa",
    "people": "orang",
    "persons": "orang",
    "rupiah": "rupiah",
    "poin": "poin",
    "points": "poin",
    "point": "poin",
    "km": "km",
    "ha": "ha",
    "ton": "ton",
    "kg": "kg",
    "unit": "unit",
    "rumah tangga": "rumah tangga",
    "ruta": "rumah tangga",
    "kk": "kk",
}

_MINUS = "-−–"  # hyphen-minus, minus sign, en dash
_NUM_CORE = r"\d(?:[\d.,]*\d)?"
_SINGLE_RE = re.compile(
    rf"^(?P<sign>[{_MINUS}])?\s*(?:rp\.?|idr|usd|\$)?\s*(?P<sign2>[{_MINUS}])?\s*"
    rf"(?P<num>{_NUM_CORE})\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_SCALE_ALT = "|".join(sorted(SCALES, key=len, reverse=True))
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNIT_WORDS, key=len, reverse=True))
_MENTION_RE = re.compile(
    rf"(?P<rp>\b(?:rp\.?|idr)\s*)?"
    rf"(?P<sign>(?:(?<=^)|(?<=[\s(\[:=]))[{_MINUS}]\s?)?"
    rf"(?<![\w.,])(?P<num>{_NUM_CORE})(?!\w)"
    rf"(?:\s*(?P<scale>{_SCALE_ALT})\b)?"
    rf"(?:\s*(?P<unit>{_UNIT_ALT})(?!\w))?",
    re.IGNORECASE,
)
_RP_LETTER_RE = re.compile(r"\s?(?P<letter>[MTK])\b")


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number found in text: its value (scale applied), the raw text, where it is, and what."""

    value: float
    raw: str
    start: int
    end: int
    unit: str | None = None
    scale: float = 1.0
    is_year: bool = False

    @property
    def is_percent(self) -> bool:
        return self.unit == "persen"

    @property
    def base_value(self) -> float:
        """The number as written, before the scale word (``2,5`` in ``Rp 2,5 triliun``)."""
        return self.value / self.scale if self.scale else self.value


def _token_to_float(token: str, locale: Locale) -> float | None:
    """Turn a digits-and-separators token into a float according to ``locale``."""
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal_sep = "." if token.rfind(".") > token.rfind(",") else ","
    elif dots or commas:
        sep = "." if dots else ","
        count = dots or commas
        int_part = token.partition(sep)[0]
        grouped = bool(re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})+", token))
        if count > 1:
            if not grouped:
                return None
            decimal_sep = "," if sep == "." else "."  # all separators are thousands groups
        else:
            looks_grouped = grouped and int_part not in {"0", ""}
            if locale == "id":
                thousands = sep == "." and looks_grouped
            elif locale == "en":
                thousands = sep == "," and looks_grouped
            else:  # auto: Indonesian first
                thousands = sep == "." and looks_grouped
            decimal_sep = ("," if sep == "." else ".") if thousands else sep
    else:
        decimal_sep = "."
    thousands_sep = "," if decimal_sep == "." else "."
    cleaned = token.replace(thousands_sep, "").replace(decimal_sep, ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_number(text: object, locale: Locale = "id") -> float | None:
    """Parse one value written in Indonesian or English format; ``None`` if it is missing.

    Handles ``"9,36"``, ``"2.161.000"``, ``"1.234,5"``, ``"1,234.5"`` (en), ``"9,36 persen"``,
    ``"12%"``, ``"Rp 2,5 triliun"`` (scale words ribu/juta/miliar/triliun and English ones),
    negatives (``-``, ``−``), and the missing markers ``""``, ``"-"``, ``"—"``, ``"..."``.
    Numbers (int/float) pass through; ``NaN`` becomes ``None``. Text with anything else after the
    number (``"12 apel"``) is not a number and gives ``None``.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return float(text)
    if isinstance(text, int | float):
        value = float(text)
        return None if math.isnan(value) else value
    raw = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if raw.lower() in MISSING_TOKENS:
        return None
    match = _SINGLE_RE.match(raw)
    if not match:
        return None
    value = _token_to_float(match["num"], locale)
    if value is None:
        return None
    rest = match["rest"].strip().lower().rstrip(".")
    factor = 1.0
    if rest:
        words = rest.split()
        if words and words[0] in SCALES:
            factor = SCALES[words[0]]
            words = words[1:]
        elif words and words[0] in _RP_LETTER_SCALES and raw.lower().startswith("rp"):
            factor = _RP_LETTER_SCALES[words[0]]
            words = words[1:]
        tail = " ".join(words)
        if tail and tail not in _UNIT_WORDS:
            return None
    if match["sign"] or match["sign2"]:
        value = -value
    return value * factor if factor != 1.0 else value


def decimals_of(value: float) -> int:
    """How many decimals the shortest exact representation of ``value`` has (``9.36`` → 2)."""
    text = repr(float(value))
    if "e" not in text and "n" not in text:
        frac = text.partition(".")[2]
        return 0 if frac in {"", "0"} else len(frac)
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def format_number_id(value: float, decimals: int | None = None) -> str:
    """Write ``value`` in Indonesian format: ``9,36``, ``2.161.000``, ``-1,5``.

    With ``decimals=None`` the shortest exact representation is used (no rounding, no float noise
    beyond what the value holds); otherwise the value is rounded to ``decimals`` places.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if decimals is None:
        decimals = min(decimals_of(value), 17)
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and set(text[1:]) <= set("0,."):
        text = text[1:]  # no "-0"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def find_numbers(text: str, locale: Locale = "auto") -> list[NumberMention]:
    """Every number in ``text`` with its value, raw text, span, unit, scale and year flag.

    ``"Kemiskinan turun menjadi 9,36 persen pada 2023, atau 2.161.000 jiwa"`` gives three
    mentions: 9.36 (persen), 2023 (``is_year``) and 2161000 (jiwa). ``Rp 2,5 triliun`` gives
    2.5e12 with unit ``rupiah`` and scale 1e12. Four-digit integers 1900–2100 without a unit
    or scale are flagged ``is_year``.
    """
    mentions: list[NumberMention] = []
    for match in _MENTION_RE.finditer(text):
        token = match["num"]
        value = _token_to_float(token, locale)
        if value is None:
            continue
        scale = 1.0
        end = match.end()
        if match["scale"]:
            scale = SCALES[match["scale"].lower()]
        unit = _UNIT_WORDS.get(match["unit"].lower()) if match["unit"] else None
        if match["rp"]:
            unit = "rupiah"
            if not match["scale"]:
                letter = _RP_LETTER_RE.match(text, match.end("num"))
                if letter:
                    scale = _RP_LETTER_SCALES[letter["letter"].lower()]
                    end = letter.end()
        elif unit is None and match["scale"]:
            after = re.match(r"\s*rupiah\b", text[end:], re.IGNORECASE)
            if after:
                unit = "rupiah"
                end += after.end()
        if match["sign"]:
            value = -value
        is_year = (
            token.isdigit()
            and len(token) == 4
            and 1900 <= int(token) <= 2100
            and scale == 1.0
            and unit is None
            and not match["sign"]
        )
        start = match.start("rp") if match["rp"] else match.start()
        mentions.append(
            NumberMention(
                value=value * scale,
                raw=text[start:end].strip(),
                start=start,
                end=end,
                unit=unit,
                scale=scale,
                is_year=is_year,
            )
        )
    return mentions


# --------------------------------------------------------------------------- numbers in words

_ID_UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_FIXED = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
_MULT = {"belas": None, "puluh": 10, "ratus": 100, "hundred": 100}
_THOUSAND = {"ribu", "thousand", "seribu"}
_BIG = {"juta": 1e6, "million": 1e6, "miliar": 1e9, "milyar": 1e9, "billion": 1e9, "triliun": 1e12}
_NUM_WORDS = set(_ID_UNITS) | set(_EN_UNITS) | set(_FIXED) | set(_MULT) | _THOUSAND | set(_BIG)
_WORD_SEQ_RE = re.compile(
    r"\b(?:" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")"
    r"(?:[\s-]+(?:" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r"))*\b",
    re.IGNORECASE,
)
_WORD_UNIT_RE = re.compile(r"\s*(persen|percent|%)", re.IGNORECASE)


def _words_value(words: list[str]) -> float | None:
    if words[0] in _MULT or words[0] in _BIG or words[0] in {"ribu", "thousand", "hundred"}:
        return None  # "belas", "juta" alone are not numbers
    total = group = unit = 0.0
    for word in words:
        if word in _ID_UNITS:
            unit += _ID_UNITS[word]
        elif word in _EN_UNITS:
            unit += _EN_UNITS[word]
        elif word in _FIXED:
            group += _FIXED[word]
        elif word == "belas":
            group += unit + 10
            unit = 0
        elif word in _MULT:
            if unit == 0:
                return None  # "puluh" alone is not a number
            group += unit * (_MULT[word] or 1)
            unit = 0
        elif word == "seribu":
            total += 1000
        elif word in _THOUSAND:
            total += (group + unit or 1) * 1000
            group = unit = 0
        elif word in _BIG:
            total = (total + group + unit or 1) * _BIG[word]
            group = unit = 0
    return float(total + group + unit)


_TIME_UNIT_AFTER = re.compile(
    r"\s+(?:hari|minggu|bulan|tahun|jam|days?|weeks?|months?|years?|hours?)\b", re.IGNORECASE
)


def find_word_numbers(text: str) -> list[NumberMention]:
    """Numbers written in words (Indonesian or English): ``empat belas`` → 14."""
    out = []
    for m in _WORD_SEQ_RE.finditer(text):
        words = [w.lower() for w in re.split(r"[\s-]+", m[0]) if w]
        if (
            len(words) == 1
            and words[0] in {"satu", "one", "nol", "zero"}
            and not _TIME_UNIT_AFTER.match(text, m.end())
        ):
            continue  # "salah satu", "one of": too ambiguous alone; "satu tahun" is a period
        value = _words_value(words)
        if value is None:
            continue
        end = m.end()
        unit = None
        after = _WORD_UNIT_RE.match(text, end)
        if after:
            unit = "persen"
            end = after.end()
        out.append(
            NumberMention(
                value=value, raw=text[m.start() : end], start=m.start(), end=end, unit=unit
            )
        )
    return out
