"""pyproject.toml, constraints.txt and environment.yml must agree on packages and versions, and
every set-up must register the Jupyter kernel under the same name and display name."""

import json
import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from packaging.requirements import InvalidRequirement, Requirement

from lps_analysis import paths

# What `conda env create` accepts at the top of an environment file.
CONDA_ENV_KEYS = {"name", "channels", "dependencies", "prefix", "variables"}
# A conda match spec as written in environment files: name, then `=` or `==` and a version.
CONDA_SPEC = re.compile(
    r"^(?P<name>[a-z0-9_][a-z0-9_.\-]*)(?:(?:=|==)(?P<version>[0-9][\w.*+!]*))?$"
)
# The young estimation packages: conda-forge may lack them, so they must come from pip.
PIP_ONLY = {"moderndid", "wildboottest"}


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _project():
    return tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]


def _declared():
    project = _project()
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


def _env():
    return yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))


def _sides(env):
    """({name: version} of the conda packages, {name: version} of the pip packages)."""
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                req = Requirement(line)
                (spec,) = req.specifier
                pip[_norm(req.name)] = spec.version
        else:
            m = CONDA_SPEC.match(dep)
            conda[m["name"]] = m["version"]
    return conda, pip


def test_environment_yml_is_a_conda_environment_spec():
    env = _env()
    assert isinstance(env, dict) and set(env) <= CONDA_ENV_KEYS
    assert env["name"] == "lps-talent" and env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    strings = [d for d in deps if isinstance(d, str)]
    sections = [d for d in deps if not isinstance(d, str)]
    assert len(strings) + len(sections) == len(deps)
    bad = [d for d in strings if not CONDA_SPEC.match(d)]
    assert bad == [], f"not conda match specs: {bad}"
    # One pip section, a dict with the single key "pip", and pip itself installed by conda.
    assert len(sections) == 1 and list(sections[0]) == ["pip"], sections
    assert "pip" in {CONDA_SPEC.match(d)["name"] for d in strings}
    for line in sections[0]["pip"]:
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            pytest.fail(f"pip line {line!r}: {exc}")
        assert [s.operator for s in req.specifier] == ["=="], f"{line!r} is not an exact pin"
        assert not req.extras and req.marker is None


def test_environment_yml_holds_every_locked_package_at_its_locked_version_once():
    conda, pip = _sides(_env())
    conda_pkgs = {_norm(n): v for n, v in conda.items() if n not in ("python", "pip")}
    assert set(conda_pkgs) & set(pip) == set(), "a package on both the conda and pip side"
    pins = _pins()
    assert len(pins) >= 165
    listed = conda_pkgs | pip
    assert set(pins) - set(listed) == set(), "locked packages missing from environment.yml"
    assert set(listed) - set(pins) == set(), "environment.yml packages not in the lock"
    mismatched = {n: (v, pins[n]) for n, v in listed.items() if v != pins[n]}
    assert mismatched == {}


def test_young_estimation_packages_come_from_pip_and_the_rest_of_pyproject_from_conda():
    conda, pip = _sides(_env())
    conda_pkgs = {_norm(n) for n in conda} - {"python", "pip"}
    assert PIP_ONLY <= set(pip)
    assert conda_pkgs == _declared() - PIP_ONLY


def test_every_declared_package_is_pinned():
    assert _declared() - set(_pins()) == set()


def test_python_version_agrees():
    conda, _ = _sides(_env())
    requires = _project()["requires-python"]
    assert conda["python"] == "3.11" and ">=3.11" in requires


def test_make_lock_regenerates_environment_yml_and_it_is_up_to_date():
    makefile = (paths.ROOT / "Makefile").read_text()
    assert "scripts/write_environment.py" in makefile.split("\nlock:", 1)[1].split("\n\n")[0]
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "scripts" / "write_environment.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


# --- one kernel name and display name everywhere ----------------------------------------------


def _make_variables():
    text = (paths.ROOT / "Makefile").read_text()
    return dict(re.findall(r"^([A-Z_]+) :?= (.*)$", text, flags=re.M))


def _kernel_install_commands():
    """Every kernel registration the project tells someone to run, Makefile variables expanded."""
    variables = _make_variables()
    sources = [
        "Makefile",
        "environment.yml",
        "README.md",
        *sorted(str(p.relative_to(paths.ROOT)) for p in (paths.ROOT / "docs").glob("*.md")),
    ]
    found = []
    for name in sources:
        for line in (paths.ROOT / name).read_text(encoding="utf-8").splitlines():
            if "ipykernel install" in line or "kernels.install" in line:
                expanded = re.sub(r"\$\((\w+)\)", lambda m: variables[m.group(1)], line)
                found.append((name, expanded))
    return found


def test_every_kernel_registration_goes_through_the_project_installer():
    """`python -m lps_analysis.kernels.install` names the kernel, its display name and the warm
    provisioner (tests/test_kernels.py); a bare `ipykernel install` would drop the provisioner."""
    commands = _kernel_install_commands()
    assert {name for name, _ in commands} >= {"Makefile", "environment.yml", "README.md"}
    for name, line in commands:
        assert "ipykernel install" not in line, (name, line)
        assert "python -m lps_analysis.kernels.install" in line, (name, line)


def test_every_notebook_names_the_kernel_as_the_set_up_registers_it():
    notebooks = sorted(paths.ROOT.glob("notebooks/*.ipynb")) + sorted(
        paths.ROOT.glob("tests/fixtures/**/*.ipynb")
    )
    assert notebooks
    for nb in notebooks:
        spec = json.loads(nb.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert (spec["name"], spec["display_name"]) == (
            paths.KERNEL_NAME,
            paths.KERNEL_DISPLAY_NAME,
        ), nb.name


def test_doctor_flags_a_kernel_registered_under_another_display_name(tmp_path, monkeypatch):
    from lps_analysis import doctor

    kernel_dir = tmp_path / "share" / "jupyter" / "kernels" / paths.KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    (kernel_dir / "kernel.json").write_text(
        json.dumps({"argv": ["python"], "display_name": paths.KERNEL_NAME, "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    check = doctor.check_kernel()
    assert not check.ok and paths.KERNEL_DISPLAY_NAME in check.detail
    spec = {"argv": ["python"], "display_name": paths.KERNEL_DISPLAY_NAME, "language": "python"}
    kernel_dir.joinpath("kernel.json").write_text(json.dumps(spec))
    check = doctor.check_kernel()  # registered by a bare `ipykernel install`: cold kernels
    assert not check.ok and "lps_analysis.kernels.install" in check.detail
    spec["metadata"] = {"kernel_provisioner": {"provisioner_name": "lps-warm-provisioner"}}
    kernel_dir.joinpath("kernel.json").write_text(json.dumps(spec))
    assert doctor.check_kernel().ok
