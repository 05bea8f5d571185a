"""The audit's reading of a page: which numbers are accounted for, which changes are unmarked."""

from lps_analysis.report import audit


def test_a_number_the_formatter_printed_is_accounted_for_and_a_typed_one_is_not():
    printed = ["42.8万人", "≥3,540人", "12个*"]
    assert audit.unaccounted("人才总量42.8万人，签约≥3,540人，平台12个*。", printed) == []
    assert audit.unaccounted("共引进1,827名人才。", printed) == ["1,827"]
    # A printed text does not cover part of a longer number.
    assert audit.unaccounted("平台112个*", printed) == ["112"]


def test_years_dates_codes_and_identifiers_are_structural():
    text = "2015—2020年，2018年12月，520201 钟山区，F009，01_talent_structure，人才结构分析（01），2026-12-01 01:56"
    assert audit.unaccounted(text, []) == []


def test_blocks_are_the_visible_sentences_and_cells():
    html = "<style>p{x:1}</style><p>一 <b>二</b></p><table><tr><td>3*</td></tr></table>"
    assert audit.blocks(html) == ["一 二", "3*"]


def test_a_changed_number_without_its_mark_is_reported():
    base = ["平台12个*，增长66.7%", "原文6个"]
    same_shape = ["平台20个*，增长80.0%", "原文6个"]
    assert audit.unmarked_changes(base, same_shape) == ["80.0 in 「平台20个*，增长80.0%」"]
    marked = ["平台20个*，增长80.0%*", "原文6个"]
    assert audit.unmarked_changes(base, marked) == []
