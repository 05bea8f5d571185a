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
    """A balanced institution × year panel of one indicator, with each institution's cohort.

    ``frame`` has ``institution_id``, ``unit`` (an integer id), ``scope_code``, ``year``, ``y``
    and ``cohort`` (0 = not treated within the panel's years).
    """

    frame: pd.DataFrame
    indicator: str
    start: int
    end: int
    dropped_unbalanced: list[str] = field(default_factory=list)
    dropped_always_treated: list[str] = field(default_factory=list)

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
    """The balanced panel the estimators need, for one indicator (and field, scopes, years).

    Institutions missing a year of the window are dropped (listed in ``dropped_unbalanced``);
    institutions first treated in the window's first year have no pre-period and are dropped
    (``dropped_always_treated``); a cohort after the window's last year counts as untreated.
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
    n_years = end - start + 1
    counts = sub.groupby("institution_id")["year"].nunique()
    complete = counts[counts == n_years].index
    unbalanced = sorted(set(counts.index) - set(complete))
    sub = sub[sub["institution_id"].isin(complete)]
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
    return Panel(frame, indicator, int(start), int(end), unbalanced, always)


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
            f"有完整成效数据的单位只有{panel.n_institutions}家（至少需要{min_institutions}家）"
        )
    if panel.n_treated < min_treated:
        reasons.append(f"接受交流的单位只有{panel.n_treated}家（至少需要{min_treated}家）")
    if panel.n_never < min_never:
        reasons.append(f"从未接受交流的对照单位只有{panel.n_never}家（至少需要{min_never}家）")
    if len(panel.years) and panel.n_treated and panel.cohort_sizes.index.min() <= panel.start:
        reasons.append("接受交流的单位在起始年之前没有观测")
    return reasons


def _wide(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes as an institutions × years matrix, the cohorts and the years."""
    wide = panel.frame.pivot(index="unit", columns="year", values="y").sort_index()
    cohort = panel.frame.drop_duplicates("unit").set_index("unit")["cohort"].reindex(wide.index)
    return wide.to_numpy(float), cohort.to_numpy(int), wide.columns.to_numpy(int)
