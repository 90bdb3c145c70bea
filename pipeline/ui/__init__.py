"""Pilar's analyst app: library, search and drafting in the browser — a thin Gradio layer over
``pipeline``.

- ``texts``: the words on the page (Indonesian, English), the CSS, ``t()``;
- ``render``: hits, the verified brief, tables and messages as HTML / data frames (no Gradio);
- ``safety``: upload names, types and sizes, the upload rate, the audit log, download copies;
- ``session``: the server-side state (opened indexes, cached cards) and each user's folders;
- ``handlers``: the event handlers, plain functions of the state; Pilar errors become
  ``gr.Error`` with their help;
- ``layout``: the components and their wiring (``build_app``);
- ``launch``: the launch options and ``main`` (``app.py`` at the root calls it).

This package may import any ``pipeline`` module; no module outside it imports it.
"""

from __future__ import annotations

from pipeline.ui.launch import launch_kwargs, main
from pipeline.ui.layout import build_app
from pipeline.ui.session import PilarApp

__all__ = ["PilarApp", "build_app", "launch_kwargs", "main"]
