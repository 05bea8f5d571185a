"""Round trip: an Excel template filled with the illustrative data validates to the same table."""

import pandas as pd
import pytest

from lps_analysis.data.illustrative import generate
from lps_analysis.data.templates import input_tables, write_template
from lps_analysis.data.validate import load_dataset, load_table

DATA = generate(seed=3, scale=0.002).tables


@pytest.mark.parametrize("table", [t for t in input_tables() if t in DATA])
def test_template_filled_with_illustrative_data_validates_to_the_same_rows(tmp_path, table):
    original = DATA[table].reset_index(drop=True)
    path = write_template(table, tmp_path / f"{table}.xlsx", rows=original)
    loaded = load_table(path).data.reset_index(drop=True)
    assert list(loaded.columns) == list(original.columns)
    for column in original.columns:
        left, right = loaded[column], original[column]
        if pd.api.types.is_numeric_dtype(right):
            assert (left.astype(float) - right.astype(float)).abs().max() < 1e-9, column
        elif pd.api.types.is_datetime64_any_dtype(right):
            assert (pd.to_datetime(left) == pd.to_datetime(right)).all(), column
        else:
            assert left.astype(str).tolist() == right.astype(str).tolist(), column


def test_bundled_illustrative_folder_validates_and_is_labelled():
    from lps_analysis import paths

    dataset = load_dataset(paths.ILLUSTRATIVE_DIR)
    stock = dataset["talent_stock"]
    assert set(stock.provenance) <= {"illustrative", "article", "derived"}
    assert (stock.provenance == "illustrative").any()
    assert dataset["exchanges"].persons.sum() == 1827


def test_bundled_illustrative_folder_is_what_the_generator_writes(tmp_path):
    from lps_analysis import paths
    from lps_analysis.data.illustrative import write_sample_data

    written = write_sample_data(tmp_path / "fresh", seed=0, scale=1)
    for path in written:
        bundled = paths.ILLUSTRATIVE_DIR / path.name
        assert bundled.read_bytes() == path.read_bytes(), (
            f"{path.name} differs: rerun lps sample-data"
        )
