"""Tests of pipeline.draft's evidence-first parts: the fact sheet, the grammar, the sections the
facts write alone and the shared evidence."""
