"""Pilar's analyst app: library, search and drafting in the browser — a thin Gradio layer over
``pipeline`` (the app itself lives in ``pipeline/ui/``).

    .venv/bin/python app.py [--index sampel] [--host 127.0.0.1] [--port 7860]
    PILAR_APP__USERNAME=analis PILAR_APP__PASSWORD=rahasia .venv/bin/python app.py   # log-in

Everything a document says is escaped before it reaches the page: text from documents is data,
never markup. The rendering helpers (``pipeline.ui.render``) are plain functions, tested on their
own; ``build_app`` (``pipeline.ui.layout``) wires the handlers to Gradio components.
"""

from __future__ import annotations

from pipeline.ui import build_app, main

__all__ = ["build_app", "main"]

if __name__ == "__main__":
    main()
