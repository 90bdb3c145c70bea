"""Brief templates: the sections of a brief and the prompts that draft them (TOML files).

Templates are looked up in :func:`template_dirs`: ``draft.prompts_dir``, ``./prompts`` (the user
override folder), then the built-in ones shipped as package data in ``pipeline/draft/prompts/``.
The first file of a name wins, so a copy in ``./prompts`` replaces the built-in one.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pipeline.draft.written import FALLBACKS
from pipeline.errors import TemplateError
from pipeline.settings import Settings, load_settings

logger = logging.getLogger(__name__)

__all__ = [
    "BUILTIN_PROMPTS",
    "LENGTHS",
    "SECTION_KINDS",
    "SectionSpec",
    "Template",
    "TemplateError",
    "list_templates",
    "load_template",
    "read_template",
    "template_dirs",
    "with_length",
]


#: the built-in templates and system prompts (package data)
BUILTIN_PROMPTS = Path(__file__).resolve().parent / "prompts"

#: ``llm`` and ``summary`` are written by the model; ``legal_basis`` (Dasar Hukum),
#: ``provisions`` (Ketentuan Kunci) and ``data`` (Data dan Tren) by Pilar from the fact sheet
SECTION_KINDS = ("llm", "summary", "legal_basis", "provisions", "data")
SectionKind = Literal["llm", "summary", "legal_basis", "provisions", "data"]

_PROMPT_FIELDS = ("topic", "heading", "instruction", "evidence", "sentences")


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One section of a template."""

    key: str
    heading: str
    kind: SectionKind
    instruction: str = ""
    query: str = "{topic}"
    k: int | None = None
    sentences: str = "2 sampai 3"
    max_tokens: int = 150
    stats: bool = False
    #: words the first sentences open with, in order (shared evidence; kept by the grammar)
    starts: tuple[str, ...] = ()
    #: shared evidence: a sentence the facts write before the model's, ``"rule"`` (the
    #: provision the topic turns on; for a question its answer) or ``"preamble"`` (why the
    #: main regulation was made, from its Menimbang); a summary section defaults to ``"rule"``
    lead: str | None = None
    #: shared evidence: what the facts write when the model leaves the section empty, a key of
    #: :data:`pipeline.draft.written.FALLBACKS` (``"analysis"``, ``"options"``,
    #: ``"recommendation"``, ``"background"``); none: the section stays empty, with a note
    fallback: str | None = None

    @property
    def sentence_range(self) -> tuple[int, int]:
        """The fewest and most sentences ``sentences`` asks for ("3 sampai 4" → (3, 4));
        (1, 6) when it names no number."""
        asked = [int(n) for n in re.findall(r"\d+", self.sentences)]
        return (min(asked), max(asked)) if asked else (1, 6)


#: the lead sentences a section may open with (see :attr:`SectionSpec.lead`)
LEADS = ("rule", "preamble")


@dataclass(frozen=True, slots=True)
class Template:
    """A brief template: title, system prompt, the per-section prompt and the sections."""

    name: str
    lang: Literal["id", "en"]
    title: str
    system: str
    section_prompt: str
    sections: tuple[SectionSpec, ...]
    description: str = ""
    path: Path | None = None
    #: ``"section"``: each section retrieves and shows its own passages; ``"shared"``: the
    #: brief's evidence is retrieved once, read into a fact sheet, numbered once and shown
    #: first in every section's prompt (so llama.cpp reads it once), and model answers are
    #: constrained to cite it
    evidence: Literal["section", "shared"] = "section"

    @property
    def label(self) -> str:
        """``name.lang``, as `pilar templates` lists it."""
        return f"{self.name}.{self.lang}"


def template_dirs(settings: Settings | None = None) -> list[Path]:
    """Where templates are looked up, first match wins: ``draft.prompts_dir``, ``./prompts``,
    then the built-in templates shipped with Pilar (:data:`BUILTIN_PROMPTS`)."""
    settings = settings or load_settings()
    dirs = []
    if settings.draft.prompts_dir is not None:
        dirs.append(Path(settings.draft.prompts_dir).expanduser())
    dirs += [Path("prompts"), BUILTIN_PROMPTS]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and all(d.resolve() != o.resolve() for o in out):
            out.append(d)
    return out


def list_templates(settings: Settings | None = None) -> list[Template]:
    """Every readable template in :func:`template_dirs` (the first of each ``name.lang``)."""
    seen: dict[str, Template] = {}
    for folder in template_dirs(settings):
        for path in sorted(folder.glob("*.toml")):
            try:
                tpl = read_template(path)
            except TemplateError as exc:
                logger.warning("skipping template %s: %s", path, exc)
                continue
            seen.setdefault(tpl.label, tpl)
    return list(seen.values())


def load_template(
    name_or_path: str | Path, lang: str | None = None, settings: Settings | None = None
) -> Template:
    """A template by path (``my_brief.toml``) or by name (``brief``, ``memo``) and language."""
    settings = settings or load_settings()
    lang = lang or settings.draft.lang
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise TemplateError(f"no template file {candidate}")
        return read_template(candidate)
    name = str(name_or_path)
    for folder in template_dirs(settings):
        for path in (folder / f"{name}.{lang}.toml", folder / f"{name}.toml"):
            if path.is_file():
                tpl = read_template(path)
                if tpl.lang == lang or path.name == f"{name}.{lang}.toml":
                    return tpl
    known = ", ".join(t.label for t in list_templates(settings)) or "none"
    raise TemplateError(
        f"no template {name!r} in language {lang!r}",
        help=f"Known templates: {known}. Or pass a path to a .toml file (see prompts/README.md).",
    )


def read_template(path: Path) -> Template:
    """Read and check one template file (TOML; see ``prompts/README.md`` for the keys)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"cannot read template {path}: {exc}") from exc
    try:
        lang = data.get("lang", "id")
        if lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', not {lang!r}")
        system = str(data["system"])
        system_path = path.parent / system
        if "\n" not in system and system_path.is_file():
            system = system_path.read_text(encoding="utf-8")
        section_prompt = str(data["section_prompt"])
        _check_placeholders(section_prompt, _PROMPT_FIELDS, "section_prompt")
        if "{evidence}" not in section_prompt:
            raise ValueError("section_prompt must contain {evidence}")
        evidence = data.get("evidence", "section")
        if evidence not in ("section", "shared"):
            raise ValueError(f"evidence must be 'section' or 'shared', not {evidence!r}")
        title = str(data.get("title", "{topic}"))
        _check_placeholders(title, ("topic",), "title")
        sections = []
        for raw in data["sections"]:
            kind = raw.get("kind", "llm")
            if kind not in SECTION_KINDS:
                raise ValueError(f"section kind must be one of {SECTION_KINDS}, not {kind!r}")
            unknown = set(raw) - set(SectionSpec.__slots__)  # type: ignore[attr-defined]
            if unknown:
                raise ValueError(f"unknown section key(s) {sorted(unknown)}")
            starts = raw.get("starts", ())
            if not isinstance(starts, list | tuple) or not all(isinstance(x, str) for x in starts):
                raise ValueError(f"starts of {raw.get('key')} must be a list of strings")
            if raw.get("lead") not in (None, *LEADS):
                raise ValueError(f"lead of {raw.get('key')} must be one of {LEADS}")
            if raw.get("fallback") not in (None, *FALLBACKS):
                raise ValueError(f"fallback of {raw.get('key')} must be one of {tuple(FALLBACKS)}")
            spec = SectionSpec(**{**raw, "kind": kind, "starts": tuple(starts)})
            _check_placeholders(spec.query, ("topic",), f"query of {spec.key}")
            sections.append(spec)
        if not sections:
            raise ValueError("a template needs at least one [[sections]] entry")
        if evidence != "shared" and any(s.kind in ("provisions", "data") for s in sections):
            raise ValueError('provisions and data sections need evidence = "shared"')
        if evidence != "shared" and any(s.fallback for s in sections):
            raise ValueError('a fallback is written from the fact sheet: evidence = "shared"')
        keys = [s.key for s in sections]
        if len(set(keys)) != len(keys):
            raise ValueError("section keys must be unique")
    except (KeyError, TypeError, ValueError, OSError) as exc:
        what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise TemplateError(
            f"template {path} is not valid: {what}", help="See prompts/README.md for the keys."
        ) from exc
    return Template(
        name=str(data.get("name", path.stem.split(".")[0])),
        lang=lang,
        title=title,
        system=system.strip(),
        section_prompt=section_prompt,
        sections=tuple(sections),
        description=str(data.get("description", "")),
        path=path,
        evidence=evidence,
    )


def _check_placeholders(text: str, allowed: Sequence[str], where: str) -> None:
    try:
        text.format(**{name: "" for name in allowed})
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"{where}: unknown or malformed placeholder {exc} (allowed: "
            + ", ".join("{" + a + "}" for a in allowed)
            + ")"
        ) from exc


LENGTHS = {
    # length → (factor on max_tokens, sentences asked for in id, in en); None keeps the template's
    "short": (0.6, "1 sampai 2", "1 to 2"),
    "standard": (1.0, None, None),
    "long": (1.6, "3 sampai 4", "3 to 4"),
}


def with_length(tpl: Template, length: str) -> Template:
    """``tpl`` with its sections scaled to ``length`` (a key of :data:`LENGTHS`)."""
    factor, sent_id, sent_en = LENGTHS[length]
    if length == "standard":
        return tpl
    sentences = sent_id if tpl.lang == "id" else sent_en
    specs = tuple(
        replace(
            s, max_tokens=max(40, int(s.max_tokens * factor)), sentences=sentences or s.sentences
        )
        for s in tpl.sections
    )
    return replace(tpl, sections=specs)
