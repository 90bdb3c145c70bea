"""A brief on an amended Pasal: its evidence is the wording in force, cited to the base Pasal
and the change, and Dasar Hukum names the law with its amendments."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.draft import draft_brief
from pipeline.draft.evidence import retrieve_items
from pipeline.index import Index
from pipeline.testing import ScriptedChatModel
from tests.draft.conftest import settings_for

LAWS = Path(__file__).parents[1] / "legal" / "laws"
TOPIC = "Batas jumlah buku yang boleh dipinjam anggota Perpustakaan Daerah"


@pytest.fixture(scope="module")
def laws_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    index = Index.open("laws", settings_for(tmp_path_factory.mktemp("laws")), create=True)
    index.add([LAWS])
    return index


def test_an_amended_pasal_is_one_item_in_its_wording_in_force(laws_index: Index) -> None:
    items = retrieve_items(laws_index, "anggota meminjam paling banyak buku", 8, None)
    pasal_3 = [i for i in items if "Pasal 3" in i.citation and "Perda 3/2018" in i.citation]
    # the base Pasal and the two changes that rewrote it are one item, not three
    assert len(pasal_3) == 1, [i.citation for i in items]
    item = pasal_3[0]
    assert item.citation == "Perda 3/2018 Pasal 3 jo. Perda 5/2022 Pasal I angka 1"
    assert "5 (lima) buku" in item.text and "2 (dua) buku" not in item.text
    assert item.status == "in_force" and (item.jenis, item.nomor, item.tahun) == (
        "Perda",
        "3",
        2018,
    )
    assert laws_index.chunk(item.id).citation == "Perda 3/2018 Pasal 3"


def test_the_brief_quotes_the_wording_in_force_and_names_the_amendments(laws_index: Index) -> None:
    model = ScriptedChatModel(default_reply="Anggota perpustakaan dapat meminjam buku [1].")
    brief = draft_brief(TOPIC, laws_index, model=model, run_dir=False).brief
    cited = {r.citation: r for r in brief.references}
    assert "Perda 3/2018 Pasal 3 jo. Perda 5/2022 Pasal I angka 1" in cited, list(cited)
    quoted = [
        s.text
        for section in brief.sections
        for s in section.sentences
        if "paling banyak 5 buku selama 14 hari" in s.text
    ]
    assert quoted, "the key provisions quote the wording in force"
    said = [s.text for sec in brief.sections for s in sec.sentences]
    assert not any("2 buku" in t or "3 buku" in t for t in said), said
    # Pasal 6 (the late fee) was deleted by Perda 2/2020: never stated as a rule
    assert not any("Rp1.000,00" in t for t in said), said
    basis = next(s for s in brief.sections if s.kind == "legal_basis").legal_basis
    perda = next(b for b in basis if b.citation == "Perda 3/2018")
    assert perda.title.endswith(
        "sebagaimana telah beberapa kali diubah, terakhir dengan Peraturan Daerah Kabupaten "
        "Sukamaju Nomor 5 Tahun 2022 tentang Perubahan kedua atas Peraturan Daerah Kabupaten "
        "Sukamaju Nomor 3 Tahun 2018 tentang Layanan Perpustakaan Daerah"
    ), perda.title
    assert perda.status == "in_force"
