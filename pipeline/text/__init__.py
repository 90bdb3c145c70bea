"""Text rules shared by every stage: the analyzer, numbers (digits and words), language guess,
the citation-marker grammar and the status labels. This package imports nothing of Pilar's
except ``pipeline.types``, so every stage may use it.
"""
