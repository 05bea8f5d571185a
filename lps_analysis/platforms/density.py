"""Patents per 10,000 residents, and growth between two levels.

Patents *flow* (授权量, grants in a year) and *stock* (拥有量, patents held) are kept apart. The
platform tables give only flows; the cumulative sum of grants over the years the data cover is a
stand-in for a stock that ignores earlier grants and lapses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lps_analysis.platforms.marks import combine, row_marks
from lps_analysis.value import Value, derive

DENSITY_COLUMNS = [
    "year",
    "residents",
    "granted_flow",
    "granted_flow_per_10k",
    "granted_stock",
    "granted_stock_per_10k",
    "stock_since",
    "population_marks",
    "flow_marks",
    "stock_marks",
]


def per_10k(count, residents):
    """Count per 10,000 residents. Raises ValueError for residents ≤ 0; NaN propagates."""
    if np.any(np.asarray(residents, dtype=float) <= 0):
        raise ValueError("residents must be positive (persons)")
    result = np.asarray(count, dtype=float) * 10_000 / np.asarray(residents, dtype=float)
    return float(result) if np.ndim(result) == 0 else result


def patent_density(yearly: pd.DataFrame, population: pd.DataFrame, scope_code: str) -> pd.DataFrame:
    """Patents granted per 10,000 residents, flow and cumulative stock kept apart.

    Parameters
    ----------
    yearly
        Patents granted per year with their marks (``year``, ``patents_granted``,
        ``provenance``, ``bound``, ``sources``), from :func:`yearly_outputs`.
    population
        ``scope_code``, ``year``, ``residents`` (persons), ``provenance``, ``source``.

    Returns
    -------
    DataFrame
        One row per year with a population figure: ``year``, ``residents``, ``granted_flow``
        (授权量: grants that year), ``granted_flow_per_10k``, ``granted_stock`` (grants summed
        from the first year of `yearly` to this one), ``granted_stock_per_10k``,
        ``stock_since`` (that first year), ``population_marks`` (the population row's, as it
        is), and the marks of each rate: ``flow_marks`` (that
        year's output rows and population row) and ``stock_marks`` (the output rows of every
        year summed, and the population row). The stock is not the official 拥有量. Empty
        (same columns) when the scope has no population figure for those years.
    """
    pop = population[population.scope_code.astype(str) == str(scope_code)]
    if yearly.empty or pop.empty:
        return pd.DataFrame(columns=DENSITY_COLUMNS)
    pop = row_marks(pop, "population")
    flows = yearly.sort_values("year").reset_index(drop=True)
    rows = []
    for _, rec in pop.merge(flows[["year"]], on="year").iterrows():
        this_year = flows[flows.year == rec.year]
        so_far = flows[flows.year <= rec.year]
        pop_row = pop[pop.year == rec.year].head(1)
        granted_stock = float(so_far.patents_granted.sum())
        rows.append(
            {
                "year": int(rec.year),
                "residents": float(rec.residents),
                "granted_flow": float(this_year.patents_granted.sum()),
                "granted_flow_per_10k": per_10k(this_year.patents_granted.sum(), rec.residents),
                "granted_stock": granted_stock,
                "granted_stock_per_10k": per_10k(granted_stock, rec.residents),
                "stock_since": int(flows.year.min()),
                "population_marks": combine(pop_row) | {"provenance": pop_row.provenance.iloc[0]},
                "flow_marks": combine(this_year, pop_row),
                "stock_marks": combine(so_far, pop_row),
            }
        )
    return pd.DataFrame(rows, columns=DENSITY_COLUMNS)


def growth(start_value: Value, end_value: Value) -> Value:
    """Growth ratio ``end/start − 1`` (0.6667 is +66.67%); missing when start is 0 or missing."""
    bound = "exact" if {start_value.bound, end_value.bound} == {"exact"} else "approx"
    if start_value.bound == "exact" and end_value.bound == "lower":
        bound = "lower"  # a larger end can only raise the growth
    return derive(
        lambda a, b: b / a - 1.0 if a else float("nan"),
        start_value,
        end_value,
        unit="ratio",
        bound=bound,
    )
