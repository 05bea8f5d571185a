"""The robustness lines: two-way fixed effects (for contrast), wild bootstrap, placebo, intensity."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.exchange.callaway import _simple_att_many, att_gt_long_differences
from lps_analysis.exchange.event_study import INTERVAL_MIN_INSTITUTIONS, EventStudy, _sa_design
from lps_analysis.exchange.inference import t_interval
from lps_analysis.exchange.panel import Z_95, Panel, _wide, comparison_panel


@dataclass
class Estimate:
    """A point estimate with its clustered standard error and 95% interval."""

    estimate: float
    se: float

    @property
    def ci_low(self) -> float:
        return self.estimate - Z_95 * self.se

    @property
    def ci_high(self) -> float:
        return self.estimate + Z_95 * self.se


def twfe(panel: Panel) -> Estimate:
    """The conventional two-way fixed-effects DiD (institution and year effects, one dummy).

    Shown for contrast only: with effects that grow with exposure and differ by cohort it
    compares later-treated institutions with already-treated ones and is biased (here downward).
    """
    import pyfixest as pf

    frame = panel.frame.assign(
        treated=(
            (panel.frame["cohort"] > 0) & (panel.frame["year"] >= panel.frame["cohort"])
        ).astype(float)
    )
    fit = pf.feols("y ~ treated | unit + year", data=frame, vcov={"CRV1": "unit"})
    return Estimate(float(fit.coef()["treated"]), float(fit.se()["treated"]))


# --------------------------------------------------------------------------- robustness


# Below this many institutions the county-level wild cluster bootstrap rejected a true null
# effect more often than 10% of the time in simulated panels (bench/bench_exchange.py; the
# figures are in the README and docs/assumptions_caveats.md): the report does not print it there.
BOOTSTRAP_MIN_INSTITUTIONS = 30


@dataclass
class WildBootstrap:
    """County-level wild cluster bootstrap (restricted, Webb weights) of the event-study ATT."""

    p_value: float
    t_stat: float
    clusters: int
    draws: int
    institutions: int = 0  # in the panel it ran on

    @property
    def keeps_size(self) -> bool:
        """Whether the panel is large enough for the test to keep its size (see above)."""
        return self.institutions >= BOOTSTRAP_MIN_INSTITUTIONS

    @property
    def distinct_weight_patterns(self) -> int:
        """Webb's six-point weights over G clusters give at most 6^G distinct draws."""
        return 6**self.clusters


def wild_cluster_bootstrap(
    study: EventStudy, *, cluster: str = "scope_code", draws: int = 9999, seed=0
) -> WildBootstrap | None:
    """p-value of "event-study ATT = 0" by a WCR wild cluster bootstrap at `cluster` level.

    Uses ``wildboottest`` (null imposed, Webb six-point weights, CRV1 t-statistic) on the event
    study's design with institution and year dummies. With the 4 counties as clusters this is
    weak: few distinct draws and little power; below :data:`BOOTSTRAP_MIN_INSTITUTIONS`
    institutions it also rejects a true null too often (``keeps_size`` is False). None when
    there are fewer than 2 clusters (a county's own panel).
    """
    from wildboottest.wildboottest import WildboottestCL

    frame, cells = _sa_design(study.design["panel"])
    codes, uniques = pd.factorize(frame[cluster], sort=True)
    if len(uniques) < 2:
        return None
    columns = list(cells["column"])
    # the average over post cells with weights ∝ cohort size, as the event study's ATT
    size = study.design["panel"].cohort_sizes
    post = np.where(cells["event_time"] >= 0, cells["cohort"].map(size).to_numpy(float), 0.0)
    x = np.column_stack(
        [
            frame[columns].to_numpy(float),
            pd.get_dummies(frame["unit"], dtype=float).to_numpy(),
            pd.get_dummies(frame["year"], drop_first=True, dtype=float).to_numpy(),
        ]
    )
    r = np.r_[post / post.sum(), np.zeros(x.shape[1] - len(columns))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = WildboottestCL(
            X=x,
            Y=frame["y"].to_numpy(float),
            cluster=codes.astype(np.int64),
            R=r,
            B=draws,
            seed=seed,
            parallel=False,
        )
        boot.get_scores(bootstrap_type="11", impose_null=True)
        boot.get_weights(weights_type="webb")
        boot.get_numer()
        _crv1_denominator(boot)
        boot.get_tboot()
        boot.get_vcov()
        boot.get_tstat()
        boot.get_pvalue(pval_type="two-tailed")
    return WildBootstrap(
        p_value=float(np.asarray(boot.pvalue).ravel()[0]),
        t_stat=float(np.asarray(boot.t_stat).ravel()[0]),
        clusters=len(uniques),
        draws=draws,
        institutions=study.design["panel"].n_institutions,
    )


def _crv1_denominator(boot) -> None:
    """``WildboottestCL.get_denom`` for CRV1, in numpy: the same sums, without its numba kernel.

    The package defines that kernel inside the method, so numba compiles it again on every
    call (most of a bootstrap's time in a profile); the test suite checks both agree.
    """
    a = np.stack([boot.R @ boot.tXXinv @ xgxg @ boot.tXXinv for xgxg in boot.tXgXg_list])
    h = a @ boot.scores_mat  # G × G: H[g, h] of the package
    z = boot.Cg[:, None] * boot.v - h @ boot.v  # G × B
    boot.denom = boot.ssc * (z**2).sum(axis=0)


@dataclass
class RandomizationTest:
    """Placebo test: the simple ATT with cohorts reassigned at random across institutions."""

    observed: float
    p_value: float  # (1 + #|placebo| ≥ |observed|) / (1 + permutations with an estimate)
    permutations: int
    placebo: np.ndarray = field(repr=False)


def randomization_test(panel: Panel, *, permutations: int = 999, seed=0) -> RandomizationTest:
    """Reassign the institutions' cohorts (never-treated included) at random and re-estimate.

    The statistic is the Callaway–Sant'Anna simple ATT (the same computation as
    :func:`att_gt_by_hand`, vectorised over permutations). The p-value counts only
    permutations with an estimate; it is NaN when the observed estimate is undefined.
    """
    y, cohort, years = _wide(comparison_panel(panel)[0])  # the headline's comparison
    rng = np.random.default_rng(seed)
    shuffled = np.vstack([rng.permutation(cohort) for _ in range(permutations)])
    observed = float(_simple_att_many(y, cohort.reshape(1, -1), years)[0])
    placebo = _simple_att_many(y, shuffled, years)
    valid = np.isfinite(placebo)
    if not math.isfinite(observed) or not valid.any():
        # nothing to compare: a p-value of 1/(permutations + 1) here would be invented
        return RandomizationTest(observed, math.nan, permutations, placebo)
    extreme = int(np.sum(np.abs(placebo[valid]) >= abs(observed) - 1e-12))
    return RandomizationTest(
        observed, (1 + extreme) / (1 + int(valid.sum())), permutations, placebo
    )


def intensity_groups(
    panel: Panel, exposure_table: pd.DataFrame, *, groups: int = 3
) -> list[tuple[int, pd.DataFrame, Panel]]:
    """The treated institutions in `groups` groups of exposure intensity, each with its panel.

    Treated institutions are ranked by person-months of exchange per year since their first
    exchange and cut into equal groups (1 = least intense). Each group's panel holds the
    group and every never-treated institution. Returns (group, members with
    ``person_months_per_year``, panel) per group; empty when there are fewer treated
    institutions than groups.
    """
    inst = panel.institutions
    treated = inst[inst.cohort > 0].merge(
        exposure_table[["institution_id", "person_months_per_year"]], on="institution_id"
    )
    if len(treated) < groups:
        return []
    rank = treated["person_months_per_year"].rank(method="first")
    treated["group"] = pd.qcut(rank, groups, labels=False) + 1
    never = set(inst.loc[inst.cohort == 0, "institution_id"])
    out = []
    for g, members in treated.groupby("group"):
        keep = never | set(members["institution_id"])
        sub = Panel(
            panel.frame[panel.frame["institution_id"].isin(keep)].reset_index(drop=True),
            panel.indicator,
            panel.start,
            panel.end,
        )
        out.append((int(g), members, sub))
    return out


def effect_by_intensity(
    panel: Panel, exposure_table: pd.DataFrame, *, groups: int = 3
) -> pd.DataFrame:
    """The simple ATT for groups (terciles by default) of exposure intensity.

    Each group of :func:`intensity_groups` is estimated as the headline (the
    Callaway–Sant'Anna simple ATT, here by :func:`att_gt_long_differences`, which
    :func:`att_gt` checks against ``moderndid`` on every call) against the never-treated and
    the group's own not-yet-treated institutions, with the headline's interval: the
    institution-level jackknife, t on min(treated, comparison) − 1 degrees of freedom. A
    group's interval is left out (NaN) where no variance is identified and where fewer than
    :data:`INTERVAL_MIN_INSTITUTIONS` treated institutions carry it (a t(1) interval says
    nothing); its estimate is NaN where it cannot be made. Returns ``group``,
    ``low``, ``high`` (person-months a year), ``institutions``, ``att``, ``se``, ``df``,
    ``ci_low``, ``ci_high``. Exploratory: intensity is not assigned at random. Coverage on
    simulated panels: :mod:`.montecarlo`.
    """
    columns = ["group", "low", "high", "institutions", "att", "se", "df", "ci_low", "ci_high"]
    rows = []
    for g, members, sub in intensity_groups(panel, exposure_table, groups=groups):
        att = se = df = math.nan
        if sub.n_treated >= 2:
            try:
                result = att_gt_long_differences(sub)
                att, se, df = result.att, result.se, result.df
            except Exception:  # noqa: BLE001 - a group too thin to estimate stays NaN
                pass
        if len(members) < INTERVAL_MIN_INSTITUTIONS:
            se = df = math.nan
        low, high = t_interval(att, se, df)
        rows.append(
            {
                "group": g,
                "low": float(members["person_months_per_year"].min()),
                "high": float(members["person_months_per_year"].max()),
                "institutions": len(members),
                "att": att,
                "se": se,
                "df": df,
                "ci_low": float(low),
                "ci_high": float(high),
            }
        )
    return pd.DataFrame(rows, columns=columns)
