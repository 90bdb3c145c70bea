"""The law as it stands: each Pasal of a regulation as of a date, with every version and its source.

The original wording comes from the base regulation; every later change of an amending law
(:func:`pipeline.legal.changes.read_changes`: restated, inserted, deleted Pasal, or single
ayat restated) is applied in the order the amending laws took effect; a law that revokes the
base (whole, or named Pasal) closes the Pasal it revokes. Each version carries the law and the
change that produced it and the date it applies from (:mod:`pipeline.legal.dates`); a date
that could not be read is said so, and two amending laws of the same date that touch the same
Pasal are reported, not silently ordered.

>>> law = Consolidation.build(base, amending=[first, second])   # doctest: +SKIP
>>> law.pasal("101", as_of=dt.date(2015, 1, 1)).text             # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from pipeline.legal.changes import Change, read_changes
from pipeline.legal.dates import RegulationDates
from pipeline.legal.headings import pasal_key
from pipeline.types import Record, Regulation

__all__ = [
    "ChangeReport",
    "ConsolidatedPasal",
    "Consolidation",
    "LawSource",
    "PasalVersion",
    "part_of",
    "split_ayat",
    "split_huruf",
    "word_diff",
]

VersionKind = Literal["original", "amended", "inserted", "deleted", "revoked", "partly_revoked"]


class PasalVersion(Record):
    """One wording of a Pasal and what produced it."""

    kind: VersionKind
    text: str = Field(description="the Pasal with its heading; empty when deleted or revoked")
    regulation: str = Field(description="the law whose text this is, e.g. 'UU 9/2015'")
    citation: str = Field(description="e.g. 'UU 23/2014 Pasal 101', 'UU 9/2015 Pasal I angka 5'")
    date: dt.date | None = Field(default=None, description="from when it applies; None: unread")
    date_note: str = ""
    note: str = Field(default="", description="e.g. 'angka 30 dicabut oleh UU 1/2022 Pasal 189'")
    doc_id: str | None = None
    chunk_id: str | None = Field(default=None, description="the chunk to cite, when indexed")


class ConsolidatedPasal(Record):
    """A Pasal (or one of its ayat) as of a date, with every version it has had."""

    regulation: str = Field(description="e.g. 'UU 23/2014'")
    title: str = ""
    pasal: str
    ayat: str | None = None
    huruf: str | None = None
    as_of: dt.date | None = Field(default=None, description="None: the latest wording")
    versions: list[PasalVersion] = Field(default_factory=list)
    current: int | None = Field(
        default=None, description="index of the version in force as of the date"
    )
    warnings: list[str] = Field(default_factory=list)

    @property
    def version(self) -> PasalVersion | None:
        """The version in force as of the date (``None`` before the law was made)."""
        return self.versions[self.current] if self.current is not None else None

    @property
    def text(self) -> str:
        """The wording in force as of the date (one ayat, or one huruf, when they are set)."""
        version = self.version
        return part_of(version.text, self.ayat, self.huruf) if version else ""

    @property
    def status(self) -> str:
        """``original``, ``amended``, ``inserted``, ``deleted``, ``revoked``,
        ``partly_revoked`` or ``not_yet``."""
        version = self.version
        return version.kind if version is not None else "not_yet"

    @property
    def citations(self) -> list[str]:
        """What to cite for the wording in force: the base law's Pasal, the change that wrote
        the wording when it is not the original, and what deleted or revoked (part of) it."""
        cited = [f"{self.regulation} Pasal {self.pasal}"]
        if self.current is None:
            return cited
        writer = None
        for version in self.versions[: self.current + 1]:
            if version.kind in ("original", "amended", "inserted"):
                writer = version
        if writer is not None and writer.kind != "original":
            cited.append(writer.citation)
        if self.versions[self.current].kind in ("deleted", "revoked", "partly_revoked"):
            cited.append(self.versions[self.current].citation)
        return list(dict.fromkeys(cited))


class ChangeReport(Record):
    """What became of one numbered change of an amending law."""

    regulation: str
    number: str
    kind: str
    instruction: str
    applied: list[str] = Field(default_factory=list, description="Pasal it was applied to")
    problems: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class LawSource:
    """A regulation as consolidation reads it: its parse, its dates, where it is indexed."""

    regulation: Regulation
    dates: RegulationDates
    doc_id: str | None = None

    @property
    def label(self) -> str:
        return self.regulation.label

    @property
    def date(self) -> dt.date | None:
        """From when its provisions apply: in force, else promulgated (said in the note)."""
        return self.dates.effective or self.dates.promulgated

    @property
    def date_note(self) -> str:
        if self.dates.effective is None and self.dates.promulgated is not None:
            return "tanggal mulai berlaku tidak terbaca; dipakai tanggal diundangkan"
        if self.date is None:
            return f"tanggal {self.label} tidak terbaca"
        return ""


@dataclass(frozen=True)
class Revocation:
    """``source`` revokes the base law: whole (no ``pasal`` and no ``parts``), the Pasal in
    ``pasal``, and parts of others (``parts``: Pasal → "angka 30; ayat (2) huruf a")."""

    source: LawSource
    pasal: tuple[str, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    citation: str = ""

    @property
    def touched(self) -> list[str]:
        return [*self.pasal, *[number for number, _ in self.parts]]


@dataclass
class Consolidation:
    """Every Pasal of one regulation with its versions in order (see the module docstring)."""

    base: LawSource
    versions: dict[str, list[PasalVersion]] = field(default_factory=dict)
    changes: list[ChangeReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        base: LawSource,
        amending: list[LawSource] = (),  # type: ignore[assignment]
        revocations: list[Revocation] = (),  # type: ignore[assignment]
    ) -> Consolidation:
        """Apply every change of ``amending`` and every revocation to ``base``."""
        law = cls(base)
        for pasal in base.regulation.pasal:
            law.versions.setdefault(
                pasal.number,
                [
                    PasalVersion(
                        kind="original",
                        text=pasal.text.strip(),
                        regulation=base.label,
                        citation=f"{base.label} Pasal {pasal.number}",
                        date=base.date,
                        date_note=base.date_note,
                        doc_id=base.doc_id,
                    )
                ],
            )
        if base.date_note:
            law.warnings.append(f"{base.label}: {base.date_note}")
        events: list[tuple[LawSource, Change | Revocation]] = []
        for source in amending:
            body = next((p.text for p in source.regulation.pasal if p.number == "I"), "")
            events.extend((source, change) for change in read_changes(body))
            if source.date is None:
                law.warnings.append(
                    f"{source.label}: tanggal tidak terbaca; perubahannya diurutkan menurut tahun"
                )
        events.extend((r.source, r) for r in revocations)
        # in date order (a date that could not be read goes by the year), then as written
        events.sort(key=lambda e: e[0].date or dt.date(e[0].regulation.tahun, 12, 31))
        law._report_same_day(events)
        for source, event in events:
            if isinstance(event, Revocation):
                law._revoke(event)
            else:
                law._apply(source, event)
        return law

    # ----------------------------------------------------------------- reading

    @property
    def label(self) -> str:
        return self.base.label

    def numbers(self) -> list[str]:
        """Every Pasal number the regulation has had, in reading order (22, 22A, 23 …)."""
        return sorted(self.versions, key=_order)

    def pasal(
        self,
        number: str,
        as_of: dt.date | None = None,
        ayat: str | None = None,
        huruf: str | None = None,
    ) -> ConsolidatedPasal:
        """Pasal ``number`` (or its ``ayat`` / ``huruf``) as of ``as_of`` (the latest wording
        when ``None``).

        Raises ``KeyError`` when the regulation never had that Pasal, or the wording then has
        no such ayat or huruf (the message says which it has).
        """
        versions = self.versions[number]
        warnings = []
        current = None
        for i, version in enumerate(versions):
            if as_of is None:
                current = i
            elif version.date is None:
                if i:
                    warnings.append(
                        f"{version.citation}: tanggal tidak terbaca, tidak diperhitungkan "
                        f"untuk {as_of.isoformat()}"
                    )
            elif version.date <= as_of:
                current = i
        if current is None and as_of is not None:
            warnings.append(f"Pasal {number} {self.label} belum berlaku pada {as_of.isoformat()}")
        wording = versions[current].text if current is not None else ""
        if ayat is not None and wording and ayat not in split_ayat(wording):
            has = ", ".join(f"({a})" for a in split_ayat(wording))
            raise KeyError(f"has no ayat ({ayat})" + (f"; it has ayat {has}" if has else ""))
        within = part_of(wording, ayat, None)
        if huruf is not None and wording and huruf not in split_huruf(within):
            has = ", ".join(split_huruf(within))
            raise KeyError(f"has no huruf {huruf}" + (f"; it has huruf {has}" if has else ""))
        return ConsolidatedPasal(
            regulation=self.label,
            title=self.base.regulation.tentang,
            pasal=number,
            ayat=ayat,
            huruf=huruf,
            as_of=as_of,
            versions=versions,
            current=current,
            warnings=[*self.warnings, *warnings],
        )

    # ----------------------------------------------------------------- applying

    def _version(
        self, source: LawSource, change: Change, kind: VersionKind, text: str
    ) -> PasalVersion:
        return PasalVersion(
            kind=kind,
            text=text.strip(),
            regulation=source.label,
            citation=f"{source.label} Pasal I "
            + (
                f"angka {change.number}"
                if change.number != "?"
                else "(nomor perubahan tidak terbaca)"
            ),
            date=source.date,
            date_note=source.date_note,
            doc_id=source.doc_id,
        )

    def _apply(self, source: LawSource, change: Change) -> None:
        report = ChangeReport(
            regulation=source.label,
            number=change.number,
            kind=change.kind,
            instruction=change.instruction,
        )
        applied, problems = report.applied, report.problems
        for number, text in change.wording.items():
            had = number in self.versions and self.versions[number][-1].text
            kind: VersionKind = "inserted" if number in change.inserted or not had else "amended"
            if number in change.inserted and had:
                problems.append(f"Pasal {number} disisipkan, padahal sudah ada")
                kind = "amended"
            self.versions.setdefault(number, []).append(self._version(source, change, kind, text))
            applied.append(number)
        for number, ayat in change.ayat_wording.items():
            if number not in self.versions:
                problems.append(f"Pasal {number} tidak ada di {self.label}")
                continue
            text, missing = _replace_ayat(self.versions[number][-1].text, ayat)
            if missing:
                problems.append(f"Pasal {number}: ayat {', '.join(missing)} ditambahkan di akhir")
            self.versions[number].append(self._version(source, change, "amended", text))
            applied.append(number)
        for number in change.deleted:
            if number not in self.versions:
                problems.append(f"Pasal {number} tidak ada di {self.label}")
                continue
            self.versions[number].append(self._version(source, change, "deleted", ""))
            applied.append(number)
        problems.extend(f"rumusan baru Pasal {n} tidak terbaca" for n in change.unread)
        if change.kind == "other" and not change.unread:
            problems.append(
                "bukan perubahan rumusan Pasal (judul, Bab, Lampiran): tidak diterapkan"
            )
        self.changes.append(report)

    def _revoke(self, revocation: Revocation) -> None:
        source = revocation.source
        whole = revocation.pasal or ([] if revocation.parts else list(self.versions))
        changes = [(number, "revoked", "") for number in whole]
        changes += [(number, "partly_revoked", what) for number, what in revocation.parts]
        for number, kind, what in changes:
            if number not in self.versions:
                self.warnings.append(f"{revocation.citation}: Pasal {number} tidak ada")
                continue
            cited = revocation.citation or source.label
            self.versions[number].append(
                PasalVersion(
                    kind=kind,  # type: ignore[arg-type]
                    text=self.versions[number][-1].text if kind == "partly_revoked" else "",
                    regulation=source.label,
                    citation=cited,
                    date=source.date,
                    date_note=source.date_note,
                    note=f"{what} dicabut oleh {cited}" if what else "",
                    doc_id=source.doc_id,
                )
            )

    def _report_same_day(self, events: list[tuple[LawSource, Change | Revocation]]) -> None:
        touched: dict[tuple[dt.date, str], set[str]] = {}
        for source, event in events:
            if source.date is None:
                continue
            numbers = event.touched
            for number in numbers:
                touched.setdefault((source.date, number), set()).add(source.label)
        for (day, number), labels in sorted(touched.items()):
            if len(labels) > 1:
                self.warnings.append(
                    f"Pasal {number} diubah oleh {' dan '.join(sorted(labels))} pada tanggal "
                    f"yang sama ({day.isoformat()}): urutannya tidak dapat dipastikan"
                )


# --------------------------------------------------------------------------- ayat and diffs

_AYAT_START = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[.:;]\s))\(\s*(\d{1,2}[a-z]?)\s*\)\s")


def split_ayat(text: str) -> dict[str, str]:
    """``'Pasal 5\\n(1) … (2) …'`` → ``{'1': '(1) …', '2': '(2) …'}`` ("ayat (1)" inside a
    sentence is a reference, not a start)."""
    starts = [(m[1], m.start()) for m in _AYAT_START.finditer(text)]
    return {
        num: text[start : starts[i + 1][1] if i + 1 < len(starts) else len(text)].strip()
        for i, (num, start) in enumerate(starts)
    }


_HURUF_START = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[:;]\s)|(?<=[:;]))\s*([a-z]\d?)\.\s?(?=[A-Za-z])")


def split_huruf(text: str) -> dict[str, str]:
    """``'(1) … meliputi:\na. satu;\nb. dua; dan\nb1. tiga.'`` → ``{'a': 'a. satu;', …}``."""
    starts = [(m[1], m.start(1)) for m in _HURUF_START.finditer(text)]
    return {
        label: text[start : starts[i + 1][1] if i + 1 < len(starts) else len(text)].strip()
        for i, (label, start) in enumerate(starts)
    }


def part_of(text: str, ayat: str | None, huruf: str | None) -> str:
    """The ayat and/or huruf of a Pasal's ``text`` (the whole text when neither is given)."""
    if ayat is not None:
        text = split_ayat(text).get(ayat, "")
    if huruf is not None:
        text = split_huruf(text).get(huruf, "")
    return text


def _replace_ayat(text: str, new: dict[str, str]) -> tuple[str, list[str]]:
    ayat = split_ayat(text)
    missing = [num for num in new if num not in ayat]
    for num, wording in new.items():
        text = text.replace(ayat[num], wording, 1) if num in ayat else f"{text.rstrip()}\n{wording}"
    return text, missing


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of ``new`` against ``old``: ``[("same", "…"), ("removed", "…"), ("added",
    "…")]``, for marking what a change rewrote. Line breaks are kept."""
    a, b = re.findall(r"\n|[^\s]+", old), re.findall(r"\n|[^\s]+", new)
    out: list[tuple[str, str]] = []

    def join(tokens: list[str]) -> str:
        return " ".join(tokens).replace(" \n ", "\n").replace(" \n", "\n").replace("\n ", "\n")

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", join(b[j1:j2])))
    return out


def _order(number: str) -> tuple[int, str]:
    keys = pasal_key(number)
    return keys[-1] if keys else (10**6, number)
