"""The person tables a run publishes, and the counts they are made of (for `disclosure`).

Each scope's report prints two tables from `talent_records` for the latest year not after the
analysis end year: all talents and the introduced ones, by education; the city's rows are its
counties, a county's rows its sectors (largest first, 其他 last).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.tables import EDUCATION_LEVELS

LAYERS = {"all": None, "introduced": ("introduced",)}  # layer → origins counted (None: all)
BASE_COLUMNS = ["year", "scope_code", "sector", "education", "origin"]


@dataclass(frozen=True)
class TableSpec:
    """One person table a scope's report publishes (rows × education levels, with totals)."""

    scope_code: str
    layer: str
    year: int
    rows: str  # records column giving the rows: "scope_code" (city) or "sector" (county)
    row_order: tuple[str, ...]
    scope_codes: tuple[str, ...]
    column_order: tuple[str, ...] = tuple(EDUCATION_LEVELS)

    @property
    def key(self) -> tuple[str, str]:
        return self.scope_code, self.layer


def person_counts(records: pd.DataFrame) -> pd.DataFrame:
    """Persons per (year, county, sector, education, origin): all the release is computed from."""
    counts = records.groupby(BASE_COLUMNS, observed=True).size().rename("persons").reset_index()
    for column in BASE_COLUMNS[1:]:
        counts[column] = counts[column].astype(str)
    counts["year"] = counts["year"].astype(int)
    return counts


def sector_order(counts: pd.DataFrame) -> list[str]:
    """Sectors by persons, largest first, with 其他 (other) last (`counts`: `person_counts`)."""
    persons = counts.groupby("sector")["persons"].sum()
    return sorted(persons.index, key=lambda s: (s == "其他", -persons[s], s))


def scope_rows(scope: Scope) -> tuple[str, list[str], list[str]]:
    """(records column of the rows, row labels or [] for "from the data", scope codes)."""
    if scope.level == "city":
        counties = [s.code for s in current_scopes() if s.parent_code == scope.code]
        return "scope_code", counties, counties
    return "sector", [], [scope.code]


def scope_tables(scope: Scope, counts: pd.DataFrame, year: int) -> list[TableSpec]:
    """The tables `scope`'s report publishes: latest year ≤ `year` the records hold, or none.

    `counts` is :func:`person_counts` of the records.
    """
    rows, order, codes = scope_rows(scope)
    mine = counts[counts["scope_code"].isin(codes)]
    years = sorted(int(y) for y in mine["year"].unique() if int(y) <= year)
    if not years:
        return []
    the_year = years[-1]
    row_order = tuple(order or sector_order(mine[mine["year"] == the_year]))
    return [
        TableSpec(scope.code, layer, the_year, rows, row_order, tuple(codes)) for layer in LAYERS
    ]
