"""The estimator's English warnings reach the report's caveats in plain Chinese."""

from lps_analysis.views.estimator_notes import estimator_caveats, plain_chinese


def test_small_cohorts_are_named_by_year_in_chinese_with_the_original_kept():
    message = "Be aware that there are some small groups in your dataset. Check groups: 2020.0, 2018.0, inf"
    text = plain_chinese(message)
    assert text.startswith("部分交流批次的单位很少（2018年、2020年开始交流的批次）")
    assert message in text  # the analyst can still look it up
    # moderndid lists the groups in set order, which differs between processes: same sentence.
    swapped = message.replace("2020.0, 2018.0", "2018.0, 2020.0")
    assert plain_chinese(swapped, with_original=False) == plain_chinese(message, with_original=False)


def test_moderndids_own_skipped_pretest_is_not_a_caveat_of_the_report():
    msg = "Not returning pre-test Wald statistic due to singular covariance matrix"
    assert plain_chinese(msg) is None


def test_unknown_warnings_are_shown_not_dropped_and_repeats_merged():
    out = estimator_caveats(["Something new happened", "Something new happened"])
    assert len(out) == 1 and "Something new happened" in out[0] and "分析人员核查" in out[0]
