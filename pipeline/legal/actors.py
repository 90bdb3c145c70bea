"""The institutions and officials a sentence names, and the role each plays in it.

A regulation says who acts, decides or approves: "dipilih oleh Dewan Perwakilan Rakyat
berdasarkan calon yang diusulkan oleh Presiden". :func:`find_actors` finds the actors of
``data/actors.tsv`` (Indonesian names, English names and abbreviations, one key per actor) and,
for each, the role word that governs it (elect, propose, approve, …) when one comes shortly
before it in the same clause. The verifier compares these between a claim and its passage.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files

__all__ = ["Actor", "ActorMention", "actors", "covers", "defined_heads", "find_actors"]


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor of the lexicon: its key, a display name and the defined-term heads."""

    key: str
    name: str
    english: str
    heads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text, with its role: the role word before it and whether the actor
    does it or is addressed by it (``"elect:by"``, ``"report:to"``; ``None`` when the text does
    not say)."""

    key: str
    start: int
    end: int
    role: str | None


# role words: what the actor after them does (or has done to it) in the clause
_ROLES: dict[str, str] = {
    "elect": r"dipilih|memilih|pemilihan|elect(?:s|ed)?|chos(?:en|e)|chooses|select(?:s|ed)?",
    "propose": r"diusulkan|mengusulkan|usulan|diajukan|mengajukan|pengajuan|"
    r"propos(?:e|es|ed)|nominat(?:e|es|ed)|put\s+forward",
    "accountable": r"bertanggung\s+jawab|tanggung\s+jawab|accountable|answerable|responsible",
    "report": r"laporan|melaporkan|dilaporkan|reports?|reporting|reported",
    "approve": r"persetujuan|menyetujui|disetujui|approv(?:al|e|es|ed)|consent",
    "set": r"ditetapkan|menetapkan|penetapan|designat(?:e|es|ed)|determin(?:e|es|ed)",
    "hand": r"menyerahkan|diserahkan|penyerahan|hand(?:s|ed)?\s+(?:\w+\s+){0,4}?(?:over\s+)?to|"
    r"transfer(?:s|red)?|deliver(?:s|ed)?",
    "appoint": r"diangkat|mengangkat|pengangkatan|appoint(?:s|ed)?",
    "dismiss": r"diberhentikan|memberhentikan|pemberhentian|dismiss(?:es|ed)?|remov(?:e|es|ed)",
    "coordinate": r"berkoordinasi|koordinasi|coordinat(?:e|es|ed|ing|ion)",
}
_ROLE_RE = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{pattern})\\b)" for name, pattern in _ROLES.items()),
    re.IGNORECASE,
)
#: how far before an actor (in characters) its role word may stand, within one clause
_ROLE_REACH = 80
_CLAUSE_BREAK = re.compile(r"[;.]|\b(?:sedangkan|while|whereas|but|tetapi)\b", re.IGNORECASE)

#: actors that stand for a group and those that belong to it: either names the other correctly
_GROUPS: dict[str, frozenset[str]] = {
    "kepala_daerah": frozenset({"gubernur", "bupati_walikota"}),
    "menteri": frozenset(
        {
            "menteri_keuangan",
            "menteri_dalam_negeri",
            "menteri_panrb",
            "menteri_kominfo",
            "menteri_hukum",
            "menteri_ppn",
        }
    ),
    "lembaga_kearsipan": frozenset({"anri", "arsip_daerah"}),
    "pengadilan": frozenset({"ptun", "pengadilan_umum", "mahkamah_agung", "mahkamah_konstitusi"}),
    "pemerintah_daerah": frozenset({"kepala_daerah", "gubernur", "bupati_walikota", "sekda"}),
}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    table: dict[str, Actor]
    pattern: re.Pattern[str]
    head_re: re.Pattern[str] | None
    form_key: dict[str, str]  # a name (lower case) or an abbreviation → actor key
    head_keys: dict[str, tuple[str, ...]]  # a defined-term head → the actors it may stand for


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    table: dict[str, Actor] = {}
    form_key: dict[str, str] = {}
    text = files("pipeline.legal").joinpath("data/actors.tsv").read_text(encoding="utf-8")
    heads: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, indonesian, english, head = [*line.split("\t"), "", "", ""][:4]
        forms = [f.strip() for f in f"{indonesian};{english}".split(";") if f.strip()]
        for form in forms:
            form_key[form if form.isupper() else form.lower()] = key
        for h in (h.strip() for h in head.split(";") if h.strip()):
            heads.setdefault(h, []).append(key)
        table[key] = Actor(
            key=key,
            name=indonesian.split(";")[0].strip(),
            english=english.split(";")[0].strip(),
            heads=tuple(h.strip() for h in head.split(";") if h.strip()),
        )
    words = sorted(form_key, key=len, reverse=True)
    # abbreviations match in capitals only; names in any case
    pattern = re.compile(
        "|".join(
            f"(?-i:\\b{re.escape(w)}\\b)" if w.isupper() else f"\\b{re.escape(w)}\\b" for w in words
        ),
        re.IGNORECASE,
    )
    # a defined-term head: the capitalised word alone, not the start of a longer name
    head_re = (
        re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(heads)) + r")\b(?!\s+[A-Z])(?!/)")
        if heads
        else None
    )
    return _Lexicon(table, pattern, head_re, form_key, {h: tuple(k) for h, k in heads.items()})


def actors() -> dict[str, Actor]:
    """The lexicon, by key."""
    return _lexicon().table


#: the preposition right before an actor: "oleh" / "by" make it the agent, "kepada" / "to" the
#: one addressed
_PREPOSITION = re.compile(
    r"\b(?P<prep>oleh|by|kepada|to|dari|from|dengan|with)\s+(?:(?:the|a|an|para|seluruh)\s+)?"
    r"(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
#: a role noun right before its actor: "persetujuan PPK", "usulan Menteri", "the approval of
#: the DPRD": the actor is the one who gives it
_NOMINAL = re.compile(
    r"\b(?:persetujuan|usulan|usul|laporan|penetapan|approval|consent|proposal|report)\s+"
    r"(?:of\s+)?(?:(?:the|a|an)\s+)?$",
    re.IGNORECASE,
)
_AGENT = frozenset({"oleh", "by", "dari", "from"})
#: "menjadi tanggung jawab X", "the responsibility of X": X holds the duty
_DUTY_OF = re.compile(
    r"\b(?:tanggung\s+jawab|kewenangan|wewenang|responsibility\s+of|duty\s+of)\s+"
    r"(?:(?:the|a|an)\s+)?$",
    re.IGNORECASE,
)


def _role_before(text: str, start: int) -> str | None:
    window = text[max(0, start - _ROLE_REACH) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    if _DUTY_OF.search(window):
        return "accountable:of"
    nominal = _NOMINAL.search(window)
    if nominal:
        role = _ROLE_RE.search(nominal[0])
        return f"{role.lastgroup}:by" if role else None
    prep = _PREPOSITION.search(window)
    if not prep:
        return None
    found = list(_ROLE_RE.finditer(window[: prep.start()]))
    if not found:
        return None
    word = prep["prep"].lower()
    side = "by" if word in _AGENT else "with" if word in ("dengan", "with") else "to"
    if side == "with" and found[-1].lastgroup != "coordinate":
        return None  # "diangkat dengan Keputusan Presiden": an instrument, not a partner
    return f"{found[-1].lastgroup}:{side}"


def find_actors(text: str) -> list[ActorMention]:
    """The actors ``text`` names, in order, each with the role word before it."""
    lexicon = _lexicon()
    pattern, form_key = lexicon.pattern, lexicon.form_key
    out: list[ActorMention] = []
    for m in pattern.finditer(text):
        form = m[0] if m[0].isupper() and m[0] in form_key else m[0].lower()
        key = form_key.get(form) or form_key.get(m[0])
        if key:
            out.append(ActorMention(key, m.start(), m.end(), _role_before(text, m.start())))
    return out


def defined_heads(text: str) -> set[str]:
    """Keys of the actors a regulation may mean by a defined-term head in ``text`` ("Badan")."""
    lexicon = _lexicon()
    head_re = lexicon.head_re
    if head_re is None:
        return set()
    keys: set[str] = set()
    for m in head_re.finditer(text):
        keys.update(lexicon.head_keys[m[1]])
    return keys


def covers(named: set[str], key: str) -> bool:
    """Whether naming the actors ``named`` names ``key`` too (itself, its group or a member)."""
    if key in named:
        return True
    for group, members in _GROUPS.items():
        if key == group and named & members:
            return True
        if key in members and group in named:
            return True
    return False
