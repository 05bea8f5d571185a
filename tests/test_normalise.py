"""Property tests for cell normalisation (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lps_analysis.data.cells import _number, norm_text, split_header

FULLWIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")


@settings(max_examples=200)
@given(st.integers(min_value=-(10**12), max_value=10**12), st.booleans(), st.booleans())
def test_counts_read_back_whatever_digits_and_separators_excel_used(n, fullwidth, separators):
    text = f"{n:,}" if separators else str(n)
    if fullwidth:
        text = text.translate(FULLWIDTH)
    assert _number(norm_text(text)) == n


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False))
def test_wan_suffix_multiplies_by_ten_thousand(d):
    assert abs(_number(norm_text(f"{d}万")) - float(d) * 10_000) < 1e-6


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_norm_text_is_idempotent_and_trimmed(text):
    once = norm_text(text)
    assert norm_text(once) == once
    assert once == once.strip()


@settings(max_examples=100)
@given(
    st.sampled_from(["人数", "常住人口", "立项经费"]),
    st.sampled_from(["人", "万人", "万元", "元"]),
    st.sampled_from([("（", "）"), ("(", ")")]),
    st.sampled_from(["", " ", "*", "\n"]),
)
def test_headers_split_into_name_and_unit_whatever_brackets_and_padding(name, unit, brackets, pad):
    header = f"{pad}{name}{brackets[0]}{unit}{brackets[1]}{pad}"
    assert split_header(header) == (name, unit)


def test_blank_and_dash_cells_are_missing_not_zero():
    for text in ("", "-", "—", "/"):
        assert _number(text) is None
