"""Every estimate of the effect section for one panel, at once."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lps_analysis.exchange.callaway import GroupTimeATT, att_gt
from lps_analysis.exchange.event_study import EventStudy, event_study
from lps_analysis.exchange.panel import Panel
from lps_analysis.exchange.robustness import (
    Estimate,
    RandomizationTest,
    WildBootstrap,
    effect_by_intensity,
    randomization_test,
    twfe,
    wild_cluster_bootstrap,
)


@dataclass
class ExchangeEffect:
    """Every estimate of the effect section for one panel."""

    panel: Panel
    cs: GroupTimeATT
    study: EventStudy
    twfe: Estimate
    randomization: RandomizationTest
    bootstrap: WildBootstrap | None
    by_intensity: pd.DataFrame

    @property
    def att(self) -> float:
        return self.cs.att

    @property
    def ci_low(self) -> float:
        return self.cs.ci_low

    @property
    def ci_high(self) -> float:
        return self.cs.ci_high

    @property
    def warnings(self) -> list[str]:
        """The estimator's own warnings (``moderndid``), verbatim, for the report's caveats."""
        return list(self.cs.warnings)

    @property
    def pretrend_p(self) -> float:
        return self.study.pretrend.p_value if self.study.pretrend else math.nan


def estimate_effect(
    panel: Panel,
    exposure_table: pd.DataFrame,
    *,
    permutations: int = 999,
    bootstrap_draws: int = 9999,
    seed: int = 0,
) -> ExchangeEffect:
    """Run every estimator of the effect section on one panel (call `estimability` first)."""
    study = event_study(panel)
    return ExchangeEffect(
        panel=panel,
        cs=att_gt(panel),
        study=study,
        twfe=twfe(panel),
        randomization=randomization_test(panel, permutations=permutations, seed=seed),
        bootstrap=wild_cluster_bootstrap(study, draws=bootstrap_draws, seed=seed),
        by_intensity=effect_by_intensity(panel, exposure_table),
    )
