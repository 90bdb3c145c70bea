"""What ``pilar inspect`` shows of a document: metadata, structure tree and relations."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from pipeline.types import Document, Regulation


def to_json(doc: Document) -> dict[str, Any]:
    """A JSON-ready summary of ``doc`` (the ``pilar inspect --json`` record)."""
    reg = doc.regulation
    record: dict[str, Any] = {
        "source": doc.source,
        "title": doc.title,
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "language": doc.language,
        "page_count": doc.page_count,
        "tables": len(doc.tables),
        "metadata": _metadata(reg),
        "pasal": [],
        "relations": [],
        "errors": [],
        "warnings": list(doc.warnings),
    }
    if reg is None:
        return record
    record["pasal"] = [
        {
            "number": p.number,
            "ayat_count": len(p.ayat),
            "huruf_count": sum(i.kind == "huruf" for i in p.items),
            "angka_count": sum(i.kind == "angka" for i in p.items),
            "has_penjelasan": bool(p.penjelasan),
            "bab": p.bab,
            "bagian": p.bagian,
            "paragraf": p.paragraf,
            "page": p.page,
        }
        for p in reg.pasal
    ]
    record["relations"] = [
        {
            "type": r.type,
            "target": {"jenis": r.target.jenis, "nomor": r.target.nomor, "tahun": r.target.tahun},
            "partial": r.partial,
            "scope": r.scope,
            "exception": r.exception,
            "pasal": r.pasal,
        }
        for r in reg.relations
    ]
    record["structure"] = {
        "menimbang": len(reg.menimbang),
        "legal_basis": [ref.label for ref in reg.legal_basis],
        "divisions": [
            {
                "kind": d.kind,
                "number": d.number,
                "title": d.title,
                "parent": d.parent,
                "pasal": d.pasal,
            }
            for d in reg.divisions
        ],
        "penjelasan_umum": bool(reg.penjelasan_umum),
        "lampiran": bool(reg.lampiran),
        "amendments": reg.amendments,
    }
    return record


def _metadata(reg: Regulation | None) -> dict[str, Any]:
    if reg is None:
        return {"jenis": None, "nomor": None, "tahun": None, "tentang": None}
    return {
        "jenis": reg.jenis,
        "nomor": reg.nomor,
        "tahun": reg.tahun,
        "tentang": reg.tentang,
        "jenis_long": reg.jenis_long,
        "hierarchy_level": reg.hierarchy_level,
        "is_amending": reg.is_amending,
    }


def print_tree(doc: Document, console: Console) -> None:
    """Print ``doc`` as a tree: metadata, BAB → Bagian → Paragraf → Pasal (ayat), relations."""
    reg = doc.regulation
    head = f"[bold]{escape(doc.title)}[/bold]  [dim]{escape(doc.source)}[/dim]"
    tree = Tree(head)
    meta = tree.add(
        f"{doc.media_type} · {doc.page_count} page(s) · language {doc.language} · "
        f"{len(doc.tables)} table(s) · sha256 {doc.sha256[:12]}…"
    )
    for warning in doc.warnings[:5]:
        meta.add(f"[yellow]warning:[/yellow] {escape(warning)}")
    if reg is None:
        console.print(tree)
        return
    level = f" · hierarchy level {reg.hierarchy_level}" if reg.hierarchy_level else ""
    tree.add(
        f"[cyan]{reg.jenis_long or reg.jenis} Nomor {reg.nomor} Tahun {reg.tahun}[/cyan] "
        f"tentang {escape(reg.tentang)}{level}"
    )
    if reg.legal_basis:
        tree.add("Mengingat: " + ", ".join(ref.label for ref in reg.legal_basis[:12]))
    body = tree.add(f"{len(reg.pasal)} Pasal, {sum(len(p.ayat) for p in reg.pasal)} ayat")
    by_division: dict[str | None, list] = {}
    for pasal in reg.pasal:
        by_division.setdefault(pasal.bab, []).append(pasal)
    for bab, items in by_division.items():
        title = next((d.title for d in reg.divisions if f"BAB {d.number}" == bab), "")
        node = body.add(escape(f"{bab} {title}".strip()) if bab else "(no BAB)")
        numbers = ", ".join(
            f"{p.number}" + (f"({len(p.ayat)})" if p.ayat else "") + ("*" if p.penjelasan else "")
            for p in items
        )
        node.add(f"Pasal {numbers}", style="dim")
    if reg.amendments:
        changes = tree.add(f"Pasal I: {len(reg.amendments)} change(s)")
        for change in reg.amendments[:30]:
            changes.add(escape(change), style="dim")
    if reg.penjelasan_umum or any(p.penjelasan for p in reg.pasal):
        explained = sum(1 for p in reg.pasal if p.penjelasan)
        tree.add(
            f"PENJELASAN: umum {'yes' if reg.penjelasan_umum else 'no'}, "
            f"{explained} Pasal explained (*)"
        )
    for rel in reg.relations:
        kind = "[red]revokes[/red]" if rel.type == "revokes" else "[blue]amends[/blue]"
        extra = " (partial)" if rel.partial else ""
        where = f" — Pasal {rel.pasal}" if rel.pasal else ""
        node = tree.add(f"{kind} {rel.target.label}{extra}{where}")
        if rel.scope:
            node.add(f"scope: {escape(rel.scope)}", style="dim")
        if rel.exception:
            node.add(f"exception: {escape(rel.exception)}", style="dim")
    console.print(tree)
