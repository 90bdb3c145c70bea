"""`Index.pasal`: a Pasal of an indexed regulation as of a date, each version cited to its chunk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import ReferenceNotFoundError
from pipeline.index import Index
from pipeline.settings import load_settings
from pipeline.store.lawbook import parse_pasal_ref, revoked_parts
from tests.conftest import SAMPLES

LAWS = Path(__file__).parents[1] / "legal" / "laws"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    root = tmp_path_factory.mktemp("lawbook")
    corpus = root / "corpus"
    shutil.copytree(LAWS, corpus)
    # an amending law whose base law (UU 11/2008) is not in the index
    shutil.copy(SAMPLES / "regulations" / "uu-19-2016-perubahan-ite-ringkas.md", corpus)
    settings = load_settings(index={"root": str(root), "embedder": "hash"})
    built = Index.open("laws", settings, create=True)
    built.add([corpus])
    return built


def test_the_wording_in_force_is_cited_to_the_base_pasal_and_the_change(index: Index) -> None:
    found = index.pasal("Perda 3/2018 Pasal 3")
    assert "5 (lima) buku" in found.text
    assert found.citations == ["Perda 3/2018 Pasal 3", "Perda 5/2022 Pasal I angka 1"]
    chunks = [index.chunk(v.chunk_id) for v in found.versions]
    assert [c.citation for c in chunks] == [
        "Perda 3/2018 Pasal 3",
        "Perda 2/2020 Pasal I angka 1 (Pasal 3 Perda 3/2018)",
        "Perda 5/2022 Pasal I angka 1 (Pasal 3 Perda 3/2018)",
    ]
    assert "5 (lima) buku" in chunks[-1].text  # the cited chunk holds that wording
    assert "3 (tiga) buku" in index.pasal("Perda 3/2018 Pasal 3", as_of="2021-06-30").text


def test_references_are_read_loosely_and_wrong_ones_name_the_nearest(index: Index) -> None:
    ref = parse_pasal_ref("Peraturan Daerah Kabupaten Sukamaju Nomor 3 Tahun 2018 Pasal 4 ayat (1)")
    assert (ref.regulation.label, ref.pasal, ref.ayat) == ("Perda 3/2018", "4", "1")
    assert parse_pasal_ref("uu 23/2014 pasal 22a").pasal == "22A"
    assert index.pasal("Perda 3/2018 Pasal 2 ayat (2)").text.startswith("(2) Jam layanan")
    with pytest.raises(ReferenceNotFoundError, match=r"no Pasal 9; nearest: Pasal 7, Pasal 6"):
        index.pasal("Perda 3/2018 Pasal 9")
    with pytest.raises(
        ReferenceNotFoundError, match=r"Perda 3/2019 is not in this index; nearest: Perda 3/2018"
    ):
        index.pasal("Perda 3/2019 Pasal 1")
    with pytest.raises(
        ReferenceNotFoundError, match=r"has no ayat \(5\); it has ayat \(1\), \(2\)"
    ):
        index.pasal("Perda 3/2018 Pasal 2 ayat (5)")
    # a huruf inserted by the second amendment, read from the consolidated wording
    assert index.pasal("Perda 3/2018 Pasal 4 ayat (1) huruf b1").text == (
        "b1. peminjaman buku elektronik; dan"
    )
    with pytest.raises(ReferenceNotFoundError, match=r"has no huruf b1; it has huruf a, b, c$"):
        index.pasal("Perda 3/2018 Pasal 4 ayat (1) huruf b1", as_of="2021-01-01")  # not yet
    with pytest.raises(
        ReferenceNotFoundError, match=r"ayat \(1\) has no huruf e; it has huruf a, b, b1, c"
    ):
        index.pasal("Perda 3/2018 Pasal 4 ayat (1) huruf e")
    with pytest.raises(ReferenceNotFoundError, match="cannot read"):
        index.pasal("Pasal tiga")


def test_an_amending_law_without_its_base_is_listed(index: Index) -> None:
    orphans = index._load().lawbook.orphans()
    assert [(o.source, o.target) for o in orphans] == [("UU 19/2016", "UU 11/2008")]
    # and its changes stay searchable
    hits = index.search("menghapus informasi elektronik yang tidak relevan", k=3)
    assert hits[0].citation.startswith("UU 19/2016 Pasal I angka 1")


def test_the_amendments_of_a_law_in_date_order(index: Index) -> None:
    ref = parse_pasal_ref("Perda 3/2018 Pasal 1").regulation
    assert index._load().lawbook.amendments(ref) == ["Perda 2/2020", "Perda 5/2022"]


def test_partial_revocation_scopes_are_read_into_whole_pasal_and_parts() -> None:
    numbers = [str(n) for n in range(1, 330)]
    whole, parts = revoked_parts(
        "Pasal 1 angka 30, Pasal 1 angka 38, Pasal 245 sepanjang terkait dengan Pajak Daerah, "
        "Pasal 279, Pasal 288 sampai dengan Pasal 291, dan Pasal 296",
        "",
        numbers,
    )
    assert whole == ["279", "288", "289", "290", "291", "296"]
    assert parts == {"1": "angka 30; angka 38", "245": "sepanjang terkait dengan Pajak Daerah"}
    assert revoked_parts("", "kecuali Pasal 2", ["1", "2", "3"]) == (["1", "3"], {})


def test_a_search_hit_on_an_amended_pasal_carries_its_wording_in_force(index: Index) -> None:
    hits = index.search("anggota perpustakaan meminjam paling banyak buku", k=10)
    base = next(h for h in hits if h.citation == "Perda 3/2018 Pasal 3")
    assert base.in_force is not None and "5 (lima) buku" in base.in_force.text
    assert base.in_force.citations == ["Perda 3/2018 Pasal 3", "Perda 5/2022 Pasal I angka 1"]
    assert [index.chunk(i).citation.split(" (")[0] for i in base.in_force.chunk_ids] == [
        "Perda 3/2018 Pasal 3",
        "Perda 5/2022 Pasal I angka 1",
    ]
    # the older change (Perda 2/2020) shows the newer wording too
    older = next(h for h in hits if h.citation.startswith("Perda 2/2020 Pasal I angka 1"))
    assert older.in_force is not None and "5 (lima) buku" in older.in_force.text
    assert base.to_json()["in_force"]["status"] == "amended"
    # a deleted Pasal is labelled as no longer in force, by what
    fee = next(
        h
        for h in index.search("denda terlambat mengembalikan buku", k=10)
        if h.citation == "Perda 3/2018 Pasal 6"
    )
    assert fee.status == "revoked"
    assert fee.status_note == "Pasal 6 dihapus oleh Perda 2/2020 Pasal I angka 4"
