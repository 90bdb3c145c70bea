"""The regulations of an opened index version, consolidated: a Pasal as of a date, with sources.

:class:`Lawbook` reads what consolidation needs from the version's store — each regulation's
text (parsed again, since the store keeps the tree without Pasal texts), which documents amend or
revoke it (the ``relations`` table) — and cites each version with the chunk that holds it: the
base law's Pasal chunk, or the amending law's ``Pasal I angka N`` chunk. Consolidations are
cached per version; a regulation costs one parse (UU 23/2014, 410 Pasal: ~0.6 s).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sqlite3
import threading
from dataclasses import dataclass

from pipeline.errors import ReferenceNotFoundError
from pipeline.legal.consolidate import (
    ConsolidatedPasal,
    Consolidation,
    LawSource,
    PasalVersion,
    Revocation,
)
from pipeline.legal.dates import regulation_dates
from pipeline.legal.headings import pasal_key
from pipeline.legal.parse import parse_regulation
from pipeline.legal.refs import parse_citation
from pipeline.types import RegulationRef, regulation_label

__all__ = ["Lawbook", "Orphan", "PasalRef", "parse_pasal_ref", "revoked_parts"]

_REF_RE = re.compile(
    r"^(?P<reg>.+?)\s*,?\s+Pasal\s+(?P<pasal>\d+\s?[A-Z]?)"
    r"(?:\s+ayat\s*\(?\s*(?P<ayat>\d+[a-z]?)\s*\)?)?(?:\s+huruf\s+(?P<huruf>[a-z]\d?))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PasalRef:
    """``UU 23/2014 Pasal 101 ayat (1) huruf d1`` read: the regulation, the Pasal, the ayat
    and huruf if any."""

    regulation: RegulationRef
    pasal: str
    ayat: str | None = None
    huruf: str | None = None


@dataclass(frozen=True)
class Orphan:
    """An amending law whose base law is not in the index (its changes stay searchable)."""

    source: str
    target: str


def parse_pasal_ref(text: str) -> PasalRef:
    """``'UU 23/2014 Pasal 101'``, ``'Undang-Undang Nomor 23 Tahun 2014 Pasal 101 ayat (1)'``."""
    m = _REF_RE.match(text.strip())
    reg = parse_citation(m["reg"]) if m else None
    if m is None or reg is None:
        raise ReferenceNotFoundError(f"cannot read {text!r} as a Pasal reference")
    jenis = next(
        (
            j
            for j in ("UU", "PP", "Perpres", "Perppu", "Permen", "Perda")
            if j.lower() == reg.jenis.lower()
        ),
        reg.jenis,
    )
    pasal = m["pasal"].replace(" ", "").upper()
    return PasalRef(reg.model_copy(update={"jenis": jenis}), pasal, m["ayat"], m["huruf"])


class Lawbook:
    """Consolidated regulations of one index version (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._cache: dict[str, Consolidation] = {}
        self._sources: dict[str, LawSource | None] = {}
        self._lock = threading.Lock()
        self.regulations = {
            (r["jenis"], r["nomor"], r["tahun"]): r["doc_id"]
            for r in conn.execute(
                "SELECT doc_id, jenis, nomor, tahun FROM documents WHERE jenis IS NOT NULL"
            )
        }

    # ----------------------------------------------------------------- public

    def pasal(self, ref: str | PasalRef, as_of: dt.date | None = None) -> ConsolidatedPasal:
        """The Pasal ``ref`` as of ``as_of`` (a ``datetime.date``; ``None``: the latest wording),
        every version cited to its chunk. Raises :class:`ReferenceNotFoundError` naming the
        nearest existing references when the regulation, Pasal or ayat is not in the index."""
        ref = parse_pasal_ref(ref) if isinstance(ref, str) else ref
        law = self.consolidation(ref.regulation)
        if ref.pasal not in law.versions:
            near = _nearest(ref.pasal, law.numbers())
            raise ReferenceNotFoundError(
                f"{law.label} has no Pasal {ref.pasal}"
                + (f"; nearest: {', '.join('Pasal ' + n for n in near)}" if near else ""),
            )
        try:
            found = law.pasal(ref.pasal, as_of=as_of, ayat=ref.ayat, huruf=ref.huruf)
        except KeyError as exc:
            where = f" ayat ({ref.ayat})" if ref.ayat and "huruf" in str(exc) else ""
            raise ReferenceNotFoundError(
                f"{law.label} Pasal {ref.pasal}{where} {exc.args[0]}"
            ) from None
        return found.model_copy(update={"versions": [self._cite(v) for v in found.versions]})

    def consolidation(self, ref: RegulationRef) -> Consolidation:
        """The regulation ``ref`` with every change and revocation in the index applied."""
        doc_id = self.regulations.get((ref.jenis, ref.nomor, ref.tahun))
        if doc_id is None:
            near = _nearest(ref.label, [regulation_label(*k) for k in self.regulations])
            raise ReferenceNotFoundError(
                f"{ref.label} is not in this index"
                + (f"; nearest: {', '.join(near)}" if near else "")
            )
        with self._lock:
            if doc_id not in self._cache:
                self._cache[doc_id] = self._build(ref, doc_id)
            return self._cache[doc_id]

    def amendments(self, ref: RegulationRef) -> list[str]:
        """The labels of the laws in the index that amend ``ref``, oldest first."""
        rows = self._relations(ref, "amends")
        sources = [s for s in (self._source(r["source_doc"]) for r in rows) if s is not None]
        sources.sort(key=lambda s: s.date or dt.date(s.regulation.tahun, 12, 31))
        return list(dict.fromkeys(s.label for s in sources))

    def orphans(self) -> list[Orphan]:
        """Amending laws whose base law is not in the index."""
        out = []
        for row in self.conn.execute(
            "SELECT DISTINCT source_doc, target_jenis, target_nomor, target_tahun FROM relations "
            "WHERE type = 'amends' AND pasal = 'I'"
        ):
            key = (row["target_jenis"], row["target_nomor"], row["target_tahun"])
            if key not in self.regulations:
                source = self.conn.execute(
                    "SELECT jenis, nomor, tahun FROM documents WHERE doc_id = ?",
                    (row["source_doc"],),
                ).fetchone()
                out.append(Orphan(regulation_label(*source), regulation_label(*key)))
        return out

    # ----------------------------------------------------------------- building

    def _build(self, ref: RegulationRef, doc_id: str) -> Consolidation:
        base = self._source(doc_id)
        if base is None:
            raise ReferenceNotFoundError(f"{ref.label} could not be read as a regulation")
        doc_ids = dict.fromkeys(r["source_doc"] for r in self._relations(ref, "amends"))
        amending = [
            s
            for s in (self._source(d) for d in doc_ids)
            if s is not None and s.regulation.is_amending
        ]
        revocations = []
        for row in self._relations(ref, "revokes"):
            source = self._source(row["source_doc"])
            if source is None:
                continue
            whole: list[str] = []
            parts: dict[str, str] = {}
            if row["partial"]:
                whole, parts = revoked_parts(
                    row["scope"] or "",
                    row["exception"] or "",
                    [p.number for p in base.regulation.pasal],
                )
                if not whole and not parts:
                    continue  # a part Pasal numbers cannot name ("ketentuan mengenai …")
            citation = f"{source.label} Pasal {row['pasal']}" if row["pasal"] else source.label
            revocations.append(Revocation(source, tuple(whole), tuple(parts.items()), citation))
        return Consolidation.build(base, amending, revocations)

    def _relations(self, ref: RegulationRef, kind: str) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM relations WHERE type = ? AND target_jenis = ? AND target_nomor = ? "
            "AND target_tahun = ?",
            (kind, ref.jenis, ref.nomor, ref.tahun),
        ).fetchall()

    def _source(self, doc_id: str) -> LawSource | None:
        if doc_id not in self._sources:
            row = self.conn.execute(
                "SELECT text, title FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            regulation = (
                parse_regulation(row["text"], title_hint=row["title"] or "") if row else None
            )
            self._sources[doc_id] = (
                LawSource(regulation, regulation_dates(row["text"]), doc_id) if regulation else None
            )
        return self._sources[doc_id]

    def _cite(self, version: PasalVersion) -> PasalVersion:
        """The version with the id of the chunk that holds its wording."""
        if version.doc_id is None:
            return version
        locator = version.citation.removeprefix(version.regulation).strip()
        pasal = locator.removeprefix("Pasal ").strip()
        row = self.conn.execute(
            "SELECT id FROM chunks WHERE doc_id = ? AND json_extract(json, '$.pasal') = ? "
            "AND kind IN ('pasal', 'ayat') ORDER BY pos LIMIT 1",
            (version.doc_id, pasal),
        ).fetchone()
        return version.model_copy(update={"chunk_id": row["id"]}) if row else version


def _nearest(wanted: str, existing: list[str], n: int = 3) -> list[str]:
    """The ``n`` existing references nearest ``wanted`` (by number for Pasal, else by text)."""
    keys = pasal_key(wanted)
    if keys and all(pasal_key(e) for e in existing):
        target = keys[-1][0]
        return sorted(existing, key=lambda e: (abs(pasal_key(e)[-1][0] - target), e))[:n]
    return difflib.get_close_matches(wanted, existing, n=n, cutoff=0.3)


def revoked_parts(
    scope: str, exception: str, numbers: list[str]
) -> tuple[list[str], dict[str, str]]:
    """What a partial revocation takes: whole Pasal, and parts of Pasal (Pasal → what).

    "Pasal 1 angka 30, Pasal 245 sepanjang terkait dengan Pajak Daerah, Pasal 288 sampai dengan
    Pasal 291, dan Pasal 296" → whole 288–291 and 296; parts of 1 ("angka 30") and 245 ("sepanjang
    …"). With only an exception ("… dicabut, kecuali Pasal 12"): every Pasal but those.
    """
    whole: list[str] = []
    parts: dict[str, str] = {}
    items = re.split(r",\s*(?:dan\s+)?(?=Pasal\b)|\s+dan\s+(?=Pasal\b)", scope)
    for item in items:
        m = re.match(r"\s*Pasal\s+(\d+[A-Z]?)\b\s*(.*)", item, re.S)
        if not m or m[1] not in numbers:
            continue
        rest = re.sub(r"\s+", " ", m[2]).strip(" ,;")
        span = re.fullmatch(r"(?:sampai\s+dengan|s\.d\.?|hingga)\s+Pasal\s+(\d+[A-Z]?)", rest)
        if span and span[1] in numbers:
            whole.extend(numbers[numbers.index(m[1]) : numbers.index(span[1]) + 1])
        elif rest:
            parts[m[1]] = f"{parts[m[1]]}; {rest}" if m[1] in parts else rest
        else:
            whole.append(m[1])
    if not scope and exception:
        kept = {m[1] for m in re.finditer(r"Pasal\s+(\d+[A-Z]?)", exception)}
        whole = [n for n in numbers if n not in kept] if kept else []
    return whole, parts
