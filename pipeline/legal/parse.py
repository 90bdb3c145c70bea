"""Recover the structure of an Indonesian regulation from its (often OCR'd) text.

The parser never trusts a single regex match. A ``Pasal N`` heading is accepted only when it
(a) does not read like a reference ("sebagaimana dimaksud dalam Pasal 5", "Pasal 5 ayat (2)"),
and (b) continues the numbering (N follows the last accepted Pasal, or is an inserted ``12A``).
Among several candidates for the next number, one on its own line or followed by ``(1)`` wins.
This keeps cross-references out and survives headings that OCR ran into the previous line.
"""

from __future__ import annotations

import re

from pipeline.legal.changes import change_labels, read_changes, split_changes
from pipeline.legal.header import Header, parse_header
from pipeline.legal.headings import (
    AYAT_RE,
    BAB_RE,
    PASAL_RE,
    PENJELASAN_RE,
    REF_NEXT,
    REF_PREV,
    choose_headings,
    find_divisions,
    heading_candidates,
    key_label,
    pasal_key,
    prev_word,
)
from pipeline.legal.refs import (
    NUM,
    find_refs,
    fix_number,
    hierarchy_level,
    jenis_of,
    normalise_text,
)
from pipeline.legal.relations import find_relations
from pipeline.types import Ayat, Division, Item, Pasal, Regulation

_DEBRIS = str.maketrans({"^": " ", "\u00a0": " "})


def parse_regulation(text: str, *, title_hint: str = "") -> Regulation | None:
    """Parse ``text`` as an Indonesian regulation; ``None`` when it has no regulation header."""
    header = parse_header(text, title_hint)
    if header is None:
        return None
    # OCR debris that splits words ("P ^asal 6 ^"); same length, so offsets stay valid
    text = text.translate(_DEBRIS)
    is_amending = bool(re.match(r"(?i)perubahan\b", header.tentang))
    body_start = _find(text, r"MEMUTUSKAN|M\s*E\s*M\s*U\s*T\s*U\s*S\s*K\s*A\s*N", header.end)
    if body_start is None:
        first_bab = BAB_RE.search(text, header.end)
        body_start = first_bab.start() if first_bab else header.end
    pen_start = _find(text, PENJELASAN_RE.pattern, body_start)
    lamp_start = _find(
        text, r"(?<![A-Za-z])LAMPIRAN(?:\s+[IVX]+)?\s*\n?\s*(?:UNDANG|PERATURAN|:)", body_start
    )
    body_end = min(x for x in (pen_start, lamp_start, len(text)) if x is not None)

    if is_amending:
        pasal_spans = _amending_pasal(text, body_start, body_end)
    else:
        cands = heading_candidates(text, body_start, body_end)
        chosen = choose_headings(cands)
        pasal_spans = []
        for i, cand in enumerate(chosen):
            end = (
                chosen[i + 1].start if i + 1 < len(chosen) else _body_tail(text, cand.end, body_end)
            )
            pasal_spans.append((key_label(cand.key), cand.start, cand.end, end))

    divisions = find_divisions(text, body_start, body_end)
    if is_amending:
        # headings quoted inside Pasal I ('"BAB II JENIS, KEDUDUKAN …') belong to the amended
        # law: they neither end Pasal I nor are divisions of the amending law
        inside = [(s, e) for num, s, _h, e in pasal_spans if num == "I"]
        divisions = [d for d in divisions if not any(s <= d[0] < e for s, e in inside)]
    # a Pasal ends where the next BAB/Bagian/Paragraf heading starts
    starts = [d[0] for d in divisions]
    pasal_spans = [
        (num, s, h, min([e, *[d for d in starts if h < d < e]])) for num, s, h, e in pasal_spans
    ]
    penjelasan_umum, pen_pasal = _penjelasan(
        text,
        pen_start,
        lamp_start if lamp_start and pen_start and lamp_start > pen_start else None,
        [p[0] for p in pasal_spans],
    )
    pasal_records, division_records = _build(text, pasal_spans, divisions, pen_pasal)
    preamble = text[header.end : body_start]
    menimbang = [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r"\bbahwa\b.+?(?:;|\.(?=\s*[\n]|\s+[a-z]\.\s)|$)", preamble, re.S)
    ]
    last_bahwa = max(preamble.rfind("bahwa"), 0)
    mengingat_at = re.compile(r"M[ce]ngingat\s*:?").search(preamble, last_bahwa)
    if mengingat_at is None:
        semicolon = preamble.find(";", last_bahwa)
        mengingat_from = semicolon + 1 if semicolon >= 0 else last_bahwa
    else:
        mengingat_from = mengingat_at.end()
    mengingat_text = normalise_text(preamble[mengingat_from:])
    legal_basis = list({ref: None for ref, _, _ in find_refs(mengingat_text)})
    mengingat = [
        re.sub(r"\s+", " ", item).strip(" ;")
        for item in re.split(r"(?:^|\s)\d{1,2}\s*\.\s+", mengingat_text)
        if find_refs(item) or "Dasar" in item
    ][:40]
    lampiran = text[lamp_start:].strip()[:200000] if lamp_start is not None else None

    regulation = Regulation(
        jenis=header.jenis,
        nomor=header.nomor,
        tahun=header.tahun,
        tentang=header.tentang,
        jenis_long=header.jenis_long,
        hierarchy_level=hierarchy_level(header.jenis, header.jenis_long),
        menimbang=menimbang[:30],
        mengingat=mengingat,
        legal_basis=legal_basis,
        divisions=division_records,
        pasal=pasal_records,
        penjelasan_umum=penjelasan_umum,
        lampiran=lampiran,
        is_amending=is_amending,
        amendments=[c for p in pasal_records if p.number == "I" for c in change_labels(p.text)],
    )
    relations = find_relations(regulation)
    if regulation.is_amending:  # which Pasal of the target the changes of Pasal I touch
        body = next((p.text for p in regulation.pasal if p.number == "I"), "")
        touched = [t for change in read_changes(body) for t in change.touched]
        # OCR can hide the numbering of the changes: also read every "Ketentuan Pasal N diubah"
        touched += [
            key_label(pasal_key(m[1])[0])
            for m in re.finditer(
                r"(?:Ketentuan\s+Pasal|yakni\s+Pasal|Pasal)\s+(" + NUM + r"[A-Z]?)\s+"
                r"(?:diubah|dihapus|tetap|ditambah|sehingga)",
                body,
            )
            if pasal_key(m[1])
        ]
        scope = ", ".join(dict.fromkeys(f"Pasal {t}" for t in touched if t))
        relations = [
            r.model_copy(update={"scope": scope or None})
            if r.type == "amends" and r.pasal == "I"
            else r
            for r in relations
        ]
    return regulation.model_copy(update={"relations": relations})


def _find(text: str, pattern: str, start: int) -> int | None:
    m = re.compile(pattern).search(text, start)
    return m.start() if m else None


def _body_tail(text: str, start: int, body_end: int) -> int:
    """End of the last Pasal: before the signature block ("Disahkan di", "Ditetapkan di")."""
    sig = re.compile(r"Disahkan\s+di|Ditetapkan\s+di|Agar\s+setiap\s+orang").search(
        text, start, body_end
    )
    return sig.start() if sig else body_end


def _build(
    text: str,
    spans: list[tuple[str, int, int, int]],
    divisions: list[tuple[int, str, str, str]],
    penjelasan: dict[str, str],
) -> tuple[list[Pasal], list[Division]]:
    pasal_records = []
    div_index = 0
    current = {"BAB": None, "Bagian": None, "Paragraf": None}
    members: dict[tuple[str, str, str | None], list[str]] = {}
    order: list[tuple[str, str, str, str | None]] = []
    for number, start, head_end, end in spans:
        while div_index < len(divisions) and divisions[div_index][0] < start:
            _, kind, num, title = divisions[div_index]
            label = f"{kind} {num}"
            if kind == "BAB":
                current = {"BAB": label, "Bagian": None, "Paragraf": None}
                parent = None
            elif kind == "Bagian":
                current["Bagian"], current["Paragraf"] = label, None
                parent = current["BAB"]
            else:
                current["Paragraf"] = label
                parent = current["Bagian"] or current["BAB"]
            key = (kind, label, parent)
            if key not in members:
                members[key] = []
                order.append((kind, num, title, parent))
            div_index += 1
        for kind in ("BAB", "Bagian", "Paragraf"):
            label = current[kind]
            if label:
                parent = {
                    "BAB": None,
                    "Bagian": current["BAB"],
                    "Paragraf": current["Bagian"] or current["BAB"],
                }[kind]
                members.setdefault((kind, label, parent), []).append(number)
        body = text[head_end:end]
        ayat = find_ayat(body, head_end)
        items = [i for a in ayat for i in _items(a.text, a.number)] if ayat else _items(body, None)
        pasal_records.append(
            Pasal(
                number=number,
                text=re.sub(r"[ \t]+", " ", text[start:end]).strip(),
                ayat=ayat,
                items=items,
                bab=current["BAB"],
                bagian=current["Bagian"],
                paragraf=current["Paragraf"],
                penjelasan=penjelasan.get(number),
                char_start=start,
                char_end=end,
            )
        )
    division_records = []
    for kind, num, title, parent in order:
        label = f"{kind} {num}"
        division_records.append(
            Division(
                kind=kind,
                number=num,
                title=title,
                parent=parent,
                pasal=members.get((kind, label, parent), []),
            )
        )
    return pasal_records, division_records


def find_ayat(body: str, offset: int = 0, first: int | None = 1) -> list[Ayat]:
    """The numbered ayat ``(1)``, ``(2)`` … of a Pasal body, in sequence (a number out of
    sequence or after "ayat", "dan", … is a reference); fewer than two is none. ``first`` is the
    number the sequence starts at (``None``: whichever comes first, for a chunk that holds
    ayat (3)–(5) of a long Pasal); ``offset`` is added to the character positions."""
    found: list[tuple[int, int, str]] = []
    expected = first
    for m in AYAT_RE.finditer(body):
        number = fix_number(m["num"])
        if not number.isdigit() or (expected is not None and int(number) != expected):
            continue
        prev = prev_word(body, m.start())
        before = body[max(0, m.start() - 2) : m.start()]
        if prev in {"ayat", "dan", "atau", "dengan", "sampai", "pada", ","}:
            continue
        if m.start() > 0 and not re.search(r"(^|[\n.:;]\s*|\s)$", before):
            continue
        found.append((m.start(), m.end(), number))
        expected = int(number) + 1
    ayat = []
    for i, (start, _end, number) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(body)
        ayat.append(
            Ayat(
                number=number,
                text=re.sub(r"\s+", " ", body[start:stop]).strip(),
                char_start=offset + start,
                char_end=offset + stop,
            )
        )
    return ayat if len(ayat) >= 2 else []


_ITEM_RE = re.compile(
    r"(?:^|(?<=\n)|(?<=[:;])|(?<=[:;]\s)|(?<=\bdan\s)|(?<=\batau\s))\s*(?P<label>[a-z]|\d{1,3})\s*\.\s+(?=\S)"
)


def _items(body: str, ayat: str | None) -> list[Item]:
    """Lettered items (a., b., …) and numbered items (1., 2., …), each in sequence."""
    found: list[tuple[int, int, str, str]] = []
    next_letter, next_number = "a", 1
    for m in _ITEM_RE.finditer(body):
        label = m["label"]
        if label == next_letter:
            found.append((m.start("label"), m.end(), "huruf", label))
            next_letter = chr(ord(label) + 1)
        elif label.isdigit() and int(label) == next_number:
            found.append((m.start("label"), m.end(), "angka", label))
            next_number += 1
    items = []
    for i, (_start, end, kind, label) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(body)
        text = re.sub(r"\s+", " ", body[end:stop]).strip()
        items.append(Item(kind=kind, label=label, ayat=ayat, text=text))  # type: ignore[arg-type]
    return items


# --------------------------------------------------------------------------- Penjelasan


def _penjelasan(
    text: str, start: int | None, stop: int | None, pasal_numbers: list[str]
) -> tuple[str | None, dict[str, str]]:
    if start is None:
        return None, {}
    segment_end = stop or len(text)
    demi = re.compile(r"PASAL\s+DEMI\s+PASAL|Pasal\s+[Dd]emi\s+Pasal").search(
        text, start, segment_end
    )
    umum_m = re.compile(r"\bUMUM\b").search(text, start, demi.start() if demi else segment_end)
    if demi is None:  # no "PASAL DEMI PASAL" line: the first "Pasal 1" after UMUM starts it
        demi = re.compile(
            PASAL_RE.pattern + r"\s*(?=Cukup|Ayat|Huruf|Angka|Yang\s+dimaksud)"
        ).search(text, umum_m.end() if umum_m else start, segment_end)
    umum = None
    if umum_m:
        umum = re.sub(
            r"\s+", " ", text[umum_m.end() : demi.start() if demi else segment_end]
        ).strip()
        umum = re.sub(r"\s*II\.?\s*$", "", umum)
    if not demi:
        return umum, {}
    tail = re.compile(r"TAMBAHAN\s+LEMBARAN\s+NEGARA").search(text, demi.start() + 1, segment_end)
    seg_end = tail.start() if tail else segment_end
    order = {num: i for i, num in enumerate(pasal_numbers)}
    accepted: list[tuple[int, int, str]] = []
    last = -1
    for m in PASAL_RE.finditer(text, demi.start(), seg_end):
        token = m["num"]
        if prev_word(text, m.start()) in REF_PREV or REF_NEXT.match(text, m.end()):
            continue
        for key in pasal_key(token) or [(0, token)]:
            label = key_label(key) if key[0] else token
            if label in order and order[label] > last:
                accepted.append((m.start(), m.end(), label))
                last = order[label]
                break
    notes = {}
    for i, (_s, end, label) in enumerate(accepted):
        stop_at = accepted[i + 1][0] if i + 1 < len(accepted) else seg_end
        notes[label] = re.sub(r"\s+", " ", text[end:stop_at]).strip()
    return umum, notes


# --------------------------------------------------------------------------- amending laws


def _amending_pasal(text: str, lo: int, hi: int) -> list[tuple[str, int, int, int]]:
    """``Pasal I`` (the numbered changes) and ``Pasal II`` (commencement) of an amending law."""
    # "Pasal I" (OCR sometimes reads it "Pasal 1") opening the list of changes
    first = re.compile(
        r"Pasal\s+[I1l](?![\w])\s*\n?\s*(?=(?:Beberapa|Ketentuan|Di\s*antara|Mengubah)\b)"
    ).search(text, lo, hi) or re.compile(r"Pasal\s+I(?![\w])\s*\n?\s*(?=[A-Z])").search(
        text, lo, hi
    )
    if first is None:
        return []
    seconds = [
        m
        for m in re.compile(r"Pasal\s+II\b").finditer(text, first.end(), hi)
        if re.search(r"mulai\s+berlaku|berlaku\s+pada|Pada\s+saat", text[m.end() : m.end() + 400])
    ]
    second = seconds[-1] if seconds else None
    spans = [
        (
            "I",
            first.start(),
            first.end(),
            second.start() if second else _body_tail(text, first.end(), hi),
        )
    ]
    if second:
        later = re.compile(r"Pasal\s+III\b").search(text, second.end(), hi)
        end = later.start() if later else _body_tail(text, second.end(), hi)
        spans.append(("II", second.start(), second.end(), end))
        if later:
            spans.append(("III", later.start(), later.end(), _body_tail(text, later.end(), hi)))
    return spans


__all__ = [
    "Header",
    "change_labels",
    "find_ayat",
    "jenis_of",
    "parse_header",
    "parse_regulation",
    "split_changes",
]
