"""Drafting: a topic and an index → a policy brief in which every sentence is cited and checked.

The flow, section by section of a template (``pipeline/draft/prompts/*.toml``, or a copy in
``./prompts/``):

1. **Retrieve** the section's query (``{topic}`` plus the template's words) from the index; a
   section with ``stats = true`` also gets the statistics evidence cards that match the query.
2. **Number** the evidence ``[1] … [n]`` and show each passage to the model inside a fence
   (``<<<BUKTI … BUKTI>>>``) as data, trimmed to the sentences that best match the query
   (``draft.evidence_words``) — prompt reading is the main cost of a CPU model.
3. **Draft** with the chat model (streamed), split the answer into sentences and keep only
   markers that map to a numbered passage: a marker that maps to nothing cannot reach the output.
4. **Verify** every sentence against the *whole* passages it cites (:mod:`pipeline.verify`).
5. **Dasar Hukum** is not written by the model: it lists the regulations the brief actually cites,
   in the order of UU 12/2011 Pasal 7, with revoked ones flagged (or left out).
6. The **summary** section (Ringkasan Eksekutif) is drafted last from the passages the other
   sections cite most, and printed first.
7. **Renumber** the markers to one reference list in reading order, and keep a JSON **audit
   record** of the run (request, settings, index manifest, hits, prompts, raw output, verdicts).

With ``evidence = "shared"`` (the built-in briefs) steps 1–2 happen once for the whole brief:
the evidence is read into a fact sheet (``facts``), Ketentuan Kunci and Data dan Tren are
written from it (``written``), the numbered facts open every section's prompt (``shared``) so
llama.cpp reads them once, and a grammar makes every model sentence cite them (``grammar``).

Modules, each importing only those above it: ``templates`` (finding and reading templates),
``evidence`` (the numbered passages, how they are shown and fenced), ``facts`` (the fact
sheet), ``written`` (sentences from the facts), ``grammar`` (citations by construction),
``answer`` (reading the model's answer and its markers), ``notes`` (the notes a brief prints),
``section`` (drafting one section), ``shared`` (the brief's shared evidence), ``assemble``
(the Brief, Dasar Hukum, the summary line), ``run`` (:func:`draft_brief`,
:func:`redraft_section`, :func:`reverify`).

>>> from pipeline import Index
>>> from pipeline.draft import draft_brief
>>> result = draft_brief("disiplin pegawai negeri sipil", Index.open("sampel"))  # doctest: +SKIP
>>> result.brief.summary.supported_share                                         # doctest: +SKIP
"""

from pipeline.draft.answer import split_answer
from pipeline.draft.evidence import select_cards
from pipeline.draft.run import DraftResult, draft_brief, redraft_section, reverify
from pipeline.draft.section import DraftEvent
from pipeline.draft.templates import (
    SectionSpec,
    Template,
    TemplateError,
    list_templates,
    load_template,
    read_template,
    template_dirs,
)

__all__ = [
    "DraftEvent",
    "DraftResult",
    "SectionSpec",
    "Template",
    "TemplateError",
    "draft_brief",
    "list_templates",
    "load_template",
    "read_template",
    "redraft_section",
    "reverify",
    "select_cards",
    "split_answer",
    "template_dirs",
]
