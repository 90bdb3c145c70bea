"""The app's rendering helpers: escaping, highlighting, citations as links, edit round trip."""

from __future__ import annotations

import pytest

from pipeline.types import (
    Brief,
    BriefSection,
    BriefSentence,
    BriefSummary,
    Chunk,
    Hit,
    Reason,
    Source,
    Verdict,
)
from pipeline.ui.render import (
    edit_text,
    highlight,
    parse_edits,
    render_brief,
    render_hits,
    terms_of,
)
from pipeline.ui.texts import t

EVIL = 'Pasal 9 <script>alert(1)</script> <img src=x onerror="alert(2)"> & "kutip"'


def chunk(text: str) -> Chunk:
    return Chunk(
        id="d1-c1",
        doc_id="d1",
        kind="pasal",
        text=text,
        citation="UU 14/2008 Pasal 9",
        source="uu-14-2008.md",
        doc_title="Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
        pages=[1],
        char_start=0,
        char_end=len(text),
        language="id",
    )


def brief() -> Brief:
    good = Verdict(
        claim="x", verdict="supported", support=0.9, similarity=0.9, lexical=1.0, cited=[1]
    )
    bad = Verdict(
        claim="y",
        verdict="unsupported",
        reasons=[Reason(code="number_mismatch", message="999 is not in [1] <b>")],
        support=0.5,
        similarity=0.5,
        lexical=0.5,
        cited=[1],
    )
    return Brief(
        title="Kertas <Kebijakan>",
        topic="informasi publik",
        lang="id",
        template="memo.id",
        created="2026-11-29T10:00:00+00:00",
        sections=[
            BriefSection(
                key="latar_belakang",
                heading="Latar Belakang",
                kind="llm",
                sentences=[
                    BriefSentence(
                        text="Badan publik wajib mengumumkan informasi [1].", refs=[1], verdict=good
                    ),
                    BriefSentence(
                        text="Ada 999 badan publik <b>nakal</b> [1].", refs=[1], verdict=bad
                    ),
                ],
            ),
            BriefSection(key="dasar_hukum", heading="Dasar Hukum", kind="legal_basis"),
        ],
        references=[
            Source(
                n=1,
                kind="chunk",
                id="d1-c1",
                citation="UU 14/2008 Pasal 9",
                full_citation="Undang-Undang Nomor 14 Tahun 2008, Pasal 9",
                text="Setiap Badan Publik wajib mengumumkan Informasi Publik secara berkala. "
                + EVIL,
            )
        ],
        summary=BriefSummary(sentences=2, supported=1, weak=0, unsupported=1, supported_share=0.5),
    )


def test_highlight_escapes_and_marks_stems() -> None:
    out = highlight(EVIL + " mengumumkan", terms_of("diumumkan pasal"))
    assert "<script>" not in out and "&lt;script&gt;" in out and "<img" not in out
    assert "<mark>Pasal</mark>" in out and "&amp;" in out


def test_hits_are_escaped_cards_with_badges() -> None:
    hit = Hit(
        chunk=chunk(EVIL), score=1.0, rank=1, status="revoked", status_note="dicabut oleh <UU>"
    )
    out = render_hits([hit], "pasal", "id")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'class="pilar-badge revoked"' in out and "dicabut oleh &lt;UU&gt;" in out
    assert render_hits([], "x", "en") == "<p>No results.</p>"


def test_brief_links_markers_to_sources_and_shows_verdicts() -> None:
    out = render_brief(brief(), "id")
    assert '<a class="pilar-marker" href="#ref-1" data-ref="1">[1]</a>' in out
    assert 'id="ref-1"' in out and "<script>" not in out and "Kertas &lt;Kebijakan&gt;" in out
    assert 'data-verdict="unsupported"' in out and 'title="999 is not in [1] &lt;b&gt;"' in out
    assert "&lt;b&gt;nakal&lt;/b&gt;" in out
    # the source passage highlights the words of the sentences that cite it
    ref = out[out.index('id="ref-1"') :]
    assert "<mark>" in ref and "1 dari 2 kalimat didukung" in out


def test_edit_text_round_trip() -> None:
    text = edit_text(brief())
    assert text.startswith("### latar_belakang · Latar Belakang\n")
    edits = parse_edits(text.replace("999", "banyak"))
    assert list(edits) == ["latar_belakang"] and "banyak badan publik" in edits["latar_belakang"]


def test_interface_speaks_both_languages() -> None:
    assert t("id", "tab_search") == "Cari" and t("en", "tab_search") == "Search"
    assert t("xx", "search") == "Cari"  # unknown language falls back to Indonesian


# --------------------------------------------------------------------------- shared-server safety

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.ui.launch import launch_kwargs  # noqa: E402
from pipeline.ui.safety import RateLimiter, audit_event, safe_filename  # noqa: E402
from pipeline.ui.session import user_of  # noqa: E402


@given(name=st.one_of(st.text(max_size=400), st.binary(max_size=400)))
@settings(max_examples=400, deadline=None)
def test_any_upload_name_becomes_one_harmless_path_component(tmp_path_factory, name) -> None:
    safe = safe_filename(name)
    assert safe and safe not in {".", ".."} and not safe.startswith(".")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert len(safe.encode("utf-8")) <= 150
    assert all(ord(c) >= 32 and c != "\x7f" for c in safe)
    folder = tmp_path_factory.getbasetemp() / "uploads" / "ani"
    assert (folder / safe).resolve().parent == folder.resolve()


def test_hostile_upload_names() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\windows\\system.ini") == "system.ini"
    assert safe_filename("a\x00b.pdf") == "a_b.pdf"
    assert safe_filename(b"laporan-\xff\xfe.csv") == "laporan-\ufffd\ufffd.csv"
    assert safe_filename("..") == safe_filename("") == safe_filename("/") == "berkas"
    assert safe_filename(".bashrc") == "bashrc"
    long = safe_filename("perda" * 200 + ".docx")
    assert long.endswith(".docx") and len(long.encode()) <= 150
    wide = safe_filename("peraturan-é" * 60 + ".pdf")  # multi-byte: cut on a character boundary
    assert wide.endswith(".pdf") and len(wide.encode()) <= 150


def test_user_folder_names_cannot_escape() -> None:
    class Req:
        username = "../../root"
        session_hash = None

    assert user_of(Req()) == "root"
    assert user_of(None) == "anon"


def test_rate_limiter_is_a_sliding_window_per_user() -> None:
    limit = RateLimiter(3, window=60)
    assert limit.allow("ani", 2, now=0) == 2
    assert limit.allow("ani", 2, now=10) == 1  # only one left in this minute
    assert limit.allow("budi", 3, now=10) == 3  # others are not affected
    assert limit.allow("ani", 1, now=59) == 0
    assert limit.allow("ani", 5, now=61) == 2  # the first two have left the window


def test_audit_lines_from_many_threads_never_interleave(tmp_path) -> None:
    import json
    import threading

    from pipeline.settings import load_settings

    s = load_settings(home=tmp_path)
    topic = "ringkasan " * 500  # long lines: a torn write would show

    def work(i: int) -> None:
        for j in range(25):
            audit_event(s, f"u{i}", "draft", topic=topic, n=j)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lines = (tmp_path / "runs" / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 200
    assert all(json.loads(x)["topic"] == topic for x in lines)


def test_launch_blocks_runs_uploads_and_indexes_and_knows_every_user(tmp_path) -> None:
    from pipeline.settings import load_settings

    s = load_settings(
        home=tmp_path,
        app={"username": "admin", "password": "x1", "users": {"ani": "x2", "budi": "x3"}},
    )
    kwargs = launch_kwargs(s)
    blocked = set(kwargs["blocked_paths"])
    assert str((tmp_path / "runs").resolve()) in blocked
    assert str((tmp_path / "uploads").resolve()) in blocked
    assert str((tmp_path / "indexes").resolve()) in blocked  # settings.home holds the indexes too
    assert "allowed_paths" not in kwargs
    assert kwargs["auth"] == [("admin", "x1"), ("ani", "x2"), ("budi", "x3")]


def test_private_download_copies_are_swept(tmp_path) -> None:
    import os
    from pathlib import Path

    from pipeline.ui import safety

    source = tmp_path / "brief.md"
    source.write_text("# Ringkasan\n")
    first = Path(safety.private_copy(source))
    assert first.read_text() == "# Ringkasan\n" and first.parent.parent == safety.DOWNLOADS
    old = os.stat(first.parent).st_mtime - 7200
    os.utime(first.parent, (old, old))  # two hours old
    second = Path(safety.private_copy(source))
    assert second.exists() and not first.exists()


def test_a_pilar_error_reaches_the_analyst_with_its_help() -> None:
    """Every handler goes through `bound`: a PilarError becomes a gr.Error that carries the
    error's help text (it used to show as 'TypeName: message'), for plain and streaming ones."""
    import gradio as gr

    from pipeline.errors import IndexNotFoundError
    from pipeline.ui.handlers import bound

    def plain(state: object, query: str) -> str:
        raise IndexNotFoundError(f"no index for {query}")

    def streaming(state: object, query: str):
        yield "…"
        raise IndexNotFoundError(f"no index for {query}")

    for handler in (plain, streaming):
        wrapped = bound(handler, object())
        with pytest.raises(gr.Error) as caught:
            result = wrapped("KASN")
            if handler is streaming:
                list(result)
        shown = str(caught.value.message)
        assert "no index for KASN" in shown and IndexNotFoundError.help in shown
        assert "IndexNotFoundError" not in shown
