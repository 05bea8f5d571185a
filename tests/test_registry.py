import pytest

from lps_analysis.data import registry
from lps_analysis.errors import RetiredScopeError, UnknownScopeError


def test_reports_run_for_the_city_then_its_four_current_counties():
    codes = [s.code for s in registry.current_scopes()]
    assert codes == ["520200", "520201", "520203", "520204", "520281"]
    assert registry.city().name_zh == "六盘水市"


def test_slugs_are_unique_ascii_and_start_with_the_code():
    scopes = registry.load_scopes()
    slugs = [s.slug for s in scopes]
    assert len(set(slugs)) == len(slugs)
    for s in scopes:
        assert s.slug.isascii() and s.slug.startswith(s.code + "-")


@pytest.mark.parametrize(
    ("label", "code"),
    [("水城县", "520204"), ("520221", "520204"), ("盘县", "520281"), ("520222", "520281")],
)
def test_former_names_and_codes_map_to_their_successor_with_a_note(label, code):
    scope, note = registry.resolve_scope(label)
    assert scope.code == code
    assert note is not None and scope.name_zh in note


def test_current_codes_names_and_slugs_resolve_without_note():
    for label in ("520201", "钟山区", "520201-zhongshan"):
        scope, note = registry.resolve_scope(label)
        assert (scope.code, note) == ("520201", None)


@pytest.mark.parametrize("label", ["520202", "贵阳市", "", "5202"])
def test_unknown_scope_is_refused_with_a_chinese_and_english_message(label):
    with pytest.raises(UnknownScopeError) as err:
        registry.get_scope(label)
    text = str(err.value)
    assert "未知的分析范围" in text and "Unknown scope" in text


@pytest.mark.parametrize(
    ("label", "successor"), [("520221", "520204 水城区"), ("盘县", "520281 盘州市")]
)
def test_a_former_code_is_not_a_runnable_scope_and_the_refusal_names_its_successor(
    label, successor
):
    with pytest.raises(RetiredScopeError) as err:
        registry.get_scope(label)
    zh, en = str(err.value).splitlines()
    # The hint stands outside the quoted name, and the code is not called unknown.
    assert f"「{label}」已撤销" in zh and f"请使用 {successor}" in zh
    assert "未知" not in zh and en.startswith("    ") and "successor" in en
    assert isinstance(err.value, UnknownScopeError)  # callers that refuse unknown codes still do


def test_code_history_and_boundary_change_are_recorded():
    by_code = {s.code: s for s in registry.load_scopes()}
    assert by_code["520204"].predecessor_code == "520221"
    assert by_code["520281"].predecessor_code == "520222"
    assert by_code["520221"].valid_to == by_code["520204"].valid_from == "2020-07"
    assert by_code["520222"].valid_to == by_code["520281"].valid_from
    assert by_code["520281"].valid_from.startswith("2017")
    assert "2020年7月" in by_code["520201"].notes
