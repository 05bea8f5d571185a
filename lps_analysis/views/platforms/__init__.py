"""What notebook 03 shows: talent platforms, their outputs, and the article's figures as it states them.

Where to look: :mod:`.figures` (the article's figures and platform counts as Values, the named
platforms), :mod:`.build` (:func:`build` computes everything for one scope), :mod:`.sentences`
and :mod:`.tables` (what the reader sees, every number printed by `fmt` from a Value),
:mod:`.record` (the metrics).
"""

from lps_analysis.views.platforms.build import TOP_FRACTION, PlatformView, build, county_compare
from lps_analysis.views.platforms.figures import (
    LABELS,
    NAMED_PLATFORMS,
    article_facts,
    named_in_scope,
    named_platforms,
    scope_codes,
)
from lps_analysis.views.platforms.record import record_metrics
from lps_analysis.views.platforms.sentences import (
    article_sentence,
    concentration_sentence,
    density_sentence,
    outputs_sentence,
    platform_sentence,
    poisson_sentence,
)
from lps_analysis.views.platforms.tables import (
    MIN_EXPOSURE_FOR_RATE,
    article_table,
    compare_note,
    compare_table,
    concentration_table,
    introduced_table,
    per_platform_note,
    per_platform_table,
    platform_table,
    table_note,
)

__all__ = [
    "LABELS",
    "MIN_EXPOSURE_FOR_RATE",
    "NAMED_PLATFORMS",
    "TOP_FRACTION",
    "PlatformView",
    "article_facts",
    "article_sentence",
    "article_table",
    "build",
    "compare_note",
    "compare_table",
    "concentration_sentence",
    "concentration_table",
    "county_compare",
    "density_sentence",
    "introduced_table",
    "named_in_scope",
    "named_platforms",
    "outputs_sentence",
    "per_platform_note",
    "per_platform_table",
    "platform_sentence",
    "platform_table",
    "poisson_sentence",
    "record_metrics",
    "scope_codes",
    "table_note",
]
