"""The analysts' app in a real browser: Playwright driving Debian's headless chromium against
``app.py`` served on localhost (a real subprocess, a real index, a scripted model in the fast
tests and the default model in the slow one). Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.testing import index_with_hash_embedder, serve_app
from tests.conftest import ROOT, SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
PILAR = Path(sys.executable).with_name("pilar")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is needed (make install puts it there)"
)

REPLY = (
    "Disiplin PNS adalah kesanggupan PNS untuk menaati kewajiban dan menghindari larangan [1]. "
    "Jumlah PNS yang bolos mencapai 999 persen [1]."
)
NEW_REGULATION = """# PERATURAN DAERAH KOTA CONTOH NOMOR 7 TAHUN 2024 TENTANG LAYANAN ARSIP DIGITAL

## BAB I KETENTUAN UMUM

Pasal 1
Arsip digital kota wajib dapat diakses warga paling lambat 14 hari kerja setelah permohonan.

Pasal 2
Catatan penyusun: <script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">
Lihat <a href="https://phish.example/login">portal resmi</a> atau https://phish.example/masuk
dan [unduh](https://phish.example/berkas.exe).
"""


def start_app(home: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    return serve_app(ROOT / "app.py", home, {"PILAR_APP__MAX_UPLOAD_MB": "1", **env_extra})


def build_index(home: Path) -> None:
    # our own base Perda and its two amending Perda, for the Pasal timeline
    laws = ROOT / "tests" / "legal" / "laws"
    index_with_hash_embedder(
        [SAMPLES / "regulations", SAMPLES / "stats", laws], home / "indexes" / "uji"
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app")
    build_index(folder)
    (folder / "reply.txt").write_text(REPLY)
    return folder


@pytest.fixture(scope="module")
def app_url(home: Path) -> Iterator[str]:
    proc, url = start_app(
        home,
        {
            "PILAR_LLM__BACKEND": "scripted",
            "PILAR_LLM__MODEL": str(home / "reply.txt"),
            # every model sentence stays, flagged: the page must show an unsupported one
            # (with "verified", the default, the 999 sentence would be left out)
            "PILAR_DRAFT__MODEL_SENTENCES": "all",
        },
    )
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1300, "height": 1600}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#documents", timeout=60_000)


def test_upload_is_indexed_listed_and_escaped(page, app_url: str, home: Path, tmp_path: Path):
    open_app(page, app_url)
    doc = tmp_path / "perda-7-2024-arsip-digital.md"
    doc.write_text(NEW_REGULATION, encoding="utf-8")
    big = tmp_path / "terlalu-besar.txt"
    big.write_text("kata " * 500_000)  # 2.5 MB, over the 1 MB limit of this server
    page.locator("#upload input[type=file]").set_input_files([str(doc)])
    page.locator("#index-btn").click()
    page.wait_for_function(
        "document.querySelector('#index-status').innerText.includes('Terindeks')", timeout=60_000
    )
    table = page.locator("#documents")
    table.get_by_text("ARSIP DIGITAL", exact=False).first.wait_for(timeout=30_000)
    # kept apart per user (here: per browser session)
    stored = list((home / "uploads").glob("*/perda-7-2024-arsip-digital.md"))
    assert len(stored) == 1

    # document text is data: searching shows it escaped, nothing runs
    page.get_by_role("tab", name="Cari").click()
    page.locator("#query textarea").fill("catatan penyusun arsip digital")
    page.locator("#search-btn").click()
    page.wait_for_selector("#results .pilar-hit", timeout=30_000)
    assert "<script>" in page.locator("#results").inner_text()
    assert page.evaluate("window.__pwned") is None
    # links in a document are shown as text, never as something to click
    page.locator("#results .pilar-hit summary").first.click()  # the document in context too
    assert "phish.example" in page.locator("#results").inner_text()
    assert page.locator("a[href*='phish']").count() == 0

    # remove it again: the document leaves the table
    page.get_by_role("tab", name="Pustaka").click()
    page.locator("#doc-pick input").click()
    page.get_by_role("option", name=str(stored[0].resolve()), exact=False).click()
    page.locator("#delete-btn").click()
    page.wait_for_function(
        "document.querySelector('#index-status').innerText.includes('Dihapus')", timeout=60_000
    )
    assert table.get_by_text("ARSIP DIGITAL", exact=False).count() == 0

    # an oversized upload is refused with a message, and nothing is stored
    page.locator("#upload input[type=file]").set_input_files([str(big)])
    page.get_by_text("maximum allowed size", exact=False).first.wait_for(timeout=30_000)
    assert not list((home / "uploads").glob("*/terlalu-besar.txt"))


def test_search_shows_highlighted_cited_hits(page, app_url: str):
    open_app(page, app_url)
    page.get_by_role("tab", name="Cari").click()
    page.locator("#query textarea").fill("hukuman disiplin berat bagi PNS yang bolos")
    page.locator("#search-btn").click()
    page.wait_for_selector("#results .pilar-hit", timeout=30_000)
    first = page.locator("#results .pilar-hit").first
    assert "PP 94/2021 Pasal" in first.locator(".pilar-cite").inner_text()
    assert first.locator("mark").count() > 0
    first.locator("summary").click()  # the Pasal in its document
    assert first.locator(".pilar-context").is_visible()


def test_a_figure_question_is_answered_first_with_its_cell_and_series(page, app_url: str):
    open_app(page, app_url)
    page.get_by_role("tab", name="Cari").click()
    page.locator("#query textarea").fill("Berapa TPT Kepulauan Riau tahun 2020?")
    page.locator("#search-btn").click()
    page.wait_for_selector("#results .pilar-series", timeout=30_000)
    first = page.locator("#results .pilar-hit").first
    assert "row 142" in first.locator(".pilar-cite").inner_text()
    assert "10,34 persen" in first.locator(".pilar-passage").inner_text()
    chosen = first.locator(".pilar-series circle.chosen")
    assert chosen.count() == 1 and "2020: 10,34" in chosen.locator("title").text_content()
    assert first.locator(".pilar-series circle").count() == 11  # 2012–2022


def test_an_amended_pasal_opens_with_its_timeline_and_changes(page, app_url: str):
    open_app(page, app_url)
    page.get_by_role("tab", name="Cari").click()
    # from a hit: the wording in force, cited to both laws, and the timeline behind a toggle
    page.locator("#query textarea").fill("anggota perpustakaan meminjam paling banyak buku")
    page.locator("#search-btn").click()
    page.wait_for_selector("#results .pilar-in-force", timeout=30_000)
    # (the first hit may be the latest change itself: its block names the wording, not repeats it)
    now = page.locator("#results .pilar-in-force").filter(has=page.locator(".pilar-passage")).first
    assert "Perda 3/2018 Pasal 3 jo. Perda 5/2022 Pasal I angka 1" in now.inner_text()
    assert "5 (lima) buku" in now.locator(".pilar-passage").inner_text()
    now.locator("summary").click()
    versions = now.locator(".pilar-timeline li")
    assert versions.count() == 3
    assert "2020-02-12" in versions.nth(1).inner_text()
    assert versions.nth(2).locator("ins").first.inner_text() == "5 (lima)"
    assert versions.nth(2).locator("del").first.inner_text() == "3 (tiga)"
    # from a reference, as of a date: the wording then, the version then marked
    page.locator("#pasal-ref textarea").fill("Perda 3/2018 Pasal 3")
    page.locator("#pasal-date textarea").fill("2021-01-01")
    page.locator("#pasal-btn").click()
    page.wait_for_selector("#pasal .pilar-pasal", timeout=30_000)
    shown = page.locator("#pasal .pilar-pasal")
    assert "3 (tiga) buku" in shown.locator(".pilar-passage").first.inner_text()
    assert "diubah" in shown.locator(".pilar-kind").inner_text()
    current = shown.locator(".pilar-timeline li.pilar-current")
    assert "Perda 2/2020 Pasal I angka 1" in current.inner_text()
    page.screenshot(path=str(ARTIFACTS / "test_pasal_timeline.png"), full_page=True)
    # a reference that does not exist names the nearest ones
    page.locator("#pasal-ref textarea").fill("Perda 3/2018 Pasal 12")
    page.locator("#pasal-btn").click()
    page.get_by_text("nearest: Pasal 7, Pasal 6", exact=False).first.wait_for(timeout=30_000)


def test_draft_cite_verify_and_download(page, app_url: str, home: Path):
    open_app(page, app_url)
    page.get_by_role("tab", name="Draf").click()
    page.locator("#topic textarea").fill("disiplin pegawai negeri sipil")
    page.locator("#draft-btn").click()
    page.wait_for_selector("#brief .pilar-verdict", timeout=120_000)
    verdicts = page.locator("#brief .pilar-verdict")
    kinds = [verdicts.nth(i).get_attribute("data-verdict") for i in range(verdicts.count())]
    assert "supported" in kinds and "unsupported" in kinds  # 999 persen is not in the source
    wrong = page.locator("#brief .pilar-verdict.unsupported")
    titles = [wrong.nth(i).get_attribute("title") or "" for i in range(wrong.count())]
    assert any("999" in t for t in titles), titles  # the reason, on hover

    marker = page.locator("#brief a.pilar-marker").first
    n = marker.get_attribute("data-ref")
    marker.click()
    page.wait_for_function(f"location.hash === '#ref-{n}'")
    source = page.locator(f"#ref-{n}")
    assert source.is_visible() and source.locator("mark").count() > 0

    with page.expect_download() as info:
        page.locator("#dl-docx").click()
    target = Path(info.value.path())
    import docx

    document = docx.Document(str(target))
    texts = [p.text for p in document.paragraphs]
    assert any("disiplin pegawai negeri sipil" in t for t in texts)
    assert any("Peraturan Pemerintah Nomor 94 Tahun 2021" in t for t in texts)

    # redraft one section: the model is asked again, with a new seed, and the brief re-renders
    page.locator("#section-pick input").click()
    page.get_by_role("option", name="Rekomendasi").click()
    page.locator("#redraft-btn").click()

    def redrafted() -> bool:
        audits = sorted((home / "runs").glob("*/*/audit.json"), key=lambda p: p.stat().st_mtime)
        if not audits:
            return False
        sections = json.loads(audits[-1].read_text())["sections"]
        return any(s.get("key") == "rekomendasi" and s.get("redrafts") for s in sections)

    deadline = time.time() + 60
    while not redrafted() and time.time() < deadline:
        time.sleep(0.5)
    assert redrafted()
    page.wait_for_selector("#brief .pilar-verdict", timeout=60_000)

    # edit a sentence and verify again
    edit = page.locator("#edit textarea")
    text = edit.input_value()
    edit.fill(text.replace("999 persen", "banyak sekali"))
    page.locator("#reverify-btn").click()
    page.wait_for_function(
        "!document.querySelector('#brief').innerText.includes('999')", timeout=60_000
    )


def test_language_switch(page, app_url: str):
    open_app(page, app_url)
    page.locator("#lang-switch").get_by_text("English").click()
    page.get_by_role("tab", name="Search").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Search").click()
    assert page.locator("#search-btn").inner_text().strip() == "Search"


def test_log_in_is_enforced(browser, home: Path):
    proc, url = start_app(
        home,
        {
            "PILAR_LLM__BACKEND": "scripted",
            "PILAR_APP__USERNAME": "analis",
            "PILAR_APP__PASSWORD": "rahasia-123",
        },
    )
    try:
        run_file = home / "runs" / "probe" / "brief.md"  # a file the app may serve
        run_file.parent.mkdir(parents=True, exist_ok=True)
        run_file.write_text("# Rahasia\n")
        for route in ("config", "gradio_api/info", f"gradio_api/file={run_file}"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + route, timeout=10)
            assert refused.value.code in (401, 403), route
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.get_by_label("username", exact=False).fill("analis")
        page.get_by_label("password", exact=False).fill("salah")
        page.get_by_role("button", name="Login").click()
        page.wait_for_timeout(1500)
        assert page.locator("#documents").count() == 0
        context.close()
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.get_by_label("username", exact=False).fill("analis")
        page.get_by_label("password", exact=False).fill("rahasia-123")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#documents", timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "test_log_in_is_enforced.png"))
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def log_in(browser, url: str, user: str, password: str):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("username", exact=False).fill(user)
    page.get_by_label("password", exact=False).fill(password)
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#documents", timeout=60_000)
    return context, page


def fetch(context, url: str) -> int:
    """Status of a GET made with the browser context's log-in cookie."""
    return context.request.get(url).status


def test_shared_server_keeps_users_apart(browser, home: Path):
    """Two analysts on one server: each one's uploads and runs stay in their own folders, no
    run, upload or index file can be fetched by its path (not even by its owner), downloads
    reach only the page that drafted, odd upload names are stored safely, the upload rate is
    limited, and the audit log says who did what on which index version."""
    users = {"ani": "kata-sandi-ani", "budi": "kata-sandi-budi"}
    proc, url = start_app(
        home,
        {
            "PILAR_LLM__BACKEND": "scripted",
            "PILAR_LLM__MODEL": str(home / "reply.txt"),
            "PILAR_APP__USERS": json.dumps(users),
            "PILAR_APP__UPLOADS_PER_MINUTE": "2",
        },
    )
    try:
        ani, page_a = log_in(browser, url, "ani", users["ani"])
        budi, page_b = log_in(browser, url, "budi", users["budi"])

        # ani drafts; her run lands in runs/ani/
        page_a.get_by_role("tab", name="Draf").click()
        page_a.locator("#topic textarea").fill("disiplin pegawai negeri sipil")
        page_a.locator("#draft-btn").click()
        page_a.wait_for_selector("#brief .pilar-verdict", timeout=120_000)
        runs = list((home / "runs" / "ani").glob("*/brief.docx"))
        assert len(runs) == 1 and not (home / "runs" / "budi").exists()
        with page_a.expect_download() as info:
            page_a.locator("#dl-docx").click()
        assert Path(info.value.path()).read_bytes() == runs[0].read_bytes()

        # nobody fetches a run by its path: not budi, not ani herself
        for context in (budi, ani):
            for path in (runs[0], runs[0].with_name("audit.json"), home / "runs" / "audit.jsonl"):
                assert fetch(context, f"{url}gradio_api/file={path}") == 403, path

        # uploads: odd names stay inside budi's folder; the third file in a minute is refused
        odd = "..\u2215..\u2215etc\u2215passwd " + "panjang" * 40 + ".md"
        page_b.locator("#upload input[type=file]").set_input_files(
            [
                {"name": odd, "mimeType": "text/markdown", "buffer": NEW_REGULATION.encode()},
                {"name": "satu.md", "mimeType": "text/markdown", "buffer": b"# Satu\n\nIsi."},
                {"name": "dua.md", "mimeType": "text/markdown", "buffer": b"# Dua\n\nIsi."},
            ]
        )
        page_b.wait_for_timeout(1500)
        page_b.locator("#index-btn").click()
        page_b.wait_for_function(
            "document.querySelector('#index-status').innerText.includes('menit')", timeout=120_000
        )
        status = page_b.locator("#index-status").inner_text()
        assert "per menit" in status or "a minute" in status, status
        stored = sorted(p for p in (home / "uploads").rglob("*") if p.is_file())
        budi_files = [p for p in stored if p.parent == home / "uploads" / "budi"]
        assert len(budi_files) == 2, stored
        assert all(len(p.name.encode()) <= 150 for p in budi_files)
        assert not (home / "etc").exists() and not Path("/etc/passwd.md").exists()
        for f in budi_files:  # and ani cannot fetch budi's uploads by path
            assert fetch(ani, f"{url}gradio_api/file={f}") == 403

        log = [json.loads(x) for x in (home / "runs" / "audit.jsonl").read_text().splitlines()]
        drafts = [e for e in log if e["action"] == "draft"]
        assert drafts and drafts[-1]["user"] == "ani"
        assert drafts[-1]["version"].startswith("v") and drafts[-1]["topic"].startswith("disiplin")
        assert drafts[-1]["run"].endswith(runs[0].parent.name)
        record = json.loads((runs[0].parent / "audit.json").read_text())["request"]
        assert record["user"] == "ani" and record["index_version"] == drafts[-1]["version"]
        indexed = [e for e in log if e["action"] == "index"]
        assert indexed and indexed[-1]["user"] == "budi" and len(indexed[-1]["files"]) == 2
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page_b.screenshot(path=str(ARTIFACTS / "test_shared_server_keeps_users_apart.png"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_real_model_drafts_in_the_browser(browser, home: Path):
    proc, url = start_app(home, {"PILAR_DRAFT__TEMPLATE": "memo"})
    try:
        context = browser.new_context(viewport={"width": 1300, "height": 1600})
        page = context.new_page()
        open_app(page, url)
        page.get_by_role("tab", name="Draf").click()
        page.locator("#topic textarea").fill("disiplin pegawai negeri sipil")
        page.locator("#draft-btn").click()
        page.wait_for_selector("#brief .pilar-verdict, #brief h3", timeout=600_000)
        assert page.locator("#stream textarea").input_value().strip()  # streamed
        assert page.locator("#brief h3").count() >= 3
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "test_real_model_drafts.png"), full_page=True)
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
