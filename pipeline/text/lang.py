"""A small, deterministic language guess: Indonesian, English or unknown.

Why stop words: the corpus is Bahasa Indonesia and English only, and the two are told apart
reliably by their function words ("yang", "dan", "dengan" vs "the", "of", "and"). Those words are
a large share of any running text (typically 20–40 %), survive OCR noise better than character
n-grams of content words, need no model file, and give the same answer on every machine. A
document is labelled with the language whose stop words cover the larger share of its tokens,
provided that share is at least :data:`MIN_RATIO` and clearly beats the other language
(:data:`MARGIN`); short or mixed texts (tables of numbers, bilingual treaties) come out
``"unknown"`` rather than a guess. Only the first :data:`MAX_TOKENS` tokens are looked at, so the
cost is bounded for long documents.
"""

from __future__ import annotations

import re

from pipeline.types import Language

MAX_TOKENS = 20_000
MIN_TOKENS = 20
MIN_RATIO = 0.06
MARGIN = 1.5

# Disjoint lists of frequent function words. Words that are common in both languages as
# written in this corpus (e.g. "a", "di" as a Latin abbreviation, numbers) are left out.
ID_STOPWORDS = frozenset(
    """
    yang dan di ke dari untuk dengan dalam pada ini itu atau adalah tidak akan oleh sebagai
    juga dapat bahwa tersebut karena ada serta telah secara sudah lebih bagi para kepada antara
    hal setiap harus tentang sesuai melalui jika apabila maka agar namun hanya yaitu yakni
    sebagaimana dimaksud mengenai terhadap atas lain paling dilakukan merupakan menjadi masih
    belum bila saat sampai hingga tanpa dapat oleh kami kita mereka ia dia nya sehingga
    sedangkan bukan pun lagi tiap beberapa berbagai tersebut diatur ketentuan huruf ayat
    """.split()  # noqa: SIM905 - a word block reads better than 90 quoted strings
)
EN_STOPWORDS = frozenset(
    """
    the of and to in is that for it as with was on be by are this at from or an which not have
    has were their shall may any such been its other these those there would should could will
    can into than then them they he she we you our your his her who whom what when where how
    all each both more most only also but if so no nor about after before under over between
    within without upon does did do being whether
    """.split()  # noqa: SIM905 - a word block reads better than 90 quoted strings
)
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str, min_tokens: int = MIN_TOKENS) -> Language:
    """``"id"``, ``"en"`` or ``"unknown"`` from Indonesian vs English stop-word ratios.

    ``min_tokens`` is the shortest text given a guess: the default suits documents; the
    verifier reads single sentences with :func:`sentence_language`.
    """
    tokens = _WORD.findall(text[: MAX_TOKENS * 12].lower())[:MAX_TOKENS]
    if len(tokens) < min_tokens:
        return "unknown"
    id_hits = sum(1 for t in tokens if t in ID_STOPWORDS)
    en_hits = sum(1 for t in tokens if t in EN_STOPWORDS)
    id_ratio, en_ratio = id_hits / len(tokens), en_hits / len(tokens)
    if id_ratio >= MIN_RATIO and id_ratio >= MARGIN * en_ratio:
        return "id"
    if en_ratio >= MIN_RATIO and en_ratio >= MARGIN * id_ratio:
        return "en"
    return "unknown"


def sentence_language(text: str) -> Language:
    """The language of one sentence: :func:`detect_language` with a floor of three words."""
    return detect_language(text, min_tokens=3)
