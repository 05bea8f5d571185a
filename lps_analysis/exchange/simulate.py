"""Simulated staggered panels with a known effect, for checking the estimators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lps_analysis.exchange.panel import Panel


@dataclass
class SimulatedPanel:
    """A simulated :class:`Panel` with its true effects (for checking the estimators)."""

    panel: Panel
    att: float  # the true average effect over treated institution-years (the "simple" estimand)
    effects: pd.DataFrame  # cohort, event_time, effect, institutions (post-treatment cells)
    # institution_id, person_months_per_year (treated institutions; drawn for every panel)
    exposure: pd.DataFrame | None = None
    # institution_id, cohort, event_time, effect: every treated institution-year simulated
    unit_effects: pd.DataFrame | None = None

    def true_att(self, cells: pd.DataFrame) -> float:
        """The true effect averaged over `cells` (cohort, event_time) with weights ∝ institutions.

        The estimand of an aggregate over those cells (e.g. the cells an estimator could
        identify), so an interval's coverage is judged against what it estimates.
        """
        keys = cells[["cohort", "event_time"]].drop_duplicates()
        sub = self.effects.merge(keys, on=["cohort", "event_time"])
        if sub.empty:
            return float("nan")
        return float(np.average(sub["effect"], weights=sub["institutions"]))

    def true_att_of(self, institutions, cells: pd.DataFrame) -> float:
        """The true effect of `institutions` (ids) averaged over their institution-years in `cells`.

        The estimand of an estimate for a subgroup of the treated (an intensity group).
        """
        keys = cells[["cohort", "event_time"]].drop_duplicates()
        sub = self.unit_effects[self.unit_effects["institution_id"].isin(set(institutions))]
        sub = sub.merge(keys, on=["cohort", "event_time"])
        return float(sub["effect"].mean()) if len(sub) else float("nan")

    def true_by_event_time(self) -> pd.Series:
        """The true effect at each event time ≥ 0, averaged over institutions (weights ∝ size)."""
        e = self.effects
        total = (e["effect"] * e["institutions"]).groupby(e["event_time"]).sum()
        return total / e.groupby("event_time")["institutions"].sum()


def simulate_panel(
    seed: int,
    *,
    institutions: int = 50,
    start: int = 2013,
    end: int = 2022,
    cohort_years: Sequence[int] = (2015, 2016, 2017, 2018, 2019),
    never_share: float = 0.3,
    effect: float = 1.0,
    growth: float = 1.0,
    cohort_slope: float = 0.5,
    homogeneous: bool = False,
    pretrend: float = 0.0,
    pretrend_shape: str = "linear",
    noise_sd: float = 1.0,
    ar1: float = 0.0,
    unit_effect_sd: float = 0.0,
    missing_share: float = 0.0,
    intensity_slope: float = 0.0,
    counties: int = 4,
) -> SimulatedPanel:
    """A balanced institution × year panel with a known staggered effect (common trends).

    ``y = institution effect + year effect + noise + effect(cohort, event time)``, with
    institution effects N(0, 2²) (shifted down for earlier cohorts: weaker institutions are aided
    earlier, which difference-in-differences removes), a random-walk year effect and iid noise
    N(0, noise_sd²). A share `never_share` of the institutions is never treated; the rest are
    spread as evenly as possible over `cohort_years` (shuffled). The effect of cohort g at
    event time e = t − g ≥ 0 is
    ``effect × (1 + cohort_slope·k) × (1 + growth·e)`` where k is the cohort's index in
    `cohort_years` (it grows with exposure and is larger for later cohorts: the case where
    two-way fixed effects misleads); ``homogeneous=True`` makes it ``effect`` everywhere.
    `pretrend` ≠ 0 violates parallel trends: every treated institution gains `pretrend` a year
    more than the never-treated *before* its cohort (flat from then on: the effect estimate is
    then biased by `pretrend`); ``pretrend_shape="zigzag"`` instead shifts treated institutions
    by ``pretrend × (−1)^e`` at event times e ≤ −2 and not from e = −1 on, a violation whose
    leads change sign (their mean is near zero) and which leaves the effect unbiased.
    ``ar1`` makes the noise AR(1) with that autocorrelation (same marginal variance);
    ``unit_effect_sd`` multiplies each treated institution's effect by its own
    1 + N(0, unit_effect_sd²); ``missing_share`` deletes that share of institution-years at
    random (an unbalanced panel). The truth is exact: ``att`` averages the effect over the
    treated institution-years simulated (before any deletion).

    Every treated institution gets an exposure intensity (person-months of exchange a year,
    log-normal around 6, from its own random stream so the rest of the panel does not depend
    on it); ``intensity_slope`` multiplies its effect by 1 + slope × (its standardised log
    intensity), a dose–response. Institutions are spread over `counties` scope codes in turn
    (1 for a county's own panel).
    """
    if pretrend_shape not in ("linear", "zigzag"):
        raise ValueError(f"pretrend_shape must be linear or zigzag, not {pretrend_shape!r}")
    rng = np.random.default_rng(seed)
    years = np.arange(start, end + 1)
    n_never = int(round(institutions * never_share))
    treated = institutions - n_never
    groups = np.array(list(cohort_years), dtype=int)
    cohort = np.r_[np.zeros(n_never, int), np.resize(groups, treated)]
    cohort = rng.permutation(cohort)
    rank = {int(g): k for k, g in enumerate(groups)}
    level = rng.normal(0.0, 2.0, institutions) - np.where(
        cohort > 0, 0.3 * (len(groups) - np.vectorize(lambda g: rank.get(int(g), 0))(cohort)), 0
    )
    year_effect = np.cumsum(rng.normal(0.3, 0.5, len(years)))
    event = years[None, :] - cohort[:, None]
    post = (cohort[:, None] > 0) & (event >= 0)
    k = np.array([rank.get(int(g), 0) for g in cohort], dtype=float)[:, None]
    if homogeneous:
        tau = np.where(post, effect, 0.0)
    else:
        tau = np.where(post, effect * (1 + cohort_slope * k) * (1 + growth * event), 0.0)
    if pretrend_shape == "linear":
        trend = np.where(
            cohort[:, None] > 0,
            pretrend * (np.minimum(years[None, :], cohort[:, None]) - start),
            0.0,
        )
    else:
        lead = (cohort[:, None] > 0) & (event <= -2)
        trend = np.where(lead, pretrend * np.where(event % 2 == 0, 1.0, -1.0), 0.0)
    noise = rng.normal(0.0, noise_sd, (institutions, len(years)))
    if ar1:
        innovations = noise * np.sqrt(1 - ar1**2)
        for t in range(1, len(years)):
            noise[:, t] = ar1 * noise[:, t - 1] + innovations[:, t]
    if unit_effect_sd:
        tau = tau * (1 + rng.normal(0.0, unit_effect_sd, institutions))[:, None]
    intensity = np.exp(np.random.default_rng([seed, 1]).normal(np.log(6.0), 0.6, institutions))
    if intensity_slope:
        log_i = np.log(intensity[cohort > 0])
        z = (np.log(intensity) - log_i.mean()) / (log_i.std() or 1.0)
        tau = tau * (1 + intensity_slope * z)[:, None]
    y = level[:, None] + year_effect[None, :] + trend + tau + noise
    ids = [f"X{i + 1:03d}" for i in range(institutions)]
    frame = pd.DataFrame(
        {
            "institution_id": np.repeat(ids, len(years)),
            "unit": np.repeat(np.arange(1, institutions + 1), len(years)),
            "scope_code": np.repeat(
                [f"5202{i % counties + 1:02d}" for i in range(institutions)], len(years)
            ),
            "year": np.tile(years, institutions),
            "y": y.ravel(),
            "cohort": np.repeat(cohort, len(years)),
        }
    )
    cells = pd.DataFrame(
        {
            "cohort": np.broadcast_to(cohort[:, None], post.shape)[post],
            "event_time": event[post],
            "effect": tau[post],
        }
    )
    effects = cells.groupby(["cohort", "event_time"], as_index=False).agg(
        effect=("effect", "mean"), institutions=("effect", "size")
    )
    unit_effects = pd.DataFrame(
        {
            "institution_id": np.broadcast_to(np.array(ids)[:, None], post.shape)[post],
            "cohort": np.broadcast_to(cohort[:, None], post.shape)[post],
            "event_time": event[post],
            "effect": tau[post],
        }
    )
    exposure = pd.DataFrame({"institution_id": ids, "person_months_per_year": intensity})[
        cohort > 0
    ].reset_index(drop=True)
    if missing_share:
        frame = frame[rng.random(len(frame)) >= missing_share].reset_index(drop=True)
    return SimulatedPanel(
        Panel(frame, "simulated", start, end),
        float(tau[post].mean()),
        effects,
        exposure,
        unit_effects,
    )
