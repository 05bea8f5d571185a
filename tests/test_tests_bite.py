"""No test that cannot fail: every test checks something, and none compares a thing with itself.

A static look at the suite's own source. It cannot prove a test bites (the mutation score,
``make mutation``, measures that); it refuses the shapes that never do.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _tests():
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                yield path.name, node


def _checks(node: ast.FunctionDef) -> bool:
    """An assert, pytest.raises/warns, or a call to a helper that asserts (assert_…, _check…)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert):
            return True
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func).rsplit(".", 1)[-1]
            if name in ("raises", "warns", "fail") or name.startswith(("assert_", "_check")):
                return True
    return False


def _self_comparisons(node: ast.FunctionDef) -> list[str]:
    return [
        ast.unparse(inner)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Compare)
        and any(ast.dump(inner.left) == ast.dump(c) for c in inner.comparators)
    ]


def _constant_asserts(node: ast.FunctionDef) -> list[str]:
    return [
        ast.unparse(inner)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Assert) and isinstance(inner.test, ast.Constant)
    ]


def test_every_test_checks_something_that_can_be_false():
    found = list(_tests())
    assert len(found) > 500
    offenders = [
        f"{where}::{node.name}: {why}"
        for where, node in found
        for why in (
            ([] if _checks(node) else ["asserts nothing"])
            + _self_comparisons(node)
            + _constant_asserts(node)
        )
    ]
    assert offenders == []


def test_the_checker_sees_the_shapes_it_refuses():
    bad = ast.parse(
        "def test_a():\n    run()\n"
        "def test_b():\n    x = f()\n    assert x.att == x.att\n"
        "def test_c():\n    assert True\n"
    ).body
    assert not _checks(bad[0])
    assert _self_comparisons(bad[1]) == ["x.att == x.att"]
    assert _constant_asserts(bad[2]) == ["assert True"]
    good = ast.parse("def test_d():\n    with pytest.raises(ValueError):\n        f()\n").body[0]
    assert _checks(good) and not _self_comparisons(good)
