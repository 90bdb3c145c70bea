"""Settings layer: defaults → TOML file → PILAR_* env → explicit overrides (CLI flags)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.settings import load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.ingest.ocr_languages == "ind+eng"
    assert settings.chunk.max_tokens == 250


def test_file_then_env_then_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "pilar.toml"
    config.write_text("[ingest]\ntimeout_s = 11\nmax_file_mb = 5\n[chunk]\nmax_tokens = 99\n")
    settings = load_settings(config)
    assert (settings.ingest.timeout_s, settings.ingest.max_file_mb, settings.chunk.max_tokens) == (
        11,
        5,
        99,
    )
    monkeypatch.setenv("PILAR_INGEST__TIMEOUT_S", "22")
    settings = load_settings(config)
    assert (
        settings.ingest.timeout_s == 22 and settings.ingest.max_file_mb == 5
    )  # env beats the file
    settings = load_settings(config, ingest={"timeout_s": 33})
    assert settings.ingest.timeout_s == 33 and settings.chunk.max_tokens == 99  # flags beat both


def test_unknown_keys_and_bad_files_are_config_errors(tmp_path: Path) -> None:
    bad_key = tmp_path / "a.toml"
    bad_key.write_text("[ingest]\ntimeout = 1\n")
    with pytest.raises(ConfigError, match="invalid settings"):
        load_settings(bad_key)
    broken = tmp_path / "b.toml"
    broken.write_text("[ingest\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(broken)
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "missing.toml")
