"""Recover the structure of an Indonesian regulation from its (often OCR'd) text.

The parser never trusts a single regex match. A ``Pasal N`` heading is accepted only when it
(a) does not read like a reference ("sebagaimana dimaksud dalam Pasal 5", "Pasal 5 ayat (2)"),
and (b) continues the numbering (N follows the last accepted Pasal, or is an inserted ``12A``).
Among several candidates for the next number, one on its own line or followed by ``(1)`` wins.
This keeps cross-references out and survives headings that OCR ran into the previous line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.legal.refs import (
    NUM,
    find_refs,
    fix_number,
    fix_year,
    hierarchy_level,
    jenis_of,
    normalise_text,
)
from pipeline.legal.relations import find_relations
from pipeline.types import Ayat, Division, Item, Pasal, Regulation

# --------------------------------------------------------------------------- header

_HEADER_RE = re.compile(
    r"(?P<jenis>UNDANG-?UNDANG(?!DASAR)|PERATURANPEMERINTAHPENGGANTIUNDANG-?UNDANG"
    r"|PERATURANPEM[A-Z]{3,8}?|PERATURANPRESIDEN|KEPUTUSANPRESIDEN|PERATURANMENTERI[A-Z]*?"
    r"|PERATURANDAERAH[A-Z]*?|PERATURANKEPALA[A-Z]*?|PERATURANBADAN[A-Z]*?"
    r"|KEPUTUSANMENTERI[A-Z]*?|KEPUTUSANKEPALA[A-Z]*?|SURATEDARAN[A-Z]*?)"
    r"(?:REPUBLIKINDO?NESIA)?(?:\([A-Z]+\))?NOMOR"
    r"(?:(?P<nomor>[0-9OILTS]{1,5}?)(?:/[A-Z0-9./-]+?)?TAHUN(?P<tahun>[0-9OILS]{4})"
    # agency style: "NOMOR : 02/Ka-BAPETEN/V-99", "NOMOR : 0842/K/IV/2020"
    r"|(?P<nomor2>[0-9]{1,5})/[A-Z0-9./-]*?[/-](?P<tahun2>(?:19|20)?[0-9]{2})(?=TENTANG))"
)
_JENIS_SQUEEZED = [
    ("PERATURANPEMERINTAHPENGGANTI", "Perppu", "Peraturan Pemerintah Pengganti Undang-Undang"),
    ("UNDANG", "UU", "Undang-Undang"),
    ("PERATURANPEM", "PP", "Peraturan Pemerintah"),
    ("PERATURANPRESIDEN", "Perpres", "Peraturan Presiden"),
    ("KEPUTUSANPRESIDEN", "Keppres", "Keputusan Presiden"),
    ("PERATURANMENTERI", "Permen", "Peraturan Menteri"),
    ("PERATURANDAERAH", "Perda", "Peraturan Daerah"),
    ("PERATURANKEPALA", "Perka", "Peraturan Kepala"),
    ("PERATURANBADAN", "Perba", "Peraturan Badan"),
    ("KEPUTUSANMENTERI", "Kepmen", "Keputusan Menteri"),
    ("KEPUTUSANKEPALA", "Kepka", "Keputusan Kepala"),
    ("SURATEDARAN", "SE", "Surat Edaran"),
]
_TENTANG_END = re.compile(
    r"DENGAN\s*RAHMAT|Dengan\s+Rahmat|M[ce]nimbang|M[ce]ngingat|PRESIDEN\s+REPUBLIK|"
    r"\bbahwa\b|\bMEMUTUSKAN|\bMenetapkan|GUBERNUR|BUPATI|WALIKOTA|MENTERI\s|KEPALA\s+BADAN|\n\s*\n"
)
_SMALL_WORDS = {
    "dan",
    "atau",
    "di",
    "ke",
    "dari",
    "yang",
    "untuk",
    "pada",
    "atas",
    "dengan",
    "antara",
    "sebagai",
    "dalam",
    "bagi",
    "terhadap",
    "serta",
    "oleh",
    "tentang",
    "kedua",
    "ketiga",
}


@dataclass(frozen=True)
class Header:
    jenis: str
    jenis_long: str
    nomor: str
    tahun: int
    tentang: str
    end: int


def _squeeze_map(text: str) -> tuple[str, list[int]]:
    """Uppercase text without whitespace, and for each kept char its offset in ``text``."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if not ch.isspace() and ch not in ".,:":
            chars.append(ch)
            offsets.append(i)
    return "".join(chars).upper(), offsets


def parse_header(text: str, title_hint: str = "") -> Header | None:
    """jenis, nomor, tahun and tentang from the title block (tolerates OCR and spaced letters)."""
    head = normalise_text(text[:6000])
    squeezed, offsets = _squeeze_map(head)
    match = _HEADER_RE.search(squeezed)
    if match is None and title_hint:
        squeezed, offsets = _squeeze_map(normalise_text(title_hint))
        head = normalise_text(title_hint)
        match = _HEADER_RE.search(squeezed)
    if match is None:
        return None
    raw = match["jenis"]
    short, long = next(((s, lg) for key, s, lg in _JENIS_SQUEEZED if raw.startswith(key)), ("", ""))
    if match["nomor"] is not None:
        nomor, tahun = fix_number(match["nomor"]).lstrip("0") or "0", fix_year(match["tahun"])
    else:
        nomor, year = match["nomor2"].lstrip("0") or "0", int(match["tahun2"])
        tahun = year if year > 100 else (2000 + year if year <= 50 else 1900 + year)
    if not short or tahun is None or not nomor.isdigit():
        return None
    if short == "Perda":
        kind = re.search(
            r"PERATURAN\s+DAERAH\s+((?:PROVINSI|KABUPATEN|KOTA)\s+[A-Z .]+?)\s+NOMOR", head
        )
        if kind:
            long = f"Peraturan Daerah {_title_case(kind[1])}"
    start, end = offsets[match.start()], offsets[match.end() - 1] + 1
    letters = [c for c in head[start:end] if c.isalpha()]
    if sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None  # "Undang-Undang Nomor 25 Tahun 2009" in running text is not a title
    return Header(short, long, nomor, tahun, _tentang(head, end, text), end)


def _tentang(head: str, start: int, full: str) -> str:
    match = re.compile(r"T\s*E\s*N\s*T\s*A\s*N\s*G\s+").search(head, start, start + 400)
    if not match:
        return ""
    stop = _TENTANG_END.search(head, match.end())
    tentang = head[match.end() : stop.start() if stop else match.end() + 300]
    tentang = re.sub(r"\s+", " ", tentang).strip(" ,.;:")
    tokens = tentang.split()
    if tokens and sum(len(t) <= 2 for t in tokens) > len(tokens) / 2:
        # letters spaced out by OCR: prefer the "Menetapkan : ... TENTANG ..." line
        later = re.search(
            r"Menetapkan\s*:?\s*[A-Z -]+?TENTANG\s+([A-Z][A-Z ,/-]+?)\s*[.\n]", full[:20000]
        )
        tentang = later[1] if later else _despace(tentang, full)
    tentang = re.sub(
        r"(?i)(nomor\s+)(" + NUM + r")(\s+tahun\s+)(\S{4})",
        lambda m: f"{m[1]}{fix_number(m[2])}{m[3]}{fix_year(m[4]) or m[4]}",
        tentang,
    )
    return _title_case(tentang[:300])


def _despace(spaced: str, full: str) -> str:
    """Re-segment letter-spaced OCR ("S I NK RO N I S A S I") with the document's own words."""
    vocab: dict[str, int] = {}
    for word in re.findall(r"[A-Za-z]{2,}", full):
        vocab[word.upper()] = vocab.get(word.upper(), 0) + 1
    joined = re.sub(r"\s+", "", spaced.upper())
    best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(joined)
    for i in range(1, len(joined) + 1):
        for j in range(max(0, i - 25), i):
            word, prev = joined[j:i], best[j]
            if prev is None or (word not in vocab and len(word) > 1):
                continue
            score = prev[0] + (len(word) ** 2 if word in vocab else -5)
            if best[i] is None or score > best[i][0]:
                best[i] = (score, [*prev[1], word])
    return " ".join(best[-1][1]) if best[-1] else spaced


def _title_case(text: str) -> str:
    if not text.isupper():
        return text
    words = []
    for i, word in enumerate(text.lower().split()):
        parts = "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
        words.append(word if i and word in _SMALL_WORDS else parts)
    return " ".join(words)


# --------------------------------------------------------------------------- Pasal headings

_PASAL_RE = re.compile(
    r"(?<![A-Za-z])P {0,2}a {0,2}s {0,2}a {0,2}[l1IJ]\s*(?P<num>(?:"
    + NUM
    + r")[A-Z]?|[IVX]{1,4})(?![\w])"
)
_REF_PREV = {
    "dalam",
    "dan",
    "atau",
    "dengan",
    "pada",
    "oleh",
    "menurut",
    "berdasarkan",
    "ketentuan",
    "sampai",
    "hingga",
    "serta",
    "lihat",
    "di",
    "antara",
    "yakni",
    "yaitu",
    "sebagaimana",
    "dimaksud",
    "kecuali",
    "terhadap",
    "melanggar",
    "dari",
    "atas",
    "ke",
    "bahwa",
    "setelah",
    "sebelum",
    "tentang",
    "sehingga",
    "disisipkan",
    "diubah",
    "dihapus",
    "menjadi",
    "jo",
    "juncto",
    "sesuai",
    "mengenai",
    "melalui",
    "tercantum",
    "termuat",
    "diatur",
    "bunyi",
    "menyimpang",
    "pelaksanaan",
    "untuk",
    "bagi",
    "tersebut",
    "beserta",
}
_REF_NEXT = re.compile(
    r"\s*(?:ayat|huruf|angka|dan\b|sampai|hingga|,|Undang(?!-Undang\s+ini)|UUD|"
    r"Peraturan(?!\s+(?:Pemerintah|Presiden|Daerah|Menteri)\s+ini)|tentang|jo\b|juncto|"
    r"s\.d|sd\b|berlaku\s+secara|tidak\s+berlaku|yang\s+mengatur|dapat\s+dilihat)",
)
_AYAT_RE = re.compile(r"\(\s*(?P<num>[0-9lI]{1,2})\s*\)")


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    key: tuple[int, str]
    strength: int  # 2: own line or followed by "(1)"; 1: after a sentence end; 0: inline

    @property
    def strong(self) -> bool:
        return self.strength == 2


def _pasal_key(token: str) -> list[tuple[int, str]]:
    """Possible readings of a Pasal number token: ``'2T'`` → 27 or (2, 'T'); ``'12A'``."""
    readings = []
    whole = fix_number(token)
    if whole.isdigit():
        readings.append((int(whole), ""))
    if len(token) > 1 and token[-1].isalpha() and token[-1].isupper():
        head = fix_number(token[:-1])
        if head.isdigit():
            readings.append((int(head), token[-1]))
    return readings


def _prev_word(text: str, start: int) -> str:
    window = text[max(0, start - 40) : start].rstrip()
    if window.endswith((",", "/", "-")):
        return ","
    words = re.findall(r"[A-Za-z]+", window)
    return words[-1].lower() if words else ""


_SPLIT_RE = re.compile(r"(?<![A-Za-z])Pasal\s*(?P<num>\d \d{1,2})(?![\w])")


def _heading_candidates(text: str, lo: int, hi: int) -> list[_Cand]:
    cands = []
    # OCR sometimes splits a number ("Pasal 1 1" for 11): a candidate, accepted only in sequence
    matches = sorted(
        [*_PASAL_RE.finditer(text, lo, hi), *_SPLIT_RE.finditer(text, lo, hi)],
        key=lambda m: m.start(),
    )
    for m in matches:
        token = m["num"].replace(" ", "")
        if re.fullmatch(r"[IVX]+", token) and not re.fullmatch(r"[Il]", token):
            continue  # Roman: only in amending laws, handled apart
        prev = _prev_word(text, m.start())
        # "… arsip tersebut.\nPasal 66" ends a sentence: the word before is no reference word
        after_sentence = re.search(r"[.;:]\s*\n\s*$", text[max(0, m.start() - 8) : m.start()])
        if (prev in _REF_PREV or prev == ",") and not after_sentence:
            continue
        if _REF_NEXT.match(text, m.end()):
            continue
        before = text[max(0, m.start() - 3) : m.start()]
        after = text[m.end() : m.end() + 6]
        own_line = "\n" in before or m.start() == 0
        if own_line or re.match(r"\s*(\n|\(\s*[1lI]\s*\))", after):
            strength = 2
        elif re.search(r"[.;:]\s*$", before) and re.match(r"\s*[A-Z(]", after):
            strength = 1
        else:
            strength = 0
        for key in _pasal_key(token):
            cands.append(_Cand(m.start(), m.end(), key, strength))
    return cands


def _next_keys(key: tuple[int, str]) -> list[tuple[int, str]]:
    number, suffix = key
    nxt = chr(ord(suffix) + 1) if suffix else "A"
    return [(number + 1, ""), (number, nxt)]


def _choose_headings(cands: list[_Cand], first: int = 1) -> list[_Cand]:
    """Walk the numbering: at each step take the best candidate for the next expected key.

    The next key is N+1 or an inserted N+letter. When OCR lost a heading, a candidate a few
    numbers ahead is taken if it looks like a heading (gap ≤ 3 after a sentence end, ≤ 10 on its
    own line), so one lost heading does not end the walk.
    """
    chosen: list[_Cand] = []
    pos = -1
    expected = [(first, "")]
    while True:
        pick = None
        best_gap = 0
        for gap in range(0, 11):
            keys = expected if gap == 0 else [(expected[0][0] + gap, "")]
            if gap and not chosen:
                break
            options = [c for c in cands if c.start > pos and c.key in keys]
            if gap:
                options = [c for c in options if c.strength >= (1 if gap <= 3 else 2)]
            if options and (pick is None or options[0].start < pick.start):
                pick, best_gap = options[0], gap
        if pick is not None and not pick.strong:
            # a stronger candidate for the same key before the next number's first candidate
            same = [c for c in cands if c.start > pos and c.key == pick.key]
            following = [c for c in cands if c.start > pick.start and c.key[0] > pick.key[0]]
            limit = following[0].start if following else float("inf")
            better = [c for c in same if c.strength > pick.strength and c.start < limit]
            if better:
                pick = max(better, key=lambda c: (c.strength, -c.start))
        del best_gap
        if pick is None:
            break
        chosen.append(pick)
        pos = pick.end
        expected = _next_keys(pick.key)
    return chosen


def _key_label(key: tuple[int, str]) -> str:
    return f"{key[0]}{key[1]}"


# --------------------------------------------------------------------------- divisions

_BAB_RE = re.compile(
    r"(?<![A-Za-z])BAB\s+(?P<num>[IVXLC]{1,7}|[0-9]{1,2})\b\s*(?P<title>[A-Z][A-Z0-9 ,/&()'.-]{2,200}?)"
    r"(?=\s+(?:Bagian|Paragraf|Pasal)\b|\s*\n|\s+[A-Z][a-z])"
)
_BAGIAN_RE = re.compile(
    r"(?<![A-Za-z])Bagian\s+(?P<num>Ke[a-z]+|Pertama)\b\s*(?P<title>[^\n]{2,200}?)"
    r"(?=\s+(?:Paragraf|Pasal)\b|\s*\n)"
)
_PARAGRAF_RE = re.compile(
    r"(?<![A-Za-z])Paragraf\s+(?P<num>\d{1,2}|Ke[a-z]+)\b\s*(?P<title>[^\n]{2,200}?)(?=\s+Pasal\b|\s*\n)"
)


def _divisions(text: str, lo: int, hi: int) -> list[tuple[int, str, str, str]]:
    found = []
    for kind, regex in (("BAB", _BAB_RE), ("Bagian", _BAGIAN_RE), ("Paragraf", _PARAGRAF_RE)):
        for m in regex.finditer(text, lo, hi):
            if _prev_word(text, m.start()) in _REF_PREV:
                continue
            found.append((m.start(), kind, m["num"], re.sub(r"\s+", " ", m["title"]).strip()))
    return sorted(found)


# --------------------------------------------------------------------------- main entry

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
        first_bab = _BAB_RE.search(text, header.end)
        body_start = first_bab.start() if first_bab else header.end
    pen_start = _find(text, r"PENJELASAN\s*\n?\s*ATAS\s+(?:UNDANG|PERATURAN|P\s*E\s*R)", body_start)
    lamp_start = _find(
        text, r"(?<![A-Za-z])LAMPIRAN(?:\s+[IVX]+)?\s*\n?\s*(?:UNDANG|PERATURAN|:)", body_start
    )
    body_end = min(x for x in (pen_start, lamp_start, len(text)) if x is not None)

    if is_amending:
        pasal_spans = _amending_pasal(text, body_start, body_end)
    else:
        cands = _heading_candidates(text, body_start, body_end)
        chosen = _choose_headings(cands)
        pasal_spans = []
        for i, cand in enumerate(chosen):
            end = (
                chosen[i + 1].start if i + 1 < len(chosen) else _body_tail(text, cand.end, body_end)
            )
            pasal_spans.append((_key_label(cand.key), cand.start, cand.end, end))

    divisions = _divisions(text, body_start, body_end)
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
        touched = [changed_pasal(body[s:e]) for _n, s, e in split_changes(body)]
        # OCR can hide the numbering of the changes: also read every "Ketentuan Pasal N diubah"
        touched += [
            _key_label(_pasal_key(m[1])[0])
            for m in re.finditer(
                r"(?:Ketentuan\s+Pasal|yakni\s+Pasal|Pasal)\s+(" + NUM + r"[A-Z]?)\s+"
                r"(?:diubah|dihapus|tetap|ditambah|sehingga)",
                body,
            )
            if _pasal_key(m[1])
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
        ayat = _ayat(body, head_end)
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


def _ayat(body: str, offset: int) -> list[Ayat]:
    found: list[tuple[int, int, str]] = []
    expected = 1
    for m in _AYAT_RE.finditer(body):
        number = fix_number(m["num"])
        if not number.isdigit() or int(number) != expected:
            continue
        prev = _prev_word(body, m.start())
        before = body[max(0, m.start() - 2) : m.start()]
        if prev in {"ayat", "dan", "atau", "dengan", "sampai", "pada", ","}:
            continue
        if m.start() > 0 and not re.search(r"(^|[\n.:;]\s*|\s)$", before):
            continue
        found.append((m.start(), m.end(), number))
        expected += 1
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
            _PASAL_RE.pattern + r"\s*(?=Cukup|Ayat|Huruf|Angka|Yang\s+dimaksud)"
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
    for m in _PASAL_RE.finditer(text, demi.start(), seg_end):
        token = m["num"]
        if _prev_word(text, m.start()) in _REF_PREV or _REF_NEXT.match(text, m.end()):
            continue
        for key in _pasal_key(token) or [(0, token)]:
            label = _key_label(key) if key[0] else token
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

_CHANGE_RE = re.compile(
    r"(?:(?<=\s)|(?<=[.:;\"\u201d]))\s*(?P<n>\d{1,3})\s*[.,]\s+(?=(?:Ketentuan|Di\s*antara|Diantara|"
    r"Pasal|Penjelasan|Judul|Bab|BAB|Lampiran|Setelah|Menambah|Ditambahkan|Bagian|Paragraf|"
    r"Menghapus|Mengubah|Sebelum|Di\s+antara)\b)"
)


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


_CHANGE_NOT_AFTER = _REF_PREV | {"pasal", "ayat", "angka", "huruf", "nomor", "tahun", "bab"}


def split_changes(text: str) -> list[tuple[str, int, int]]:
    """Split the body of ``Pasal I`` into its numbered changes: (number, start, end)."""
    found = []
    expected = 1
    for m in _CHANGE_RE.finditer(text):
        # "… dalam Pasal 5. Ketentuan lebih lanjut …" is a reference, not change 5; after a
        # sentence end ("… Tahun 1945. 2. Ketentuan") it is a change
        before = text[: m.start("n")].rstrip()
        if not before.endswith((".", ":", ";", '"', "\u201d")) and (
            _prev_word(text, m.start("n")) in _CHANGE_NOT_AFTER
        ):
            continue
        # OCR loses a number now and then: accept a skip of up to three
        if expected <= int(m["n"]) <= expected + 3:
            found.append((m["n"], m.start("n")))
            expected = int(m["n"]) + 1
    return [
        (num, start, found[i + 1][1] if i + 1 < len(found) else len(text))
        for i, (num, start) in enumerate(found)
    ]


def change_labels(text: str) -> list[str]:
    """One line per change of ``Pasal I``: ``'angka 2: Ketentuan Pasal 27 diubah …'``."""
    labels = []
    for num, start, end in split_changes(text):
        head = re.sub(r"\s+", " ", text[start:end]).strip()
        head = re.sub(r"^\d+\s*[.,]\s*", "", head)
        head = re.split(r"(?<=berikut)\s*:", head)[0]
        labels.append(f"angka {num}: {head[:160]}")
    return labels


def changed_pasal(change_text: str) -> str | None:
    """The Pasal a change of an amending law touches: 'Ketentuan Pasal 27 diubah' → '27'."""
    change_text = re.split(r"berikut\s*:", change_text, maxsplit=1)[0][:400]
    m = re.search(
        r"(?:Ketentuan\s+)?Pasal\s+(" + NUM + r"[A-Z]?)\s+(?:diubah|dihapus)", change_text
    )
    if not m:
        m = re.search(r"yakni\s+Pasal\s+(" + NUM + r"[A-Z]?)", change_text)
    if not m:
        m = re.search(r"sehingga\s+(?:keseluruhan\s+)?Pasal\s+(" + NUM + r"[A-Z]?)", change_text)
    if not m:
        return None
    keys = _pasal_key(m[1])
    return (
        _key_label(keys[-1] if keys[-1][1] and m[1][-1] not in "OITS" else keys[0])
        if keys
        else None
    )


__all__ = [
    "Header",
    "change_labels",
    "changed_pasal",
    "jenis_of",
    "parse_header",
    "parse_regulation",
    "split_changes",
]
