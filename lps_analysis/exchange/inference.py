"""Long-difference cells, their aggregates, and the institution-level jackknife behind the intervals.

Both the event study and the Callaway–Sant'Anna estimate on an unbalanced panel are built from
*cells*: for a cohort g, a base year b (g − 1) and a year t, the mean change y[t] − y[b] of the
cohort's institutions minus that of the comparison institutions, each mean over the
institutions observed in both years (a missing institution-year drops that institution from
the cells that need the year, not from the panel). Aggregates average cells with weights ∝ the
treated institutions in each.

Why a jackknife of the *aggregate*. A leave-one-institution-out variance of each cell gives a
cohort of one institution no variance at all (the cell is undefined without it), so intervals
built from cell variances were too narrow whenever a cohort had one institution. Leaving an
institution out of the aggregate instead removes its cell and renormalises the weights, so the
aggregate's jackknife carries that institution's whole contribution: the variance is
identified whenever two or more treated institutions carry the aggregate (and left undefined,
NaN, when only one does). Treating cohort membership as sampled this way makes the variance
conservative when effects differ across cohorts. For intervals the degrees of freedom are the
smaller group's less one (:meth:`Jackknife.variance`), so an aggregate carried by three
treated institutions is judged against t with two degrees of freedom, not the normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lps_analysis.exchange.panel import CONFIDENCE


@dataclass
class Cells:
    """Long-difference cells of a panel: one column per cell, one row per institution.

    ``change`` is y[t] − y[b] (NaN where either year is missing), ``treated`` and ``control``
    say which institutions enter each cell's two means (already restricted to finite changes).
    """

    change: np.ndarray  # institutions × cells
    treated: np.ndarray  # bool, institutions × cells
    control: np.ndarray  # bool, institutions × cells

    @classmethod
    def build(cls, y, years, bases, targets, treated, control) -> Cells:
        """Cells from the wide outcomes `y` and per-cell base/target years and memberships."""
        index = {int(v): k for k, v in enumerate(years)}
        change = (
            np.column_stack(
                [y[:, index[t]] - y[:, index[b]] for b, t in zip(bases, targets, strict=True)]
            )
            if len(bases)
            else np.zeros((y.shape[0], 0))
        )
        finite = np.isfinite(change)
        return cls(change, treated & finite, control & finite)

    def estimates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(β, n treated) of every cell, in full and leaving out each institution in turn.

        Returns ``beta`` (cells), ``n`` (cells), ``beta_loo`` and ``n_loo`` (institutions ×
        cells). A cell without a treated or a comparison institution is NaN with n = 0.
        """
        x = np.nan_to_num(self.change)
        t, c = self.treated.astype(float), self.control.astype(float)
        st, nt, sc, nc = (t * x).sum(0), t.sum(0), (c * x).sum(0), c.sum(0)
        beta, n = _difference(st, nt, sc, nc)
        beta_loo, n_loo = _difference(st - t * x, nt - t, sc - c * x, nc - c)
        return beta, n, beta_loo, n_loo


def _difference(st, nt, sc, nc):
    ok = (nt > 0) & (nc > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(ok, st / np.where(ok, nt, 1) - sc / np.where(ok, nc, 1), np.nan)
    return beta, np.where(ok, nt, 0.0)


def aggregate(beta: np.ndarray, n: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Weighted means of cells (weights ∝ treated institutions) for each row of `members`.

    `beta` and `n` are cells or rows × cells (leave-one-out); `members` is aggregates × cells
    (bool). Returns aggregates (or rows × aggregates); NaN where no member cell is defined.
    """
    w = np.where(np.isfinite(beta), n, 0.0)
    b = np.nan_to_num(beta)
    m = members.astype(float).T
    total, weight = (w * b) @ m, w @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan)


@dataclass
class Jackknife:
    """Leave-one-institution-out covariance of aggregates, split into treated and comparison parts.

    V = Σ_k (n_k − 1)/n_k Σ_{i∈k} (θ₍₋ᵢ₎ − θ)(θ₍₋ᵢ₎ − θ)ᵀ over the two groups k (institutions
    ever treated in the design, and the others); for a difference of two means this is exactly
    s²_T/n_T + s²_C/n_C. An aggregate that some institution's removal leaves undefined (it was
    carried by that institution alone) has NaN variance.
    """

    estimate: np.ndarray  # aggregates
    deviations: np.ndarray  # institutions × aggregates (0 where the institution plays no part)
    treated: np.ndarray  # bool per institution
    undefined: np.ndarray  # bool per aggregate

    @classmethod
    def of(cls, full: np.ndarray, loo: np.ndarray, treated: np.ndarray) -> Jackknife:
        undefined = ~np.isfinite(full) | (~np.isfinite(loo)).any(0)
        dev = np.where(np.isfinite(loo), loo - full, 0.0)
        dev[:, ~np.isfinite(full)] = 0.0
        return cls(full, dev, treated.astype(bool), undefined)

    def _part(self, group: np.ndarray, r: np.ndarray) -> tuple[float, int]:
        d = self.deviations[group] @ r
        scale = 1 + abs(float(np.nan_to_num(self.estimate) @ r))  # NaN rows not in r
        used = int((np.abs(d) > 1e-12 * scale).sum())
        if used < 2:
            return (0.0 if used == 0 else math.nan), used
        return float((used - 1) / used * (d @ d)), used

    def variance(self, r: np.ndarray, *, conservative: bool = True) -> tuple[float, float]:
        """(variance, degrees of freedom) of the contrast r·θ.

        For intervals (``conservative``) the degrees of freedom are Hsu's choice for two
        samples of unequal variance, min(n_T, n_C) − 1 over the institutions that move r·θ:
        Welch–Satterthwaite was liberal with three to five treated institutions (intervals
        covering 91% and a 9% test at the 5% level). The pre-trend test uses Welch's, with
        which it kept its size in every simulated design and Hsu's left it no power in
        county-sized panels (see docs/assumptions_caveats.md).
        """
        r = np.asarray(r, float)
        if (self.undefined & (r != 0)).any():
            return math.nan, math.nan
        vt, nt = self._part(self.treated, r)
        vc, nc = self._part(~self.treated, r)
        if math.isnan(vt) or math.isnan(vc) or nt < 2:
            return math.nan, math.nan
        total = vt + vc
        if total <= 0:
            return math.nan, math.nan
        if conservative:
            return total, float(min(nt, nc if nc >= 2 else nt) - 1)
        den = vt**2 / (nt - 1) + (vc**2 / (nc - 1) if nc >= 2 else 0.0)
        return total, total**2 / den

    def covariance(self, rows: np.ndarray) -> np.ndarray:
        """Covariance of the aggregates in `rows` (bool or indices)."""
        d = self.deviations[:, rows]
        cov = np.zeros((d.shape[1], d.shape[1]))
        for group in (self.treated, ~self.treated):
            n = int((np.abs(d[group]).sum(1) > 0).sum())
            if n >= 2:
                cov += (n - 1) / n * d[group].T @ d[group]
        return cov


def standard_error(jk: Jackknife, r: np.ndarray) -> tuple[float, float]:
    """(standard error, degrees of freedom) of the contrast r·θ, for an interval (NaN if none)."""
    var, df = jk.variance(r)
    return (math.sqrt(var) if var == var else math.nan), df


def t_interval(estimate, se, df) -> tuple:
    """The 95% interval estimate ± t(df)·se, elementwise (NaN where se or df is undefined)."""
    crit = np.vectorize(t_critical, otypes=[float])(df)
    return estimate - crit * se, estimate + crit * se


class TInterval:
    """The interval and p-value of an estimate ``att`` with ``se`` on t(``df``).

    Shared by the result types whose intervals come from the jackknife (one place that turns
    an estimate, its standard error and degrees of freedom into what the report prints).
    """

    att: float
    se: float
    df: float

    @property
    def ci_low(self) -> float:
        return self.att - t_critical(self.df) * self.se

    @property
    def ci_high(self) -> float:
        return self.att + t_critical(self.df) * self.se

    @property
    def p_value(self) -> float:
        return t_p_value(self.att, self.se, self.df)


def t_critical(df: float) -> float:
    """The two-sided 95% critical value of t(df) (the normal's when df is infinite)."""
    if df is None or math.isnan(df):
        return math.nan
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, df))


def t_p_value(estimate: float, se: float, df: float) -> float:
    """Two-sided p-value of estimate/se against t(df); NaN when either is undefined."""
    if any(v is None or math.isnan(v) for v in (estimate, se, df)) or se <= 0:
        return math.nan
    return float(2 * stats.t.sf(abs(estimate) / se, df))
