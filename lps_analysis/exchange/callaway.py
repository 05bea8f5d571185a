"""Callaway–Sant'Anna group-time effects (``moderndid``) and a transparent second implementation."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.exchange.panel import Z_95, Panel, _wide


@dataclass
class GroupTimeATT:
    """Callaway–Sant'Anna group-time effects and their simple aggregation (the headline)."""

    group_time: pd.DataFrame  # cohort, year, event_time, att, se, ci_low, ci_high
    att: float
    se: float
    dynamic: pd.DataFrame  # event_time, att, se, ci_low, ci_high (post periods)
    n_institutions: int
    warnings: list[str] = field(default_factory=list)

    @property
    def ci_low(self) -> float:
        return self.att - Z_95 * self.se

    @property
    def ci_high(self) -> float:
        return self.att + Z_95 * self.se


def att_gt(panel: Panel, *, control_group: str = "notyettreated") -> GroupTimeATT:
    """Callaway–Sant'Anna ATT(g, t) with not-yet-treated controls (``moderndid``).

    Unconditional (no covariates), so outcome regression, IPW and doubly-robust coincide;
    analytical standard errors from the influence function, clustered by institution.
    `control_group="nevertreated"` compares with never-treated institutions only (the event
    study's design, for cross-checking it).
    """
    import moderndid

    data = panel.frame[["unit", "year", "y", "cohort"]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = moderndid.att_gt(
            data,
            yname="y",
            tname="year",
            idname="unit",
            gname="cohort",
            control_group=control_group,
            est_method="reg",
            boot=False,
            cband=False,
        )
        simple = moderndid.aggte(result, type="simple")
        dynamic = moderndid.aggte(result, type="dynamic")
    groups = np.asarray(result.groups, dtype=int)
    times = np.asarray(result.times, dtype=int)
    gt = pd.DataFrame(
        {
            "cohort": groups,
            "year": times,
            "event_time": times - groups,
            "att": np.asarray(result.att_gt, dtype=float),
            "se": np.asarray(result.se_gt, dtype=float),
        }
    )
    gt["ci_low"] = gt["att"] - Z_95 * gt["se"]
    gt["ci_high"] = gt["att"] + Z_95 * gt["se"]
    dyn = pd.DataFrame(
        {
            "event_time": np.asarray(dynamic.event_times, dtype=int),
            "att": np.asarray(dynamic.att_by_event, dtype=float),
            "se": np.asarray(dynamic.se_by_event, dtype=float),
        }
    )
    dyn = dyn[dyn["event_time"] >= 0].reset_index(drop=True)
    dyn["ci_low"] = dyn["att"] - Z_95 * dyn["se"]
    dyn["ci_high"] = dyn["att"] + Z_95 * dyn["se"]
    notes = sorted({str(w.message).splitlines()[0] for w in caught})
    return GroupTimeATT(
        group_time=gt,
        att=float(simple.overall_att),
        se=float(simple.overall_se),
        dynamic=dyn,
        n_institutions=panel.n_institutions,
        warnings=notes,
    )


def _post_cells(cohort: np.ndarray, years: np.ndarray):
    """(cohort, year index, base year index) of every post-treatment cell with a base year."""
    index = {int(y): k for k, y in enumerate(years)}
    for g in sorted(set(cohort[cohort > 0].tolist())):
        base = index.get(g - 1)
        if base is None:
            continue
        for t in years[years >= g]:
            yield g, index[int(t)], base


def att_gt_by_hand(panel: Panel) -> pd.DataFrame:
    """ATT(g, t) of the post-treatment cells, computed transparently (a cross-check of `att_gt`).

    For cohort g in year t ≥ g: the mean change from g − 1 to t among cohort g minus the mean
    change among institutions not yet treated in t (cohort 0 or after t). Returns ``cohort``,
    ``year``, ``event_time``, ``att``, ``treated``, ``controls``.
    """
    y, cohort, years = _wide(panel)
    rows = []
    for g, t, base in _post_cells(cohort, years):
        treated = cohort == g
        controls = (cohort == 0) | (cohort > years[t])
        if not controls.any():
            continue
        change = y[:, t] - y[:, base]
        rows.append(
            {
                "cohort": g,
                "year": int(years[t]),
                "event_time": int(years[t]) - g,
                "att": change[treated].mean() - change[controls].mean(),
                "treated": int(treated.sum()),
                "controls": int(controls.sum()),
            }
        )
    return pd.DataFrame(
        rows, columns=["cohort", "year", "event_time", "att", "treated", "controls"]
    )


def simple_att_by_hand(group_time: pd.DataFrame) -> float:
    """The simple aggregation: post-period ATT(g, t) averaged with weights ∝ cohort size."""
    if group_time.empty:
        return math.nan
    return float(np.average(group_time["att"], weights=group_time["treated"]))


def _simple_att_many(y: np.ndarray, cohorts: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The simple ATT for each row of `cohorts` (permutations × institutions), vectorised."""
    index = {int(v): k for k, v in enumerate(years)}
    total = np.zeros(cohorts.shape[0])
    weight = np.zeros(cohorts.shape[0])
    for g in sorted(set(cohorts[cohorts > 0].tolist())):
        base = index.get(g - 1)
        if base is None:
            continue
        treated = (cohorts == g).astype(float)
        n_treated = treated.sum(axis=1)
        for t in np.flatnonzero(years >= g):
            controls = ((cohorts == 0) | (cohorts > years[t])).astype(float)
            n_controls = controls.sum(axis=1)
            change = y[:, t] - y[:, base]
            ok = (n_treated > 0) & (n_controls > 0)
            att = np.divide(treated @ change, n_treated, where=ok, out=np.zeros_like(total))
            att -= np.divide(controls @ change, n_controls, where=ok, out=np.zeros_like(total))
            total += np.where(ok, att * n_treated, 0.0)
            weight += np.where(ok, n_treated, 0.0)
    return np.divide(total, weight, where=weight > 0, out=np.full_like(total, np.nan))
