"""``negation_mismatch`` read clause by clause: does the claim say yes where the passage says no?

A negation is not always a "tidak". A passage says "bersifat tertutup" and a claim "tetap
terbuka"; a passage "tidak membebaskan … dari kewajiban" and a claim "is released from the
obligation"; a passage "tetap dijadikan dasar" and a claim "tidak dapat dijadikan dasar". Each
clause gets a polarity: the parity of its negations, counting negation words (tidak, bukan,
tanpa, not, without …) and words that hold a negation in themselves (tertutup / closed,
menolak / refuse, gagal / fail, gugur / lapse, dilarang / prohibited …), both languages in one
table (:data:`NEGATIVE_WORDS`). Bounds ("tidak lebih dari", "no later than"), the absence of an
obligation ("tidak wajib", "need not": a permission, read by the modality check) and "not only"
are not negations.

A claim clause (three content words at least) is compared with the passage clause (or two
adjacent clauses) that shares most of its content words; a negation counts where what it is
about is spoken of on the other side. An odd number of differences is a mismatch. Across
languages words cannot be matched, and the check stays silent: comparing whole sentences, or
clauses matched by their embeddings, flagged more correct English sentences than it caught
wrong ones on the claim sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.text.analyzer import Analyzer
from pipeline.types import Reason

__all__ = ["NEGATIVE_WORDS", "check_polarity", "clauses", "negations", "polarity"]

_NEGATORS = frozenset(
    """tidak tak bukan belum tanpa jangan not no never none without cannot nobody
    nothing""".split()  # noqa: SIM905 - a word block reads better
)
#: words that hold a negation in themselves, a line per meaning: ``positive words | negative
#: words``, both languages. A negative word counts where the other side speaks of the same
#: meaning (either word of its line); a negation word, where it speaks of the words after it.
_GROUPS = """
    terbuka dibuka membuka open opened public umum | tertutup ditutup closed secret rahasia
        dirahasiakan confidential
    menerima diterima mengabulkan dikabulkan bersedia accept accepted grant granted agree
        | menolak ditolak penolakan refuse refuses refused refusal reject rejects rejected
        rejection deny denies denied declined decline
    berhasil mencapai memenuhi melaksanakan succeed meet meets achieve | gagal kegagalan lalai
        mengabaikan fail fails failed failing failure neglect neglects neglected
    hadir memenuhi attend attends appear appears | mangkir bolos absen absent
    sah berlaku valid effect | batal dibatalkan membatalkan pembatalan void invalid annulled
        null
    berlaku tetap valid remain remains | gugur kedaluwarsa daluwarsa lapse lapses lapsed
        expire expires expired
    boleh dapat diperbolehkan diizinkan allowed permitted may | dilarang larangan melarang
        prohibited prohibit prohibits forbidden forbid forbids banned barred
    dipungut dikenakan membayar bayar biaya charged charge pay fee bound | gratis membebaskan
        dibebaskan pembebasan exempt exempted shielded immune immunity bebasdari
    sama sesuai same equal consistent line | berbeda bertentangan different differ differs
        unlike conflict conflicts conflicted conflicting inconsistent menyimpang deviate
        deviates deviating
    mungkin dapat mampu possible able | mustahil impossible unable
    berhak berwenang authorised authorized lawful legal eligible | unauthorised unauthorized
        unlawful illegal ineligible
    termasuk include includes including included | diluar excluding excluded except
"""
_NEGATIVE_OF: dict[str, frozenset[str]] = {}
for _line in re.split(r"\n    (?=\S)", _GROUPS.strip()):
    _pos, _neg = (part.split() for part in _line.split("|"))
    for _word in _neg:
        _NEGATIVE_OF[_word] = frozenset(_pos + _neg)
#: words that hold a negation in themselves, both languages (counted like a "tidak")
NEGATIVE_WORDS = frozenset(_NEGATIVE_OF)

#: phrases whose negation word is not a negation of the clause: bounds, "not only", the
#: absence of an obligation (a permission: the modality check reads it)
_NOT_A_NEGATION = re.compile(
    r"\b(?:no|not)\s+(?:later|more|less|fewer|earlier|longer|shorter|sooner)\s+than\b|"
    r"\btidak\s+(?:boleh\s+|dapat\s+|akan\s+)?(?:lebih|kurang)\s+(?:dari|lama|cepat|lambat)\b|"
    r"\btidak\s+(?:boleh\s+|dapat\s+)?melebihi\b|"
    r"\b(?:may|must|shall|can|does|do|will)\s+not\s+exceed\b|\bnot\s+exceeding\b|"
    r"\b(?:tidak|bukan)\s+(?:hanya|saja|semata)\b|\bnot\s+(?:only|just|merely|limited\s+to)\b|"
    r"\btidak\s+terbatas\s+pada\b|\bno\s+(?:matter|less)\b|"
    r"\btidak\s+(?:wajib|harus|diwajibkan|perlu)\b|\bneed\s+not\b|"
    r"\b(?:is|are|be)\s+not\s+(?:required|obliged|obligated|mandatory|compulsory)\b|"
    r"\b(?:does|do)\s+not\s+(?:have|need)\s+to\b|"
    r"\btidak\s+(?:lain|terkecuali)\b|\bwithout\s+(?:prejudice|delay)\b|\btanpa\s+mengurangi\b|"
    r"\bpaling\s+(?:lambat|lama|singkat|sedikit|banyak|cepat)\b|"
    r"\b(?:atau|maupun)\s+(?:tidak|bukan)\b|\bor\s+not\b|\bfree\s+to\b",
    re.IGNORECASE,
)
#: phrases that hold a negation ("released from the obligation": not bound by it; "little
#: benefit": next to none)
_NEGATIVE_PHRASE = re.compile(
    r"\b(?:releas|fre|reliev)(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}?(?:from|of)\b|\bbebas\s+dari\b|"
    r"(?<!\ba\s)\blittle\b|\b(?:hardly|barely|scarcely)\b",
    re.IGNORECASE,
)
#: one negation over a list: "tidak menyediakan, tidak memberikan, dan/atau tidak …",
#: "without discrimination and without charging a fee"
_REPEATED = re.compile(
    r"\b((?:tidak|not|tanpa|without)\s+\w+)"
    r"(?:\s*,?\s*(?:dan/atau|dan|atau|and/or|and|or)?\s*(?:tidak|not|tanpa|without)\s+\w+)+",
    re.IGNORECASE,
)
#: "di luar belanja bagi hasil" / "other than": not including
_EXCLUDING = re.compile(r"\bdi\s+luar\b|\bother\s+than\b|\bselain\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:n't)?", re.UNICODE)
_CLAUSE_SPLIT = re.compile(
    r"\s*[,;:]\s*|\s+(?=(?:jika|apabila|kalau|bila|dalam\s+hal|sehingga|karena|kecuali|"
    r"namun|tetapi|melainkan|sedangkan|sepanjang|maka|if|when|unless|because|but|whereas|"
    r"although|except|provided|where)\b)",
    re.IGNORECASE,
)


def polarity(text: str) -> int:
    """The number of negations in ``text`` (negation words and words that hold one), bounds,
    "not only", "atau tidak" and "tidak wajib" left out."""
    return len(negations(text))


def negations(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each negation of ``text``: the word, and the words it may be about (the next four
    words; for a word that holds a negation, also the words of its meaning)."""
    text = _NEGATIVE_PHRASE.sub(" bebasdari ", _NOT_A_NEGATION.sub(" ", text))
    text = _EXCLUDING.sub(" diluar ", text)
    text = _REPEATED.sub(r"\1", text)
    words = [w.lower() for w in _WORD.findall(text)]
    out = []
    for i, word in enumerate(words):
        group = _NEGATIVE_OF.get(word)
        if group:  # a word that holds a negation is about its own meaning
            out.append((word, group))
        elif word in _NEGATORS or word.endswith("n't"):
            out.append((word, frozenset(words[i + 1 : i + 5])))
    return out


_ANALYZER = Analyzer(stem=True, stop="function")


def _stems(text: str) -> set[str]:
    """Content-word stems of ``text`` (function words and negations left out)."""
    return {t for t in _ANALYZER(text) if t.isalpha()} - _NEGATORS


def _counted(text: str, other: str) -> int:
    """The negations of ``text`` about something ``other`` speaks of."""
    other_stems = _stems(other)
    other_words = {w.lower() for w in _WORD.findall(other)}
    return sum(
        1
        for _, about in negations(text)
        if _stems(" ".join(sorted(about & other_words)))
        or _stems(" ".join(sorted(about))) & other_stems
    )


def clauses(text: str) -> list[str]:
    """The clauses of a sentence: cut at commas, semicolons and before conjunctions."""
    return [c for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def _aligned_span(words: set[str], passage_clauses: Sequence[str]) -> tuple[str, float] | None:
    """The passage clause holding most of ``words`` (or two adjacent clauses, where together
    they hold two more), and the share of ``words`` it holds."""
    single = [(len(words & _stems(c)), c) for c in passage_clauses]
    if not single:
        return None
    shared, text = max(single, key=lambda x: x[0])
    for i in range(len(passage_clauses) - 1):
        pair = ", ".join(passage_clauses[i : i + 2])
        n = len(words & _stems(pair))
        if n >= shared + 2:
            shared, text = n, pair
    if shared < 2:
        return None
    return text, shared / len(words)


def check_polarity(
    claim: str, window: Sequence[str], number: int | None, cross_lingual: bool = False
) -> list[Reason]:
    """``negation_mismatch`` when a clause of ``claim`` and the passage clause it matches (in
    the passage sentences ``window``) differ by an odd number of negations. Clauses are matched
    by their words, so a claim in the other language than its passage is left to the modality
    and negation checks of :mod:`pipeline.verify.norms` (matching clauses across languages by
    their embeddings was tried and flagged more correct sentences than it caught wrong ones)."""
    passage_clauses = [c for sentence in window for c in clauses(sentence)]
    if cross_lingual or not passage_clauses:
        return []
    for clause in clauses(claim):
        words = _stems(clause)
        if len(words) < 3:  # a subject alone ("Pejabat yang berwenang") says nothing to negate
            continue
        span = _aligned_span(words, passage_clauses)
        if span is None or span[1] < 0.5:
            continue
        if polarity(clause) % 2 == polarity(span[0]) % 2:
            continue
        if _counted(clause, span[0]) % 2 != _counted(span[0], clause) % 2:
            return [_mismatch(clause, span[0], number)]
    return []


def _mismatch(clause: str, theirs: str, number: int | None) -> Reason:
    return Reason(
        code="negation_mismatch",
        message=f"the sentence's '{clause.strip()[:60]}' says the opposite of the passage's "
        f"'{theirs.strip()[:60]}' (one of them is negated)",
        passage=number,
    )
