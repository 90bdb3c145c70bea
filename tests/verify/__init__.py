"""Tests of pipeline.verify; :func:`codes` is the reason codes of one claim on one passage."""

from pipeline.verify import verify_claim


def codes(claim: str, passage: str) -> set[str]:
    """The reason codes of ``claim`` against ``passage`` (deterministic hash embedder)."""
    return {r.code for r in verify_claim(claim, [passage], embedder="hash").reasons}
