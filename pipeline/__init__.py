"""Pilar: an evidence pipeline for cited, checked policy briefs."""
