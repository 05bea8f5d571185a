"""Every data file ships a metadata sidecar that passes the schema (title, producer, url, ...)."""

import pytest

from lps_analysis import paths
from lps_analysis.data.metadata import metadata_problems, read_metadata, sidecar_path

DATA_SUFFIXES = {".csv", ".xlsx", ".parquet", ".txt"}


def _data_files():
    return sorted(
        p
        for p in (paths.ROOT / "data").rglob("*")
        if p.is_file() and p.suffix in DATA_SUFFIXES and "templates" not in p.parts
    )


def test_there_are_data_files_to_check():
    assert len(_data_files()) >= 5


@pytest.mark.parametrize("data_file", _data_files(), ids=lambda p: p.name)
def test_data_file_has_a_valid_sidecar(data_file):
    assert sidecar_path(data_file).exists(), f"{data_file.name} has no .meta.yaml"
    assert metadata_problems(read_metadata(data_file)) == []


def test_schema_rejects_a_sidecar_missing_keys_or_with_bad_values():
    problems = metadata_problems({"title": "x", "provenance": "rumour", "url": "ftp://x"})
    text = " ".join(problems)
    assert "producer" in text and "provenance" in text and "url" in text
