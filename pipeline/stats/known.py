"""What Pilar knows about Indonesian indicators and region names.

A small table of known indicators (code, Indonesian name, unit, whether lower is better, whether a
zero can only be a placeholder, method breaks) and the province names with their spelling variants.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """Properties of an indicator that decide ranking, placeholders and comparability."""

    code: str
    name: str
    unit: str = ""
    rank_order: str = "desc"  # "asc" when lower is better
    nonzero: bool = False  # a 0 cannot be a real value: treat it as a placeholder
    break_year: int | None = None  # first year of a new method (no change across it)
    break_note: str | None = None


KNOWN_INDICATORS: tuple[tuple[IndicatorInfo, tuple[str, ...]], ...] = (
    (
        IndicatorInfo(
            "ipm",
            "Indeks Pembangunan Manusia (IPM)",
            "indeks",
            "desc",
            nonzero=True,
            break_year=2013,
            break_note="IPM: metode baru sejak 2013 (seri 2010-2012 metode lama tidak sebanding)",
        ),
        ("ipm", "hdi", "indeks pembangunan manusia", "human development"),
    ),
    (
        IndicatorInfo("poverty_rate", "Persentase penduduk miskin (P0)", "persen", "asc", True),
        (
            "poverty",
            "p0",
            "persentase penduduk miskin",
            "persentase miskin",
            "persentasemiskin",
            "tingkat kemiskinan",
            "poverty rate",
        ),
    ),
    (
        IndicatorInfo("tpt", "Tingkat Pengangguran Terbuka (TPT)", "persen", "asc", True),
        ("tpt", "pengangguran", "unemployment"),
    ),
    (
        IndicatorInfo("gini", "Rasio Gini", "rasio", "asc", True),
        ("gini", "giniratio", "rasio gini", "gini ratio"),
    ),
    (
        IndicatorInfo("inflation", "Inflasi", "persen", "asc", False),
        ("inflasi", "inflation"),
    ),
    (
        IndicatorInfo("grdp_growth", "Laju pertumbuhan PDRB", "persen", "desc", False),
        (
            "grdp_growth",
            "laju pdrb",
            "pertumbuhan ekonomi",
            "pertumbuhan pdrb",
            "lpe",
            "gdp growth",
            "grdp growth",
            "economic growth",
        ),
    ),
    (
        IndicatorInfo("kfd", "Kemampuan Fiskal Daerah (KFD)", "indeks", "desc", True),
        ("kfd", "kemampuan fiskal", "fiscal capacity"),
    ),
    (
        IndicatorInfo(
            "internet_use", "Proporsi individu yang menggunakan internet", "persen", "desc", True
        ),
        ("internet",),
    ),
    (
        IndicatorInfo("uhh", "Umur harapan hidup", "tahun", "desc", True),
        ("uhh", "umur harapan hidup", "angka harapan hidup", "life expectancy"),
    ),
    (
        IndicatorInfo("rls", "Rata-rata lama sekolah", "tahun", "desc", True),
        ("rls", "rata rata lama sekolah", "lama sekolah", "years of schooling"),
    ),
    (
        IndicatorInfo("tpak", "Tingkat Partisipasi Angkatan Kerja (TPAK)", "persen", "desc", True),
        (
            "tpak",
            "partisipasi angkatan kerja",
            "labour force participation",
            "labor force participation",
        ),
    ),
)
_BY_CODE = {info.code: info for info, _ in KNOWN_INDICATORS}

#: the English names of the known indicators (for the card vectors and English questions)
ENGLISH_NAMES: dict[str, str] = {
    "ipm": "Human Development Index (HDI)",
    "poverty_rate": "Poverty rate (P0)",
    "tpt": "Open unemployment rate",
    "gini": "Gini ratio",
    "inflation": "Inflation",
    "grdp_growth": "GRDP growth (economic growth)",
    "kfd": "Regional fiscal capacity",
    "internet_use": "Share of people using the internet",
    "uhh": "Life expectancy",
    "rls": "Mean years of schooling",
    "tpak": "Labour force participation rate",
}


def english_name(code: str) -> str | None:
    """The English name of a known indicator code."""
    return ENGLISH_NAMES.get(code)


#: how a question names an indicator beyond its table names: broader words that would be
#: wrong for a column ("Jumlah Penduduk Miskin" is a count, "Klasifikasi Kemiskinan" a class)
#: how a region level is named in the plural of a ranking ("peringkat 3 dari 34 provinsi"),
#: per language; and which end of a ranking rank 1 is, by rank order
LEVEL_NAMES: dict[str, dict[str, str]] = {
    "id": {"province": "provinsi", "kabupaten/kota": "kabupaten/kota", "region": "wilayah"},
    "en": {"province": "provinces", "kabupaten/kota": "regencies and cities", "region": "regions"},
}
RANK_ONE: dict[str, dict[str, str]] = {
    "id": {"asc": "terendah", "desc": "tertinggi"},
    "en": {"asc": "lowest", "desc": "highest"},
}


def is_percent(unit: str) -> bool:
    """Whether ``unit`` is a percentage ("persen", "percent", "%"): a change is then in points."""
    return normalise_text(unit).startswith(("percent", "persen")) or unit.strip() == "%"


def level_name(level: str, lang: str = "id") -> str:
    """The plural name of regions of ``level`` in ``lang`` (``level`` itself when unknown)."""
    return LEVEL_NAMES.get(lang, LEVEL_NAMES["id"]).get(level, level)


QUESTION_WORDS: dict[str, tuple[str, ...]] = {
    "poverty_rate": ("kemiskinan", "penduduk miskin", "poverty", "poor"),
    "tpt": ("unemployment rate", "jobless"),
    "ipm": ("human development index",),
    "grdp_growth": ("pertumbuhan ekonomi", "growth"),
    "inflation": ("inflation rate",),
    "internet_use": ("internet",),
}
_TARGET_WORDS = ("target", "rkp", "batas", "sasaran")


def normalise_text(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumerics → one space."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def slugify(text: str) -> str:
    """``"Persentase Penduduk Miskin (P0)"`` → ``"persentase_penduduk_miskin_p0"``."""
    return normalise_text(text).replace(" ", "_")[:80] or "indikator"


def lookup_indicator(raw: str, name: str = "") -> IndicatorInfo | None:
    """The known indicator ``raw`` (a code) or ``name`` (a description) refers to, if any.

    A code-like string (``poverty_rate``, ``tpt_rkp_target_lower``) matches only exactly, so
    targets and derived series are not mistaken for the indicator itself.
    """
    code = raw.strip()
    if code in _BY_CODE:
        return _BY_CODE[code]
    if re.fullmatch(r"[a-z0-9_]+", code) and "_" in code:
        return None
    for text in (code, name):
        norm = normalise_text(text)
        if not norm or any(word in norm.split() for word in _TARGET_WORDS):
            continue
        squashed = norm.replace(" ", "")
        for info, patterns in KNOWN_INDICATORS:
            for pattern in patterns:
                if " " in pattern and pattern in norm:
                    return info
                if " " not in pattern and (pattern in norm.split() or pattern == squashed):
                    return info
                if len(pattern) > 6 and " " not in pattern and pattern in squashed:
                    return info
    return None


# --------------------------------------------------------------------------- regions

PROVINCES: tuple[str, ...] = (
    "ACEH", "SUMATERA UTARA", "SUMATERA BARAT", "RIAU", "JAMBI", "SUMATERA SELATAN", "BENGKULU",
    "LAMPUNG", "KEPULAUAN BANGKA BELITUNG", "KEPULAUAN RIAU", "DKI JAKARTA", "JAWA BARAT",
    "JAWA TENGAH", "DI YOGYAKARTA", "JAWA TIMUR", "BANTEN", "BALI", "NUSA TENGGARA BARAT",
    "NUSA TENGGARA TIMUR", "KALIMANTAN BARAT", "KALIMANTAN TENGAH", "KALIMANTAN SELATAN",
    "KALIMANTAN TIMUR", "KALIMANTAN UTARA", "SULAWESI UTARA", "SULAWESI TENGAH",
    "SULAWESI SELATAN", "SULAWESI TENGGARA", "GORONTALO", "SULAWESI BARAT", "MALUKU",
    "MALUKU UTARA", "PAPUA BARAT", "PAPUA BARAT DAYA", "PAPUA", "PAPUA SELATAN", "PAPUA TENGAH",
    "PAPUA PEGUNUNGAN",
)  # fmt: skip

#: spelling variants and English names of provinces → the BPS name
REGION_ALIASES: dict[str, str] = {
    "KEP RIAU": "KEPULAUAN RIAU",
    "KEPRI": "KEPULAUAN RIAU",
    "KEP BANGKA BELITUNG": "KEPULAUAN BANGKA BELITUNG",
    "BANGKA BELITUNG": "KEPULAUAN BANGKA BELITUNG",
    "KEP BABEL": "KEPULAUAN BANGKA BELITUNG",
    "BABEL": "KEPULAUAN BANGKA BELITUNG",
    "D I YOGYAKARTA": "DI YOGYAKARTA",
    "DAERAH ISTIMEWA YOGYAKARTA": "DI YOGYAKARTA",
    "YOGYAKARTA": "DI YOGYAKARTA",
    "DIY": "DI YOGYAKARTA",
    "JAKARTA": "DKI JAKARTA",
    "D K I JAKARTA": "DKI JAKARTA",
    "DAERAH KHUSUS IBUKOTA JAKARTA": "DKI JAKARTA",
    "DAERAH KHUSUS JAKARTA": "DKI JAKARTA",
    "DKI": "DKI JAKARTA",
    "NAD": "ACEH",
    "NANGGROE ACEH DARUSSALAM": "ACEH",
    "DI ACEH": "ACEH",
    "NTB": "NUSA TENGGARA BARAT",
    "NTT": "NUSA TENGGARA TIMUR",
    "SUMUT": "SUMATERA UTARA",
    "SUMBAR": "SUMATERA BARAT",
    "SUMSEL": "SUMATERA SELATAN",
    "SUMATRA UTARA": "SUMATERA UTARA",
    "SUMATRA BARAT": "SUMATERA BARAT",
    "SUMATRA SELATAN": "SUMATERA SELATAN",
    "IRIAN JAYA BARAT": "PAPUA BARAT",
    # English names, as analysts write them
    "RIAU ISLANDS": "KEPULAUAN RIAU",
    "BANGKA BELITUNG ISLANDS": "KEPULAUAN BANGKA BELITUNG",
    "SPECIAL REGION OF YOGYAKARTA": "DI YOGYAKARTA",
    "NORTH SUMATRA": "SUMATERA UTARA",
    "WEST SUMATRA": "SUMATERA BARAT",
    "SOUTH SUMATRA": "SUMATERA SELATAN",
    "WEST JAVA": "JAWA BARAT",
    "CENTRAL JAVA": "JAWA TENGAH",
    "EAST JAVA": "JAWA TIMUR",
    "WEST NUSA TENGGARA": "NUSA TENGGARA BARAT",
    "EAST NUSA TENGGARA": "NUSA TENGGARA TIMUR",
    "WEST KALIMANTAN": "KALIMANTAN BARAT",
    "CENTRAL KALIMANTAN": "KALIMANTAN TENGAH",
    "SOUTH KALIMANTAN": "KALIMANTAN SELATAN",
    "EAST KALIMANTAN": "KALIMANTAN TIMUR",
    "NORTH KALIMANTAN": "KALIMANTAN UTARA",
    "NORTH SULAWESI": "SULAWESI UTARA",
    "CENTRAL SULAWESI": "SULAWESI TENGAH",
    "SOUTH SULAWESI": "SULAWESI SELATAN",
    "SOUTHEAST SULAWESI": "SULAWESI TENGGARA",
    "SOUTH EAST SULAWESI": "SULAWESI TENGGARA",
    "WEST SULAWESI": "SULAWESI BARAT",
    "NORTH MALUKU": "MALUKU UTARA",
    "MOLUCCAS": "MALUKU",
    "NORTH MOLUCCAS": "MALUKU UTARA",
    "WEST PAPUA": "PAPUA BARAT",
    "SOUTHWEST PAPUA": "PAPUA BARAT DAYA",
    "SOUTH PAPUA": "PAPUA SELATAN",
    "CENTRAL PAPUA": "PAPUA TENGAH",
    "HIGHLAND PAPUA": "PAPUA PEGUNUNGAN",
}
_PROVINCE_SET = frozenset(PROVINCES)


def region_key(name: str) -> str:
    """Upper case, punctuation → space, single spaces: ``"Kep. Riau"`` → ``"KEP RIAU"``."""
    return normalise_text(name).upper()


def canonical_province(name: str) -> str | None:
    """The BPS province name for a spelling variant, or ``None`` if it is not a province.

    ``KEP. RIAU``/``Kepulauan Riau``/``KEP, RIAU`` → ``KEPULAUAN RIAU``;
    ``D.I. Yogyakarta``/``DAERAH ISTIMEWA YOGYAKARTA`` → ``DI YOGYAKARTA``; ``Jakarta`` →
    ``DKI JAKARTA``.
    """
    key = region_key(name)
    for prefix in ("PROVINSI ", "PROV "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    if key in _PROVINCE_SET:
        return key
    if key in REGION_ALIASES:
        return REGION_ALIASES[key]
    if key.startswith("KEPULAUAN "):
        return None
    return None


def canonical_region(name: str, national_names: list[str]) -> tuple[str, bool]:
    """Canonical name of a region and whether it is the national aggregate."""
    key = region_key(name)
    if key in {region_key(n) for n in national_names}:
        return key, True
    province = canonical_province(name)
    if province:
        return province, False
    return " ".join(str(name).split()), False
