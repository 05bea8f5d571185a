"""Mutation testing, module group by module group (``make mutation``).

Each group names the modules whose mutants are made and the fast unit tests that cover them
(never the honesty audit or full pipeline runs). mutmut reads one configuration per project
folder, so each group runs in its own scratch copy of the project under ``.mutation/<group>/``
with a generated ``[tool.mutmut]`` section; mutmut then runs, for each mutant, only the tests
of that group that reach the mutated function.

Mutants listed in ``tests/mutation_equivalent.txt`` (one name and a one-line reason a line) are
equivalent: no test can tell them from the original, so they are counted apart, not as
survivors. The score is killed / (all − equivalent); a mutant no test reaches, and a timeout,
count as not killed.

Usage::

    python scripts/mutation.py                  # every group
    python scripts/mutation.py fmt value        # some groups
    python scripts/mutation.py --list           # the groups, their modules and tests
    python scripts/mutation.py exchange --sample 150   # a seeded random sample of the mutants

A group too large to run whole is run on a fixed random sample of its mutants (``--sample N``,
drawn with ``--seed``, default 1): the score is then the sample's, an estimate of the group's.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutation"
EQUIVALENT_FILE = ROOT / "tests" / "mutation_equivalent.txt"

# group -> (modules to mutate, as globs under the project; unit tests that cover them)
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "fmt": (
        ["lps_analysis/fmt.py"],
        ["tests/test_fmt.py", "tests/test_fmt_marks.py", "tests/test_fmt_edges.py"],
    ),
    "value": (
        ["lps_analysis/value.py"],
        [
            "tests/test_value.py",
            "tests/test_value_rules.py",
            "tests/test_value_units.py",
            "tests/test_fmt_marks.py",
        ],
    ),
    "structure": (
        ["lps_analysis/structure/*"],
        [
            "tests/test_structure.py",
            "tests/test_structure_edges.py",
            "tests/test_views_structure.py",
            "tests/test_structure_charts.py",
        ],
    ),
    "platforms": (
        ["lps_analysis/platforms/*"],
        ["tests/test_platforms.py", "tests/test_platforms_edges.py"],
    ),
    "exchange": (
        [
            "lps_analysis/exchange/callaway.py",
            "lps_analysis/exchange/descriptive.py",
            "lps_analysis/exchange/effect.py",
            "lps_analysis/exchange/event_study.py",
            "lps_analysis/exchange/inference.py",
            "lps_analysis/exchange/panel.py",
            "lps_analysis/exchange/robustness.py",
        ],
        [
            "tests/test_exchange.py",
            "tests/test_exchange_inference.py",
            "tests/test_exchange_settings.py",
            "tests/test_exchange_edges.py",
            "tests/test_exchange_inference_edges.py",
        ],
    ),
    "wording": (
        ["lps_analysis/views/exchange/wording.py", "lps_analysis/views/exchange/effect.py"],
        [
            "tests/test_views_exchange.py",
            "tests/test_views_exchange_text.py",
            "tests/test_views_exchange_wording_edges.py",
            "tests/test_views_exchange_sentences.py",
        ],
    ),
    "normalise": (
        ["lps_analysis/data/normalise.py"],
        [
            "tests/test_normalise.py",
            "tests/test_normalise_rows.py",
            "tests/test_parsing_edges.py",
            "tests/test_validate.py",
            "tests/test_county_files.py",
        ],
    ),
    "validate": (
        ["lps_analysis/data/validate.py", "lps_analysis/data/table_checks.py"],
        [
            "tests/test_parsing_edges.py",
            "tests/test_validate.py",
            "tests/test_validate_messages.py",
            "tests/test_validate_edges.py",
            "tests/test_county_files.py",
        ],
    ),
    "disclosure": (
        [
            "lps_analysis/data/suppression.py",
            "lps_analysis/data/disclosure.py",
            "lps_analysis/data/disclosure_model.py",
            "lps_analysis/data/disclosure_tables.py",
        ],
        [
            "tests/test_suppression.py",
            "tests/test_suppression_edges.py",
            "tests/test_disclosure.py",
            "tests/test_disclosure_edges.py",
            "tests/test_disclosure_choices.py",
        ],
    ),
    "exporters": (
        ["lps_analysis/report/exporters.py", "lps_analysis/report/info.py"],
        [
            "tests/test_report.py",
            "tests/test_report_selfcontained.py",
            "tests/test_report_outputs.py",
            "tests/test_report_edges.py",
            "tests/test_exporters_edges.py",
        ],
    ),
}

# What the tests read besides the package and the tests themselves.
ALSO_COPY = ["data", "notebooks", "bench", "scripts", "README.md", "docs"]
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
STATUS_RE = re.compile(r"^\s*(\S+):\s*(\w[\w ]*)$")

# Run inside a group's scratch copy (where its mutmut configuration is): every mutant's name.
_LIST_MUTANTS = """
import glob, sys
from pathlib import Path
from mutmut.mutation.file_mutation import mutate_file_contents
from mutmut.utils.format_utils import get_mutant_name
for pattern in sys.argv[1:]:
    for path in sorted(glob.glob(pattern)):
        if path.endswith('.py'):
            mutated = mutate_file_contents(path, Path(path).read_text(encoding='utf-8'))
            for name in mutated.mutant_names:
                print(get_mutant_name(Path(path), name))
"""


def equivalents() -> dict[str, str]:
    """Mutant name -> reason, from the committed list (``#`` starts a comment)."""
    out = {}
    if EQUIVALENT_FILE.exists():
        for line in EQUIVALENT_FILE.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                out[name] = reason.strip()
    return out


def _mutmut_section(modules: list[str], tests: list[str]) -> str:
    def toml_list(items):
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["lps_analysis"]\n'
        f"only_mutate = {toml_list(modules)}\n"
        f"also_copy = {toml_list(ALSO_COPY)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n'
        "use_git_change_detection = false\n"
        # Workers fork from a server that has collected the tests but run none: forked from
        # mutmut's main process, which ran the suite, they inherit the thread pools an estimator
        # started (polars, via statsmodels and pyfixest) and hang in the exchange tests.
        'process_isolation = "forkserver"\n'
    )


def prepare(group: str) -> Path:
    """A scratch copy of the project for one group, with its mutmut section."""
    modules, tests = GROUPS[group]
    where = SCRATCH / group
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    for name in ["lps_analysis", "tests", *ALSO_COPY]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=COPY_IGNORE)
        elif src.exists():
            shutil.copy2(src, where / name)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (where / "pyproject.toml").write_text(
        pyproject + _mutmut_section(modules, tests), encoding="utf-8"
    )
    return where


def mutant_names(where: Path, modules: list[str]) -> list[str]:
    """Every mutant mutmut makes of the group's modules, by name, in a stable order."""
    out = subprocess.run(
        [sys.executable, "-c", _LIST_MUTANTS, *modules],
        cwd=where,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(out.stdout.split())


def sample(names: list[str], size: int | None, seed: int) -> list[str]:
    """A seeded random sample of ``size`` mutant names (all of them when size is None or larger)."""
    if size is None or size >= len(names):
        return []  # mutmut runs every mutant when given no names
    return sorted(random.Random(seed).sample(sorted(names), size))


def results(where: Path) -> dict[str, str]:
    """Mutant name -> mutmut status (killed, survived, no tests, timeout, ...)."""
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], cwd=where, capture_output=True, text=True
    )
    statuses = {}
    for line in out.stdout.splitlines():
        match = STATUS_RE.match(line)
        if match:
            statuses[match.group(1)] = match.group(2).strip()
    return statuses


def score(statuses: dict[str, str], equivalent: dict[str, str]) -> dict:
    """Counts and the score: killed over mutants that are reached and not equivalent."""
    counts: dict[str, int] = {}
    survivors = []
    for name, status in statuses.items():
        if name in equivalent:
            status = "equivalent"
        counts[status] = counts.get(status, 0) + 1
        if status in ("survived", "no tests"):
            survivors.append(name)
    killed = counts.get("killed", 0)
    # A mutant that no test reaches is not killed: it counts against the score. Nor is a
    # timeout: here it has been a forked worker hanging with no CPU used (the exchange views),
    # not a test that caught the mutant.
    judged = (
        killed + counts.get("survived", 0) + counts.get("no tests", 0) + counts.get("timeout", 0)
    )
    return {
        "counts": counts,
        "killed": killed,
        "judged": judged,
        "score": killed / judged if judged else None,
        "survivors": sorted(survivors),
    }


@functools.cache
def _functions(path: Path) -> dict[str, str]:
    """Function name -> its source, for every function of a mutated module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def diff(where: Path, mutant: str) -> str:
    """The changed lines of one mutant against its original function."""
    module, _, function = mutant.rpartition(".")
    functions = _functions(where / "mutants" / Path(*module.split(".")).with_suffix(".py"))
    original = re.sub(r"__mutmut_\d+$", "__mutmut_orig", function)
    lines = difflib.unified_diff(
        functions.get(original, "").splitlines(), functions.get(function, "").splitlines(), n=0
    )
    return "\n".join(
        line
        for line in lines
        if line[:1] in "+-" and line[:3] not in ("+++", "---") and not line[1:].startswith("def ")
    )


def last_run(group: str) -> dict | None:
    """The group's last recorded run (its statuses, sample and seed), if any."""
    record = SCRATCH / f"{group}.json"
    if record.is_file():
        return json.loads(record.read_text(encoding="utf-8"))
    if (SCRATCH / group / "mutants").is_dir():  # a run from before runs were recorded
        return {"statuses": results(SCRATCH / group), "seed": None}
    return None


def merge_rerun(before: dict[str, str], now: dict[str, str], rerun: list[str]) -> dict[str, str]:
    """The last run's statuses with those of the re-run survivors replaced by their new ones."""
    return {**before, **{name: now.get(name, "not checked") for name in rerun}}


def _mutmut(where: Path, jobs: int, names: list[str]) -> subprocess.CompletedProcess:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return subprocess.run(
        [mutmut, "run", "--max-children", str(jobs), *names],
        cwd=where,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_group(
    group: str, jobs: int, size: int | None = None, seed: int = 1, rerun: bool = False
) -> dict:
    """Run a group (all its mutants or a seeded sample) and record the statuses.

    With ``rerun``, only the last run's survivors are run again, against the tests as they are
    now, and the last run's other statuses are kept: tests added since cannot revive a killed
    mutant, so the score is that of the same mutants, run whole.
    """
    previous = last_run(group) if rerun else None
    if rerun and previous is None:
        raise SystemExit(f"{group}: no earlier run to re-run the survivors of")
    where = prepare(group)
    names = mutant_names(where, GROUPS[group][0])
    if previous is not None:
        before = score(previous["statuses"], equivalents())
        chosen, seed = before["survivors"], previous.get("seed")
    else:
        chosen = sample(names, size, seed)
        seed = seed if chosen else None
    started = time.monotonic()
    proc = _mutmut(where, jobs, chosen) if chosen or previous is None else None
    seconds = time.monotonic() - started
    statuses = results(where)
    if previous is not None:
        statuses = merge_rerun(previous["statuses"], statuses, chosen)
    elif chosen:  # the mutants left out of the sample are not part of this score
        statuses = {name: statuses.get(name, "not checked") for name in chosen}
    summary = score(statuses, equivalents())
    summary.update(
        group=group,
        mutants=len(names),
        sampled=sum(status != "not checked" for status in statuses.values()),
        seed=seed,
        rerun=len(chosen) if previous is not None else None,
        seconds=round(seconds),
        exit=proc.returncode if proc else 0,
    )
    if proc and proc.returncode and not summary["judged"]:
        summary["error"] = proc.stderr[-2000:]
    record = dict(summary, statuses=statuses)
    (SCRATCH / f"{group}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="groups to run (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument(
        "--show", action="store_true", help="print the last run's survivors with their diffs"
    )
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    parser.add_argument(
        "--sample", type=int, metavar="N", help="run a random sample of N mutants per group"
    )
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    parser.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="run only the last run's survivors again, keeping its other results",
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, (modules, tests) in GROUPS.items():
            print(f"{name}: {' '.join(modules)}  <-  {' '.join(tests)}")
        return 0
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s): {', '.join(unknown)}; see --list")
    if args.show:
        for group in args.groups or list(GROUPS):
            where = SCRATCH / group
            if (where / "mutants").is_dir():
                survivors = score(results(where), equivalents())["survivors"]
                for name in survivors:
                    print(f"== {name}\n{diff(where, name)}")
        return 0
    report = []
    for group in args.groups or list(GROUPS):
        summary = run_group(group, args.jobs, args.sample, args.seed, args.rerun_survivors)
        report.append(summary)
        shown = "—" if summary["score"] is None else f"{summary['score']:.0%}"
        sampled = (
            f"sample of {summary['sampled']} of {summary['mutants']} (seed {summary['seed']}), "
            if summary["seed"] is not None
            else f"{summary['mutants']} mutants, "
        )
        if summary["rerun"] is not None:
            sampled += f"{summary['rerun']} survivors re-run, "
        print(
            f"{group}: {sampled}{summary['killed']}/{summary['judged']} killed ({shown}), "
            f"{summary['counts']}, {summary['seconds']} s",
            flush=True,
        )
        for name in summary["survivors"]:
            print(f"  survived: {name}")
        if "error" in summary:
            print(summary["error"], file=sys.stderr)
    SCRATCH.mkdir(exist_ok=True)
    (SCRATCH / "summary.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
