"""Formatter edges: article figures in 万人次 and signed, the digits callers ask for, the ledger
entry of the analysts' own words."""

from lps_analysis import fmt
from lps_analysis.value import Value


def test_an_article_count_of_visits_in_wan_keeps_its_measure_word():
    visits = Value(1_234_000, "person_visits", "article")
    assert fmt.show(visits, style="wan", digits=1) == "123.4万人次"
    assert fmt.show(Value(1_234_000, "persons", "article"), style="wan", digits=1) == "123.4万人"
    assert fmt.show(Value(1_234_000, "件", "article"), style="wan", digits=1) == "123.4万"


def test_a_signed_article_index_keeps_its_sign():
    index = Value(3.5, "index", "article")
    assert fmt.show(index, style="index", signed=True, digits=1) == "+3.5"
    assert fmt.show(index, style="index", digits=1) == "3.5"
    assert (
        fmt.show(Value(-2.25, "index", "article"), style="bare", signed=True, digits=2) == "-2.25"
    )


def test_money_and_points_print_the_digits_asked_for():
    assert fmt.money_10k(1585.44) == "1585万元"
    assert fmt.money_10k(1585.44, digits=1) == "1585.4万元"
    assert fmt.pp(0.8412) == "+0.84个百分点"
    assert fmt.pp(0.8412, digits=1) == "+0.8个百分点"


def test_the_analysts_own_words_are_recorded_as_theirs_unchanged():
    before = len(fmt.PRINTED)
    text = "建议：2025年新增 3 个省级平台（原文如此）"
    assert fmt.supplied(text, "recommendations.yaml") == text
    assert fmt.PRINTED[before:] == [
        {"text": text, "provenance": "analyst", "sources": ["recommendations.yaml"]}
    ]
    del fmt.PRINTED[before:]


def test_a_bare_number_has_one_decimal_unless_asked_and_an_article_figure_keeps_its_own():
    assert fmt.show(Value(3.456, "x", "derived"), style="bare") == "3.5"
    assert fmt.show(Value(3.456, "x", "derived"), style="bare", digits=2) == "3.46"
    assert fmt.show(Value(2.4615, "ratio", "article"), digits=2) == "246.15%"
    assert fmt.show(Value(2.4615, "ratio", "derived"), digits=2) == "246.2%"
