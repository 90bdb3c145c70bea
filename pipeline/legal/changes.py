"""The numbered changes of an amending law's ``Pasal I``: where each starts, the Pasal it rewrites,
and (:func:`read_changes`) what it does to them — restated, inserted, deleted — with the new wording.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from pipeline.legal.headings import REF_PREV, key_label, pasal_key, prev_word
from pipeline.legal.refs import NUM, fix_number

__all__ = [
    "Change",
    "change_labels",
    "read_change",
    "read_changes",
    "split_changes",
]

_CHANGE_RE = re.compile(
    r"(?:(?<=\s)|(?<=[.:;\"\u201d]))\s*(?P<n>\d{1,3})\s*[.,]\s+(?=(?:Ketentuan|Di\s*antara|Diantara|"
    r"Pasal|Penjelasan|Judul|Bab|BAB|Lampiran|Setelah|Menambah|Ditambahkan|Bagian|Paragraf|"
    r"Menghapus|Mengubah|Sebelum|Di\s+antara)\b)"
)


_CHANGE_NOT_AFTER = REF_PREV | {"pasal", "ayat", "angka", "huruf", "nomor", "tahun", "bab"}


#: an instruction whose number OCR lost: "… pasal demi pasal Undang-Undang ini. Ketentuan Pasal 26
#: ditambah 3 (tiga) ayat …" (never "Ketentuan lebih lanjut …", which a quoted Pasal may hold)
_UNNUMBERED_RE = re.compile(
    r"(?:(?<=[.:;\"\u201d])|(?<=\n))\s*(?P<head>(?:Ketentuan\s+(?:(?:ayat|huruf|angka)\s*\S+\s*,?\s*"
    r"(?:dan\s+)?)*Pasal\s*(?:" + NUM + r")|Di\s*antara\s+(?:Pasal|BAB|Bab|ayat|huruf|angka)|"
    r"Judul\s+(?:BAB|Bab|Bagian)|[PF]enjelasan\s+Pasal|Pasal\s*(?:" + NUM + r")[A-Z]?\s+dihapus))"
    r"(?=[^.:]{0,300}?\b(?:diubah|disisipkan|dihapus|ditambah|tetap)\b)"
)


_VERB = re.compile(r"\b(?:diubah|disisipkan|dihapus|ditambah|tetap|berikut)\b")


def split_changes(text: str) -> list[tuple[str, int, int]]:
    """Split the body of ``Pasal I`` into its numbered changes: (number, start, end).

    A change whose number OCR lost is found by its wording ("Ketentuan Pasal 26 ditambah …",
    "Di antara BAB XI dan BAB XII disisipkan …") and numbered from its neighbours when they
    leave exactly that room ("?" otherwise).
    """
    found = []
    expected = 1
    for m in _CHANGE_RE.finditer(text):
        # "… dalam Pasal 5. Ketentuan lebih lanjut …" is a reference, not change 5; after a
        # sentence end ("… Tahun 1945. 2. Ketentuan") it is a change
        before = text[: m.start("n")].rstrip()
        if not before.endswith((".", ":", ";", '"', "\u201d")) and (
            prev_word(text, m.start("n")) in _CHANGE_NOT_AFTER
        ):
            continue
        # OCR loses a number now and then: accept a skip of up to three
        if expected <= int(m["n"]) <= expected + 3:
            found.append((m["n"], m.start("n")))
            expected = int(m["n"]) + 1
    if found:
        found = _with_unnumbered(text, found)
    return [
        (num, start, found[i + 1][1] if i + 1 < len(found) else len(text))
        for i, (num, start) in enumerate(found)
    ]


def _with_unnumbered(text: str, numbered: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """``numbered`` with the instructions between them that carry no number."""
    loose = [
        m.start("head")
        for m in _UNNUMBERED_RE.finditer(text, numbered[0][1])
        # not the instruction of a numbered change ("5. Ketentuan …" → "Ketentuan" at +3)
        # nor what OCR repeated of one ("1. Ketentuan 1. Ketentuan Pasal 1 diubah …")
        if not any(
            0 <= m.start("head") - start <= 40 and not _VERB.search(text, start, m.start("head"))
            for _n, start in numbered
        )
        # not inside a quoted new wording: an instruction is followed by "berikut" or ends short
        and re.search(
            r"berikut|dihapus\s*\.|penjelasan", text[m.start("head") : m.start("head") + 400]
        )
    ]
    merged = sorted([*numbered, *[("?", at) for at in loose]], key=lambda x: x[1])
    out: list[tuple[str, int]] = []
    for i, (num, at) in enumerate(merged):
        if num == "?":
            prev = int(out[-1][0]) if out and out[-1][0].isdigit() else 0
            run = [n for n, _ in itertools.takewhile(lambda x: x[0] == "?", merged[i:])]
            nxt = merged[i + len(run)][0] if i + len(run) < len(merged) else None
            if nxt is None or (nxt.isdigit() and int(nxt) - prev - 1 == len(run)):
                num = str(prev + 1)
        out.append((num, at))
    return out


def change_labels(text: str) -> list[str]:
    """One line per change of ``Pasal I``: ``'angka 2: Ketentuan Pasal 27 diubah …'``."""
    labels = []
    for num, start, end in split_changes(text):
        head = re.sub(r"\s+", " ", text[start:end]).strip()
        head = re.sub(r"^\d+\s*[.,]\s*", "", head)
        head = re.split(r"(?<=berikut)\s*:", head)[0]
        labels.append(f"angka {num}: {head[:160]}")
    return labels


# --------------------------------------------------------------------------- reading a change

ChangeKind = Literal["amended", "inserted", "deleted", "penjelasan", "other"]

_DIGIT_LOOKS = {"0": "0Oo", "1": "1lI", "5": "5S", "7": "7T"}
_TARGET_RE = re.compile(r"(?i:Pasal)\s*(" + NUM + r")\s?([A-Z](?![a-z]))?")
_ANCHOR_RE = re.compile(
    r"Di\s*antara\s+Pasal\s*(" + NUM + r")\s?([A-Z](?![a-z]))?\s+dan\s+Pasal\s*(" + NUM + r")"
    r"\s?([A-Z](?![a-z]))?"
)
_ONE = r"Pasal\s*(?:" + NUM + r")\s?[A-Z]?(?![a-z])"
_INSERTED_RE = re.compile(
    r"(?i:disisipkan\s+\S+\s*(?:\([a-z ]+\)\s*)?pasal\s*,?\s*(?:ya[kl]ni|yaitu))\s+"
    r"(?P<list>" + _ONE + r"(?:(?:\s*,\s*|\s+)(?:dan\s+)?" + _ONE + r")*)"
)
_DELETED_RE = re.compile(
    r"^(?:Ketentuan\s+)?(?P<list>(?:Pasal\s*\S+\s*,?\s*(?:dan\s+)?)+)dihapus\b"
)
_TRAILING_HEADING = re.compile(
    r"\s(?:BAB|Bab|Bagian|Bagran|Paragraf)\s+(?:[IVXLC]+[A-Z]?|Ke[a-z]+|\d+)\b[^.;:]{0,200}$"
)


@dataclass(frozen=True)
class Change:
    """One numbered change of ``Pasal I`` as it applies to the Pasal of the amended law.

    ``wording`` maps each Pasal the change restates ("… sehingga Pasal 63 berbunyi sebagai
    berikut: Pasal 63 (1) …") to its new text, heading included, as the base law's Pasal text;
    ``ayat_wording`` holds a change that restates single ayat only ("Ketentuan Pasal 16 ayat (2)
    menjadi berbunyi: (2) …"); ``deleted`` the Pasal it removes; ``inserted`` the new Pasal
    (22A …) among ``wording``; ``unread`` the Pasal it names whose new wording was not found.
    """

    number: str
    instruction: str
    kind: ChangeKind
    wording: dict[str, str] = field(default_factory=dict)
    ayat_wording: dict[str, dict[str, str]] = field(default_factory=dict)
    deleted: tuple[str, ...] = ()
    inserted: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    #: Pasal restated after this change's own wording whose instruction OCR lost ("… Peraturan
    #: Presiden. PasalT2 (1) Rancangan …"): their own change, numbered by :func:`read_changes`
    orphans: tuple[tuple[str, str], ...] = ()

    @property
    def touched(self) -> list[str]:
        """Every Pasal of the amended law this change applies to, in order."""
        return [
            *self.wording,
            *[p for p in self.ayat_wording if p not in self.wording],
            *self.deleted,
        ]


def read_changes(body: str) -> list[Change]:
    """The numbered changes of an amending law's ``Pasal I`` (its text ``body``), each read into
    what it does to which Pasal.

    A Pasal restated where OCR lost its instruction — in the introduction ("… diubah sebagai
    berikut: Pasal 9 (1) …") or after another change's wording — is a change of its own,
    numbered from its neighbours when they leave exactly that room ("?" otherwise).
    """
    spans = split_changes(body)
    found: list[tuple[Change, list[tuple[str, str]]]] = []
    intro_end = spans[0][1] if spans else len(body)
    intro = re.split(r"sebagai\s+berikut\s*:", body[:intro_end], maxsplit=1)
    if len(intro) == 2:
        found.append((Change("?", "", "other"), _split_strong(intro[1])))
    for num, start, end in spans:
        change = read_change(num, body[start:end])
        found.append((change, list(change.orphans)))
    out: list[Change] = []
    for i, (change, orphans) in enumerate(found):
        if change.number != "?" or change.instruction:
            out.append(change)
        prev = int(change.number) if change.number.isdigit() else 0
        nxt = next((c.number for c, _ in found[i + 1 :] if c.number.isdigit()), None)
        fits = nxt is not None and int(nxt) - prev - 1 == len(orphans)
        for j, (label, text) in enumerate(orphans):
            number = str(prev + 1 + j) if fits else "?"
            out.append(
                Change(number, f"(perintah tidak terbaca) Pasal {label}", "amended", {label: text})
            )
    return out


def read_change(number: str, text: str) -> Change:
    """Read one change: ``'4. Di antara Pasal 42 dan Pasal 43 disisipkan 1 (satu) pasal, yakni
    Pasal 42A sehingga berbunyi sebagai berikut: Pasal 42A …'``."""
    text = re.sub(r"^\s*\d{1,3}\s*[.,]\s*", "", text)
    split = re.search(r"berbunyi\s+sebagai\s+berikut\s*[:;.]?|sebagai\s+berikut\s*:", text)
    strong = _strong_headings(text) if split is None else []
    cut = split.start() if split else (strong[0][1] if strong else len(text))
    head = re.sub(r"\s+", " ", text[:cut]).strip()
    content = text[split.end() :] if split else text[cut:]
    content = content.strip().strip("\"'\u201c\u201d").strip()
    instruction = head[:300]
    if re.match(r"(?:Ketentuan\s+)?[PF]enjelasan\b", head) or (
        re.search(r"\btetap\b", head) and not content
    ):
        return Change(number, instruction, "penjelasan")
    targets = _targets(head) if split or not strong else list(dict.fromkeys(x for x, _ in strong))
    inserted = tuple(t for t in _inserted(head) if t in targets)
    deleted_m = _DELETED_RE.match(head)
    if deleted_m and not content:
        deleted = tuple(_labels(deleted_m["list"]))
        return Change(number, instruction, "deleted", deleted=deleted)
    if not targets or not content:
        return Change(number, instruction, "other", unread=tuple(targets))
    wording: dict[str, str] = {}
    starts = []
    at = 0
    for target in targets:
        m = _heading_re(target).search(content, at)
        if m:
            starts.append((target, m.start()))
            at = m.end()
    orphans: list[tuple[str, str]] = []
    for i, (target, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(content)
        piece = content[start:end]
        # another Pasal's heading no instruction named: OCR lost that instruction
        foreign = [(x, at) for x, at in _strong_headings(piece) if x not in targets and at > 0]
        if foreign:
            orphans += _split_strong(piece[foreign[0][1] :])
            piece = piece[: foreign[0][1]]
        wording[target] = _clean(piece)
    ayat_wording: dict[str, dict[str, str]] = {}
    missing = [t for t in targets if t not in wording]
    only_ayat = re.match(r"\(\s*\w{1,3}\s*\)", content) and re.search(r"\bayat\b", head)
    if missing and not wording and len(targets) == 1 and only_ayat:
        # only ayat restated: "(2) Setiap warga …"
        parts = re.split(r"(?:^|\s)(?=\(\s*[0-9lI]{1,2}[a-z]?\s*\)\s)", content)
        ayat_wording[targets[0]] = {
            re.sub(r"\D", "", fix_number(p.split(")")[0])) + _suffix(p): p.strip()
            for p in parts
            if p.strip()
        }
        missing = []
    kind: ChangeKind = "inserted" if inserted and set(inserted) >= set(wording) else "amended"
    return Change(
        number,
        instruction,
        kind,
        wording=wording,
        ayat_wording=ayat_wording,
        inserted=inserted,
        unread=tuple(missing),
        orphans=tuple(orphans),
    )


#: a Pasal heading that no reference can be: after a line break or a sentence end, and before a
#: line break or "(1)"; OCR may misread its digits ("PasalT2 (1)" for Pasal 72)
_STRONG_RE = re.compile(
    r"(?:^|(?<=\n)|(?<=[.;:]))[ \t]*(?P<head>Pasal)\s*(?P<num>[0-9lIT](?:\s?[0-9lIOoT]){0,2})"
    r"\s?(?P<suf>[A-Z](?![a-z]))?(?=[ \t]*\n|\s*\(\s*[1lI]\s*\))"
)
#: what follows a wording: the number of the next change, when OCR left it bare ("… undangan. 1 1.")
_LOST_NUMBER = re.compile(r"(?<=[.;:])\s+[0-9lI]{1,2}(?:\s?[0-9lI])?\s*[.,]?\s*$")


def _strong_headings(text: str) -> list[tuple[str, int]]:
    """(label, start) of each Pasal heading in ``text`` that cannot be a reference."""
    out = []
    for m in _STRONG_RE.finditer(text):
        if re.search(r"\d", m["num"]):
            label = _label(m["num"].replace(" ", ""), m["suf"])
            if label:
                out.append((label, m.start("head")))
    return out


def _split_strong(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its strong Pasal headings: (label, wording) of each Pasal in it."""
    heads = _strong_headings(text)
    return [
        (label, _clean(text[at : heads[i + 1][1] if i + 1 < len(heads) else len(text)]))
        for i, (label, at) in enumerate(heads)
    ]


def _clean(piece: str) -> str:
    """A restated Pasal without what trails it: quotes, a heading of what follows, a lost
    change number."""
    piece = piece.strip().rstrip("\"'\u201c\u201d").rstrip()
    piece = _TRAILING_HEADING.sub("", piece).rstrip()
    return _LOST_NUMBER.sub("", piece).rstrip()


def _suffix(ayat_part: str) -> str:
    m = re.match(r"\(\s*[0-9lI]{1,2}([a-z]?)\s*\)", ayat_part.strip())
    return m[1] if m else ""


def _label(num: str, letter: str | None) -> str | None:
    keys = pasal_key(num)
    if not keys:
        return None
    return key_label(keys[0]) + (letter or "")


def _labels(text: str) -> list[str]:
    found = [_label(m[1], m[2]) for m in _TARGET_RE.finditer(text)]
    return list(dict.fromkeys(label for label in found if label))


def _targets(head: str) -> list[str]:
    """The Pasal an instruction changes: every Pasal it names but the anchors of an insertion
    ("Di antara Pasal 42 dan Pasal 43 …")."""
    return _labels(_ANCHOR_RE.sub(" ", head))


def _inserted(head: str) -> list[str]:
    m = _INSERTED_RE.search(head)
    return _labels(m["list"]) if m else []


def _heading_re(label: str) -> re.Pattern[str]:
    """``'101'`` → a pattern for its heading as OCR may have it: ``Pasal 1Ol``, ``Pasal 10 1``."""
    chars = [f"[{_DIGIT_LOOKS.get(c, c)}]" if c.isdigit() else c for c in label]
    return re.compile(r"(?<![A-Za-z])Pasal\s*" + r"\s?".join(chars) + r"(?![\w])")
