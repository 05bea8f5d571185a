"""`generate`: every illustrative table in memory, with the known true effects.

`IllustrativeData` holds the tables, the truth, the seed, the scale and a note per table on
how it was generated; `generate(seed, scale)` draws each table from its own child stream of
the seed and puts them in `TABLE_ORDER` (pure: no file I/O).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lps_analysis.data.illustrative.common import (
    EXCHANGE_PERSONS,
    N_HOSPITALS,
    N_SCHOOLS,
    TABLE_ORDER,
)
from lps_analysis.data.illustrative.exchanges import (
    _assign_cohorts,
    _baselines,
    _exchanges,
    _institutions,
    _outcomes,
    _truth,
)
from lps_analysis.data.illustrative.platforms import _platform_outputs, _platforms
from lps_analysis.data.illustrative.talent import _recruitment, _talent_records, _talent_stock


@dataclass
class IllustrativeData:
    """Generated tables (canonical columns of `tables.py`) and the known true effects."""

    tables: dict[str, pd.DataFrame]
    truth: dict
    seed: int = 0
    scale: float = 1.0
    notes: dict[str, str] = field(default_factory=dict)  # table → how it was generated


def generate(seed: int = 0, scale: float = 1.0) -> IllustrativeData:
    """Illustrative tables and their true effects; the same seed gives the same data.

    Parameters
    ----------
    seed
        Seed of `numpy.random.default_rng`; each table draws from its own child stream, so
        `scale` changes talent_records only.
    scale
        Size of talent_records relative to the talent stock (1 = one record per person of the
        counties' 2020 stock, about 428,000 rows).
    """
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale >= 0):
        raise ValueError(f"scale must be a finite number ≥ 0, not {scale!r}")
    streams = dict(
        zip(
            (
                "stock",
                "records",
                "recruitment",
                "treatment",
                "exchanges",
                "outcomes",
                "platforms",
                "outputs",
            ),
            np.random.default_rng(seed).spawn(8),
            strict=True,
        )
    )
    tables, notes = {}, {}
    tables["talent_stock"], notes["talent_stock"] = _talent_stock(streams["stock"])
    tables["recruitment"], recruitment_totals, notes["recruitment"] = _recruitment(
        streams["recruitment"]
    )
    institutions = _institutions()
    tables["institutions"] = institutions
    notes["institutions"] = (
        f"{N_SCHOOLS} schools and {N_HOSPITALS} hospitals spread over the four counties in "
        f"proportion to their size; invented names ending with （示例）."
    )
    baseline = _baselines(streams["treatment"], institutions)
    cohort = _assign_cohorts(streams["treatment"], institutions, baseline)
    tables["exchanges"], notes["exchanges"] = _exchanges(streams["exchanges"], institutions, cohort)
    tables["institution_outcomes"], notes["institution_outcomes"] = _outcomes(
        streams["outcomes"], institutions, baseline, cohort
    )
    tables["platforms"], notes["platforms"] = _platforms(streams["platforms"])
    tables["platform_outputs"], output_totals, notes["platform_outputs"] = _platform_outputs(
        streams["outputs"], tables["platforms"]
    )
    tables["talent_records"], notes["talent_records"] = _talent_records(
        streams["records"], tables["talent_stock"], scale
    )
    truth = _truth(institutions, cohort)
    truth["totals"] = {**recruitment_totals, **output_totals, "exchange_persons": EXCHANGE_PERSONS}
    return IllustrativeData(
        tables={name: tables[name] for name in TABLE_ORDER},
        truth=truth,
        seed=seed,
        scale=scale,
        notes=notes,
    )
