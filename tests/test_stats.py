"""Statistics tables → evidence cards: exact figures, cell provenance and the BPS data traps."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import stats
from pipeline.errors import StatsError
from pipeline.settings import StatsSettings
from pipeline.stats.known import canonical_province
from pipeline.text.numbers import parse_number
from pipeline.types import EvidenceCard, Figure

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "stats"
LONG = SAMPLES / "indikator_provinsi.csv"
WIDE = SAMPLES / "internet_provinsi_wide.csv"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BPS = SHARED / "stats_bps"
TIDY = BPS / "tidy_province_indicators.csv"
RAW = BPS / "raw_haekalyulianto"


def needs_shared() -> None:
    if not TIDY.exists():
        pytest.skip("../shared/data/stats_bps is not available")


def card(cards: list[EvidenceCard], indicator: str, region: str) -> EvidenceCard:
    found = [c for c in cards if c.indicator == indicator and c.region == region]
    assert len(found) == 1, [(c.indicator, c.region) for c in cards][:20]
    return found[0]


def reread(figure: Figure) -> float | None:
    """Read the cited cell straight from the file, independently of the stats module."""
    ref = figure.cell
    path = Path(ref.file)
    if path.suffix == ".xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path, data_only=True)[ref.sheet]
        header = [c.value for c in sheet[1]]
        header_row = next(
            r for r in range(1, 30) if any(str(c.value) == ref.column for c in sheet[r])
        )
        header = [str(c.value) for c in sheet[header_row]]
        return parse_number(sheet.cell(ref.row, header.index(ref.column) + 1).value)
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    lines = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header_index = next(i for i, r in enumerate(lines) if ref.column in r)
    record = lines[ref.row - 1]
    return parse_number(record[lines[header_index].index(ref.column)], "id")


def assert_cells_exact(cards: list[EvidenceCard]) -> None:
    for c in cards:
        for fig in [*c.series, c.latest, *([c.national] if c.national else [])]:
            assert reread(fig) == fig.value, (c.id, fig)


# --------------------------------------------------------------------------- samples


@pytest.fixture(scope="module")
def sample_cards() -> list[EvidenceCard]:
    report = stats.cards_from_files([LONG, WIDE])
    assert not report.skipped
    return report.cards


def test_sample_latest_value_and_cell(sample_cards: list[EvidenceCard]) -> None:
    c = card(sample_cards, "poverty_rate", "JAWA BARAT")
    assert c.latest.value == 8.06 and c.latest.period == "2022" and c.latest.text == "8,06"
    assert c.latest.cell.file.endswith("indikator_provinsi.csv")
    assert c.latest.cell.column == "nilai"
    line = LONG.read_text(encoding="utf-8").splitlines()[c.latest.cell.row - 1]
    assert line.startswith("Jawa Barat;poverty_rate;") and ";2022;8,06;" in line
    assert c.id == "stat:poverty_rate:jawa-barat"
    assert [f.period for f in c.series] == [str(y) for y in range(2012, 2023)]


def test_every_sample_figure_points_at_its_cell(sample_cards: list[EvidenceCard]) -> None:
    assert len(sample_cards) == 30 + 35
    assert_cells_exact(sample_cards)


def test_rank_and_national_hand_checked(sample_cards: list[EvidenceCard]) -> None:
    # poverty 2022 in the sample: PAPUA 26,56 · ACEH 14,64 · DIY 11,34 · JATIM 10,38 ·
    # JATENG 10,93 · SUMUT 8,42 · JABAR 8,06 · KEPRI 6,24 · DKI 4,61 ; INDONESIA 9,54
    c = card(sample_cards, "poverty_rate", "JAWA BARAT")
    assert (c.rank, c.rank_of, c.rank_order) == (3, 9, "asc")
    assert c.national is not None and c.national.value == 9.54 and c.national.period == "2022"
    assert c.vs_national == pytest.approx(-1.48, abs=1e-12)
    assert c.change == pytest.approx(8.06 - 9.89, abs=1e-12) and c.change_from == "2012"
    assert c.trend == "falling"
    assert "8,06 persen (2022)" in c.summary and "peringkat 3 dari 9 provinsi" in c.summary
    ipm = card(sample_cards, "ipm", "DKI JAKARTA")
    assert ipm.rank == 1 and ipm.rank_order == "desc"
    national = card(sample_cards, "poverty_rate", "INDONESIA")
    assert national.region_level == "national" and national.rank is None


def test_region_variants_normalised(sample_cards: list[EvidenceCard]) -> None:
    c = card(sample_cards, "poverty_rate", "KEPULAUAN RIAU")
    assert any("Kepulauan Riau" in n for n in c.notes) is False  # same name, different case
    diy = card(sample_cards, "poverty_rate", "DI YOGYAKARTA")
    assert any("D.I. Yogyakarta" in n for n in diy.notes)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("KEP. RIAU", "KEPULAUAN RIAU"),
        ("Kepulauan Riau", "KEPULAUAN RIAU"),
        ("KEP, RIAU", "KEPULAUAN RIAU"),
        ("DI YOGYAKARTA", "DI YOGYAKARTA"),
        ("D.I. Yogyakarta", "DI YOGYAKARTA"),
        ("DAERAH ISTIMEWA YOGYAKARTA", "DI YOGYAKARTA"),
        ("DKI JAKARTA", "DKI JAKARTA"),
        ("Jakarta", "DKI JAKARTA"),
        ("Kep. Bangka Belitung", "KEPULAUAN BANGKA BELITUNG"),
        ("Provinsi Jawa Barat", "JAWA BARAT"),
        ("Simeulue", None),
    ],
)
def test_canonical_province(raw: str, canonical: str | None) -> None:
    assert canonical_province(raw) == canonical


def test_ipm_method_break_in_sample(sample_cards: list[EvidenceCard]) -> None:
    c = card(sample_cards, "ipm", "JAWA BARAT")
    assert c.series[0].period == "2012" and c.series[0].note  # old method, marked
    assert c.change_from == "2013"
    assert c.change == pytest.approx(72.45 - 68.25, abs=1e-12)
    assert any("2013" in n and "metode" in n for n in c.notes)


def test_wide_sample_with_dashes(sample_cards: list[EvidenceCard]) -> None:
    c = card(sample_cards, "internet_use", "DI YOGYAKARTA")
    assert [f.value for f in c.series] == [45.38, 55.45, 61.73]
    assert c.latest.cell.column == "2019" and c.latest.cell.row == 16
    assert c.national is not None and c.national.value == 47.69
    assert not [x for x in sample_cards if x.region == "PAPUA SELATAN"]  # all "-": no card


def test_format_card_is_indonesian(sample_cards: list[EvidenceCard]) -> None:
    text = stats.format_card(card(sample_cards, "poverty_rate", "JAWA BARAT"))
    assert text.startswith("JAWA BARAT · Persentase penduduk miskin (P0) (persen): 8,06 (2022)")
    assert "row" in text and "peringkat 3/9" in text and "nasional 9,54" in text


def test_filters() -> None:
    report = stats.cards_from_files([LONG], regions=["Jakarta"], indicators=["tpt"])
    assert [(c.region, c.indicator) for c in report.cards] == [("DKI JAKARTA", "tpt")]
    assert report.cards[0].rank_of == 9  # ranked among all, even when filtered


# --------------------------------------------------------------------------- shared BPS data


@pytest.fixture(scope="module")
def tidy_cards() -> list[EvidenceCard]:
    needs_shared()
    return stats.cards_from_files([TIDY]).cards


def test_tidy_cells_are_exact(tidy_cards: list[EvidenceCard]) -> None:
    assert_cells_exact([c for c in tidy_cards if c.indicator in {"ipm", "poverty_rate", "tpt"}])


def test_tidy_duckdb_rows_match_pandas(tidy_cards: list[EvidenceCard]) -> None:
    frame = pd.read_csv(TIDY)
    for c in tidy_cards[:60]:
        for fig in c.series:
            row = frame.iloc[fig.cell.row - 2]  # header = row 1
            assert row["value"] == fig.value and str(row["year"]) == fig.period
            assert row["indicator"] == c.indicator


def test_tidy_ipm_break_from_note_column(tidy_cards: list[EvidenceCard]) -> None:
    c = card(tidy_cards, "ipm", "ACEH")
    assert c.latest.value == 72.18 and c.latest.period == "2021"
    assert c.change_from == "2013" and c.change == pytest.approx(72.18 - 68.3, abs=1e-12)
    assert any("2013" in n for n in c.notes)


def test_tidy_placeholder_zeros(tidy_cards: list[EvidenceCard]) -> None:
    ipm = card(tidy_cards, "ipm", "KALIMANTAN UTARA")
    assert ipm.series[0].period == "2013" and all(f.value > 0 for f in ipm.series)
    assert any("placeholder" in n and "2010" in n for n in ipm.notes)
    poverty = card(tidy_cards, "poverty_rate", "KALIMANTAN UTARA")
    assert poverty.series[0].period == "2015" and poverty.change_from == "2015"


def test_tidy_region_variants_merge(tidy_cards: list[EvidenceCard]) -> None:
    kepri = [c for c in tidy_cards if c.region == "KEPULAUAN RIAU"]
    assert len({c.indicator for c in kepri}) == len(kepri) >= 7
    raw_names = {n for c in kepri for n in c.notes if n.startswith("Nama wilayah")}
    assert any("KEP, RIAU" in n for n in raw_names) and any("KEP. RIAU" in n for n in raw_names)


def test_tidy_computed_national_mean_is_flagged(tidy_cards: list[EvidenceCard]) -> None:
    national = card(tidy_cards, "grdp_growth", "INDONESIA")
    assert national.latest.note and "bukan angka resmi" in national.latest.note
    assert any("2013–2022" in n for n in national.notes)
    aceh = card(tidy_cards, "grdp_growth", "ACEH")
    assert aceh.national is not None and aceh.national.note  # flagged, not presented as official
    official = card(tidy_cards, "poverty_rate", "ACEH")
    assert official.national is not None and official.national.note is None


def test_raw_wide_xlsx_loads_into_cards() -> None:
    needs_shared()
    report = stats.cards_from_files([RAW / "persentasemiskin.xlsx"])
    c = card(report.cards, "poverty_rate", "KEPULAUAN RIAU")
    assert c.latest.value == 6.24 and c.latest.period == "2022"
    assert c.latest.cell.sheet == "Sheet1" and c.latest.cell.row == 11
    assert c.latest.cell.column == "2022"
    assert any("KEP, RIAU" in n for n in c.notes)
    assert_cells_exact(report.cards[:10])


def test_raw_laju_pdrb_national_mean_flagged() -> None:
    needs_shared()
    cards = stats.cards_from_files([RAW / "Laju PDRB.xlsx"]).cards
    national = card(cards, "grdp_growth", "INDONESIA")
    assert any("rata-rata" in n for n in national.notes)
    early = next(f for f in national.series if f.period == "2010")
    assert early.value == 6.14 and early.note is None


def test_raw_target_table_without_regions_is_a_clear_error() -> None:
    needs_shared()
    with pytest.raises(StatsError) as info:
        stats.cards_from_files([RAW / "IPM.xlsx"])
    assert "region" in str(info.value) and "--map" in info.value.help


def test_raw_bps_export_with_title_rows_and_dashes() -> None:
    needs_shared()
    files = sorted((BPS / "raw_annisa_internet").glob("*.csv"))
    cards = stats.cards_from_files(files).cards
    c = card(cards, "internet_use", "KEPULAUAN RIAU")
    assert [f.period for f in c.series] == ["2017", "2018", "2019"]
    assert c.latest.value == 65.02 and c.latest.cell.row == 13
    assert not [x for x in cards if x.region.startswith("PAPUA SELATAN")]


# --------------------------------------------------------------------------- formats and errors


def test_latin1_semicolon_file_with_title_rows_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "kabupaten.csv"
    path.write_bytes(
        (
            "Tabel 1. Jumlah penduduk miskin (ribu jiwa) - Sumber: BPS\n\n"
            "Wilayah;Keterangan;Tahun;Angka;Satuan\n"
            'Kab. Garut;ok;2021;"1.234,5";ribu jiwa\n'
            "Kab. Garut;ok;2022;-;ribu jiwa\n"
            "Kab. Garut;ok;2023;1.100,25;ribu jiwa\n"
            "Kota Bandung;é;2023;2.161;ribu jiwa\n"
        ).encode("latin-1")
    )
    with pytest.raises(StatsError) as info:
        stats.cards_from_files([path], mapping={"region": "Nope"})
    assert "--map" in info.value.help
    report = stats.cards_from_files(
        [path], mapping=stats.parse_mapping("region=Wilayah,period=Tahun,value=Angka")
    )
    garut = card(report.cards, report.cards[0].indicator, "Kab. Garut")
    assert [f.value for f in garut.series] == [1234.5, 1100.25]
    assert garut.latest.cell.row == 6 and garut.series[0].cell.row == 4
    assert any("2022" in n for n in garut.notes)  # the "-" cell is missing, noted
    bandung = card(report.cards, report.cards[0].indicator, "Kota Bandung")
    assert bandung.latest.value == 2161.0


def test_ambiguous_table_raises_with_map_help(tmp_path: Path) -> None:
    path = tmp_path / "ambigu.csv"
    path.write_text("nama,kode,indikator,a,b\nX,1,ipm,2,3\nY,2,ipm,4,5\n", encoding="utf-8")
    with pytest.raises(StatsError) as info:
        stats.cards_from_files([path])
    assert "--map" in info.value.help and "region=" in info.value.help


def test_bad_file_is_skipped_and_batch_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"not a zip")
    report = stats.cards_from_files([bad, LONG, tmp_path / "missing.csv"])
    assert len(report.cards) == 30
    assert {s.source for s in report.skipped} == {str(bad), str(tmp_path / "missing.csv")}


def test_parse_mapping() -> None:
    assert stats.parse_mapping(
        "region=Provinsi,indicator=ind,period=Tahun,value=Nilai,unit=Satuan"
    ) == {
        "region": "Provinsi",
        "indicator": "ind",
        "period": "Tahun",
        "value": "Nilai",
        "unit": "Satuan",
    }
    with pytest.raises(StatsError):
        stats.parse_mapping("wilayah=Provinsi")
    with pytest.raises(StatsError):
        stats.parse_mapping("region")


def test_parquet_long_rows(tmp_path: Path) -> None:
    frame = pd.read_csv(LONG, sep=";", dtype=str)
    path = tmp_path / "indikator.parquet"
    frame.to_parquet(path)
    cards = stats.cards_from_files([path]).cards
    c = card(cards, "poverty_rate", "JAWA BARAT")
    assert c.latest.value == 8.06
    assert frame.iloc[c.latest.cell.row - 2]["nilai"] == "8,06"


def test_on_disk_duckdb_path_gives_the_same_cards() -> None:
    small = stats.cards_from_files([LONG]).cards
    large = stats.cards_from_files([LONG], settings=StatsSettings(large_csv_mb=0)).cards
    assert [c.model_dump() for c in small] == [c.model_dump() for c in large]


def test_series_is_capped_but_change_uses_first_comparable() -> None:
    cards = stats.cards_from_files([LONG], settings=StatsSettings(max_series_points=3)).cards
    c = card(cards, "poverty_rate", "JAWA BARAT")
    assert [f.period for f in c.series] == ["2020", "2021", "2022"]
    assert c.change_from == "2012" and any("dipersingkat" in n for n in c.notes)


def test_cli_json_one_card_per_line() -> None:
    pilar = ROOT / ".venv" / "bin" / "pilar"
    command = [str(pilar)] if pilar.exists() else [sys.executable, "-m", "pipeline.cli"]
    result = subprocess.run(
        [*command, "stats", str(LONG), "--json", "--region", "JAWA BARAT"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert {r["indicator"] for r in records} == {"poverty_rate", "tpt", "ipm"}
    assert all(r["latest"]["cell"]["row"] > 1 for r in records)
    EvidenceCard.model_validate(records[0])
