"""The fact sheet: what a brief's evidence says, read before any model call.

For each sentence of a retrieved Pasal (or ayat) the normative core as the legal parser reads
it (:mod:`pipeline.legal.modality`, :mod:`pipeline.legal.actors`): who, must / may / must not,
what, on which condition, by when or how much, and the sanction. For each statistics card the
latest value, trend, rank and gap to the national figure, cell-cited. For the regulations, what
revoked or amended them. The records are :class:`~pipeline.types.FactSheet` and its parts; the
audit record keeps them.

>>> item = EvidenceItem(kind="chunk", id="c1", citation="PP 94/2021 Pasal 2",
...                     full_citation="PP 94/2021, Pasal 2",
...                     text="Pasal 2 Setiap PNS wajib masuk kerja dan menaati ketentuan jam kerja.")
>>> fact = provision_facts(item)[0]
>>> fact.kind, fact.who, fact.action
('obligation', 'Setiap PNS', 'masuk kerja dan menaati ketentuan jam kerja')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from pipeline.draft.evidence import EvidenceItem
from pipeline.legal.actors import actors, find_actors
from pipeline.legal.modality import read_norm
from pipeline.text.labels import NOT_IN_FORCE
from pipeline.types import EvidenceCard, FactSheet, FigureFact, ProvisionFact, RelationFact
from pipeline.verify import split_sentences

__all__ = [
    "build_fact_sheet",
    "clean_provision",
    "figure_fact",
    "provision_facts",
]

_AYAT_START = re.compile(r"^\s*\(\s*(\d{1,2}[a-z]?)\s*\)\s*")
_PASAL_HEAD = re.compile(r"^\s*Pasal\s+\d+[A-Z]?\s+", re.IGNORECASE)
_SPELLED = re.compile(r"(\d[\d.,]*%?)\s*\((?:[a-z ]+|[a-z]+(?:\s+[a-z]+)*)\)", re.IGNORECASE)
_SANCTION_RE = re.compile(
    r"\b(?P<verb>dijatuhi|dikenai|dikenakan|dipidana(?:\s+dengan)?|diancam(?:\s+dengan)?|"
    r"diberhentikan(?:\s+dengan\s+hormat|\s+tidak\s+dengan\s+hormat)?)\b\s*(?P<what>[^.;]*)",
    re.IGNORECASE,
)
_LIMIT_RE = re.compile(
    r"\b(?:paling\s+(?:lambat|lama|singkat|sedikit|banyak|kurang|tinggi|rendah)|"
    r"sekurang-kurangnya|selambat-lambatnya|setinggi-tingginya|dalam\s+(?:jangka\s+)?waktu|"
    r"selama|secara\s+kumulatif\s+selama|no\s+later\s+than|at\s+(?:least|most)|within)\s+"
    r"[^,;.]*?\d[^,;.]*?(?:\b(?:hari\s+kerja|hari|minggu|bulan|tahun|jam|persen|orang|kali)\b|"
    r"%|rupiah\)?)(?:\s+(?:atau\s+lebih\s+)?(?:dalam|sejak|setelah|terhitung)\s+[^,;.]{0,40}?"
    r"(?:\btahun\b|\bbulan\b|\bhari\b|diterima|ditetapkan|diundangkan))?",
    re.IGNORECASE,
)
_MODAL_WORD = re.compile(
    r"\b(?:wajib\s+tidak|tidak\s+boleh|dilarang|wajib|harus|berkewajiban|dapat|boleh|berhak)\b",
    re.IGNORECASE,
)
#: a list item that names a sanction and whom it is for: "1. teguran lisan bagi PNS yang tidak
#: Masuk Kerja … selama 3 (tiga) hari kerja dalam 1 (satu) tahun;"
_ITEM_SANCTION = re.compile(
    r"(?:^|\s)(?:\d{1,2}|[a-z])[.)]\s+(?P<what>[a-z][\w ,/-]{2,80}?)\s+bagi\s+"
    r"(?P<cond>[^;]{10,260}?)(?=;|\.\s|\.?\s*$)"
)
_SANCTION_CHAPEAU = re.compile(r"hukuman|sanksi|dijatuhkan|dikenai|dikenakan|pidana", re.I)
#: the name of a sanction itself ("teguran lisan", "penurunan jabatan", "denda")
_SANCTION_WORD = re.compile(
    r"teguran|penurunan|pembebasan|pemberhentian|pemotongan|pernyataan tidak puas|denda|"
    r"pidana|sanksi|hukuman|pencabutan|penundaan",
    re.I,
)
_PART = re.compile(r"\s*\(bagian \d+/\d+\)")
#: OCR debris ("'t; I ll., I Or. -.7f) A (21"): such a sentence is not quoted
_NOISE = re.compile(r"[\^|{}\\]|(?:^|\s)[a-zA-Z]{1,2}[.,;'][a-zA-Z.,;']|\s[^\w\s(\"“]{2,}\s")
_AYAT_MARK = re.compile(r"(?<!ayat )(?<!Ayat )\(\s*(\d{1,2})\s*\)(?!\s*(?:huruf|angka))")
_SKIP = re.compile(r"^\s*(?:cukup\s+jelas|yang\s+dimaksud\s+dengan)", re.IGNORECASE)
_DEFINITION = re.compile(r"^[^,]{0,80}\badalah\b", re.IGNORECASE)


def clean_provision(text: str) -> str:
    """A provision sentence as a brief quotes it: without its ayat number, the Pasal heading or
    the spelled-out numbers in brackets ("28 (dua puluh delapan)" → "28")."""
    text = _PASAL_HEAD.sub("", text.strip())
    text = _AYAT_START.sub("", text)
    text = _SPELLED.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str, n: int) -> str:
    tokens = text.split()
    return " ".join(tokens[:n]).strip(" ,;:.")


def provision_facts(item: EvidenceItem) -> list[ProvisionFact]:
    """The normative sentences of a retrieved passage as facts (definitions, Penjelasan and
    sentences with neither force word, limit nor sanction are left out)."""
    if item.kind != "chunk" or "penjelasan" in item.citation.lower():
        return []
    facts = _item_sanctions(item)
    listed = {f.text for f in facts}
    lists = _list_facts(item)
    heads = {f.text.split(": ", 1)[0] for f in lists}
    ayat = None
    for raw in split_sentences(item.text) or [item.text]:
        start = _AYAT_START.match(_PASAL_HEAD.sub("", raw.strip()))
        if start:
            ayat = start[1]
        text = clean_provision(raw)
        if (
            len(text.split()) < 4
            or _SKIP.match(text)
            or _DEFINITION.match(text)
            or _NOISE.search(text)
            or any(f in text for f in listed)
        ):
            continue
        sanction = _SANCTION_RE.search(text)
        limit = _LIMIT_RE.search(text)
        modality = read_norm(text).modality
        modal = _MODAL_WORD.search(text)
        if sanction:
            kind = "sanction"
        elif modality is not None and modal:
            kind = modality
        elif limit:
            kind = "rule"
        else:
            continue
        who = condition = action = None
        if sanction:
            head = text[: sanction.start()].strip(" ,")
            split = re.search(r"\byang\b", head)
            who = _words(head[: split.start()] if split else head, 8) or None
            condition = _words(head[split.start() :], 40) if split else None
        elif modal:
            who = _words(text[: modal.start()], 10) or None
            tail = text[modal.end() :]
            if limit and limit.start() > modal.end():
                tail = text[modal.end() : limit.start()]
            action = _words(tail, 24) or None
        mentions = find_actors(text)
        citation = _PART.sub("", item.citation)
        if ayat and "ayat" not in citation:
            citation = f"{citation} ayat ({ayat})"
        facts.append(
            ProvisionFact(
                ref=item.id,
                citation=citation,
                text=text,
                kind=kind,  # type: ignore[arg-type]
                who=who,
                actor=actors()[mentions[0].key].name if mentions else None,
                action=action,
                condition=condition,
                limit=re.sub(r"\s+", " ", limit[0]).strip() if limit else None,
                sanction=_words(sanction["what"], 16) or None if sanction else None,
                status=item.status,
                status_note=item.status_note,
            )
        )
    # a list's head alone ("… meliputi:") gives way to the list with its items
    facts = [f for f in facts if f.text.rstrip(" :") not in heads]
    return facts + lists


#: the head of a list a Pasal states, up to its colon ("Data Pribadi yang bersifat spesifik …
#: meliputi:", "DPRD provinsi mempunyai hak:")
_LIST_HEAD = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\)\s))(?:(?:\(\s*[\dlI]{1,2}\s*\)|[lI]\d{1,2}[lI])\s+)?(?P<head>[A-Z][^.:;()]{0,200}?(?:\([^()]{1,12}\)[^.:;()]{0,120}?)*"
    r"\b(?:meliputi|terdiri\s+atas|terdiri\s+dari|berupa|antara\s+lain|yaitu|yakni|berhak|"
    r"berwenang|bertugas|mempunyai\s+(?:hak|tugas|wewenang)|wajib|dilarang|dapat|sebagai\s+berikut)"
    r")\s*:\s*"
)
#: where a list item starts ("a. ", "1. ", "b) ")
_ITEM_MARK = re.compile(r"(?:^|\s)\.?\s*(?P<mark>[a-z]|\d{1,2})[.)]\s+")
#: where the list ends: the next ayat, the next Pasal or BAB
_LIST_END = re.compile(r"\s\(\s*\d{1,2}\s*\)\s|\s[lI(]\d[lI)]\s|\bPasal\s+\d|\bBAB\s+[IVXL]")
_LIST_WORDS = 60
#: the item labels of a list in order, by its length: a–z or 1, 2, 3 …
_SEQUENCES = {
    n: ([chr(ord("a") + i) for i in range(n)], [str(i + 1) for i in range(n)]) for n in range(27)
}
#: what stands before the Pasal a list opens ("BAB III JENIS DATA PRIBADI Pasal 4 (1)")
_BEFORE_PASAL = re.compile(
    r"^.*\bPasal\s+\d+[A-Z]?\s+(?:(?:\(\s*[\dlI]{1,2}\s*\)|[lI]\d{1,2}[lI])\s+)?", re.DOTALL
)


def _list_facts(item: EvidenceItem) -> list[ProvisionFact]:
    """The lists a passage states, each as one fact: its head and its items ("Data Pribadi yang
    bersifat spesifik … meliputi: a. data dan informasi kesehatan; b. data biometrik; …"), so
    that a question asking what a list holds ("apa saja …") has a provision to quote. A list of
    more than 60 words keeps its first items and ends with "…"."""
    text = re.sub(r"\s+", " ", item.text.replace("^", ""))
    facts = []
    for match in _LIST_HEAD.finditer(text):
        rest = text[match.end() :]
        end = _LIST_END.search(rest)
        body = " " + (rest[: end.start()] if end else rest)
        marks = list(_ITEM_MARK.finditer(body))
        labels = [m["mark"] for m in marks]
        if len(marks) < 2 or marks[0].start() > 1 or labels not in _SEQUENCES[len(labels)]:
            continue  # no list, or one OCR put out of order
        items = []
        for a, b in itertools.pairwise([*marks, None]):
            piece = body[a.end() : b.start() if b else None]
            piece = re.sub(r"[\s;,.]*(?:\b(?:dan/atau|dan|atau))?[\s;,.]*$", "", piece).strip()
            items.append(piece)
        head = clean_provision(_BEFORE_PASAL.sub("", match["head"]))
        if (
            any(len(i) < 3 or len(i.split()) > 25 or _NOISE.search(i) for i in items)
            or _NOISE.search(head)
            or len(head.split()) < 2
        ):
            continue
        kept: list[str] = []
        words = len(head.split())
        for i, piece in enumerate(items):
            words += len(piece.split()) + 1
            if words > _LIST_WORDS:
                break
            kept.append(f"{chr(ord('a') + i)}. {piece}")
        if len(kept) < 2:
            continue
        whole = len(kept) == len(items)
        joined = "; ".join(kept[:-1]) + ("; dan " if whole else "; ") + kept[-1]
        ayat = _AYAT_MARK.findall(text[: match.start("head")])
        citation = _PART.sub("", item.citation)
        if ayat and "ayat" not in citation:
            citation = f"{citation} ayat ({ayat[-1]})"
        modality = read_norm(head).modality if _MODAL_WORD.search(head) else None
        mentions = find_actors(head)
        facts.append(
            ProvisionFact(
                ref=item.id,
                citation=citation,
                text=f"{head}: {joined}" + ("" if whole else "; …"),
                kind=modality or "rule",  # type: ignore[arg-type]
                who=_words(head, 10) or None,
                actor=actors()[mentions[0].key].name if mentions else None,
                status=item.status,
                status_note=item.status_note,
            )
        )
    return facts


def _item_sanctions(item: EvidenceItem) -> list[ProvisionFact]:
    """The sanctions a passage lists item by item ("1. teguran lisan bagi PNS yang … 3 hari
    kerja dalam 1 tahun"), each with its condition and limit, when the text before the list
    speaks of a sanction."""
    text = re.sub(r"\s+", " ", item.text)
    facts = []
    for match in _ITEM_SANCTION.finditer(text):
        cond = clean_provision(match["cond"]).rstrip(" ;,.")
        cond = re.sub(r"\s+(?:dan|atau|dan/atau)$", "", cond)
        limit = _LIMIT_RE.search(cond)
        head = text[max(0, match.start() - 1500) : match.start()]
        what = match["what"].strip()
        named = _SANCTION_CHAPEAU.search(head) or _SANCTION_WORD.match(what)
        if not limit or not named or _NOISE.search(cond):
            continue
        ayat = _AYAT_MARK.findall(text[: match.start()])
        citation = _PART.sub("", item.citation)
        if ayat and "ayat" not in citation:
            citation = f"{citation} ayat ({ayat[-1]})"
        split = re.search(r"\byang\b", cond)
        facts.append(
            ProvisionFact(
                ref=item.id,
                citation=citation,
                text=f"{what} bagi {cond}",
                kind="sanction",
                who=_words(cond[: split.start()] if split else cond, 8) or None,
                condition=_words(cond[split.start() :], 40) if split else None,
                limit=re.sub(r"\s+", " ", limit[0]).strip(),
                sanction=what,
                status=item.status,
                status_note=item.status_note,
            )
        )
    return facts


def figure_fact(card: EvidenceCard) -> FigureFact:
    """A statistics card as a fact (the latest value, trend, rank and national figure)."""
    start = next((f.text for f in card.series if f.period == card.change_from), None)
    return FigureFact(
        ref=card.id,
        indicator=card.indicator_name,
        region=card.region,
        period=card.latest.period,
        value=card.latest.text,
        unit=card.unit or "",
        trend=card.trend,
        change=card.change,
        change_from=card.change_from,
        start=start,
        rank=card.rank,
        rank_of=card.rank_of,
        rank_order=card.rank_order,
        level=card.region_level,
        national=card.national.text if card.national else None,
        cell=card.latest.cell.label,
    )


def build_fact_sheet(
    topic: str, items: Sequence[EvidenceItem], cards: Sequence[EvidenceCard] = ()
) -> FactSheet:
    """The fact sheet of a brief's evidence ``items`` (chunks) and statistics ``cards``."""
    provisions = [f for item in items for f in provision_facts(item)]
    relations: dict[str, RelationFact] = {}
    for item in items:
        if item.kind == "chunk" and item.status in NOT_IN_FORCE and item.status_note:
            label = item.citation.split(" Pasal")[0].split(" Penjelasan")[0]
            relations.setdefault(
                label, RelationFact(regulation=label, status=item.status, note=item.status_note)
            )
    return FactSheet(
        topic=topic,
        provisions=provisions,
        figures=[figure_fact(c) for c in cards],
        relations=list(relations.values()),
    )
