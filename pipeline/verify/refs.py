"""The reference check: the regulation and Pasal a claim names against what it cites.

Mentions are read by :func:`pipeline.legal.refs.find_mentions` (``UU 5/2014``, ``Peraturan
Pemerintah Nomor 94 Tahun 2021``, ``Pasal 27 ayat (1)``), the same matcher for the claim, the
citation labels and the passage text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.legal.refs import Mentions, find_mentions
from pipeline.types import Evidence, Reason

__all__ = ["check_references"]


def check_references(refs: Mentions, chosen: Sequence[tuple[int, Evidence]]) -> list[Reason]:
    """The regulation and Pasal a claim names against the cited passages' citation metadata.

    A name also passes when the cited text itself mentions it ("sebagaimana dimaksud dalam
    Pasal 27", "mencabut UU 8/1974"). Without citation metadata nothing is checked.
    """
    if not refs.regulations and not refs.pasal:
        return []
    cited = [(n, find_mentions(ev.citation)) for n, ev in chosen if ev.citation]
    if not cited:
        return []
    in_text = [find_mentions(ev.text) for _, ev in chosen]
    cited_regs = {r for _, c in cited for r in c.regulations}
    ok_regs = cited_regs | {r for t in in_text for r in t.regulations}
    if refs.regulations and cited_regs and not refs.regulations & ok_regs:
        named = ", ".join(sorted(f"{j} {n}/{t}" for j, n, t in refs.regulations))
        have = ", ".join(sorted(f"{j} {n}/{t}" for j, n, t in cited_regs))
        return [
            Reason(
                code="wrong_reference",
                message=f"the claim names {named} but the cited passage is from {have}",
                passage=cited[0][0],
            )
        ]
    # Pasal: compare with passages of the regulation the claim names (all, if it names none)
    same = [
        (n, c)
        for n, c in cited
        if c.pasal
        and (not refs.regulations or not c.regulations or c.regulations & refs.regulations)
    ]
    cited_pasal = {p for _, c in same for p in c.pasal}
    ok_pasal = cited_pasal | {p for t in in_text for p in t.pasal}
    if refs.pasal and cited_pasal and not refs.pasal & ok_pasal:
        return [
            Reason(
                code="wrong_reference",
                message=f"the claim names Pasal {', '.join(sorted(refs.pasal))} but the cited "
                f"passage is Pasal {', '.join(sorted(cited_pasal))}",
                passage=same[0][0],
            )
        ]
    return []
