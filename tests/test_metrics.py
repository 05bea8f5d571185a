import json

import pytest

from lps_analysis import fmt
from lps_analysis.metrics import Metrics
from lps_analysis.value import Value


def test_metrics_are_saved_as_the_contract_says(tmp_path):
    m = Metrics(scope="520200", path=tmp_path / "m.json")
    m.record("talent.total.cagr", Value(0.07495, "ratio", "derived", sources=("F009", "F010")))
    m.record("outputs.patents_granted", 500, unit="件", provenance="article", bound="lower")
    m.save()
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert data["scope"] == "520200"
    assert data["metrics"][1] == {
        "id": "talent.total.cagr",
        "value": 0.07495,
        "unit": "ratio",
        "provenance": "derived",
        "bound": "exact",
        "sources": ["F009", "F010"],
        "missing": [],
    }
    assert data["metrics"][0]["bound"] == "lower" and data["metrics"][0]["value"] == 500


@pytest.mark.parametrize(
    "kwargs",
    [
        {"metric_id": "Talent.Total", "value": 1},
        {"metric_id": "talent", "value": 1},
        {"metric_id": "talent.x", "value": float("inf")},
        {"metric_id": "talent.x", "value": 1, "bound": "upper"},
        {"metric_id": "talent.x", "value": 1, "provenance": "rumour"},
    ],
)
def test_bad_metrics_are_refused(kwargs):
    with pytest.raises(ValueError):
        Metrics(scope="520200").record(unit="x", **{"provenance": "article", **kwargs})


def test_a_plain_number_must_say_where_it_comes_from():
    with pytest.raises(ValueError, match="provenance"):
        Metrics(scope="520200").record("talent.x.y", 1, unit="persons")


def test_a_missing_value_is_recorded_as_missing_with_its_table_never_zero():
    m = Metrics(scope="520200")
    m.record("exchange.persons", Value.absent("persons", "exchanges"))
    record = m.to_records()[0]
    assert record["value"] is None and record["missing"] == ["exchanges"]


def test_without_a_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    m = Metrics(scope="520200")
    m.record("talent.x.y", 1, unit="persons", provenance="article")
    assert m.save() is None
    assert list(tmp_path.iterdir()) == []


def test_the_saved_file_holds_what_the_notebook_printed(tmp_path, monkeypatch):
    monkeypatch.setattr(fmt, "PRINTED", [])
    m = Metrics(scope="520200", path=tmp_path / "m.json")
    fmt.show(Value(12, "platforms", "illustrative"))
    m.save()
    printed = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["printed"]
    assert printed == [
        {
            "text": "12个*",
            "value": 12.0,
            "unit": "platforms",
            "provenance": "illustrative",
            "bound": "exact",
            "sources": [],
            "missing": [],
        }
    ]
