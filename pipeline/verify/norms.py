"""Checks of what the matched passage sentence says, beyond its numbers and references.

* :func:`check_claim_content` — ``no_claim``: a question, a heading or tag, or a sentence whose
  words say nothing checkable ("Isu ini sangat penting …", "perlu ditangani secara
  komprehensif dan berkelanjutan") is not a claim a passage can support.
* :func:`check_norms` — ``modality_mismatch`` (must / may / must not differ from the passage
  sentence and its neighbours), ``negation_mismatch`` (a "tidak" / "not" added before, or
  dropped from, a word the passage says), ``unit_mismatch`` (days against working days).

Each compares the claim with the passage sentence it matches best and the sentences beside it
(a claim is supported by one sentence, or two adjacent ones).
"""

from __future__ import annotations

import re

from pipeline.legal.modality import read_norm
from pipeline.legal.refs import find_mentions
from pipeline.text.lang import sentence_language
from pipeline.types import Reason
from pipeline.verify.sentences import split_sentences

__all__ = [
    "VAGUE_WORDS",
    "aligned_sentences",
    "check_claim_content",
    "check_complete",
    "check_norms",
]

_QUESTION_START = re.compile(
    r"^(?:apakah|bagaimana|mengapa|kenapa|siapa|kapan|berapa|di\s*mana|manakah|what|how|why|"
    r"who|when|where|which|does|do|is|are|can|could|should|will|would)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"^\s*(?:<[^<>]{1,60}>|#{1,6}\s.*|[^.!?]{1,60}:|(?:#[\w-]+[\s,;]*)+)\s*$")
#: a heading and a phrase with no verb on either side: "Village officials: sanctions and
#: dismissal", "Perlindungan konsumen dalam perdagangan daring: kewajiban informasi"
_HEADED = re.compile(r"^\s*(?P<head>[^:.!?]{2,80}):\s*(?P<rest>[^:.!?]{2,100})[.!]?\s*$")
_EN_VERB = re.compile(
    r"\b[a-z]{3,}(?:ed|es)\b|\b(?:is|are|was|were|has|have|had|must|may|shall|can|will|be|been|"
    r"being|does|do|did|should|would|could|might)\b",
    re.IGNORECASE,
)
#: a label and a short phrase: "Rekomendasi: penguatan kapasitas PPID."
_LABELLED = re.compile(
    r"^\s*(?:rekomendasi|temuan|kesimpulan|ringkasan|catatan|saran|latar\s+belakang|"
    r"recommendations?|findings?|key\s+findings?|conclusions?|summary|notes?|background|"
    r"tags?|kata\s+kunci|keywords?|topik|topics?|agenda|to\s*do)"
    r"(?:\s+(?:untuk|for)\s+\w+)?\s*:\s*(?P<rest>[^.!?]*)[.!?]?\s*$",
    re.IGNORECASE,
)
#: importance and vague calls to act: they say a topic matters, not what a source says
_EMPTY = re.compile(
    r"\bpertimbangkan\s+bahwa\b|\bpentingnya\b|"
    r"\b(?:merupakan|adalah|menjadi|ialah)\s+(?:\w+\s+){0,3}?(?:yang\s+)?(?:sangat\s+)?"
    r"(?:penting|krusial|strategis|vital|kunci|esensial|fundamental)\b|"
    r"\bpenting\s+(?:karena|untuk|bagi|dalam)\b|"
    r"\b(?:perlu|harus|hendaknya|sebaiknya|mesti)\s+(?:\w+\s+){0,3}?(?:terus\s+)?"
    r"(?:di\w+kan|di\w+i|ditangani)\s+(?:\w+\s+){0,6}?secara\s+(?:komprehensif|menyeluruh|"
    r"berkelanjutan|terpadu|holistik|optimal|maksimal|sistematis|serius)\b|"
    r"\b(?:harus|perlu)\s+terus\s+di\w+(?:kan|i)?\b|"
    r"\b(?:perlu|harus|sebaiknya)\s+(?:\w+\s+){0,2}?(?:dikaji|ditinjau|dievaluasi|dipelajari|"
    r"dicermati|dipertimbangkan)\s+(?:\w+\s+){0,2}?(?:lebih\s+)?(?:lanjut|mendalam|kembali|"
    r"ulang|seksama)\b|"
    r"\b(?:should|must|needs?\s+to)\s+be\s+(?:further\s+)?(?:studied|reviewed|examined|"
    r"assessed|explored|evaluated)\s+(?:further|more\s+closely|in\s+depth|more\s+deeply)\b|"
    r"\b(?:is|are|remains?)\s+(?:\w+\s+){0,2}?(?:very\s+|highly\s+|particularly\s+)?"
    r"(?:important|crucial|essential|vital|critical|key|fundamental)\b|"
    r"\bplays?\s+an?\s+(?:\w+\s+)?(?:important|key|crucial|vital|central|critical|strategic)"
    r"\s+role\b|\bdeserves?\s+(?:\w+\s+)?support\b|"
    r"\b(?:highly|very|particularly)\s+relevant\b|\bcornerstones?\s+of\b|"
    r"\bisu\s+(?:yang\s+)?(?:strategis|penting|krusial)\b|\b(?:perlu|akan)\s+dibahas\s+lebih\s+"
    r"lanjut\b|\bcatatan\s+untuk\s+(?:pembahasan|tim|rapat)\b|\bto\s+be\s+discussed\s+"
    r"(?:further|later)\b|"
    r"\b(?:must|should|needs?\s+to|ought\s+to)\s+be\s+(?:\w+\s+){0,8}?(?:comprehensively|"
    r"sustainably|holistically|continuously|systematically|seriously|effectively)\b|"
    r"\b(?:sangat|amat)\s+(?:menentukan|berpengaruh|berperan|dibutuhkan|diperlukan)\b|"
    r"\b(?:memegang|mempunyai|memiliki)\s+peran(?:an)?\s+(?:yang\s+)?(?:sangat\s+)?"
    r"(?:penting|strategis|kunci|sentral)\b|\bkunci\s+(?:keberhasilan|utama|sukses)\b|"
    r"(?<!the\s)(?<!a\s)(?<!this\s)\bmatters?\s+for\b|\bmatters?\s+(?:greatly|a\s+lot|most)\b|"
    r"\bthe\s+way\s+forward\b|"
    r"\b(?:is|are)\s+(?:the\s+)?key\s+to\b|\bcannot\s+be\s+(?:overstated|ignored)\b",
    re.IGNORECASE,
)
_ID_VERB = re.compile(
    r"\b(?:me[a-z]{3,}|ber[a-z]{3,}|ter(?:diri|dapat|masuk)|di(?!siplin|rektur|nas\b|rjen)"
    r"[a-z]{4,}(?:kan|i|nya)?|adalah|merupakan|ialah|wajib|dapat|harus|boleh|ada|tidak|"
    r"is|are|was|were|has|have|must|may|shall|can|will)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")

_VAGUE = """
    isu ini itu hal tersebut topik masalah persoalan sangat amat penting krusial strategis
    signifikan perlu harus diperlukan dibutuhkan ditangani menangani penanganan secara
    komprehensif menyeluruh berkelanjutan terpadu holistik serius sungguh optimal efektif
    efisien upaya meningkatkan peningkatan memperkuat penguatan mendorong mendukung dukungan
    berbagai pihak semua seluruh para pemangku kepentingan kebijakan pemerintah indonesia
    bagian sistem kualitas baik lebih dan atau yang untuk dengan dalam pada di ke dari oleh
    bagi akan dapat adalah merupakan menjadi agar supaya sehingga karena juga serta telah
    sudah masih tetap bahwa melibatkan terkait mengenai tentang
    this that these those issue issues topic matter matters very highly important crucial
    critical key vital significant strategic need needs needed must should be is are was were
    addressed address addressing comprehensively comprehensive sustainable sustainably
    holistic holistically integrated serious seriously effective effectively efficient
    efforts effort improve improving strengthen strengthening support supporting various all
    stakeholders policy policies government indonesia part system quality good better more
    and or the a an of to in on for with by as it its which who will can has have been
    therefore thus also further regarding concerning about
"""
#: words that say nothing checkable on their own: importance, urgency, vague calls to act
VAGUE_WORDS = frozenset(_VAGUE.split())

_WORKING_DAYS = re.compile(r"\bhari\s+kerja\b|\bworking\s+days?\b|\bbusiness\s+days?\b", re.I)
_DAYS = re.compile(
    r"\d+\s*\)?\s*(?:\([^)]*\)\s*)?(?:hari(?:\s+kalender)?|(?:calendar\s+)?days?)\b", re.IGNORECASE
)


#: a pointer to a source instead of a statement: "Independensi BPK — lihat [1]."
_POINTER = re.compile(
    r"(?:[—–:-]|\b)\s*(?:lihat|see|cf|bandingkan|rujuk)\s*[.:]?\s*[.!]?\s*$", re.IGNORECASE
)


#: words a finished sentence does not end on: a sentence that does was cut off ("… dengan cara
#: mengubah pengaturan Hukuman Disiplin berat menjadi [4].", "… terhadap PNS yang tidak masuk
#: kerja, berdasarkan [6].")
_DANGLING = frozenset(
    """yang dan atau serta dengan untuk menjadi akan adalah ialah merupakan bahwa di ke dari
    oleh pada karena sebagai dalam bagi tentang agar supaya sehingga namun tetapi yaitu yakni
    berupa seperti terhadap kepada antara para setiap mengenai sejak apabila jika bila
    maupun berdasarkan menurut melalui tanpa demi hingga sebesar sejumlah selama sampai tanggal
    the a an and or than of to for with by from based according until within into on at""".split()  # noqa: SIM905
)
#: a bound with nothing after it: "… ditetapkan paling lama [1]", "… at least [1]"
_OPEN_BOUND = re.compile(
    r"\b(?:paling\s+(?:lambat|lama|singkat|sedikit|banyak|tinggi|rendah|cepat)|"
    r"sekurang-kurangnya|selambat-lambatnya|setinggi-tingginya|at\s+(?:least|most)|"
    r"no\s+(?:later|more|less)\s+than|up\s+to)[\s.]*$",
    re.IGNORECASE,
)
_CUT_OFF = re.compile(r"(?:[,;:]|\b(?P<word>[^\W\d_]+))[\s.]*$", re.UNICODE)


def check_complete(text: str) -> list[Reason]:
    """``incomplete`` for a sentence that breaks off: it ends on a comma or on a word a finished
    sentence cannot end on ("… akan dinyatakan, [1]", "… menjadi [4]"). (A last clause "…, dan
    jika …" was tried as a sign too: correct sentences end that way as often.)"""
    text = text.strip().strip("\"'“”")
    end = _OPEN_BOUND.search(text) or _CUT_OFF.search(text)
    if end is None:
        return []
    words = end.groupdict().get("word")
    if end.re is _CUT_OFF and words and words.lower() not in _DANGLING:
        return []
    where = end[0].strip(" .")
    return [
        Reason(
            code="incomplete",
            message=f"the sentence breaks off ('… {where}'): it says nothing whole",
        )
    ]


def check_claim_content(text: str) -> list[Reason]:
    """``no_claim`` for a question, a heading or tag, or words with nothing to check."""
    stripped = text.strip().strip("\"'“”")
    if _POINTER.search(stripped):
        return [Reason(code="no_claim", message="a pointer to a source, not a claim")]
    stripped = re.sub(r"(?<=:)\s*[.!]+$", "", stripped)  # "Key takeaway: [1]." → a tag
    if stripped.endswith("?") or (_QUESTION_START.match(stripped) and not stripped.endswith(".")):
        return [Reason(code="no_claim", message="a question, not a claim a passage can support")]
    if _TAG.match(stripped):
        return [Reason(code="no_claim", message="a heading or tag, not a sentence")]
    headed = _HEADED.match(stripped)
    if (
        headed
        and len(headed["head"].split()) <= 8
        and len(headed["rest"].split()) <= 10
        and not (_EN_VERB if sentence_language(stripped) == "en" else _ID_VERB).search(stripped)
        and not _DIGIT.search(stripped)
    ):
        return [Reason(code="no_claim", message="a heading and a phrase, not a sentence")]
    labelled = _LABELLED.match(stripped)
    if labelled and not _ID_VERB.search(labelled["rest"]) and len(labelled["rest"].split()) <= 8:
        return [Reason(code="no_claim", message="a label and a phrase, not a sentence")]
    words_all = _WORD.findall(stripped)
    capitalised = sum(w[0].isupper() for w in words_all)
    if (
        not _DIGIT.search(stripped)
        and 2 <= len(words_all) <= 8
        and capitalised * 2 >= len(words_all)
        and not _ID_VERB.search(stripped)
    ):
        return [Reason(code="no_claim", message="a title or restated topic, not a sentence")]
    # digits of a reference ("Pasal 86 ayat (4) UU 5/2014") are not a figure that makes a claim
    spans = find_mentions(stripped).spans
    unreferenced = "".join(
        ch for i, ch in enumerate(stripped) if not any(a <= i < b for a, b in spans)
    )
    if not _DIGIT.search(unreferenced) and _EMPTY.search(stripped):
        return [
            Reason(
                code="no_claim",
                message="it says that something matters or should be done better, not what a "
                "source says",
            )
        ]
    words = [w.lower() for w in _WORD.findall(stripped)]
    if not _DIGIT.search(stripped) and all(w in VAGUE_WORDS for w in words):
        return [
            Reason(
                code="no_claim",
                message="nothing in it can be checked against a passage (no actor, rule, "
                "figure or fact)",
            )
        ]
    return []


_LIST_ITEM = re.compile(r"^\s*(?:[a-z]\d?|\d{1,2})\s*[.)]\s")
#: the end of a sentence that opens a list ("PNS dilarang:", "… terdiri atas: a.")
_LIST_LEAD = re.compile(r":\s*(?:(?:[a-z]\d?|\d{1,2})\s*[.)])?\s*$")


def aligned_sentences(passage: str, best: str) -> list[str]:
    """The passage sentence a claim matches best, with the sentences just before and after;
    for a list item, also the sentence that opens the list ("PNS dilarang:")."""
    sentences = split_sentences(passage) or [passage]
    if best not in sentences:
        return [best]
    i = sentences.index(best)
    window = sentences[max(0, i - 1) : i + 2]
    if _LIST_ITEM.match(best):
        lead = next((s for s in reversed(sentences[: max(0, i - 1)]) if _LIST_LEAD.search(s)), None)
        if lead is not None:
            window.insert(0, lead)
    return window


#: words after a negation that the modality check reads ("tidak dapat") or that make a limit
_NOT_NEGATED = frozenset(
    [
        "lebih",
        "kurang",
        "melebihi",
        "later",
        "more",
        "less",
        "dapat",
        "boleh",
        "bisa",
        "wajib",
        "harus",
        "diperbolehkan",
        "diizinkan",
        "dibenarkan",
        "diwajibkan",
        "can",
        "may",
        "must",
        "need",
    ]
)


def _negated_words(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    """(what each negation negates: the word after it and the next content word, every word)
    of ``text``, lower case. Two words, so that "not associated with bladder cancer" is not
    read as negating the "associated" of another clause."""
    words = [w.lower() for w in _WORD.findall(text)]
    negated = set()
    for i, w in enumerate(words[:-1]):
        if w not in {"tidak", "tak", "bukan", "belum", "not", "never"}:
            continue
        if words[i + 1] in _NOT_NEGATED:
            continue
        after = next((x for x in words[i + 2 : i + 5] if len(x) > 3), "")
        negated.add((words[i + 1], after))
    return negated, set(words)


#: words that hold a negation in themselves: a paraphrase of "tidak …" without a "tidak"
_NEGATIVE_WORDS = frozenset(
    """mangkir bolos absen gratis cuma sementara lalai menolak ditolak gagal tanpa kecuali batal
    absent free temporary temporarily fail fails failed failing refuse refuses refused without
    except void invalid""".split()  # noqa: SIM905 - a word block reads better
)

#: words too common in regulations to tie a negation to a sentence that merely uses them
_COMMON_WORDS = frozenset(
    """kerja waktu tahun bulan hari alasan ketentuan sesuai peraturan undang pasal ayat
    pelaksanaan penyelenggaraan pemerintah daerah negara""".split()  # noqa: SIM905 - a word block reads better
)

_LABEL = {"obligation": "must (wajib)", "permission": "may (dapat)", "prohibition": "must not"}


def check_norms(
    claim: str, passage: str, best: str, number: int | None, cross_lingual: bool = False
) -> list[Reason]:
    """``modality_mismatch``, ``negation_mismatch`` and ``unit_mismatch`` against the sentence
    ``best`` of ``passage`` (cited as ``[number]``) and its neighbours. A sentence in the other
    language than the passage cannot be compared word by word: a negation in it where the
    matched passage sentence has none (and no prohibition) is a mismatch."""
    window = aligned_sentences(passage, best)
    reasons: list[Reason] = []
    said = read_norm(claim)
    there = [read_norm(s) for s in window]
    passage_modalities = set().union(*(r.modalities for r in there))
    if said.modality and passage_modalities and said.modality not in passage_modalities:
        theirs = " / ".join(_LABEL[m] for m in sorted(passage_modalities))
        reasons.append(
            Reason(
                code="modality_mismatch",
                message=f"the sentence says {_LABEL[said.modality]} where the passage says "
                f"{theirs}",
                passage=number,
            )
        )
    claim_negated, claim_words = _negated_words(claim)
    source_negated, source_words = set(), set()
    for sentence in window:
        negated, words = _negated_words(sentence)
        source_negated |= negated
        source_words |= words
    # a negation word before a word the passage says plainly, where the other side has no
    # negation at all (a paraphrase may move a "tidak" to another word of the same sentence)
    source_plain = not any(r.negations or "prohibition" in r.modalities for r in there)
    claim_plain = not (said.negations or "prohibition" in said.modalities)

    indonesian = sentence_language(claim) == "id"

    def says(pair: tuple[str, str], words: set[str]) -> bool:
        return pair[0] in words and (not pair[1] or pair[1] in words)

    def names(pair: tuple[str, str], words: set[str]) -> bool:
        # the negated word, or the word it governs ("tidak dipungut biaya" → "biaya"), unless
        # the sentence says the negation in one word ("mangkir" for "tidak memenuhi panggilan")
        if pair[0] in words:
            return True
        return (
            indonesian
            and len(pair[1]) > 4
            and pair[1] not in _COMMON_WORDS
            and pair[1] in words
            and not words & _NEGATIVE_WORDS
        )

    negated_there = {a for a, _ in source_negated}
    negated_here = {a for a, _ in claim_negated}
    # more negations than the passage: the extra one before a word it says plainly counts even
    # where the passage negates something else ("tidak menyelesaikan …, dianggap dikabulkan")
    extra = len(claim_negated) > len(source_negated)
    added = sorted(
        a
        for a, b in claim_negated
        if says((a, b), source_words) and a not in negated_there and (source_plain or extra)
    )
    dropped = sorted(
        a
        for a, b in source_negated
        if names((a, b), claim_words) and a not in negated_here and claim_plain
    )
    if cross_lingual:
        best_reading = read_norm(best)
        added = (
            ["the sentence's verb"]
            if (said.negations and "prohibition" not in said.modalities)
            and not best_reading.negations
            and not best_reading.modalities & {"prohibition"}
            else []
        )
        dropped = []
    if added or dropped:
        which = (
            f"adds a negation before '{added[0]}'"
            if added and not cross_lingual
            else "is negated where the passage sentence it matches is not"
            if added
            else f"drops the negation of '{dropped[0]}'"
        )
        reasons.append(
            Reason(
                code="negation_mismatch",
                message=f"the sentence {which}, unlike the passage",
                passage=number,
            )
        )
    if _DAYS.search(claim) or _WORKING_DAYS.search(claim):
        claim_working = bool(_WORKING_DAYS.search(claim))
        text = " ".join(window)
        source_working = bool(_WORKING_DAYS.search(text))
        source_days = bool(_DAYS.search(_WORKING_DAYS.sub(" ", text)))
        if claim_working and not source_working and source_days:
            reasons.append(
                Reason(
                    code="unit_mismatch",
                    message="the sentence says working days (hari kerja); the passage counts "
                    "calendar days (hari)",
                    passage=number,
                )
            )
        elif not claim_working and source_working and not source_days:
            reasons.append(
                Reason(
                    code="unit_mismatch",
                    message="the sentence says days (hari); the passage counts working days "
                    "(hari kerja)",
                    passage=number,
                )
            )
    return reasons
