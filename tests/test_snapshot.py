"""The validated-data snapshot: the same tables as validation gives, and only for its own files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from lps_analysis import paths
from lps_analysis.data import snapshot
from lps_analysis.data.validate import load_dataset
from lps_analysis.errors import DataValidationError


@pytest.fixture(scope="module")
def checked():
    return load_dataset(paths.DATA_DIR)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    return folder


def _write(dataset, folder, tmp_path):
    return snapshot.write_snapshot(dataset, tmp_path / "snap", "key", snapshot.input_hashes(folder))


def test_the_snapshot_gives_the_tables_validation_gives(checked, tmp_path, monkeypatch):
    where = _write(checked, paths.DATA_DIR, tmp_path)
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(where))
    read = load_dataset(paths.DATA_DIR)
    assert read.folder == checked.folder and read.notes == checked.notes
    assert set(read.tables) == set(checked.tables)
    for name, table in checked.tables.items():
        got = read.tables[name]
        assert got.path == table.path and got.notes == table.notes
        pd.testing.assert_frame_equal(got.frame, table.frame, check_exact=True)
        for column in table.frame.select_dtypes(["object", "str"]).columns:
            assert got.frame[column].map(type).equals(table.frame[column].map(type)), column


def test_a_data_file_changed_after_the_snapshot_is_validated_again(data, tmp_path, monkeypatch):
    where = _write(load_dataset(data), data, tmp_path)
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(where))
    assert snapshot.read_snapshot(data) is not None
    stock = data / "talent_stock.csv"
    lines = stock.read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("count")] = "很多"
    stock.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    assert snapshot.read_snapshot(data) is None
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data)  # the raw files, checked again: the bad cell is found
    assert "很多" in str(caught.value)


def test_without_the_variable_or_with_a_damaged_snapshot_the_raw_files_are_read(
    checked, tmp_path, monkeypatch
):
    monkeypatch.delenv(snapshot.SNAPSHOT_ENV, raising=False)
    assert snapshot.read_snapshot(paths.DATA_DIR) is None
    where = _write(checked, paths.DATA_DIR, tmp_path)
    (where / snapshot.MANIFEST).write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(where))
    assert snapshot.read_snapshot(paths.DATA_DIR) is None


def test_a_new_snapshot_replaces_the_old_one(checked, tmp_path):
    root = tmp_path / "snap"
    inputs = snapshot.input_hashes(paths.DATA_DIR)
    snapshot.write_snapshot(checked, root, "old", inputs)
    snapshot.write_snapshot(checked, root, "new", inputs)
    assert [p.name for p in root.iterdir()] == ["new"]
