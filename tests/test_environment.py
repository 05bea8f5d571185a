"""pyproject.toml, constraints.txt and environment.yml must agree on packages and versions."""

import re
import tomllib

import yaml

from lps_analysis import paths


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [
        d for ds in project["optional-dependencies"].values() for d in ds
    ]
    return {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}


def _pins():
    pins = {}
    for line in (paths.ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_norm(name)] = version.strip()
    return pins


def _conda():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        name, _, version = dep.partition("=")
        out[_norm(name)] = version
    return env, out


def test_environment_yml_lists_exactly_the_pyproject_packages():
    env, conda = _conda()
    assert env["channels"] == ["conda-forge"]
    assert set(conda) - {"python"} == _declared()


def test_environment_yml_versions_match_the_lock():
    _, conda = _conda()
    pins = _pins()
    mismatched = {
        n: (v, pins.get(n)) for n, v in conda.items() if n != "python" and v != pins.get(n)
    }
    assert mismatched == {}


def test_every_declared_package_is_pinned():
    assert _declared() - set(_pins()) == set()


def test_python_version_agrees():
    _, conda = _conda()
    requires = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"
    ]
    assert conda["python"] == "3.11" and ">=3.11" in requires
