"""The numbered changes of an amending law's ``Pasal I`` and the Pasal each one rewrites."""

from __future__ import annotations

import re

from pipeline.legal.headings import REF_PREV, key_label, pasal_key, prev_word
from pipeline.legal.refs import (
    NUM,
)

_CHANGE_RE = re.compile(
    r"(?:(?<=\s)|(?<=[.:;\"\u201d]))\s*(?P<n>\d{1,3})\s*[.,]\s+(?=(?:Ketentuan|Di\s*antara|Diantara|"
    r"Pasal|Penjelasan|Judul|Bab|BAB|Lampiran|Setelah|Menambah|Ditambahkan|Bagian|Paragraf|"
    r"Menghapus|Mengubah|Sebelum|Di\s+antara)\b)"
)


_CHANGE_NOT_AFTER = REF_PREV | {"pasal", "ayat", "angka", "huruf", "nomor", "tahun", "bab"}


def split_changes(text: str) -> list[tuple[str, int, int]]:
    """Split the body of ``Pasal I`` into its numbered changes: (number, start, end)."""
    found = []
    expected = 1
    for m in _CHANGE_RE.finditer(text):
        # "… dalam Pasal 5. Ketentuan lebih lanjut …" is a reference, not change 5; after a
        # sentence end ("… Tahun 1945. 2. Ketentuan") it is a change
        before = text[: m.start("n")].rstrip()
        if not before.endswith((".", ":", ";", '"', "\u201d")) and (
            prev_word(text, m.start("n")) in _CHANGE_NOT_AFTER
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
    keys = pasal_key(m[1])
    return (
        key_label(keys[-1] if keys[-1][1] and m[1][-1] not in "OITS" else keys[0]) if keys else None
    )


__all__ = ["change_labels", "changed_pasal", "split_changes"]
