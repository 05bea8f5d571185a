"""What the formatter promises whatever the number style: marks, bounds, scale, signs, ledger.

These tests pin semantics, not decimals: each printed number is read back and compared with the
value within the precision it was printed at, so a change of default precision or separators
keeps them green while a dropped mark, a wrong scale or a lost sign fails them.
"""

from __future__ import annotations

import math
import re

import pytest

from lps_analysis import fmt
from lps_analysis.value import Value

NUMBER = re.compile(r"([+\-−]?)([0-9][0-9,]*(?:\.([0-9]+))?)")


def read_back(text: str) -> tuple[float, float]:
    """The number a text prints and half a unit of its last printed digit."""
    match = NUMBER.search(text)
    assert match, f"no number in {text!r}"
    sign = -1.0 if match.group(1) in ("-", "−") else 1.0
    decimals = len(match.group(3) or "")
    return sign * float(match.group(2).replace(",", "")), 0.5 * 10.0**-decimals + 1e-12


def assert_prints(text: str, expected: float) -> None:
    number, slack = read_back(text)
    assert abs(number - expected) <= slack, f"{text!r} does not print {expected}"


@pytest.fixture(autouse=True)
def ledger(monkeypatch):
    entries: list[dict] = []
    monkeypatch.setattr(fmt, "PRINTED", entries)
    return entries


@pytest.mark.parametrize("provenance", ["article", "official", "analyst", "derived"])
@pytest.mark.parametrize("bound, prefix", [("exact", ""), ("lower", "≥"), ("approx", "约")])
@pytest.mark.parametrize(
    "unit, expected, word",
    [
        ("persons", 1827, "人"),
        ("persons", 428000 / 10_000, "万人"),
        ("ratio", 43.528, "%"),
        ("pp", 0.84, "个百分点"),
        ("件", 500, "件"),
        ("10k_yuan", 1585, "万元"),
        ("index", 0.4123, ""),
    ],
)
def test_each_bound_prints_its_mark_in_front_of_the_number_in_the_right_scale(
    provenance, bound, prefix, unit, expected, word
):
    raw = {"persons": 428000 if word == "万人" else 1827, "ratio": 0.43528}.get(unit, expected)
    text = fmt.show(Value(raw, unit, provenance, bound))
    body = text.removeprefix(prefix)
    assert text.startswith(prefix) and body[:1] in "+0123456789", text
    assert not any(m in body for m in ("≥", "约", "*")), text
    assert body.endswith(word) if word else body[-1].isdigit(), text
    assert_prints(body, expected)


@pytest.mark.parametrize("bound, prefix", [("exact", ""), ("lower", "≥"), ("approx", "约")])
def test_an_example_figure_keeps_its_bound_and_ends_with_the_star(bound, prefix):
    text = fmt.show(Value(1827, "persons", "illustrative", bound))
    assert text.startswith(prefix) and text.endswith("人*"), text
    assert fmt.show(Value(1827, "persons", "illustrative", bound), mark=False) == text[:-1]


@pytest.mark.parametrize(
    "short, kwargs, expected, word",
    [
        (fmt.wan, {}, 42.8, "万人"),
        (fmt.wan, {"unit": "万"}, 42.8, ""),
        (fmt.count, {"unit": "persons"}, 428000, "人"),
        (fmt.pct, {}, 42.8, "%"),
        (fmt.money_10k, {}, 428000, "万元"),
    ],
)
@pytest.mark.parametrize("bound, prefix", [("exact", ""), ("lower", "≥"), ("approx", "约")])
def test_the_short_forms_keep_the_bound_of_a_value_and_of_a_bare_number(
    ledger, short, kwargs, expected, word, bound, prefix
):
    raw = 0.428 if short is fmt.pct else 428000
    from_value = short(Value(raw, "persons", "article", bound), **kwargs)
    from_number = short(raw, bound=bound, **kwargs)
    for text in (from_value, from_number):
        body = text.removeprefix(prefix)
        assert text.startswith(prefix) and body[:1].isdigit(), text
        assert body.endswith(word) if word else body[-1].isdigit(), text
        assert_prints(body, expected)
    assert [e["provenance"] for e in ledger] == ["article", "unmarked"]
    assert ledger[0]["bound"] == bound and ledger[0]["value"] == raw


@pytest.mark.parametrize("missing", [None, math.nan])
@pytest.mark.parametrize("short", [fmt.wan, fmt.count, fmt.pct, fmt.pp, fmt.money_10k])
def test_a_missing_figure_prints_the_dash_never_zero(short, missing):
    assert short(missing) == fmt.MISSING
    assert short(Value.absent("persons", "exchanges")) == fmt.MISSING


def test_a_missing_figure_goes_into_the_ledger_with_the_tables_that_would_give_it(ledger):
    fmt.show(Value.absent("persons", "exchanges"))
    assert ledger == [
        {
            "text": fmt.MISSING,
            "value": None,
            "unit": "persons",
            "provenance": "derived",
            "bound": "exact",
            "sources": [],
            "missing": ["exchanges"],
        }
    ]


@pytest.mark.parametrize("x", [0.0, -0.0, 1e-9, -1e-9, 0.000004, -0.000004])
def test_a_zero_never_prints_with_a_sign(x):
    for text in (
        fmt.show(Value(x, "ratio"), signed=True),
        fmt.show(Value(x, "ratio")),
        fmt.pp(Value(x, "ratio")),
        fmt.pct(Value(x, "ratio"), signed=True),
        fmt.show(Value(x, "index"), signed=True),
        fmt.show(Value(x, "persons"), signed=True, word="人次"),
    ):
        assert text[0] not in "+-−", text
        if text.startswith("<"):  # an index under its last digit: '<0.001', an upper bound
            assert x > 0 and abs(x) < read_back(text)[0], text
        else:
            assert_prints(text, 0.0)


@pytest.mark.parametrize("x, sign", [(0.0084, "+"), (-0.0084, "-")])
def test_percentage_points_always_carry_their_sign(x, sign):
    text = fmt.pp(Value(x, "ratio"))
    assert text.startswith(sign) and text.endswith("个百分点"), text
    assert_prints(text, x * 100)
    already_points = fmt.show(Value(x * 100, "pp"))
    assert already_points.startswith(sign)
    assert_prints(already_points, x * 100)


@pytest.mark.parametrize(
    "style, unit, x, expected, word",
    [
        ("count", "persons", 1234, 1234, "人"),
        ("index", "index", 0.1234, 0.1234, ""),
        ("bare", "persons", 1234, 1234, ""),
        ("pct", "ratio", 0.1234, 12.34, "%"),
        ("wan", "persons", 123400, 12.34, "万人"),
        ("wan_bare", "persons", 123400, 12.34, ""),
    ],
)
def test_signed_asks_for_a_plus_on_a_gain_and_keeps_the_minus_of_a_loss(
    style, unit, x, expected, word
):
    gain = fmt.show(Value(x, unit), style=style, signed=True, digits=2)
    loss = fmt.show(Value(-x, unit), style=style, signed=True, digits=2)
    plain = fmt.show(Value(x, unit), style=style, digits=2)
    assert gain.startswith("+") and loss.startswith("-") and plain[0].isdigit()
    assert gain.endswith(word) if word else gain[-1].isdigit()
    assert_prints(gain, expected)
    assert_prints(loss, -expected)


@pytest.mark.parametrize("digits", [0, 1, 3])
@pytest.mark.parametrize(
    "style, unit, x",
    [("pct", "ratio", 0.123456), ("index", "index", 0.123456), ("pp", "ratio", 0.0123456)],
)
def test_asked_digits_are_printed_up_to_the_style_s_cap(style, unit, x, digits):
    """A view's request for decimals is honoured up to the one number style's cap
    (fmt.MAX_DIGITS: 1 for %, 2 for percentage points, 3 for indices); trailing zeros drop."""
    places = min(digits, fmt.MAX_DIGITS[style])
    text = fmt.show(Value(x, unit), style=style, digits=digits)
    scaled = x * (100 if unit == "ratio" else 1)
    if round(scaled, places) == 0:  # below the last digit: an upper bound, never 0
        assert text.startswith("<") and read_back(text)[0] == 10.0**-places, text
        return
    number, _ = read_back(text)
    printed = NUMBER.search(text).group(3) or ""
    assert len(printed) <= places, text
    assert number == pytest.approx(round(scaled, places)), text


def test_an_own_measure_word_replaces_the_units_and_keeps_whole_numbers_whole():
    assert fmt.show(Value(12, "persons"), word="台次/年") == "12台次/年"
    text = fmt.show(Value(12.25, "persons"), word="台次/年", digits=2)
    assert text.endswith("台次/年")
    assert_prints(text, 12.25)


@pytest.mark.parametrize(
    "unit, word",
    [("台次", "台次"), ("万元", "万元"), ("人次", "人次"), ("km", ""), ("台次/年", ""), ("", "")],
)
def test_a_chinese_unit_is_its_own_word_and_anything_else_prints_none(unit, word):
    text = fmt.show(Value(7, unit), style="count")
    assert text == "7" + word


@pytest.mark.parametrize(
    "unit, x, word",
    [
        ("ratio", 0.5, "%"),
        ("percentage_points", 1.5, "个百分点"),
        ("pp", 1.5, "个百分点"),
        ("p_value", 0.0312, ""),
        ("index", 0.5, ""),
        ("persons", 99_999, "人"),
        ("persons", 100_000, "万人"),
        ("person_visits", 100_000, "万人次"),
        ("persons", -100_000, "万人"),
        ("件", 100_000, "件"),
    ],
)
def test_the_default_style_follows_the_unit(unit, x, word):
    text = fmt.show(Value(x, unit))
    body = text.lstrip("+-")
    assert body.endswith(word) if word else body[-1].isdigit(), text
    if word.startswith("万"):
        assert_prints(text, x / 10_000)
    else:
        assert "万" not in text


def test_wan_prints_no_trailing_zeros():
    for x in (428000, 150000, 298200):
        number = re.sub(r"万.*", "", fmt.wan(Value(x, "persons", "article")))
        assert not (("." in number) and number.endswith(("0", "."))), number


def test_show_refuses_a_plain_number_and_quoted_a_missing_one():
    with pytest.raises(TypeError, match="Value"):
        fmt.show(1827)
    with pytest.raises(TypeError):
        fmt.quoted(Value.absent("persons", "x"), "人才1827人")
    with pytest.raises(TypeError):
        fmt.quoted(1827, "人才1827人")


def test_quoted_needs_the_phrase_to_state_the_number_and_records_the_values_provenance(
    ledger,
):
    v = Value(1827, "persons", "article", sources=("F011",))
    assert fmt.quoted(v, "交流人才1,827人") == "交流人才1,827人"
    with pytest.raises(ValueError, match="1827"):
        fmt.quoted(v, "交流人才1,828人")
    assert fmt.quoted(Value(42.8, "万人", "article", "lower"), "42.8万余人") == "42.8万余人"
    assert [(e["text"], e["provenance"], e["bound"]) for e in ledger] == [
        ("交流人才1,827人", "article", "exact"),
        ("42.8万余人", "article", "lower"),
    ]
    assert ledger[0]["sources"] == ["F011"]


def test_a_setting_is_never_marked_and_is_recorded_as_a_setting(ledger):
    assert fmt.setting(95, "%") == "95%"
    assert fmt.setting(0.05, digits=2) == "0.05"
    assert [e["provenance"] for e in ledger] == ["setting", "setting"]
    assert "value" not in ledger[0]


def test_the_ledger_keeps_one_entry_per_text_provenance_and_sources(ledger):
    a = Value(1827, "persons", "article", sources=("F011",))
    fmt.show(a)
    fmt.show(a)
    fmt.show(Value(1827, "persons", "official", sources=("gov",)))
    fmt.show(Value(1827, "persons", "article", sources=("F012",)))
    records = fmt.printed_records()
    assert len(ledger) == 4
    assert [(r["provenance"], r["sources"]) for r in records] == [
        ("article", ["F011"]),
        ("official", ["gov"]),
        ("article", ["F012"]),
    ]
    assert {r["text"] for r in records} == {fmt.show(a)}


def test_quote_puts_the_article_phrase_in_corner_brackets_and_cites_its_fact(ledger):
    assert fmt.quote("人才资源总量达42.8万人", "F010") == "「人才资源总量达42.8万人」"
    assert ledger == [
        {"text": "人才资源总量达42.8万人", "provenance": "article", "sources": ["F010"]}
    ]


@pytest.mark.parametrize(
    "provenance, label",
    [
        ("article", "原文"),
        ("official", "官方"),
        ("analyst", "上报"),
        ("derived", "计算"),
        ("illustrative", "示例"),
    ],
)
def test_a_shares_label_follows_the_provenance_of_its_total(provenance, label):
    part = Value(120, "persons", "article", sources=("F001",))
    whole = Value(480, "persons", provenance, sources=("T",))
    share = part / whole
    expected = "示例" if provenance == "illustrative" else "计算"
    assert fmt.provenance_label(share) == expected
    assert fmt.show(share).endswith("*") == (provenance == "illustrative")
    assert fmt.provenance_label(whole) == label
    assert fmt.provenance_label(Value.absent("ratio", "T")) == "缺失"


def test_markdown_escapes_single_stars_only():
    assert fmt.markdown("12人* 与 3件*") == r"12人\* 与 3件\*"
    assert fmt.markdown("**重点** 12人*") == r"**重点** 12人\*"
    assert fmt.markdown(r"已转义 12人\*") == r"已转义 12人\*"


def test_ten_thousands_are_exact_at_every_size():
    for style, word in (("wan", "万人"), ("wan_bare", "")):
        text = fmt.show(Value(1_234_567, "persons"), style=style, digits=2)
        assert text == "123.46" + word  # 1,234,567 / 10,000, not / 10,001
        assert fmt.show(Value(1_234_567, "persons"), style=style, digits=1) == "123.5" + word
        assert fmt.show(Value(428_000, "persons"), style=style).startswith("42.8")
        assert not fmt.show(Value(150_000, "persons"), style=style).startswith("15.")
    assert fmt.show(Value(150_000, "platforms"), style="wan") == "15万"  # 万 alone, no 个


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: fmt.pct(0.123456, digits=3), 12.3),  # % capped at one decimal
        (lambda: fmt.pct(Value(0.123456, "ratio"), digits=0), 12),
        (lambda: fmt.money_10k(1585.5, digits=2), 1585.5),  # 1585.50: the trailing zero drops
        (lambda: fmt.pp(0.84321, digits=3), 0.84),  # percentage points capped at two
        (lambda: fmt.wan(1_234_567, digits=1), 123.5),
    ],
)
def test_the_short_forms_print_the_digits_the_style_allows(call, expected):
    text = call()
    number, _ = read_back(text)
    assert number == pytest.approx(expected), text
    printed = NUMBER.search(text).group(3) or ""
    assert printed == (repr(float(expected)).split(".")[1].rstrip("0") if expected % 1 else ""), text


def test_sign_requests_reach_the_number_through_every_path():
    assert fmt.pct(Value(0.1, "ratio"), signed=True).startswith("+")
    assert fmt.pct(0.1, signed=True).startswith("+")
    assert fmt.show(Value(5, "x"), word="台次/年", signed=True) == "+5台次/年"
    assert fmt.show(Value(-5, "x"), word="台次/年", signed=True) == "-5台次/年"


def test_bare_numbers_are_recorded_unmarked_and_values_with_their_marks(ledger):
    fmt.pct(0.5)
    fmt.pp(0.84)
    fmt.pct(None)
    fmt.show(Value.absent("persons", "x"))
    fmt.pp(Value(0.0084, "ratio"))
    assert [e["provenance"] for e in ledger] == [
        "unmarked",
        "unmarked",
        "unmarked",
        "derived",
        "derived",
    ]
    assert "unit" not in ledger[0] and ledger[3]["unit"] == "persons"
    assert fmt.pp(0.84).startswith("+0.84")  # a bare number is already in points


def test_the_ledger_tells_apart_one_text_with_two_provenances(ledger):
    fmt.show(Value(1827, "persons", "article", sources=("X",)))
    fmt.show(Value(1827, "persons", "official", sources=("X",)))
    assert [r["provenance"] for r in fmt.printed_records()] == ["article", "official"]


def test_type_errors_say_what_was_passed():
    with pytest.raises(TypeError, match="not int: marks come from values"):
        fmt.show(1827)
    with pytest.raises(TypeError, match="fmt.quoted takes a Value with a number"):
        fmt.quoted(1827, "1827")
