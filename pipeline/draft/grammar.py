"""Citations by construction: a GBNF grammar (llama.cpp) under which every sentence the model
writes ends in a marker ``[n]`` that points at one of the facts shown, and the same rule as a
check for backends that cannot constrain decoding (the draft is then retried once).

The grammar also keeps out what must not reach a brief: questions, line breaks, headings, list
numbers, tags and Markdown (a sentence starts with a capital letter and holds none of
``[ ] < > # * ? !`` or a line break; a full stop only between digits, as in ``1.000``; at
most :data:`MAX_WORDS` words, so a run-on sentence ends).

>>> valid_sentence("PNS wajib masuk kerja [2].", 3)
True
>>> valid_sentence("Apakah PNS wajib masuk kerja [2]?", 3), valid_sentence("PNS [4].", 3)
(False, False)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

__all__ = ["MAX_WORDS", "cited_grammar", "valid_sentence"]

#: a word: Latin letters (with accents) and the punctuation of prose, or a number; at most
#: 20 pieces, so a word cannot swallow a sentence ("bagiPNSyangtidakMasukKerja…"); a full stop
#: only as a thousands separator ("1.000.000"), never "34.1.1.1"
_WORD = (
    "([a-zA-Z\u00c0-\u024f,;:()%/'\"\u201c\u201d\u2018\u2019&+=\\-\u2013\u2014] "
    '| [0-9]{1,4} ("." [0-9]{3}){0,4}){1,16}'
)
#: words a sentence may hold after its first letter; a small model that runs on past it glues
#: a last word together ("sesuaistandar"), which drafting trims back to the last comma
MAX_WORDS = 32


def cited_grammar(
    n_facts: int, max_sentences: int = 6, max_refs: int = 2, starts: Sequence[str] = ()
) -> str:
    """A GBNF grammar: 1 to ``max_sentences`` sentences, each ending in ``[n]`` or
    ``[n, m]`` (up to ``max_refs`` numbers) with every number between 1 and ``n_facts``.
    With ``starts``, the first sentences open with those words, in order ("Opsi pertama
    adalah", "Opsi kedua adalah"): a section's shape, kept by the decoder."""
    if n_facts < 1:
        raise ValueError("a cited answer needs at least one fact")
    refs = " | ".join(f'"{n}"' for n in range(n_facts, 0, -1))  # "12" before "1"
    ending = 'body " [" ref (", " ref){0,' + str(max(0, max_refs - 1)) + '} "]."'
    rules = []
    lead = []
    for i, words in enumerate(starts, 1):
        rules.append(f"start{i} ::= {json.dumps(words.strip() + ' ')} {ending}")
        lead.append(f"start{i}")
    rest = max(0, max_sentences - max(1, len(lead)))
    if lead:
        root = ' " " '.join(lead) + f' (" " sentence){{0,{rest}}}'
    else:
        root = f'sentence (" " sentence){{0,{rest}}}'
    return "\n".join(
        [
            f"root ::= {root}",
            *rules,
            f"sentence ::= [A-Z] {ending}",
            f'body ::= word (" " word){{2,{MAX_WORDS}}}',
            f"word ::= {_WORD}",
            f"ref ::= {refs}",
        ]
    )


_STRAY_STOP = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SENTENCE = re.compile(r"^[A-Z][^\[\]\n<>#*?!]*?((?:\s?\[\d+(?:,\s?\d+)*\])+)\.$")


def valid_sentence(sentence: str, n_facts: int) -> bool:
    """Whether ``sentence`` is one the grammar allows: a capital first, no question, heading,
    tag or Markdown, and a final marker whose numbers are all between 1 and ``n_facts``
    (``[1][3]`` and a marker without a space before it are accepted from other backends)."""
    text = sentence.strip()
    match = _SENTENCE.match(text)
    if not match or _STRAY_STOP.search(text[: match.start(1)]):
        return False
    if len(text[: match.start(1)].split()) > MAX_WORDS + 8:
        return False
    return all(1 <= int(n) <= n_facts for n in re.findall(r"\d+", match[1]))
