"""The one formatter: marks come from the value, never from the caller."""

import pytest

from lps_analysis import fmt
from lps_analysis.value import Value


@pytest.mark.parametrize(
    "value, kwargs, text",
    [
        (Value(428000, "persons", "article"), {}, "42.8万人"),
        (Value(298200, "persons", "article"), {}, "29.82万人"),
        (Value(298200, "persons", "illustrative"), {}, "29.82万人*"),
        (Value(3540, "persons", "article", "lower"), {}, "≥3540人"),
        (Value(400, "平方米", "article", "approx"), {}, "约400平方米"),
        (Value(500, "patents", "article", "lower"), {}, "≥500件"),
        (Value(0.43528, "ratio", "derived"), {"digits": 2}, "43.5%"),
        (Value(0.0084, "ratio", "derived"), {"style": "pp"}, "+0.84个百分点"),
        (Value(-0.0, "ratio", "derived"), {"style": "pp"}, "0个百分点"),
        (Value(1585, "万元", "article"), {}, "1585万元"),
        (Value(0.00921, "index", "derived"), {"digits": 4}, "0.009"),
        (Value(1411.8, "persons_per_10k", "derived"), {"digits": 0}, "1412人"),
        (Value.absent("persons", "exchanges"), {}, "—"),
    ],
)
def test_show(value, kwargs, text):
    assert fmt.show(value, **kwargs) == text


@pytest.mark.parametrize(
    "value, kwargs, text",
    [
        (Value(2 / 3, "ratio"), {"digits": 2}, "66.7%"),  # not 66.67%
        (Value(2.0, "ratio"), {"digits": 2}, "200%"),  # not 200.00%
        (Value(5.0, "platform_years"), {"digits": 2}, "5平台年"),  # not 5.00 平台年
        (Value(0.02, "index"), {"digits": 4}, "0.02"),  # not 0.0200
        (Value(3.4, "个"), {"digits": 2}, "3.4个"),  # not 3.40
        (Value(428000, "persons"), {"style": "wan", "digits": 2}, "42.8万人"),  # not 42.80万
        (Value(13859, "person_months"), {}, "13859人·月"),  # no separator, as 1827人
        (Value(120, "patents"), {}, "120件"),  # patents are 件
        (Value(0.0004, "p_value"), {}, "<0.001"),  # a small p-value is not 0
        (Value(-0.0004, "ratio"), {"signed": True}, "0%"),  # no signed zero
    ],
)
def test_one_number_style_whatever_precision_the_view_asks_for(value, kwargs, text):
    assert fmt.show(value, **kwargs) == text


def test_no_printed_number_has_a_thousands_separator_or_a_trailing_zero():
    import re

    for x in (1827, 12345.678, 1_000_000, 0.5, 2.25, 99.999):
        for style in ("count", "bare", "pct", "index", "wan"):
            text = fmt.show(Value(x, "persons"), style=style, digits=3)
            assert "," not in text, text
            assert not re.search(r"\.\d*0(?!\d)", text), text


def test_a_lower_bound_that_is_illustrative_keeps_both_marks():
    assert fmt.show(Value(7800, "persons", "illustrative", "lower")) == "≥7800人*"


def test_a_bare_number_is_refused_by_show_and_recorded_unmarked_by_the_short_forms(monkeypatch):
    monkeypatch.setattr(fmt, "PRINTED", [])
    with pytest.raises(TypeError):
        fmt.show(12)
    assert fmt.count(12, unit="个") == "12个"
    assert fmt.PRINTED[-1]["provenance"] == "unmarked"


def test_the_ledger_keeps_each_text_with_its_provenance_and_sources(monkeypatch):
    monkeypatch.setattr(fmt, "PRINTED", [])
    fmt.show(Value(6, "platforms", "article", sources=("F024",)))
    fmt.show(Value(6, "platforms", "article", sources=("F024",)))
    fmt.setting(95, "%")
    records = fmt.printed_records()
    assert [(r["text"], r["provenance"]) for r in records] == [
        ("6个", "article"),
        ("95%", "setting"),
    ]
    assert records[0]["sources"] == ["F024"]


def test_provenance_labels():
    assert fmt.provenance_label(Value(1, "x", "official")) == "官方"
    assert fmt.provenance_label(Value(1, "x", "illustrative")) == "示例"
    assert fmt.provenance_label(Value.absent("x", "t")) == "缺失"


def test_markdown_keeps_every_illustrative_mark_literal():
    from nbconvert.filters.markdown import markdown2html  # what the report exporters render with

    a = fmt.show(Value(12, "platforms", "illustrative"))
    b = fmt.show(Value(20, "platforms", "illustrative"))
    assert "<em>" in markdown2html(f"由{a}增加到{b}")  # the trap
    html = markdown2html(fmt.markdown(f"由{a}增加到{b}"))
    assert "<em>" not in html and html.count("*") == 2
    bold = markdown2html(fmt.markdown(f"**注意**：{a}，以“*”标注"))
    assert "<strong>注意</strong>" in bold and bold.count("*") == 2


def test_markdown_keeps_both_marks_of_a_sentence_visible():
    import mistune  # what nbconvert renders Markdown cells with

    years = Value(78.7, "平台年", "illustrative")
    projects = Value(3.57, "个", "illustrative")
    sentence = f"按{fmt.show(years)}计，平均每年{fmt.show(projects, digits=2)}、其余"
    assert "<em>" in mistune.html(sentence)  # unescaped, the two marks turn into emphasis
    html = mistune.html(fmt.markdown(sentence))
    assert "<em>" not in html and html.count("*") == 2


def test_a_quoted_phrase_is_kept_verbatim_and_recorded_as_the_articles(monkeypatch):
    monkeypatch.setattr(fmt, "PRINTED", [])
    assert fmt.quote("争取立项经费1585万元", "F036") == "「争取立项经费1585万元」"
    assert fmt.printed_records() == [
        {"text": "争取立项经费1585万元", "provenance": "article", "sources": ["F036"]}
    ]


def test_a_quoted_phrase_keeps_the_sources_writing_and_is_recorded_with_its_value(monkeypatch):
    monkeypatch.setattr(fmt, "PRINTED", [])
    fact = Value(1827, "persons", "article", sources=("F028",))
    phrase = "与东部城市互派教育、医疗卫生等专业技术人才1827人"
    assert fmt.quoted(fact, phrase) == phrase
    assert fmt.PRINTED[-1]["sources"] == ["F028"] and fmt.PRINTED[-1]["provenance"] == "article"
    with pytest.raises(ValueError):
        fmt.quoted(fact, "与东部城市互派教育、医疗卫生等专业技术人才1872人")


# --------------------------------------------------------------------------- parts of a whole


def test_parts_rounded_alone_miss_the_whole_and_parts_of_a_whole_add_up():
    parts = [Value(x, "person_months", "illustrative") for x in (0.4, 0.4, 0.4, 0.8)]
    whole = Value(2.0, "person_months", "illustrative")
    assert sum(round(p.value) for p in parts) == 1  # each rounded alone: one short
    shown = fmt.parts_of(parts, whole)
    assert [v.value for v in shown] == [1.0, 0.0, 0.0, 1.0]  # largest remainders (ties: first)
    assert all(v.illustrative for v in shown)


def test_parts_of_a_whole_keep_their_marks_and_round_to_the_requested_digit():
    parts = [
        Value(1.26, "万元", "derived", sources=("a",)),
        Value(2.26, "万元", "illustrative", sources=("b",)),
        Value(3.48, "万元", "derived", sources=("c",)),
    ]
    shown = fmt.parts_of(parts, Value(7.0, "万元"), digits=1)
    assert [v.value for v in shown] == pytest.approx([1.3, 2.2, 3.5])
    assert sum(v.value for v in shown) == pytest.approx(7.0)
    assert [v.sources for v in shown] == [("a",), ("b",), ("c",)]
    assert [v.provenance for v in shown] == ["derived", "illustrative", "derived"]


def test_parts_that_are_not_the_whole_s_parts_are_refused():
    parts = [Value(1.0, "persons"), Value(2.0, "persons")]
    with pytest.raises(ValueError, match="not to the whole"):
        fmt.parts_of(parts, Value(4.0, "persons"))


def test_a_missing_part_or_whole_leaves_the_parts_as_they_are():
    parts = [Value(1.4, "persons"), Value(None, "persons")]
    assert fmt.parts_of(parts, Value(3.0, "persons")) == parts
    assert fmt.parts_of(parts[:1], Value(None, "persons")) == parts[:1]
