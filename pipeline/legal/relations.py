"""Which regulation revokes or amends which, read from the clauses that say so.

* revokes: "… dicabut dan dinyatakan tidak berlaku" (whole), with the scope recorded when only
  part of the target goes ("ketentuan … dalam Bab V Undang-Undang …", "Pasal 157 … Undang-Undang
  …") or an exception is kept ("…, kecuali …", "sepanjang tidak mengatur …");
* amends: the title "Perubahan (Kedua) atas …" and "… diubah sebagai berikut" in the body.

A target named with "sebagaimana telah diubah dengan …" brings its amendments along: when
UU 5/2014 revokes UU 8/1974 "as amended by UU 43/1999", both are revoked.
"""

from __future__ import annotations

import re

from pipeline.legal.refs import find_refs, normalise_text
from pipeline.types import Regulation, RegulationRef, Relation

_REVOKE = re.compile(
    r"dicabut\s+dan\s+dinyatakan\s+tidak\s+berlaku(?:\s+lagi)?|dinyatakan\s+dicabut|"
    r"dinyatakan\s+tidak\s+berlaku(?:\s+lagi)?|dicabut(?=\s*[.;,])",
    re.IGNORECASE,
)
_AMEND = re.compile(r"diubah\s+(?:sebagai\s+berikut|sehingga|menjadi)", re.IGNORECASE)
_ITEM_SPLIT = re.compile(
    r"(?:^|(?<=[:;])|(?<=;\s)|(?<=\bdan\s))\s*(?:[a-z]|\d{1,2})\s*\.\s+(?=[A-Z])"
)
_SENTENCE_END = re.compile(r"(?<![\s(][a-z0-9])(?<!\b\d\d)(?<!\bNo)\.\s+(?=[A-Z])")
_PARTIAL_PREFIX = re.compile(r"\b(Pasal|Bab|BAB|Bagian|Lampiran|ketentuan\s+mengenai|ketentuan)\b")
_EXCEPTION = re.compile(r"\b(kecuali|sepanjang)\b", re.IGNORECASE)


def find_relations(regulation: Regulation) -> list[Relation]:
    """All revokes/amends relations stated by ``regulation`` (self-references dropped)."""
    own = regulation.ref
    relations: list[Relation] = []
    if regulation.is_amending:
        for ref, _, _ in find_refs(normalise_text(regulation.tentang))[:1]:
            relations.append(
                Relation(
                    type="amends",
                    target=ref,
                    pasal="I" if regulation.pasal else None,
                    text=f"Perubahan atas {ref.label}",
                )
            )
    for pasal in regulation.pasal:
        text = normalise_text(re.sub(r"\s+", " ", pasal.text))
        if pasal.number == "I" and regulation.is_amending:
            text = text[:600]  # only the opening sentence speaks for the amending law itself
        relations.extend(_revocations(text, pasal.number))
        if not (regulation.is_amending and pasal.number == "I"):
            relations.extend(_amendments(text, pasal.number))
    seen: set[tuple[str, RegulationRef]] = set()
    unique = []
    for rel in relations:
        if rel.target == own or (rel.type, rel.target) in seen:
            continue
        seen.add((rel.type, rel.target))
        unique.append(rel)
    return unique


def _clauses(text: str, trigger: re.Pattern[str]) -> list[tuple[str, re.Match[str]]]:
    """For each trigger: the text from the previous sentence end (or trigger) up to it."""
    out = []
    last = 0
    for m in trigger.finditer(text):
        window = text[last : m.start()]
        ends = list(_SENTENCE_END.finditer(window))
        start = last + (ends[-1].end() if ends else 0)
        out.append((text[start : m.end()], m))
        last = m.end()
    return out


def _revocations(text: str, pasal: str) -> list[Relation]:
    relations = []
    for clause, match in _clauses(text, _REVOKE):
        after = text[match.end() : match.end() + 300]
        tail_exception = re.match(r"\s*,?\s*kecuali\b(.+?)(?:\.\s|$)", after)
        items = [i for i in _ITEM_SPLIT.split(clause) if i.strip()] or [clause]
        for item in items:
            refs = find_refs(item)
            if not refs:
                continue
            first_ref, first_start, _ = refs[0]
            prefix = item[:first_start]
            if re.search(r"pelaksanaan\s+(dari\s+)?$", prefix.strip()[-30:] + " "):
                continue
            scope = None
            prefix_clean = re.sub(r"^.*?berlaku\s*[:,]?\s*", "", prefix).strip(" ,:")
            if _PARTIAL_PREFIX.search(prefix_clean):
                scope = prefix_clean[:300]
            exception = None
            exc = _EXCEPTION.search(item, refs[-1][2])
            if exc:
                exception = re.sub(r"\s+", " ", item[exc.start() :])
                exception = re.sub(r",?\s*(dicabut|dinyatakan).*$", "", exception).strip(" ,")[:300]
            if tail_exception:
                exception = ("kecuali" + tail_exception[1]).strip()[:300]
            targets = [first_ref]
            # "sebagaimana telah (beberapa kali) diubah (terakhir) dengan X" → X goes too
            for ref, start, _ in refs[1:]:
                between = item[max(0, start - 120) : start]
                if re.search(r"diubah", between) and not re.search(
                    r"Perubahan\s+(?:\w+\s+)?[Aa]tas\s*$", between
                ):
                    targets.append(ref)
            for target in dict.fromkeys(targets):
                relations.append(
                    Relation(
                        type="revokes",
                        target=target,
                        partial=bool(scope or exception),
                        exception=exception,
                        scope=scope,
                        pasal=pasal,
                        text=re.sub(r"\s+", " ", item).strip()[:600],
                    )
                )
    return relations


def _amendments(text: str, pasal: str) -> list[Relation]:
    relations = []
    for clause, _match in _clauses(text, _AMEND):
        refs = find_refs(clause)
        if not refs:
            continue
        target = refs[-1][0]
        relations.append(
            Relation(
                type="amends",
                target=target,
                pasal=pasal,
                text=re.sub(r"\s+", " ", clause).strip()[:600],
            )
        )
    return relations
