"""Chapter 02's sentences that frame the estimate: the causal sentence keeps its opening counts,
the reason for no estimate says "too few" only for a panel that has institutions, and the
intensity table's counts enter the ledger of printed figures as institutions."""

from dataclasses import replace

import pytest
from test_views_exchange_text import _build, _derived, _pretrend_p

from lps_analysis import fmt, paths
from lps_analysis.data.validate import load_dataset
from lps_analysis.views import exchange as view

TOO_FEW = "样本太少时，估计值和区间都不可靠"


@pytest.fixture(scope="module")
def city():
    return _build(load_dataset(paths.ILLUSTRATIVE_DIR), "520200")


def test_the_causal_sentence_still_opens_with_who_was_compared(city):
    real = _pretrend_p(_derived(city), 0.5)
    assert view.causal_wording_allowed(real)
    said = view.effect_sentence(real)
    panel = real.effect.panel
    direction = "提高" if real.effect.att > 0 else "降低"
    assert said.startswith(f"以{real.indicator.label_zh}衡量：")
    assert f"{panel.n_never}" in said.split("从未接受。")[0]
    assert (
        f"从未接受。与同期尚未或从未接受交流的单位相比，接受交流的单位在交流开始后{real.indicator.label_zh}平均{direction}："
        in said
    )


def test_no_estimate_says_too_few_only_for_a_panel_with_institutions(city):
    assert city.panel is not None and city.panel.n_institutions > 0
    none = replace(city, effect=None, missing_tables=[])
    assert TOO_FEW in view.not_estimated_sentence(none)
    empty = replace(none, panel=replace(city.panel, frame=city.panel.frame.iloc[0:0]))
    assert empty.panel.n_institutions == 0
    assert TOO_FEW not in view.not_estimated_sentence(empty)
    missing = replace(none, missing_tables=["institution_outcomes"])
    assert TOO_FEW not in view.not_estimated_sentence(missing)


def test_the_intensity_table_records_its_counts_as_institutions(city):
    frame = city.effect.by_intensity
    assert not frame.empty
    before = len(fmt.PRINTED)
    view.intensity_table(city)
    counts = {int(n) for n in frame["institutions"]}
    recorded = [e for e in fmt.PRINTED[before:] if e.get("unit") == "institutions"]
    assert {int(e["value"]) for e in recorded} == counts
    assert len(recorded) == len(frame)
