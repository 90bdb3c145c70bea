"""When a regulation was made and from when it applies, read from its closing formula.

The closing of an Indonesian regulation says where and when it was enacted ("Disahkan di
Jakarta pada tanggal 18 Maret 2015" for a UU, "Ditetapkan …" for the others) and promulgated
("Diundangkan di Jakarta pada tanggal …"); its last Pasal says when it takes effect ("…
mulai berlaku pada tanggal diundangkan", "… 2 (dua) tahun sejak tanggal diundangkan").
OCR garbles both ("tansgal", "16 Jtni2O22"): numbers are repaired where a number is expected and a
month name is matched to the nearest one. A date that cannot be read stays ``None`` with a note
saying so; nothing is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass

from pipeline.legal.headings import PENJELASAN_RE
from pipeline.legal.refs import fix_number

__all__ = ["RegulationDates", "parse_date", "regulation_dates"]

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
}
_DATE = r"(?P<d>[0-9OIlLS](?:\s?[0-9OIlLS](?![a-z]))?)\s*(?P<m>[A-Za-z]{3,10})\s*(?P<y>[12][0-9OIlS]\s?[0-9OIlS]{2})"
_CLOSING = re.compile(
    r"(?P<kind>Disahkan|Ditetapkan|Diundangkan)\s+di\s*(?:[A-Z][a-z]+)?\s*,?\s*pada\s+\S{3,9}\s+"
    + _DATE
)
_COMMENCE = re.compile(r"\bini\s+mulai\s+berlaku\s+(?P<rule>[^.;]{0,160})")
_AFTER = re.compile(
    r"(?:setelah\s+|dalam\s+jangka\s+waktu\s+)?(?P<n>\d{1,3})\s*(?:\([a-z ]+\)\s*)?"
    r"(?P<unit>tahun|bulan|hari)\s+(?:terhitung\s+)?sejak\s+(?:tanggal\s+)?diundangkan"
)


@dataclass(frozen=True)
class RegulationDates:
    """Enacted (disahkan / ditetapkan), promulgated (diundangkan), in force from; ``note`` says
    what could not be read or how the date in force was found."""

    enacted: dt.date | None
    promulgated: dt.date | None
    effective: dt.date | None
    note: str = ""


def parse_date(day: str, month: str, year: str) -> dt.date | None:
    """``('3 1', 'Agustus', '2O2l')`` → 2021-08-31; ``None`` when it is not a real date."""
    name = month.lower()
    if name not in _MONTHS:
        close = difflib.get_close_matches(name, list(_MONTHS), n=1, cutoff=0.6)
        if not close:
            return None
        name = close[0]
    try:
        return dt.date(int(fix_number(year)), _MONTHS[name], int(fix_number(day)))
    except ValueError:
        return None


def regulation_dates(text: str, body_end: int | None = None) -> RegulationDates:
    """The dates of the regulation whose full text is ``text``.

    ``body_end`` is where its Penjelasan or Lampiran starts (examples quoted there, as in the
    drafting guide of UU 12/2011, are not this regulation's dates); by default, where the
    Penjelasan starts, else the whole text (the first closing formula wins).
    """
    if body_end is None:
        start = PENJELASAN_RE.search(text)
        body_end = start.start() if start else None
    body = text[:body_end] if body_end else text
    found: dict[str, dt.date] = {}
    for m in _CLOSING.finditer(body):
        kind = "enacted" if m["kind"] in ("Disahkan", "Ditetapkan") else "promulgated"
        day = parse_date(m["d"], m["m"], m["y"])
        if day is not None and kind not in found:
            found[kind] = day
    enacted, promulgated = found.get("enacted"), found.get("promulgated")
    notes = []
    if promulgated is None:
        notes.append("tanggal diundangkan tidak terbaca")
    commence = [m["rule"].strip() for m in _COMMENCE.finditer(body)]
    rule = commence[-1] if commence else ""
    effective = None
    if not rule:
        notes.append("ketentuan mulai berlaku tidak ditemukan")
    elif re.match(
        r"(?:dan\s+mempunyai\s+kekuatan\s+mengikat\s+)?(?:pada|sejak)\s+(?:tanggal|saat)\s+diundangkan",
        rule,
    ):
        effective = promulgated
    elif (after := _AFTER.search(rule)) and promulgated is not None:
        effective = _add(promulgated, int(after["n"]), after["unit"])
        notes.append(f"mulai berlaku {after[0]}")
    elif (on := re.search(r"pada\s+tanggal\s+" + _DATE, rule)) is not None:
        effective = parse_date(on["d"], on["m"], on["y"])
    else:
        notes.append(f"tanggal mulai berlaku tidak terbaca: 'mulai berlaku {rule[:80]}'")
    return RegulationDates(enacted, promulgated, effective, "; ".join(notes))


def _add(day: dt.date, n: int, unit: str) -> dt.date:
    if unit == "hari":
        return day + dt.timedelta(days=n)
    months = day.month - 1 + n * (12 if unit == "tahun" else 1)
    year, month = day.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
