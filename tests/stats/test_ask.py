"""Exact answers to figure questions from the figure store (our sample tables and a small
kabupaten/kota table of ours)."""

from __future__ import annotations

import json

import pytest

from pipeline.stats import cards_from_files
from pipeline.stats.ask import answer_question, read_question
from pipeline.stats.store import FigureStore
from tests.conftest import SAMPLES

KABKOTA = """Provinsi,Kab/Kota,Indeks Pembangunan Manusia,Persentase Penduduk Miskin (P0) (Persen)
JAWA BARAT,Bandung,72.73,6.97
JAWA BARAT,Kota Bandung,81.96,3.96
JAWA BARAT,Bogor,70.65,8.13
GORONTALO,Gorontalo,0,17.64
GORONTALO,Kota Gorontalo,76.82,5.63
MALUKU,Kota Ambon,81.33,4.52
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FigureStore:
    folder = tmp_path_factory.mktemp("figures")
    (folder / "kabkota.csv").write_text(KABKOTA)
    files = []
    for i, path in enumerate([*sorted((SAMPLES / "stats").glob("*.csv")), folder / "kabkota.csv"]):
        cards_from_files([path], figures_to=folder / f"doc{i}.parquet")
        files.append(folder / f"doc{i}.parquet")
    return FigureStore(files)


def test_a_figure_with_its_cell_rank_and_national(store: FigureStore) -> None:
    answer = answer_question("Berapa TPT Kepulauan Riau tahun 2020?", store)
    assert answer.status == "ok" and answer.figure.value == 10.34
    assert (answer.figure.cell.row, answer.figure.cell.column) == (142, "nilai")
    assert answer.figure.cell.file.endswith("indikator_provinsi.csv")
    assert (answer.rank, answer.rank_of, answer.rank_order) == (7, 9, "asc")  # lower is better
    assert answer.national.value == 7.07 and answer.national.cell.row == 219
    assert "10,34 persen" in answer.message and "row 142" in answer.message


@pytest.mark.parametrize(
    "question",
    [
        "TPT Kep. Riau 2020",
        "Tingkat pengangguran terbuka Kepulauan Riau pada tahun 2020",
        "What was the unemployment rate of the Riau Islands in 2020?",
    ],
)
def test_region_variants_and_english_names_find_the_same_cell(
    store: FigureStore, question: str
) -> None:
    answer = answer_question(question, store)
    assert answer.region == "KEPULAUAN RIAU" and answer.figure.cell.row == 142


def test_english_questions_get_english_answers(store: FigureStore) -> None:
    answer = answer_question("What was the poverty rate of West Java in 2019?", store)
    assert answer.figure.value == 6.82 and answer.message.count("rank") == 1
    assert "national" in answer.message


def test_a_missing_year_is_said_never_reported_as_zero(store: FigureStore) -> None:
    answer = answer_question("Berapa TPT Jawa Barat tahun 2005?", store)
    assert answer.status == "missing" and answer.figure is None
    assert "2005" in answer.message and "tersedia 2012–2022" in answer.message
    # a placeholder zero (IPM cannot be 0): missing, with the cell that holds the 0
    zero = answer_question("IPM Kabupaten Gorontalo", store)
    assert zero.status == "missing" and zero.figure is None
    assert "angka pengganti" in zero.message and "row 5" in zero.message


def test_a_comparison_across_a_method_break_says_so(store: FigureStore) -> None:
    across = answer_question("Perubahan IPM Jawa Barat sejak 2012", store)
    assert across.change is None and across.since.period == "2012"
    assert any("tidak sebanding" in n and "2013" in n for n in across.notes)
    within = answer_question("IPM Jawa Barat 2021 dibanding 2014", store)
    assert within.change == pytest.approx(within.figure.value - within.since.value)
    assert not within.notes


def test_kabupaten_and_kota_are_told_apart_and_namesakes_listed(store: FigureStore) -> None:
    assert answer_question("IPM Kota Bandung", store).figure.value == 81.96
    assert answer_question("IPM Kabupaten Bandung", store).figure.value == 72.73
    both = answer_question("Berapa IPM Bandung?", store)
    assert both.status == "ambiguous" and "Kota Bandung" in both.message
    assert set(both.candidates) == {"Bandung (kabupaten/kota)", "Kota Bandung (kabupaten/kota)"}
    two = answer_question("Kemiskinan dan pengangguran di Aceh 2020", store)
    assert two.status == "ambiguous" and len(two.candidates) == 2


def test_questions_about_something_else_are_left_to_search(store: FigureStore) -> None:
    assert answer_question("Berapa anggota KASN?", store) is None
    assert answer_question("Bagaimana kemiskinan diukur?", store) is None  # no region
    reading = read_question("TPT nasional sejak 2015", store)
    assert reading.regions == [("INDONESIA", "national")] and reading.since == 2015


def test_pilar_stats_ask_answers_from_the_tables_given() -> None:
    from tests.test_cli import run

    answer = json.loads(
        run("stats", str(SAMPLES / "stats"), "--ask", "TPT Kep. Riau 2020", "--json").stdout
    )
    assert answer["figure"]["value"] == 10.34 and answer["figure"]["cell"]["row"] == 142
    shown = run(
        "stats", str(SAMPLES / "stats"), "--ask", "What was the poverty rate of West Java in 2019?"
    )
    assert shown.stdout.startswith("Persentase penduduk miskin (P0) JAWA BARAT 2019: 6,82 persen")
    assert "rank 3 of 9 provinces (1 = lowest)" in shown.stdout
    wrong = run("stats", str(SAMPLES / "stats"), "--ask", "Berapa anggota KASN?", check=False)
    assert wrong.returncode == 2 and "names no indicator and region" in wrong.stderr


def test_english_word_order_and_a_level_named_anywhere(store: FigureStore) -> None:
    assert answer_question("HDI of Bandung regency", store).figure.value == 72.73
    assert answer_question("What is the HDI of Bandung city?", store).figure.value == 81.96
    # a city with no kabupaten namesake, in English order
    assert answer_question("HDI of Ambon city", store).figure.value == 81.33
    across = answer_question(
        "How much did the HDI of West Java change between 2012 and 2021?", store
    )
    assert across.since.period == "2012" and across.period == "2021"
    assert any("not comparable" in n for n in across.notes)
    ke = answer_question("Berapa perubahan IPM Jawa Barat dari tahun 2014 ke 2021?", store)
    assert (
        ke.change == pytest.approx(ke.figure.value - ke.since.value) and ke.since.period == "2014"
    )


def test_a_card_as_of_a_year_reads_every_figure_of_that_year_from_the_store(
    store: FigureStore,
) -> None:
    from pipeline.stats.ask import card_as_of

    cards = cards_from_files([SAMPLES / "stats" / "indikator_provinsi.csv"]).cards
    ipm = next(c for c in cards if c.indicator == "ipm" and c.region == "JAWA BARAT")
    assert ipm.latest.period == "2021"
    then = card_as_of(ipm, store, 2016)
    assert (then.latest.value, then.latest.period) == (70.05, "2016")
    assert then.latest.cell.row == answer_question("IPM Jawa Barat 2016", store).figure.cell.row
    assert [f.period for f in then.series][-1] == "2016" and then.id.endswith(":2016")
    # the change is counted from 2013, not across the 2013 method break
    assert (then.change_from, then.trend) == ("2013", "rising") and then.change == 1.8
    assert then.notes[0].startswith("Perubahan metode 2013")
    assert then.national is not None and then.national.period == "2016"
    assert "70,05 (2016)" in then.summary and "peringkat" in then.summary
    # a year the store has no value for: the card as it is, the reason said first
    missing = card_as_of(ipm, store, 2030)
    assert missing.latest == ipm.latest and "2030" in missing.notes[0]
