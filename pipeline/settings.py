"""One layered settings object: defaults → config file → ``PILAR_*`` env vars → CLI flags.

Nested sections use ``__`` in env vars, e.g. ``PILAR_INGEST__TIMEOUT_S=30``. A config file
(TOML) is given by ``PILAR_CONFIG`` or ``--config``. Nothing deep in the code reads ``os.environ``:
settings are built at the entry point and passed in.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.errors import ConfigError


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestSettings(Section):
    max_file_mb: float = Field(200.0, description="Files larger than this are skipped.")
    timeout_s: float = Field(120.0, description="Per-file time limit for reading.")
    max_pages: int = Field(2000, description="PDF pages read at most per file.")
    ocr: bool = Field(True, description="OCR PDF pages that have no text layer.")
    ocr_languages: str = Field("ind+eng", description="Tesseract language codes.")
    ocr_dpi: int = Field(200, description="Resolution pages are rendered at for OCR.")
    min_chars_per_page: int = Field(
        50, description="A PDF page with fewer extracted characters is treated as scanned."
    )
    max_unzipped_mb: float = Field(
        500.0,
        description="DOCX/XLSX whose members unpack to more than this are refused (zip bomb).",
    )
    max_compression_ratio: float = Field(
        200.0, description="A zip member compressed more than this is refused (zip bomb)."
    )
    workers: int = Field(1, description="Files read in parallel (processes).")


class ChunkSettings(Section):
    max_tokens: int = Field(
        250,
        description="Budget of a chunk in whitespace words (~450 sub-word tokens for e5); "
        "a longer Pasal splits by ayat.",
    )
    overlap_tokens: int = Field(40, description="Words of overlap between consecutive pieces.")
    table_rows: int = Field(20, description="Table rows per chunk; the header is repeated.")


class StatsSettings(Section):
    national_names: list[str] = Field(
        default_factory=lambda: ["INDONESIA", "NASIONAL"],
        description="Region names that mean the national figure.",
    )
    unofficial_national_after: int | None = Field(
        None, description="Treat national rows after this year as computed, not official."
    )
    max_series_points: int = Field(
        30, description="Periods kept in a card's series (the latest ones); change uses all."
    )
    large_csv_mb: float = Field(
        50.0, description="CSVs larger than this are aggregated in an on-disk DuckDB database."
    )
    duckdb_memory_limit: str = Field(
        "512MB", description="DuckDB memory limit for statistics aggregation (spills to disk)."
    )


class Settings(BaseSettings):
    """All of Pilar's settings. Build with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="PILAR_", env_nested_delimiter="__", extra="forbid"
    )

    home: Path = Field(Path("."), description="Base folder for indexes/ and runs/.")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    stats: StatsSettings = Field(default_factory=StatsSettings)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from a TOML file (if given), env vars, then ``overrides`` (CLI flags).

    Env vars beat the file; explicit overrides beat both.
    """
    file_values: dict[str, Any] = {}
    if config is not None:
        try:
            file_values = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {config}: {exc}") from exc
    try:
        env_only = Settings()
        merged = _deep_merge(file_values, env_only.model_dump(exclude_defaults=True))
        merged = _deep_merge(merged, overrides)
        return Settings.model_validate(merged) if merged else env_only
    except Exception as exc:  # pydantic.ValidationError and friends
        raise ConfigError(f"invalid settings: {exc}") from exc


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
