"""Write environment.yml (the conda mirror) from pyproject.toml and constraints.txt.

The direct dependencies that conda-forge carries are conda packages; everything else in the lock
(the young estimation packages and every transitive pin) goes under `pip:` at the locked version,
so a conda environment ends with exactly the package set of the lock.
`make lock` runs this after re-resolving; tests/test_environment.py checks the result.

    python3 scripts/write_environment.py           # rewrite environment.yml
    python3 scripts/write_environment.py --check   # exit 1 when environment.yml is out of date
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Direct dependencies too young to rely on conda-forge having the locked version.
PIP_ONLY = {"moderndid", "wildboottest"}

HEADER = """\
# Conda (conda-forge) mirror of the lock, for analysts who use conda. Generated from
# pyproject.toml and constraints.txt by scripts/write_environment.py (make lock runs it);
# tests/test_environment.py fails when it disagrees with them.
#   conda env create -f environment.yml && conda activate lps-talent
#   pip install --no-deps -e . && python -m lps_analysis.kernels.install
# Conda packages: the direct dependencies conda-forge carries. Under pip: the estimation packages
# conda-forge may lack and every other locked package, at the locked version.
# System fonts still come from the OS (Debian: fonts-noto-cjk).
"""


def normalise(name: str) -> str:
    """PEP 503 name: case and -_. runs do not distinguish packages."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> tuple[list[str], str]:
    """Direct dependency names (with dev extras) in pyproject order, and the Python series."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + [
        d for ds in project.get("optional-dependencies", {}).values() for d in ds
    ]
    names = [normalise(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps]
    series = re.search(r">=\s*(\d+\.\d+)", project["requires-python"]).group(1)
    return names, series


def locked() -> dict[str, tuple[str, str]]:
    """constraints.txt as {normalised name: (name as locked, version)}."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            if not sep:
                raise SystemExit(f"constraints.txt: not an exact pin: {line!r}")
            pins[normalise(name)] = (name.strip(), version.strip())
    return pins


def render() -> str:
    names, series = declared()
    pins = locked()
    missing = [n for n in names if n not in pins]
    if missing:
        raise SystemExit(f"declared but not pinned in constraints.txt: {', '.join(missing)}")
    conda = [n for n in names if n not in PIP_ONLY]
    pip = sorted((n for n in pins if n not in conda), key=lambda n: pins[n][0].lower())
    lines = [HEADER + "name: lps-talent", "channels:", "  - conda-forge", "dependencies:"]
    lines.append(f"  - python={series}")
    lines.append("  - pip")
    lines += [f"  - {n}={pins[n][1]}" for n in conda]
    lines.append("  - pip:")
    lines += [f"      - {pins[n][0]}=={pins[n][1]}" for n in pip]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = ROOT / "environment.yml"
    text = render()
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print(
                "environment.yml 与 pyproject.toml/constraints.txt 不一致：请运行 "
                "python3 scripts/write_environment.py\n"
                "    environment.yml is out of date: run python3 scripts/write_environment.py",
                file=sys.stderr,
            )
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
