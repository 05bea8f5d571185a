"""An exploratory county × year model: platforms present and the patents they were granted.

The fixed-effects Poisson fit describes an association in these data, not the effect of a
platform. The panel rows carry the marks of the platform and output rows of their county and
year; the fit carries the marks of the whole panel, so its numbers print as examples when any
input is illustrative.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.platforms.counts import established, year_end
from lps_analysis.platforms.marks import combine, row_marks
from lps_analysis.platforms.outputs import active_fraction, exposure
from lps_analysis.value import Value


def county_year_panel(
    platforms: pd.DataFrame,
    outputs: pd.DataFrame,
    *,
    scope_codes: Sequence[str],
    years: Iterable[int],
    outcome: str = "patents_granted",
) -> pd.DataFrame:
    """County × year panel: platforms present at year-end, platform-years, and the outcome.

    ``platforms_present`` is the stock at 31 December; ``platform_years`` the exposure in that
    year; the outcome is the platforms' own output summed by county (0 where none reported).
    """
    years = sorted({int(y) for y in years})
    marked_outputs = row_marks(outputs[outputs.year.isin(years)], "platform_outputs")
    exposed = exposure(platforms, marked_outputs)
    sums = exposed.groupby(["scope_code", "year"])[outcome].sum()
    # Which county a platform sits in and when it was recognised are inputs of every cell.
    listing = combine(row_marks(platforms, "platforms"))
    est = established(platforms)
    rows = []
    for code in scope_codes:
        mine = (platforms.scope_code == code).to_numpy()
        for year in years:
            cell = exposed[(exposed.scope_code == code) & (exposed.year == year)]
            marks = combine(cell) if len(cell) else {"provenance": "derived", "sources": ()}
            rows.append(
                {
                    "scope_code": code,
                    "year": year,
                    "platforms_present": int(((est <= year_end(year)).to_numpy() & mine).sum()),
                    "platform_years": float(
                        sum(active_fraction(e, year) for e in est[mine])  # few platforms
                    ),
                    outcome: float(sums.get((code, year), 0.0)),
                    "provenance": _worst(listing["provenance"], marks["provenance"]),
                    "bound": "exact",
                    "sources": tuple(dict.fromkeys((*listing["sources"], *marks["sources"]))),
                }
            )
    return pd.DataFrame(rows)


def _worst(*kinds: str) -> str:
    return "illustrative" if "illustrative" in kinds else "derived"


@dataclass
class PoissonFE:
    """An exploratory fixed-effects Poisson fit: an association, not an effect."""

    outcome: str
    regressor: str
    coefficient: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int
    n_units: int
    n_years: int
    dropped_units: list[str] = field(default_factory=list)
    covariance: str = "HC1"
    interpretation: str = "association"
    provenance: str = "derived"
    sources: tuple[str, ...] = ()

    def value(self, number: float, unit: str = "index", *, bound: str = "exact") -> Value:
        """A number of this fit (a coefficient, a bound, a count of units) as a Value."""
        return Value(number, unit, self.provenance, bound, self.sources)

    @property
    def rate_ratio(self) -> float:
        """Multiplicative change in the expected outcome per additional platform (IRR)."""
        return math.exp(self.coefficient)

    @property
    def rate_ratio_ci(self) -> tuple[float, float]:
        return math.exp(self.ci_low), math.exp(self.ci_high)


class ModelNotEstimable(ValueError):
    """The panel cannot identify the coefficient (too few units, no variation, all zeros)."""


def fe_poisson(
    panel: pd.DataFrame,
    *,
    outcome: str = "patents_granted",
    regressor: str = "platforms_present",
    unit: str = "scope_code",
    time: str = "year",
) -> PoissonFE:
    """Poisson regression of `outcome` on `regressor` with unit and year fixed effects.

    statsmodels GLM (Poisson family, log link) with dummies for units and years; robust (HC1)
    standard errors — with a handful of counties clustered errors would not be credible.
    Units whose outcome is zero in every year carry no information (their fixed effect goes to
    −∞) and are dropped, as pyfixest's fepois does. The coefficient describes an association
    in these data; it is not the causal effect of a platform.

    Raises
    ------
    ModelNotEstimable
        Fewer than two units or years left, or no variation of `regressor` within units.
    ImportError
        statsmodels is not installed.
    """
    import statsmodels.api as sm

    marks = combine(panel) if "provenance" in panel else {"provenance": "derived", "sources": ()}
    data = panel[[unit, time, outcome, regressor]].dropna()
    informative = data.groupby(unit)[outcome].transform("sum") > 0
    dropped = sorted(data.loc[~informative, unit].astype(str).unique())
    data = data[informative]
    if data[unit].nunique() < 2 or data[time].nunique() < 2:
        raise ModelNotEstimable("need at least two units and two years with outcomes")
    within = data[regressor] - data.groupby(unit)[regressor].transform("mean")
    if np.allclose(within, 0):
        raise ModelNotEstimable(f"{regressor} does not vary within {unit}")
    dummies = pd.get_dummies(
        data[[unit, time]].astype(str), drop_first=True, dtype=float
    ).reset_index(drop=True)
    design = pd.concat([data[[regressor]].reset_index(drop=True).astype(float), dummies], axis=1)
    design = sm.add_constant(design, has_constant="add")
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        raise ModelNotEstimable(f"{regressor} is collinear with the fixed effects")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(
            data[outcome].reset_index(drop=True).astype(float),
            design,
            family=sm.families.Poisson(),
        ).fit(cov_type="HC1")
    low, high = fit.conf_int().loc[regressor]
    return PoissonFE(
        outcome=outcome,
        regressor=regressor,
        coefficient=float(fit.params[regressor]),
        std_error=float(fit.bse[regressor]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(fit.pvalues[regressor]),
        n_obs=int(len(data)),
        n_units=int(data[unit].nunique()),
        n_years=int(data[time].nunique()),
        dropped_units=dropped,
        provenance=marks["provenance"],
        sources=marks["sources"],
    )
