"""The mutation-testing driver: its groups point at real modules and tests, and it scores honestly."""

import importlib.util
import re

import pytest

from lps_analysis import paths

spec = importlib.util.spec_from_file_location("mutation", paths.ROOT / "scripts" / "mutation.py")
mutation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutation)


@pytest.mark.parametrize("group", sorted(mutation.GROUPS))
def test_each_group_mutates_existing_modules_and_runs_existing_unit_tests(group):
    modules, tests = mutation.GROUPS[group]
    for pattern in modules:
        assert list(paths.ROOT.glob(pattern)), pattern
    for test in tests:
        assert (paths.ROOT / test).is_file(), test
        assert test not in ("tests/test_honesty_audit.py", "tests/test_pipeline.py")


def test_unreached_mutants_and_timeouts_count_against_the_score_and_equivalents_do_not():
    statuses = {
        "m.a__mutmut_1": "killed",
        "m.a__mutmut_2": "survived",
        "m.a__mutmut_3": "no tests",
        "m.a__mutmut_4": "survived",
        "m.a__mutmut_5": "timeout",
    }
    result = mutation.score(statuses, {"m.a__mutmut_4": "same output"})
    # the timeout (mutant 5) is judged but not killed
    assert result["killed"] == 1 and result["judged"] == 4
    assert result["score"] == pytest.approx(0.25)
    assert result["survivors"] == ["m.a__mutmut_2", "m.a__mutmut_3"]
    assert result["counts"]["equivalent"] == 1
    assert mutation.score({}, {})["score"] is None


def test_every_recorded_equivalent_mutant_has_a_name_and_a_reason():
    lines = mutation.EQUIVALENT_FILE.read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    for line in entries:
        name, _, reason = line.partition(" ")
        assert re.fullmatch(r"lps_analysis(\.\w+)+\.x\S+__mutmut_\d+", name), line
        assert len(reason.split()) >= 3, f"no reason given: {line}"
    assert len(mutation.equivalents()) == len(entries)


def test_each_group_gets_its_own_mutmut_section():
    section = mutation._mutmut_section(["lps_analysis/fmt.py"], ["tests/test_fmt.py"])
    assert 'only_mutate = ["lps_analysis/fmt.py"]' in section
    assert 'pytest_add_cli_args_test_selection = ["tests/test_fmt.py"]' in section


def test_a_sample_is_fixed_by_its_seed_and_drawn_from_the_names():
    names = [f"lps_analysis.m.x_f__mutmut_{i}" for i in range(1, 201)]
    first = mutation.sample(names, 30, seed=1)
    assert len(first) == len(set(first)) == 30
    assert set(first) <= set(names)
    assert first == mutation.sample(list(reversed(names)), 30, seed=1)
    assert first != mutation.sample(names, 30, seed=2)
    # No sample asked, or one as large as the group: mutmut gets no names and runs them all.
    assert mutation.sample(names, None, seed=1) == []
    assert mutation.sample(names, 200, seed=1) == []


def test_mutant_names_are_listed_as_mutmut_names_them(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("def f(a):\n    return a + 1\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\nsource_paths = ["pkg"]\n', encoding="utf-8"
    )
    names = mutation.mutant_names(tmp_path, ["pkg/m.py"])
    # a + 1 becomes a - 1 and a + 2: two mutants of pkg.m.f
    assert names == ["pkg.m.x_f__mutmut_1", "pkg.m.x_f__mutmut_2"]


def test_a_rerun_replaces_only_the_survivors_it_ran_again():
    before = {"m.a__mutmut_1": "killed", "m.a__mutmut_2": "survived", "m.a__mutmut_3": "no tests"}
    now = {"m.a__mutmut_1": "not checked", "m.a__mutmut_2": "killed", "m.a__mutmut_3": "survived"}
    merged = mutation.merge_rerun(before, now, ["m.a__mutmut_2", "m.a__mutmut_3"])
    assert merged == {
        "m.a__mutmut_1": "killed",
        "m.a__mutmut_2": "killed",
        "m.a__mutmut_3": "survived",
    }
    assert mutation.score(merged, {})["score"] == pytest.approx(2 / 3)
