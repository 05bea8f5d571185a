import json

import pytest

from lps_analysis.metrics import Metrics


def test_metrics_are_saved_as_the_contract_says(tmp_path):
    m = Metrics(scope="520200", path=tmp_path / "m.json")
    m.record("talent.total.cagr", 0.07495, unit="ratio")
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
        Metrics(scope="520200").record(unit="x", **kwargs)


def test_missing_values_are_not_recorded():
    m = Metrics(scope="520200")
    assert m.record("talent.x.y", float("nan"), unit="ratio") is None
    assert m.items == {}


def test_without_a_path_nothing_is_written(tmp_path):
    assert Metrics(scope="520200").save() is None
