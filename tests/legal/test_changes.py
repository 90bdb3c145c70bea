"""The numbered changes of an amending law's Pasal I, read into what they do to which Pasal."""

from __future__ import annotations

from pipeline.legal.changes import read_change, read_changes, split_changes


def test_a_restated_pasal_keeps_its_heading_and_ends_before_the_next_heading() -> None:
    change = read_change(
        "1",
        "1. Ketentuan ayat (1) Pasal 63 diubah, sehingga Pasal 63 berbunyi sebagai berikut: "
        "Pasal 63\n(1) Kepala daerah dibantu oleh wakil kepala daerah.\n(2) Cukup.\n"
        "Bagian Kedua Tugas",
    )
    assert change.kind == "amended"
    assert list(change.wording) == ["63"]
    assert change.wording["63"].startswith("Pasal 63\n(1) Kepala daerah")
    assert change.wording["63"].endswith("(2) Cukup.")  # the next Bagian heading is not in it


def test_inserted_pasal_deleted_pasal_and_a_single_ayat_restated() -> None:
    inserted = read_change(
        "15",
        "Di antara Pasal 97 dan Pasal 98 disisipkan 2 (dua) pasal, yalni Pasal 97A dan Pasal 97B "
        "sehingga berbunyi sebagai berikut: Pasal 97A Materi satu. Pasal 97B Materi dua.",
    )
    assert inserted.kind == "inserted"
    assert inserted.inserted == ("97A", "97B")  # the anchors 97 and 98 are not changed
    assert inserted.wording == {"97A": "Pasal 97A Materi satu.", "97B": "Pasal 97B Materi dua."}
    deleted = read_change("10", "Ketentuan Pasal 19 dihapus.")
    assert (deleted.kind, deleted.deleted) == ("deleted", ("19",))
    ayat = read_change(
        "7",
        'Ketentuan Pasal 16 ayat (2) menjadi berbunyi sebagai berikut : "(2) Setiap warga negara '
        'mempunyai kesempatan yang sama."',
    )
    assert ayat.ayat_wording == {
        "16": {"2": "(2) Setiap warga negara mempunyai kesempatan yang sama."}
    }


def test_penjelasan_changes_and_unread_wording_are_told_apart() -> None:
    assert (
        read_change("12", "Penjelasan Pasal 95 diubah sebagaimana tercantum dalam penjelasan.").kind
        == "penjelasan"
    )
    assert (
        read_change("10", "Fenjelasan Pasal 78 diubah sebagaimana tercantum.").kind == "penjelasan"
    )
    lost = read_change(
        "13", "Ketentuan Pasal 30 dan Pasal 32 menjadi berbunyi sebagai berikut: Pasal 30 Satu."
    )
    assert list(lost.wording) == ["30"] and lost.unread == ("32",)


def test_a_change_whose_number_ocr_lost_is_found_by_its_wording_and_numbered() -> None:
    body = (
        "Beberapa ketentuan diubah sebagai berikut: 1. Ketentuan Pasal 1 diubah sehingga berbunyi "
        "sebagai berikut: Pasal 1 Satu. Ketentuan Pasal 2 diubah sehingga berbunyi sebagai berikut: "
        "Pasal 2 Dua. Ketentuan lebih lanjut diatur dengan Peraturan Pemerintah. "
        "3. Pasal 4 dihapus."
    )
    assert [n for n, _s, _e in split_changes(body)] == ["1", "2", "3"]
    changes = read_changes(body)
    assert [c.touched for c in changes] == [["1"], ["2"], ["4"]]
    # "Ketentuan lebih lanjut …" inside a restated Pasal is not an instruction
    assert changes[1].wording["2"].endswith("Peraturan Pemerintah.")


def test_a_pasal_restated_without_its_instruction_is_a_change_of_its_own() -> None:
    body = (
        "Beberapa ketentuan diubah sebagai berikut: Pasal 9 (1) Pengujian oleh Mahkamah. "
        "4. Ketentuan Pasal 42 diubah sehingga berbunyi sebagai berikut: Pasal 42 Satu. "
        "5. Ketentuan Pasal 64 diubah sehingga berbunyi sebagai berikut: Pasal 64 (1) Dua. "
        "(2) Diatur dengan Peraturan Presiden. PasalT2 (1) Rancangan disahkan. "
        "7. Pasal 80 dihapus."
    )
    changes = read_changes(body)
    assert [(c.number, c.touched) for c in changes] == [
        ("?", ["9"]),  # before change 4: 1, 2 or 3 — the neighbours leave more room than one
        ("4", ["42"]),
        ("5", ["64"]),
        ("6", ["72"]),  # between 5 and 7: exactly the room of one ("PasalT2" is OCR for 72)
        ("7", ["80"]),
    ]
    assert changes[2].wording["64"].endswith("(2) Diatur dengan Peraturan Presiden.")
    assert changes[3].wording["72"] == "PasalT2 (1) Rancangan disahkan."


def test_a_lost_instruction_before_headings_on_their_own_lines_and_a_bare_next_number() -> None:
    garbled = read_change(
        "8", "Ketentuan .\nPasal 45\nSetiap Orang dipidana.\nPasal 45A\nSetiap Orang lain."
    )
    assert garbled.wording == {
        "45": "Pasal 45\nSetiap Orang dipidana.",
        "45A": "Pasal 45A\nSetiap Orang lain.",
    }
    trailing = read_change(
        "10", "Ketentuan Pasal 58 diubah sehingga berbunyi sebagai berikut: Pasal 58 Diatur. 1 1."
    )
    assert trailing.wording["58"] == "Pasal 58 Diatur."  # "1 1." is change 11's number
