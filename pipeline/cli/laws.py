"""``pilar pasal``: a Pasal as it stands on a date, marked where it changed, with its history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape

from pipeline.cli.common import IndexOpt, JsonOpt, app, err, out
from pipeline.legal.consolidate import ConsolidatedPasal, PasalVersion, part_of, word_diff
from pipeline.text.labels import VERSION_LABELS


@app.command()
def pasal(
    ref: Annotated[str, typer.Argument(help='e.g. "UU 23/2014 Pasal 101" or "... ayat (1)".')],
    index_name: IndexOpt = "default",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date, YYYY-MM-DD (default: today's law).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every version, with its source and date.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The wording of a Pasal in force (or as of a date), with every amending change applied.

    Words a change added are marked {+like this+}, words it removed [-like this-].

    Example: pilar pasal "UU 23/2014 Pasal 101" --index regs --as-of 2015-01-01 --history
    """
    from pipeline.index import Index

    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err.print(f"[red]error:[/red] --as-of {as_of!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None
    found = Index.open(index_name).pasal(ref, as_of=day)
    if as_json:
        record = found.model_dump(mode="json")
        record.update(text=found.text, status=found.status, citations=found.citations)
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    _print(found, history)


def _print(found: ConsolidatedPasal, history: bool) -> None:
    where = (f" ayat ({found.ayat})" if found.ayat else "") + (
        f" huruf {found.huruf}" if found.huruf else ""
    )
    out.print(
        f"[bold]{escape(found.regulation)} Pasal {escape(found.pasal)}{where}[/bold] — "
        f"{escape(found.title)}",
        highlight=False,
    )
    when = f"per {found.as_of.isoformat()}" if found.as_of else "yang berlaku"
    version = found.version
    if version is None:
        out.print(f"[yellow]Belum berlaku {when}.[/yellow]", highlight=False)
    else:
        out.print(f"Rumusan {when}: {_describe(version)}", highlight=False)
        out.print(f"Sumber: {escape('; '.join(found.citations))}", highlight=False)
        out.print()
        previous = found.versions[found.current - 1] if found.current else None
        out.print(
            _marked(previous, version, found) or "[dim](tidak ada rumusan)[/dim]",
            highlight=False,
        )
    for warning in found.warnings:
        err.print(f"[yellow]{escape(warning)}[/yellow]", highlight=False)
    if history:
        out.print()
        out.print("[bold]Riwayat[/bold]")
        for i, version in enumerate(found.versions):
            marker = "→" if i == found.current else " "
            out.print(f"{marker} {i + 1}. {_describe(version)}", highlight=False)
            if i and version.text:  # the lines this version changed
                marked = _marked(found.versions[i - 1], version, found).splitlines()
                changed = [line for line in marked if "[green]" in line or "[red]" in line]
                out.print(_indent("\n".join(changed or marked)), highlight=False)


def _describe(version: PasalVersion) -> str:
    date = version.date.isoformat() if version.date else "tanggal tidak terbaca"
    note = f" — {version.note}" if version.note else ""
    source = "" if version.kind == "original" else f" oleh {version.citation}"
    return escape(f"{VERSION_LABELS['id'][version.kind]}{source} (berlaku {date}){note}")


def _marked(previous: PasalVersion | None, version: PasalVersion, found: ConsolidatedPasal) -> str:
    """The version's text (the asked ayat / huruf) with what changed since ``previous`` marked
    {+added+} [-removed-]."""

    def text(v: PasalVersion | None) -> str:
        return part_of(v.text, found.ayat, found.huruf) if v is not None else ""

    new = text(version)
    if previous is None or not text(previous) or version.kind == "partly_revoked":
        return escape(new)
    parts = []
    for op, words in word_diff(text(previous), new):
        if op == "same":
            parts.append(escape(words))
        elif op == "added":
            parts.append(f"[green]{{+{escape(words)}+}}[/green]")
        else:
            parts.append(f"[red]\\[-{escape(words)}-][/red]")
    return " ".join(parts).replace(" \n", "\n").replace("\n ", "\n")


def _indent(text: str) -> str:
    return "\n".join("     " + line for line in text.splitlines())
