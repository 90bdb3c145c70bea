"""A bounded load test: 20 analysts at once log in, search and draft (scripted model) against
the real app on localhost, through Gradio's client. Target: no errors (issue: 20 users)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from load_test import run_load, start_app


@pytest.mark.slow
def test_twenty_concurrent_analysts_get_no_errors(tmp_path: Path) -> None:
    users = {f"analis{i:02d}": f"sandi-{i:02d}-rahasia" for i in range(20)}
    proc, url = start_app(tmp_path, users)
    try:
        result = run_load(url, users, searches=3, drafts=1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print("load:", result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["search"]["n"] == 60 and result["draft"]["n"] == 20
    runs = list((tmp_path / "runs").glob("analis*/*/brief.docx"))
    assert len(runs) == 20  # every analyst's run, each in their own folder
    assert len({p.parent.parent.name for p in runs}) == 20
