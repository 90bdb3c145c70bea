"""Search filters: the keys, reading them from ``key=value`` text, and the boolean mask of the
chunks that pass them (FAISS searches only inside it; BM25 scores outside it are dropped)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.errors import FilterError

if TYPE_CHECKING:
    from pipeline.store.loaded import LoadedIndex

__all__ = ["FILTER_KEYS", "FilterError", "filter_mask", "parse_filters", "year_range"]

FILTER_KEYS = ("jenis", "tahun", "region", "language", "status", "doc_id", "kind")


def parse_filters(items: list[str] | None) -> dict[str, Any]:
    """``["jenis=UU,PP", "tahun=2010..2020"]`` → ``{"jenis": ["UU","PP"], "tahun": (2010, 2020)}``."""
    filters: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in FILTER_KEYS:
            raise FilterError(f"cannot read filter {item!r}; keys: {', '.join(FILTER_KEYS)}")
        if key == "tahun":
            filters[key] = year_range(value)
        else:
            filters[key] = [v.strip() for v in value.split(",") if v.strip()]
    return filters


def year_range(value: Any) -> tuple[int, int]:
    """``2015`` → (2015, 2015); ``"2010..2020"``, ``(2010, None)``, ``"..2020"`` → a range."""
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0] or 0), int(value[1] or 9999)
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:\.\.|-|–)?\s*(\d{4})?\s*", str(value))
    if not match or not (match[1] or match[2]):
        raise FilterError(
            f"cannot read year range {value!r} (use 2010..2020, 2015, 2010.., ..2020)"
        )
    if "." not in str(value) and "-" not in str(value) and "–" not in str(value):
        year = int(match[1] or match[2])
        return year, year
    return int(match[1] or 0), int(match[2] or 9999)


def filter_mask(state: LoadedIndex, filters: dict[str, Any] | None) -> np.ndarray | None:
    """A boolean mask of the chunks that pass ``filters`` (``None`` when there are none)."""
    if not filters:
        return None
    mask = np.ones(state.n, dtype=bool)
    for key, value in filters.items():
        if value is None or value == [] or value == "":
            continue
        if key == "tahun":
            low, high = year_range(value)
            column = state.meta["tahun"]
            mask &= (column >= low) & (column <= high)
            continue
        if key not in FILTER_KEYS:
            raise FilterError(f"unknown filter {key!r}; keys: {', '.join(FILTER_KEYS)}")
        wanted = [value] if isinstance(value, str) else list(value)
        if key == "jenis":
            wanted = [w.lower() for w in wanted]
        if key == "region":
            wanted = [w.upper() for w in wanted]
        mask &= state.meta[key].isin(wanted)
    return mask
