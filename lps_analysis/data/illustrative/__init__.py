"""Illustrative example data for every input table, so that everything runs before county data arrive.

`generate(seed, scale)` builds the tables in memory (pure: no file I/O); `write_sample_data`
writes them, each with its `.meta.yaml` sidecar, atomically into a folder (`lps sample-data`).
Every generated row carries provenance `illustrative` and every generated name ends with
（示例）, so that nothing here can be mistaken for fact. The exceptions are the article's own
figures, kept where the article states them (provenance `article`, source naming the fact id)
and the city's `unspecified` talent (article total minus the named categories, `derived`).

What agrees with the article (data/facts/facts.csv):

- talent_stock: the counties sum exactly to the city figures of 2015 and 2020 (F009–F016);
- recruitment: expo signings ≥ 3540 (F007), green-channel high-level ≥ 300 (F017), all
  introductions ≥ 7800 (F008), over the 9 expo years 2013–2021 (F005);
- exchanges: exactly 1827 persons in education and health, partner city 大连 (F028);
- platforms: exactly 6 national (F024) and 15 provincial (F025), including the two the article
  names on their dates (F026, F027);
- platform_outputs: projects 281 (F035), funding 1585 万元 (F036), patents granted ≥ 500 (F037).

`institution_outcomes` has a known true effect of the exchanges (`IllustrativeData.truth`), so
the estimators of the exchange notebook can be checked against it.

Population is not generated: it stays official-only (data/reference/population.csv).

The modules of this package:

- `common`: the article's figures and the generator's settings (counties, provenance and
  labels, years and sizes of each table, the true effect's parameters, table order and file
  format), and the helpers every table uses (`apportion`, `_frame`, ...);
- `talent`: talent_stock, talent_records (`record_counts`) and recruitment;
- `exchanges`: institutions, cohorts, exchanges, institution_outcomes and the true effects
  (`true_effect`);
- `platforms`: platforms and platform_outputs;
- `core`: `IllustrativeData` and `generate`;
- `write`: the `.meta.yaml` sidecars (`sidecar`) and the files (`write_sample_data`).

"""

from __future__ import annotations

# Besides `__all__`, the settings of the single module stay importable from here (tests read
# `illustrative.ARTICLE_STOCK` and `illustrative.TABLE_ORDER`); private helpers live in their
# modules.
from lps_analysis.data.illustrative.common import (  # noqa: F401 - re-exported
    ARTICLE_STOCK,
    CITY,
    COHORT_SHARES,
    COUNTIES,
    COUNTY_WEIGHTS,
    EFFECT_CAP_YEARS,
    EXCHANGE_PERSONS,
    EXCHANGE_YEARS,
    EXPO_SIGNED_MIN,
    FUNDING_10K_YUAN,
    GREEN_CHANNEL_MIN,
    INTRODUCED_MIN,
    LICENCE,
    N_HOSPITALS,
    N_NATIONAL,
    N_PROVINCIAL,
    N_SCHOOLS,
    OUTCOME_INDICATORS,
    OUTCOME_YEARS,
    OUTPUT_YEARS,
    PARQUET_TABLES,
    PARTNER_CITY,
    PATENTS_GRANTED_MIN,
    PRODUCER,
    PROJECTS_APPROVED,
    PROVENANCE,
    RECRUITMENT_YEARS,
    SOURCE,
    STOCK_CATEGORIES,
    STOCK_YEARS,
    SUFFIX,
    TABLE_ORDER,
    TREATED_SHARE,
    apportion,
)
from lps_analysis.data.illustrative.core import IllustrativeData, generate
from lps_analysis.data.illustrative.exchanges import true_effect
from lps_analysis.data.illustrative.talent import SECTORS, record_counts  # noqa: F401
from lps_analysis.data.illustrative.write import sidecar, write_sample_data

__all__ = [
    "IllustrativeData",
    "apportion",
    "generate",
    "record_counts",
    "sidecar",
    "true_effect",
    "write_sample_data",
]
