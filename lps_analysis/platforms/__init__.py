"""Platform output measures: platform counts and stock, outputs per platform-year, concentration.

Pure functions over the tidy ``platforms`` table (``platform_id``, ``name_zh``, ``level``,
``type``, ``scope_code``, ``established`` as a date, ``provenance``, ``source``) and the
``platform_outputs`` table (``platform_id`` × ``year``: ``projects_approved`` 个,
``funding_10k_yuan`` 万元, ``patents_applied`` / ``patents_granted`` 件, ``talents_hosted`` 人,
``provenance``). No file I/O, no printing. Every frame returned carries, per row, the marks
(``provenance``, ``bound``, ``sources``) of exactly the input rows it was computed from, and
totals are :class:`~lps_analysis.value.Value` objects, so a view prints each figure with the
mark it earned.

Where to look: :mod:`.counts` (how many platforms, stock by year-end), :mod:`.outputs`
(exposure, outputs per platform and per year), :mod:`.density` (per 10,000 residents, growth),
:mod:`.concentration` (HHI, Gini, Lorenz), :mod:`.model` (the exploratory county panel),
:mod:`.marks` (the rows' marks and cells as Values).
"""

from lps_analysis.platforms.concentration import (
    concentration,
    gini,
    hhi,
    lorenz_by_output,
    lorenz_curve,
    shares_of_total,
    top_share,
)
from lps_analysis.platforms.counts import (
    LEVEL_ORDER,
    count_by,
    level_sort_key,
    listing_marks,
    stock_by_year,
    stock_totals,
)
from lps_analysis.platforms.density import growth, patent_density, per_10k
from lps_analysis.platforms.marks import combine, platform_label, row_marks, value_of, values_of
from lps_analysis.platforms.model import ModelNotEstimable, PoissonFE, county_year_panel, fe_poisson
from lps_analysis.platforms.outputs import (
    OUTPUT_COLUMNS,
    OUTPUT_UNITS,
    active_fraction,
    exposure,
    funding_per_project,
    output_totals,
    outputs_per_platform,
    per_platform_year,
    rate_per_exposure,
    yearly_outputs,
)

__all__ = [
    "LEVEL_ORDER",
    "OUTPUT_COLUMNS",
    "OUTPUT_UNITS",
    "ModelNotEstimable",
    "PoissonFE",
    "active_fraction",
    "combine",
    "concentration",
    "count_by",
    "county_year_panel",
    "exposure",
    "fe_poisson",
    "funding_per_project",
    "gini",
    "growth",
    "hhi",
    "level_sort_key",
    "listing_marks",
    "lorenz_by_output",
    "lorenz_curve",
    "output_totals",
    "outputs_per_platform",
    "patent_density",
    "per_10k",
    "per_platform_year",
    "platform_label",
    "rate_per_exposure",
    "row_marks",
    "shares_of_total",
    "stock_by_year",
    "stock_totals",
    "top_share",
    "value_of",
    "values_of",
    "yearly_outputs",
]
