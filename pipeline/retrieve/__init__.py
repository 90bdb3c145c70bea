"""Question → ranked, filtered, cited hits (see :mod:`pipeline.retrieve.search` for the steps).

``search(loaded_index, query, k=…, filters=…, mode=…)`` is called by
:meth:`pipeline.index.Index.search`; ``parse_filters`` reads ``key=value`` filter text.
"""

from pipeline.retrieve.filters import FILTER_KEYS, FilterError, filter_mask, parse_filters
from pipeline.retrieve.search import search

__all__ = ["FILTER_KEYS", "FilterError", "filter_mask", "parse_filters", "search"]
