"""The page: Gradio components in four tabs (library, search, draft, settings) and their wiring
to the handlers of :mod:`pipeline.ui.handlers`."""

from __future__ import annotations

from typing import Any

import gradio as gr

from pipeline.draft import list_templates
from pipeline.settings import Settings
from pipeline.text.labels import STATUSES
from pipeline.ui.handlers import (
    bound,
    do_delete,
    do_draft,
    do_index,
    do_pasal,
    do_redraft,
    do_reindex,
    do_reverify,
    do_search,
    refresh_library,
    save_llm,
    show_card,
    switch,
)
from pipeline.ui.render import documents_frame
from pipeline.ui.safety import UPLOAD_TYPES
from pipeline.ui.session import PilarApp, list_indexes
from pipeline.ui.texts import t

__all__ = ["build_app"]


def build_app(settings: Settings | None = None, model: Any = None) -> gr.Blocks:
    """The Gradio app. ``model`` overrides the chat model (tests pass a scripted one)."""
    state = PilarApp(settings, model)
    s = state.settings
    lang0 = s.app.lang
    templates = sorted({tpl.name for tpl in list_templates(s)})

    with gr.Blocks(title="Pilar") as demo:
        lang = gr.State(lang0)
        result_state = gr.State(None)
        llm_state = gr.State({})
        with gr.Row():
            title = gr.Markdown(t(lang0, "title") + "\n\n" + t(lang0, "subtitle"))
            lang_radio = gr.Radio(
                [("Bahasa Indonesia", "id"), ("English", "en")],
                value=lang0,
                label=t(lang0, "lang"),
                elem_id="lang-switch",
            )
        index_dd = gr.Dropdown(
            choices=list_indexes(s) or [s.app.index],
            value=s.app.index,
            label=t(lang0, "index"),
            allow_custom_value=True,
            elem_id="index-choice",
        )
        with gr.Tabs():
            with gr.Tab(t(lang0, "tab_library"), id="library") as tab_library:
                upload = gr.File(
                    file_count="multiple",
                    file_types=UPLOAD_TYPES,
                    label=t(lang0, "upload"),
                    elem_id="upload",
                )
                index_btn = gr.Button(t(lang0, "do_index"), variant="primary", elem_id="index-btn")
                index_status = gr.Markdown(elem_id="index-status")
                docs = gr.Dataframe(
                    value=documents_frame(state.index(s.app.index), lang0),
                    label=t(lang0, "documents"),
                    interactive=False,
                    wrap=True,
                    elem_id="documents",
                )
                with gr.Row():
                    doc_pick = gr.Dropdown(
                        choices=[], label=t(lang0, "pick_doc"), elem_id="doc-pick"
                    )
                    delete_btn = gr.Button(t(lang0, "delete"), variant="stop", elem_id="delete-btn")
                    reindex_btn = gr.Button(t(lang0, "reindex"), elem_id="reindex-btn")
                cards_html = gr.HTML(label=t(lang0, "cards"), elem_id="cards")
                card_pick = gr.Dropdown(
                    choices=[], label=t(lang0, "pick_card"), elem_id="card-pick"
                )
                with gr.Row():
                    trend_plot = gr.LinePlot(x="period", y="value", label=t(lang0, "trend"))
                    rank_plot = gr.BarPlot(
                        x="region", y="value", color="this", label=t(lang0, "rank")
                    )
            with gr.Tab(t(lang0, "tab_search"), id="search") as tab_search:
                query = gr.Textbox(label=t(lang0, "query"), elem_id="query")
                with gr.Row():
                    jenis = gr.CheckboxGroup(
                        ["UU", "Perppu", "PP", "Perpres", "Permen", "Perda"],
                        label=t(lang0, "jenis"),
                    )
                    year_from = gr.Number(label=t(lang0, "year_from"), precision=0)
                    year_to = gr.Number(label=t(lang0, "year_to"), precision=0)
                with gr.Row():
                    region = gr.Textbox(label=t(lang0, "region"))
                    status = gr.CheckboxGroup(
                        [(t(lang0, x), x) for x in STATUSES],
                        label=t(lang0, "status"),
                    )
                    doc_lang = gr.CheckboxGroup(["id", "en"], label=t(lang0, "language"))
                    k = gr.Slider(1, 30, value=8, step=1, label=t(lang0, "k"))
                search_btn = gr.Button(t(lang0, "search"), variant="primary", elem_id="search-btn")
                results = gr.HTML(elem_id="results")
                with gr.Row():
                    pasal_ref = gr.Textbox(label=t(lang0, "pasal_ref"), elem_id="pasal-ref")
                    pasal_date = gr.Textbox(label=t(lang0, "pasal_date"), elem_id="pasal-date")
                    pasal_btn = gr.Button(t(lang0, "open_pasal"), elem_id="pasal-btn")
                pasal_html = gr.HTML(elem_id="pasal")
            with gr.Tab(t(lang0, "tab_draft"), id="draft") as tab_draft:
                topic = gr.Textbox(label=t(lang0, "topic"), elem_id="topic")
                with gr.Row():
                    audience = gr.Textbox(label=t(lang0, "audience"), elem_id="audience")
                    brief_lang = gr.Radio(
                        ["id", "en"], value=s.draft.lang, label=t(lang0, "brief_lang")
                    )
                    template = gr.Dropdown(
                        templates, value=s.draft.template, label=t(lang0, "template")
                    )
                    length = gr.Radio(
                        [(t(lang0, x), x) for x in ("short", "standard", "long")],
                        value="standard",
                        label=t(lang0, "length"),
                    )
                draft_btn = gr.Button(t(lang0, "draft"), variant="primary", elem_id="draft-btn")
                stream_box = gr.Textbox(
                    label=t(lang0, "streaming"), lines=4, interactive=False, elem_id="stream"
                )
                brief_html = gr.HTML(elem_id="brief")
                with gr.Row():
                    section_pick = gr.Dropdown(
                        choices=[], label=t(lang0, "section"), elem_id="section-pick"
                    )
                    redraft_btn = gr.Button(t(lang0, "redraft"), elem_id="redraft-btn")
                edit_box = gr.Textbox(label=t(lang0, "edit"), lines=10, elem_id="edit")
                reverify_btn = gr.Button(t(lang0, "reverify"), elem_id="reverify-btn")
                with gr.Row():
                    dl_docx = gr.DownloadButton(
                        t(lang0, "dl_docx"), visible=False, elem_id="dl-docx"
                    )
                    dl_md = gr.DownloadButton(t(lang0, "dl_md"), visible=False, elem_id="dl-md")
                    dl_audit = gr.DownloadButton(
                        t(lang0, "dl_audit"), visible=False, elem_id="dl-audit"
                    )
            with gr.Tab(t(lang0, "tab_settings"), id="settings") as tab_settings:
                backend = gr.Radio(
                    [(t(lang0, "default_llm"), "default"), (t(lang0, "openai_llm"), "openai")],
                    value="default",
                    label=t(lang0, "backend"),
                )
                base_url = gr.Textbox(
                    label=t(lang0, "base_url"), placeholder="http://localhost:8000/v1"
                )
                model_name = gr.Textbox(label=t(lang0, "model"))
                api_key = gr.Textbox(label=t(lang0, "api_key"), type="password")
                save_btn = gr.Button(t(lang0, "save"))
                settings_status = gr.Markdown()

        # ------------------------------------------------------------------ library
        library_outputs = [docs, doc_pick, cards_html, card_pick]
        index_btn.click(
            bound(do_index, state),
            [upload, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )
        delete_btn.click(
            bound(do_delete, state),
            [doc_pick, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )
        reindex_btn.click(
            bound(do_reindex, state),
            [doc_pick, index_dd, lang],
            [index_status, *library_outputs],
            concurrency_limit=1,
        )
        card_pick.change(bound(show_card, state), [card_pick, index_dd], [trend_plot, rank_plot])
        refresh = bound(refresh_library, state)
        index_dd.change(refresh, [index_dd, lang], library_outputs)
        demo.load(refresh, [index_dd, lang], library_outputs)

        # ------------------------------------------------------------------ search
        search_inputs = [
            query,
            jenis,
            year_from,
            year_to,
            region,
            status,
            doc_lang,
            k,
            index_dd,
            lang,
        ]
        search = bound(do_search, state)
        search_btn.click(search, search_inputs, results)
        query.submit(search, search_inputs, results)
        pasal_inputs = [pasal_ref, pasal_date, index_dd, lang]
        pasal_btn.click(bound(do_pasal, state), pasal_inputs, pasal_html)
        pasal_ref.submit(bound(do_pasal, state), pasal_inputs, pasal_html)

        # ------------------------------------------------------------------ draft
        draft_outputs = [
            stream_box,
            brief_html,
            result_state,
            section_pick,
            edit_box,
            dl_docx,
            dl_md,
            dl_audit,
        ]
        draft_btn.click(
            bound(do_draft, state),
            [topic, audience, brief_lang, template, length, index_dd, lang, llm_state],
            draft_outputs,
            concurrency_limit=s.app.concurrency,
            concurrency_id="llm",
        )
        redraft_btn.click(
            bound(do_redraft, state),
            [result_state, section_pick, lang],
            draft_outputs[1:],
            concurrency_limit=s.app.concurrency,
            concurrency_id="llm",
        )
        reverify_btn.click(
            bound(do_reverify, state), [result_state, edit_box, lang], draft_outputs[1:]
        )

        # ------------------------------------------------------------------ settings
        save_btn.click(
            bound(save_llm),
            [backend, base_url, model_name, api_key, lang],
            [llm_state, settings_status],
        )

        # ------------------------------------------------------------------ language switch
        labelled = [
            (index_dd, "index"),
            (upload, "upload"),
            (docs, "documents"),
            (doc_pick, "pick_doc"),
            (card_pick, "pick_card"),
            (trend_plot, "trend"),
            (rank_plot, "rank"),
            (query, "query"),
            (jenis, "jenis"),
            (year_from, "year_from"),
            (year_to, "year_to"),
            (region, "region"),
            (status, "status"),
            (doc_lang, "language"),
            (k, "k"),
            (pasal_ref, "pasal_ref"),
            (pasal_date, "pasal_date"),
            (topic, "topic"),
            (audience, "audience"),
            (brief_lang, "brief_lang"),
            (template, "template"),
            (length, "length"),
            (stream_box, "streaming"),
            (section_pick, "section"),
            (edit_box, "edit"),
            (backend, "backend"),
            (base_url, "base_url"),
            (model_name, "model"),
            (api_key, "api_key"),
            (lang_radio, "lang"),
        ]
        buttons = [
            (index_btn, "do_index"),
            (delete_btn, "delete"),
            (reindex_btn, "reindex"),
            (search_btn, "search"),
            (pasal_btn, "open_pasal"),
            (draft_btn, "draft"),
            (redraft_btn, "redraft"),
            (reverify_btn, "reverify"),
            (dl_docx, "dl_docx"),
            (dl_md, "dl_md"),
            (dl_audit, "dl_audit"),
            (save_btn, "save"),
        ]
        tabs = [
            (tab_library, "tab_library"),
            (tab_search, "tab_search"),
            (tab_draft, "tab_draft"),
            (tab_settings, "tab_settings"),
        ]
        lang_radio.change(
            bound(
                switch,
                state,
                [key for _, key in labelled],
                [key for _, key in buttons],
                [key for _, key in tabs],
            ),
            [lang_radio, result_state, index_dd],
            [
                lang,
                title,
                *[c for c, _ in labelled],
                *[c for c, _ in buttons],
                *[c for c, _ in tabs],
                brief_html,
                docs,
            ],
        )
    demo.queue(default_concurrency_limit=4)
    return demo
