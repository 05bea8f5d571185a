"""The whole release withstands a linear-programming attack: no hidden figure narrower than 10.

The attacker here is written independently of `lps_analysis.data.disclosure`: it reads only the
tables as every scope's report prints them (Chinese labels, thousands separators, "—") and what
any reader knows about them — county tables are sectors × education, the city table counties ×
education, the second table of each counts the introduced talents among the first, a sector
missing from a county's table has no talents there — and bounds each hidden figure over all
non-negative tables that agree with every printed number of every scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from lps_analysis import paths
from lps_analysis.data import disclosure
from lps_analysis.data.illustrative import generate
from lps_analysis.data.registry import current_scopes
from lps_analysis.data.suppression import SUPPRESSION_MARK, suppress_small_cells
from lps_analysis.data.tables import EDUCATION_LEVELS
from lps_analysis.views import records as rv

THRESHOLD = 10
TOTAL = rv.TOTAL_LABEL
ORIGINS = ("introduced", "local")


def published_release(records: pd.DataFrame, year: int = 2020) -> dict[str, list[pd.DataFrame]]:
    """Every person table the run prints, by scope code: [all talents, introduced]."""
    release = disclosure.protect_release(records, year, threshold=THRESHOLD)
    assert release.unprotectable == []
    return {
        s.code: [t.table for t in rv.build(s, records, year, release=release).tables]
        for s in current_scopes()
    }


def _figures(published):
    """(scope, layer, row, column, variables, printed text) for every printed figure."""
    counties = {s.name_zh: s.code for s in current_scopes() if s.level == "county"}
    sectors = {
        code: [r for r in published[code][0].index if r != TOTAL] for code in counties.values()
    }
    variables = {
        (c, s, e, o): k
        for k, (c, s, e, o) in enumerate(
            (c, s, e, o)
            for c in sectors
            for s in sectors[c]
            for e in EDUCATION_LEVELS.values()
            for o in ORIGINS
        )
    }
    figures = []
    for code, tables in published.items():
        city = code not in sectors
        for layer, table in enumerate(tables):
            origins = ORIGINS if layer == 0 else ("introduced",)
            for row in table.index:
                for column in table.columns:
                    in_counties = (
                        (list(sectors) if row == TOTAL else [counties[row]]) if city else [code]
                    )
                    educations = list(EDUCATION_LEVELS.values()) if column == TOTAL else [column]
                    members = frozenset(
                        variables[(c, s, e, o)]
                        for c in in_counties
                        for s in (sectors[c] if city or row == TOTAL else [row])
                        for e in educations
                        for o in origins
                    )
                    figures.append((code, layer, row, column, members, table.loc[row, column]))
    return figures, variables


def attack(published) -> list[tuple]:
    """(scope, layer, row, column, low, high) of every hidden figure, from the printed tables."""
    figures, variables = _figures(published)
    n = len(variables)
    known: dict[frozenset, int] = {}
    for *_, members, text in figures:
        if text != SUPPRESSION_MARK:
            value = int(str(text).replace(",", "").removesuffix("*"))  # * marks illustrative
            assert known.setdefault(members, value) == value, "two tables disagree"
    rows = list(known)
    a_eq = np.zeros((len(rows), n))
    for i, members in enumerate(rows):
        a_eq[i, list(members)] = 1
    b_eq = np.array([known[m] for m in rows], dtype=float)
    found, solved = [], {}
    for code, layer, row, column, members, text in figures:
        if text != SUPPRESSION_MARK:
            continue
        if members in known:  # printed in another table: read off
            solved[members] = (known[members], known[members])
        if members not in solved:
            objective = np.zeros(n)
            objective[list(members)] = 1
            ends = []
            for sign in (1, -1):
                result = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
                assert result.status == 0, result.message
                ends.append(sign * result.fun)
            solved[members] = tuple(ends)
        found.append((code, layer, row, column, *solved[members], members))
    return found, variables


def narrow(attacked, records) -> list[tuple]:
    """Hidden figures holding persons whose interval is narrower than the rule (10 persons).

    A hidden zero needs no interval (it is no one); the truth comes from the records.
    """
    found, variables = attacked
    persons = records.groupby(["scope_code", "sector", "education", "origin"]).size()
    truth = np.zeros(len(variables))
    for (c, s, e, o), k in variables.items():
        code = {v: c2 for c2, v in EDUCATION_LEVELS.items()}[e]
        truth[k] = persons.get((c, s, code, o), 0)
    return [f[:6] for f in found if truth[list(f[6])].sum() > 0 and f[5] - f[4] < THRESHOLD - 1e-6]


def random_records(seed: int) -> pd.DataFrame:
    """Records with many small cells: few persons per sector, some sectors absent, zeros."""
    rng = np.random.default_rng(seed)
    pool = ["教育", "卫生", "制造业", "农业", "公共管理", "能源（煤炭）", "其他"]
    rows = []
    for county in [s.code for s in current_scopes() if s.level == "county"]:
        for sector in rng.choice(pool, size=rng.integers(3, len(pool) + 1), replace=False):
            for education in EDUCATION_LEVELS:
                for origin in ORIGINS:
                    kind = rng.choice(["zero", "small", "large"], p=[0.25, 0.45, 0.30])
                    persons = {"zero": 0, "small": rng.integers(1, 10)}.get(
                        kind, rng.integers(10, 200)
                    )
                    rows += [(county, 2020, sector, education, origin)] * int(persons)
    return pd.DataFrame(rows, columns=["scope_code", "year", "sector", "education", "origin"])


@pytest.fixture(scope="module")
def bundled_records():
    return pd.read_parquet(paths.ILLUSTRATIVE_DIR / "talent_records.parquet")


def test_the_bundled_release_hides_small_figures_and_none_can_be_narrowed(bundled_records):
    published = published_release(bundled_records)
    attacked = attack(published)
    assert len(attacked[0]) >= 10, "the bundled records have small cells: some are hidden"
    assert narrow(attacked, bundled_records) == []
    for tables in published.values():
        for table in tables:
            shown = [int(v.replace(",", "")) for v in table.to_numpy().ravel() if v != "—"]
            assert all(v == 0 or v >= THRESHOLD for v in shown)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_releases_of_records_with_many_small_cells_withstand_the_attack(seed):
    records = random_records(seed)
    attacked = attack(published_release(records))
    assert len(attacked[0]) >= 40
    assert narrow(attacked, records) == []


@pytest.mark.parametrize(("seed", "scale"), [(5, 0.003), (6, 0.02)])
def test_releases_of_generated_illustrative_records_withstand_the_attack(seed, scale):
    records = generate(seed=seed, scale=scale).tables["talent_records"]
    attacked = attack(published_release(records))
    assert attacked[0] and narrow(attacked, records) == []


def test_the_attack_finds_what_table_by_table_suppression_leaves_open(bundled_records):
    """The attacker is not toothless: tables protected one by one (the old way) give way."""
    release = disclosure.protect_release(bundled_records, 2020)
    published = {}
    for scope in current_scopes():
        tables = []
        for layer in ("all", "introduced"):
            counts = release.table(scope.code, layer).counts
            one = suppress_small_cells(counts)
            hidden = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=bool)
            hidden[:-1, :-1] = one.mask.to_numpy()
            names = {s.code: s.name_zh for s in current_scopes()}
            tables.append(
                rv.publish(
                    counts,
                    title="",
                    row_labels=names,
                    column_labels=EDUCATION_LEVELS,
                    hidden=hidden,
                ).table
            )
        published[scope.code] = tables
    exposed = narrow(attack(published), bundled_records)
    assert any(f[0] == "520200" and f[5] == f[4] for f in exposed), "city cells read off exactly"


def test_every_small_total_is_hidden_too():
    records = random_records(4)
    release = disclosure.protect_release(records, 2020)
    for table in release.tables.values():
        counts = table.counts.to_numpy()
        full = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=int)
        full[:-1, :-1] = counts
        full[-1, :-1], full[:-1, -1], full[-1, -1] = counts.sum(0), counts.sum(1), counts.sum()
        small = (full > 0) & (full < THRESHOLD)
        assert (table.hidden | ~small).all()
