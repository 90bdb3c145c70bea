"""The app's event handlers: plain functions that take the app's state (:class:`PilarApp`) first,
then what the page sends. :func:`bound` hands one to Gradio with its state given, and turns every
:class:`PilarError` raised inside into a ``gr.Error`` that carries the error's ``help``
(:func:`shown_error`, the one place that does it).
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import inspect
import logging
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from pipeline.draft import DraftEvent, DraftResult, draft_brief, redraft_section
from pipeline.draft import reverify as reverify_brief
from pipeline.errors import PilarError
from pipeline.ui.render import (
    card_frames,
    documents_frame,
    edit_text,
    index_message,
    parse_edits,
    render_brief,
    render_cards,
    render_hits,
    render_pasal,
)
from pipeline.ui.safety import audit_event, private_copy, store_uploads
from pipeline.ui.session import PilarApp, runs_folder, user_folder, user_of
from pipeline.ui.texts import t

__all__ = [
    "bound",
    "chat_model",
    "do_delete",
    "do_draft",
    "do_index",
    "do_pasal",
    "do_redraft",
    "do_reindex",
    "do_reverify",
    "do_search",
    "error_text",
    "outputs_for",
    "refresh_library",
    "save_llm",
    "search_filters",
    "show_card",
    "shown_error",
    "switch",
]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- errors and binding


def error_text(exc: BaseException) -> str:
    """What the analyst reads about ``exc``: a Pilar error's message, then its help on the next
    line; any other error as ``TypeName: message``."""
    if isinstance(exc, PilarError):
        return f"{exc}\n{exc.help}"
    return f"{type(exc).__name__}: {exc}"


def shown_error(exc: PilarError) -> gr.Error:
    """The ``gr.Error`` that shows a Pilar error to the analyst, with its help."""
    return gr.Error(error_text(exc))


def bound(handler: Callable[..., Any], *given: Any) -> Callable[..., Any]:
    """``handler`` for Gradio, with its first arguments ``given`` (the state, …).

    Gradio sees the remaining parameters, names and annotations, so it still passes a
    ``gr.Request`` or a ``gr.Progress`` where the handler asks for one and names the API endpoint
    after the handler. A :class:`PilarError` raised inside becomes :func:`shown_error`.
    """
    signature = inspect.signature(handler)
    rest = list(signature.parameters.values())[len(given) :]
    if inspect.isgeneratorfunction(handler):

        @functools.wraps(handler)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from handler(*given, *args, **kwargs)
            except PilarError as exc:
                raise shown_error(exc) from exc

    else:

        @functools.wraps(handler)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*given, *args, **kwargs)
            except PilarError as exc:
                raise shown_error(exc) from exc

    call.__signature__ = signature.replace(parameters=rest)  # type: ignore[attr-defined]
    return call


# --------------------------------------------------------------------------- library


def refresh_library(state: PilarApp, index_name: str, lang: str) -> tuple[Any, ...]:
    """The library tab: documents table, document choices, statistics cards, card choices."""
    index = state.index(index_name)
    if index is None:
        return (
            documents_frame(None, lang),
            gr.update(choices=[], value=None),
            "",
            gr.update(choices=[], value=None),
        )
    frame = documents_frame(index, lang)
    cards = state.cards(index)
    choices = [(f"{c.region} · {c.indicator_name}", c.id) for c in cards]
    return (
        frame,
        gr.update(choices=list(frame["source"]), value=None),
        render_cards(cards, lang),
        gr.update(choices=choices, value=choices[0][1] if choices else None),
    )


def do_index(
    state: PilarApp,
    files: list[Any] | None,
    index_name: str,
    lang: str,
    request: gr.Request,
    progress=gr.Progress(),  # noqa: B008
) -> tuple[Any, ...]:
    """Store the uploaded files in the user's folder (within the upload rate) and index them."""
    s = state.settings
    if not files:
        return (t(lang, "nothing"), *refresh_library(state, index_name, lang))
    folder = user_folder(s, request)
    who = user_of(request)
    granted = state.uploads.allow(who, len(files))
    problems = []
    if granted < len(files):
        problems.append(
            t(lang, "rate_limited", n=len(files) - granted, limit=s.app.uploads_per_minute)
        )
        files = files[:granted]
    saved, refused = store_uploads(files, folder, s.app.max_upload_mb, lang)
    problems += refused
    message = "\n".join(f"- {html.escape(p)}" for p in problems)
    if saved:
        index = state.index(index_name, create=True)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress((done, max(total, 1)), desc=stage)

        report = index.add(saved, progress=on_progress)
        state.clear_cards()
        message = index_message(report, lang, extra=message)
        audit_event(
            s,
            who,
            "index",
            index=str(index.path),
            version=report.version,
            files=[p.name for p in saved],
            skipped=len(report.skipped),
        )
    return (message, *refresh_library(state, index_name, lang))


def do_delete(
    state: PilarApp, source: str | None, index_name: str, lang: str, request: gr.Request
) -> tuple[Any, ...]:
    """Remove one document from the index."""
    index = state.index(index_name)
    if index is None or not source:
        return ("", *refresh_library(state, index_name, lang))
    report = index.remove([source])
    state.clear_cards()
    audit_event(
        state.settings,
        user_of(request),
        "remove",
        index=str(index.path),
        version=report.version,
        source=Path(source).name,
    )
    return (t(lang, "removed", name=Path(source).name), *refresh_library(state, index_name, lang))


def do_reindex(state: PilarApp, source: str | None, index_name: str, lang: str) -> tuple[Any, ...]:
    """Index one document again (after its file changed)."""
    index = state.index(index_name)
    if index is None or not source:
        return ("", *refresh_library(state, index_name, lang))
    report = index.add([source])
    state.clear_cards()
    return (index_message(report, lang), *refresh_library(state, index_name, lang))


def show_card(state: PilarApp, card_id: str | None, index_name: str) -> tuple[Any, Any]:
    """The trend and the regional rank of the chosen statistics card."""
    index = state.index(index_name)
    cards = state.cards(index) if index else []
    return card_frames(cards, card_id)


# --------------------------------------------------------------------------- search


def _values(items: Sequence[str]) -> list[str]:
    """The comma-separated values in ``items``, stripped, empty ones left out."""
    return [v.strip() for v in ",".join(items).split(",") if v.strip()]


def search_filters(
    jenis: Sequence[str] | None,
    year_from: float | None,
    year_to: float | None,
    region: str | None,
    status: Sequence[str] | None,
    languages: Sequence[str] | None,
) -> dict[str, Any]:
    """The search form's fields as filters, shaped as :func:`pipeline.retrieve.parse_filters`
    returns them: a list of values per key, ``tahun`` as ``(from, to)`` (0 and 9999 when open)."""
    filters: dict[str, Any] = {}
    if jenis:
        filters["jenis"] = _values(jenis)
    if year_from or year_to:
        filters["tahun"] = (int(year_from) if year_from else 0, int(year_to) if year_to else 9999)
    if (region or "").strip():
        filters["region"] = _values([region.strip()])
    if status:
        filters["status"] = _values(status)
    if languages:
        filters["language"] = _values(languages)
    return filters


def do_search(
    state: PilarApp,
    q: str,
    jenis_v: list[str],
    y_from: float | None,
    y_to: float | None,
    region_v: str,
    status_v: list[str],
    langs: list[str],
    k_v: float,
    index_name: str,
    lang: str,
) -> str:
    """The hits for the query and the form's filters, as result cards."""
    index = state.index(index_name)
    if index is None:
        return f"<p>{html.escape(t(lang, 'no_index'))}</p>"
    if not (q or "").strip():
        return ""
    filters = search_filters(jenis_v, y_from, y_to, region_v, status_v, langs)
    hits = index.search(q, k=int(k_v), filters=filters)
    return render_hits(hits, q, lang, index)


def do_pasal(state: PilarApp, ref: str, as_of: str, index_name: str, lang: str) -> str:
    """A Pasal as of a date (today when empty), with its timeline and each change highlighted."""
    index = state.index(index_name)
    if index is None:
        return f"<p>{html.escape(t(lang, 'no_index'))}</p>"
    if not (ref or "").strip():
        return ""
    try:
        day = _dt.date.fromisoformat(as_of.strip()) if (as_of or "").strip() else None
    except ValueError:
        return f"<p>{html.escape(t(lang, 'bad_date', value=as_of))}</p>"
    return render_pasal(index.pasal(ref, as_of=day), lang)


# --------------------------------------------------------------------------- draft


def chat_model(state: PilarApp, llm: dict[str, Any]) -> Any:
    """The chat model to draft with: the app's override, else the server chosen in the settings
    tab, else ``None`` (drafting picks the configured one)."""
    if state.model is not None:
        return state.model
    if llm.get("backend") == "openai":
        from pipeline.llm import get_chat_model

        cfg = state.settings.llm.model_copy(
            update={
                "backend": "openai",
                "base_url": llm.get("base_url") or None,
                "model": llm.get("model") or "",
                "api_key": llm.get("api_key") or None,
            }
        )
        return get_chat_model(cfg)
    return None


def _run_folder(result: DraftResult) -> str | None:
    path = next(iter(result.files.values()), None)
    return str(path.parent) if path else None


def outputs_for(result: DraftResult, lang: str) -> tuple[Any, ...]:
    """The draft tab after a run: the brief, the result, section choices, the editable text and
    the three downloads (private copies)."""
    brief = result.brief
    keys = [(f"{sec.heading}", sec.key) for sec in brief.sections if sec.kind != "legal_basis"]
    files = result.files
    return (
        render_brief(brief, lang),
        result,
        gr.update(choices=keys, value=keys[0][1] if keys else None),
        edit_text(brief),
        gr.update(value=private_copy(files["docx"]), visible=True)
        if files
        else gr.update(visible=False),
        gr.update(value=private_copy(files["md"]), visible=True)
        if files
        else gr.update(visible=False),
        gr.update(value=private_copy(files["audit"]), visible=True)
        if files
        else gr.update(visible=False),
    )


def do_draft(
    state: PilarApp,
    topic_v: str,
    audience_v: str,
    brief_lang_v: str,
    template_v: str,
    length_v: str,
    index_name: str,
    lang: str,
    llm: dict[str, Any],
    request: gr.Request,
) -> Iterator[Any]:
    """Draft a brief, streaming the model's words, then show it verified (a Pilar error ends the
    stream as a ``gr.Error``; any other error is shown in the brief's place and logged)."""
    s = state.settings
    index = state.index(index_name)
    if index is None or not (topic_v or "").strip():
        msg = t(lang, "no_index") if index is None else t(lang, "need_topic")
        yield (
            msg,
            f"<p>{html.escape(msg)}</p>",
            None,
            gr.update(),
            "",
            gr.update(),
            gr.update(),
            gr.update(),
        )
        return
    events: queue.Queue[Any] = queue.Queue()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            folder = runs_folder(s, request)
            box["result"] = draft_brief(
                topic_v,
                index,
                settings=s.model_copy(
                    update={"draft": s.draft.model_copy(update={"runs_dir": folder})}
                ),
                template=template_v,
                lang=brief_lang_v,
                model=chat_model(state, llm),
                cards=state.cards(index),
                audience=audience_v,
                length=length_v,
                on_event=events.put,
                user=user_of(request),
            )
        except Exception as exc:  # shown to the analyst, logged for IT
            logger.exception("draft failed")
            box["error"] = exc
        finally:
            events.put(None)

    threading.Thread(target=work, daemon=True).start()
    streamed = ""
    while True:
        event = events.get()
        if event is None:
            break
        if isinstance(event, DraftEvent):
            if event.kind == "section":
                streamed += f"\n── {event.heading}\n"
            elif event.kind == "token":
                streamed += event.text
            elif event.kind == "verify":
                streamed += "\n…\n"
            else:
                continue
            yield (
                streamed,
                gr.update(),
                gr.update(),
                gr.update(),
                gr.update(),
                gr.update(),
                gr.update(),
                gr.update(),
            )
    if "error" in box:
        error = box["error"]
        yield (
            streamed,
            f"<p>{html.escape(error_text(error))}</p>",
            None,
            gr.update(),
            "",
            gr.update(),
            gr.update(),
            gr.update(),
        )
        if isinstance(error, PilarError):
            raise error  # bound() shows it with its help
        return
    result = box["result"]
    audit_event(
        s,
        user_of(request),
        "draft",
        topic=topic_v,
        template=template_v,
        index=str(index.path),
        version=index.manifest.get("version"),
        run=_run_folder(result),
        sentences=result.brief.summary.sentences if result.brief.summary else None,
        supported=result.brief.summary.supported if result.brief.summary else None,
    )
    yield (streamed, *outputs_for(result, lang))


def do_redraft(
    state: PilarApp, result: DraftResult | None, key: str | None, lang: str, request: gr.Request
) -> tuple[Any, ...]:
    """Draft one section again (a new seed) and verify the brief again."""
    if result is None or not key:
        return (gr.update(),) * 7
    result = redraft_section(result, key)
    audit_event(state.settings, user_of(request), "redraft", section=key, run=_run_folder(result))
    return outputs_for(result, lang)


def do_reverify(
    state: PilarApp, result: DraftResult | None, text: str, lang: str, request: gr.Request
) -> tuple[Any, ...]:
    """Verify the analyst's edits of the brief's text."""
    if result is None:
        return (gr.update(),) * 7
    result = reverify_brief(result, parse_edits(text))
    audit_event(state.settings, user_of(request), "reverify", run=_run_folder(result))
    return outputs_for(result, lang)


# --------------------------------------------------------------------------- settings, language


def save_llm(backend_v: str, url: str, name: str, key: str, lang: str) -> tuple[dict, str]:
    """The chat-model choice of the settings tab, kept for this session."""
    return {"backend": backend_v, "base_url": url, "model": name, "api_key": key}, t(lang, "saved")


def switch(
    state: PilarApp,
    labels: Sequence[str],
    buttons: Sequence[str],
    tabs: Sequence[str],
    new: str,
    result: DraftResult | None,
    index_name: str,
) -> list[Any]:
    """Every text on the page in the language ``new``: the title, the components' labels (text
    keys ``labels``), the buttons' values (``buttons``), the tabs (``tabs``), the brief and the
    documents table."""
    updates: list[Any] = [new, t(new, "title") + "\n\n" + t(new, "subtitle")]
    updates += [gr.update(label=t(new, key)) for key in labels]
    updates += [gr.update(value=t(new, key)) for key in buttons]
    updates += [gr.update(label=t(new, key)) for key in tabs]
    updates.append(render_brief(result.brief, new) if result is not None else gr.update())
    updates.append(documents_frame(state.index(index_name), new))
    return updates
