"""Read files into :class:`~pipeline.types.Document` records: PDF, DOCX, HTML, Markdown/text, tables.

Three calls make up the API::

    doc = read_file("uu-14-2008.md")                 # one file, in this process; raises IngestError
    report = ingest_paths(["docs/", "*.pdf"])         # a batch: never stops on a bad file
    paths = expand_paths(["docs/", "data/**/*.csv"])  # what a batch would read

:func:`read_file` runs the guards (size, real content type, zip bombs), one format
:class:`~pipeline.ingest.base.Reader`, then what every format shares: hashing, pages and offsets,
title, language, and :func:`pipeline.legal.parse_regulation`. :func:`ingest_paths` runs
:func:`read_file` in worker processes (:mod:`pipeline.ingest.worker`) with a per-file time
limit and a memory cap, and reports every file it could not read in ``IngestReport.skipped``.
"""

from pipeline.ingest.base import Reader
from pipeline.ingest.batch import IngestReport, expand_paths, ingest_paths
from pipeline.ingest.read import READERS, read_file, reader_for

__all__ = [
    "READERS",
    "IngestReport",
    "Reader",
    "expand_paths",
    "ingest_paths",
    "read_file",
    "reader_for",
]
