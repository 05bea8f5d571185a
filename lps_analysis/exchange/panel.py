"""The institution × year panel of one indicator that the estimators take, and whether it suffices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95
Z_95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
# Below these, an institution-level estimate is not attempted (the analyst gets a sentence).
MIN_INSTITUTIONS = 8
MIN_TREATED = 3
MIN_NEVER_TREATED = 2


@dataclass
class Panel:
    """An institution × year panel of one indicator, with each institution's cohort.

    ``frame`` has ``institution_id``, ``unit`` (an integer id), ``scope_code``, ``year``, ``y``
    and ``cohort`` (0 = not treated within the panel's years). It may be unbalanced: a missing
    institution-year is simply absent.
    """

    frame: pd.DataFrame
    indicator: str
    start: int
    end: int
    dropped_one_year: list[str] = field(default_factory=list)
    dropped_always_treated: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Every institution observed in every year of the panel."""
        if self.frame.empty:
            return True
        counts = self.frame.groupby("institution_id")["year"].nunique()
        return bool((counts == self.frame["year"].nunique()).all())

    @property
    def incomplete(self) -> list[str]:
        """Institutions kept with some of the panel's years missing."""
        counts = self.frame.groupby("institution_id")["year"].nunique()
        return sorted(counts[counts < self.frame["year"].nunique()].index)

    @property
    def missing_institution_years(self) -> int:
        """Institution-years missing from a rectangle of institutions × years."""
        return self.n_institutions * self.frame["year"].nunique() - len(self.frame)

    @property
    def institutions(self) -> pd.DataFrame:
        return self.frame.drop_duplicates("institution_id")[
            ["institution_id", "unit", "scope_code", "cohort"]
        ].reset_index(drop=True)

    @property
    def n_institutions(self) -> int:
        return int(self.frame["institution_id"].nunique())

    @property
    def n_treated(self) -> int:
        return int((self.institutions.cohort > 0).sum())

    @property
    def n_never(self) -> int:
        return int((self.institutions.cohort == 0).sum())

    @property
    def cohort_sizes(self) -> pd.Series:
        """Institutions per cohort (treated cohorts only), indexed by cohort year."""
        inst = self.institutions
        return inst[inst.cohort > 0].groupby("cohort").size().rename("institutions")

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


def outcome_panel(
    outcomes: pd.DataFrame,
    cohort_table: pd.DataFrame,
    *,
    indicator: str,
    field: str | None = None,
    scope_codes: Sequence[str] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Panel:
    """The panel the estimators need, for one indicator (and field, scopes, years).

    A missing value drops that institution-year only: an institution missing some years stays
    (listed by :attr:`Panel.incomplete`) and enters every comparison whose two years it has.
    Institutions with fewer than two years in the window give no change and are dropped
    (``dropped_one_year``); institutions first treated in the window's first year have no
    pre-period and are dropped (``dropped_always_treated``); a cohort after the window's last
    year counts as untreated.
    """
    sub = outcomes[outcomes["indicator"] == indicator]
    if field is not None:
        sub = sub[sub["field"] == field]
    if scope_codes is not None:
        sub = sub[sub["scope_code"].isin(list(scope_codes))]
    sub = sub.dropna(subset=["value"])
    start = int(sub["year"].min()) if start is None and len(sub) else start
    end = int(sub["year"].max()) if end is None and len(sub) else end
    columns = ["institution_id", "unit", "scope_code", "year", "y", "cohort"]
    if start is None or end is None:
        return Panel(pd.DataFrame(columns=columns), indicator, 0, 0)
    sub = sub[(sub["year"] >= start) & (sub["year"] <= end)]
    counts = sub.groupby("institution_id")["year"].nunique()
    one_year = sorted(counts[counts < 2].index)
    sub = sub[~sub["institution_id"].isin(one_year)]
    cohort_of = cohort_table.set_index("institution_id")["cohort"]
    cohort = sub["institution_id"].map(cohort_of).fillna(0).astype(int)
    cohort = cohort.where(cohort <= end, 0)
    always = sorted(sub.loc[(cohort > 0) & (cohort <= start), "institution_id"].unique())
    frame = sub.assign(cohort=cohort, y=sub["value"].astype(float))
    frame = frame[~frame["institution_id"].isin(always)]
    ids = sorted(frame["institution_id"].unique())
    frame = frame.assign(unit=frame["institution_id"].map({i: k + 1 for k, i in enumerate(ids)}))
    frame = frame[columns].sort_values(["institution_id", "year"], ignore_index=True)
    frame["year"] = frame["year"].astype(int)
    return Panel(frame, indicator, int(start), int(end), one_year, always)


def estimability(
    panel: Panel,
    *,
    min_institutions: int = MIN_INSTITUTIONS,
    min_treated: int = MIN_TREATED,
    min_never: int = MIN_NEVER_TREATED,
) -> list[str]:
    """Why the institution-level estimate cannot be made on this panel (Chinese; empty = it can)."""
    reasons = []
    if panel.n_institutions < min_institutions:
        reasons.append(
            f"有两年以上成效数据的单位只有{panel.n_institutions}家（至少需要{min_institutions}家）"
        )
    if panel.n_treated < min_treated:
        reasons.append(f"接受交流的单位只有{panel.n_treated}家（至少需要{min_treated}家）")
    if panel.n_never < min_never and not _later_cohort_compares(panel, min_never):
        # Without never-treated institutions the last cohort, before its first exchange, is
        # the comparison group (not-yet-treated): enough when it is large enough itself.
        reasons.append(
            f"从未接受交流的对照单位只有{panel.n_never}家（至少需要{min_never}家），"
            "也没有足够的较晚开始交流的单位可作对照"
        )
    if len(panel.years) and panel.n_treated and panel.cohort_sizes.index.min() <= panel.start:
        reasons.append("接受交流的单位在起始年之前没有观测")
    return reasons


def _later_cohort_compares(panel: Panel, min_never: int) -> bool:
    """Can the last cohort (with any never-treated) serve as the comparison group?"""
    sizes = panel.cohort_sizes
    return len(sizes) >= 2 and int(sizes.iloc[-1]) >= min_never


def _wide(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes as an institutions × years matrix, the cohorts and the years."""
    wide = panel.frame.pivot(index="unit", columns="year", values="y").sort_index()
    if len(wide.columns):
        # a year no institution reports is still a year: keep the columns contiguous
        wide = wide.reindex(columns=range(int(wide.columns.min()), int(wide.columns.max()) + 1))
    cohort = panel.frame.drop_duplicates("unit").set_index("unit")["cohort"].reindex(wide.index)
    return wide.to_numpy(float), cohort.to_numpy(int), wide.columns.to_numpy(int)
