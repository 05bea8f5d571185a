"""Talent-structure measures: completed categories, shares, change, diversity, shift-share.

Pure functions over the tidy ``talent_stock`` table (no file I/O, no printing), split by what a
reader looks for: :mod:`.bounds` (lower bounds stay bounds), :mod:`.measures` (growth, density,
dissimilarity, diversity), :mod:`.stock` (completed categories and shares), :mod:`.change`
(change between two years, scope comparison), :mod:`.shift_share`, and :mod:`.lineage` (the
provenance and sources each row of their frames carries).
"""

from lps_analysis.structure.bounds import BOUNDS, OPERATIONS, combine_bounds
from lps_analysis.structure.change import change, compare_scopes
from lps_analysis.structure.lineage import cell_value
from lps_analysis.structure.measures import (
    cagr,
    compound,
    dissimilarity,
    per_10k,
    shannon_diversity,
)
from lps_analysis.structure.shift_share import shift_share
from lps_analysis.structure.stock import (
    CATEGORY_ORDER,
    NAMED_CATEGORIES,
    UNSPECIFIED,
    complete_categories,
    shares,
)

__all__ = [
    "BOUNDS",
    "CATEGORY_ORDER",
    "NAMED_CATEGORIES",
    "OPERATIONS",
    "UNSPECIFIED",
    "cagr",
    "cell_value",
    "change",
    "combine_bounds",
    "compare_scopes",
    "complete_categories",
    "compound",
    "dissimilarity",
    "per_10k",
    "shannon_diversity",
    "shares",
    "shift_share",
]
