"""The shared text rules exist once: every output names a status from one table, and every
stage reads citation markers with one grammar."""

from __future__ import annotations

import pytest

from pipeline.text.labels import NOT_IN_FORCE, STATUS_LABELS, STATUSES, status_label
from pipeline.text.markers import MARKER_RE, extract_markers, format_markers, strip_markers


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_status_has_one_label_in_each_language(lang: str) -> None:
    assert set(STATUS_LABELS[lang]) == set(STATUSES)
    assert set(NOT_IN_FORCE) < set(STATUSES)
    assert status_label("partially_revoked", "en") == "partially revoked"
    assert status_label("n/a", lang) is None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_app_and_the_exports_take_their_status_labels_from_the_table(lang: str) -> None:
    from pipeline.ui.texts import t

    for status in STATUSES:
        assert t(lang, status) == STATUS_LABELS[lang][status]


def test_the_marker_grammar_reads_lists_semicolons_and_ranges() -> None:
    text = "a [1] b [2, 4] c [5-7] d [3;8] e [1]"
    assert extract_markers(text) == [1, 2, 4, 5, 6, 7, 3, 8]
    assert [m[0] for m in MARKER_RE.finditer(text)] == ["[1]", "[2, 4]", "[5-7]", "[3;8]", "[1]"]
    assert strip_markers("Ada 7 anggota [1-2].") == "Ada 7 anggota ."
    assert format_markers([3, 1]) == "[3, 1]" and format_markers([]) == ""
    assert extract_markers("[1-2000]") == [1, 2000]  # too long to be a range


def test_the_app_links_every_marker_the_verifier_reads() -> None:
    """A range and a semicolon list become one link per passage (the app read only [1, 2])."""
    from pipeline.ui.render import render_brief
    from tests.test_app import brief

    b = brief()
    first = b.sections[0].sentences[0]
    b.sections[0].sentences[0] = first.model_copy(
        update={"text": "Badan publik wajib mengumumkan informasi [1-2] dan [1;2]."}
    )
    out = render_brief(b, "id")
    for n in (1, 2):
        assert out.count(f'href="#ref-{n}" data-ref="{n}">[{n}]</a>') >= 2
    assert "[1-2]" not in out and "[1;2]" not in out
