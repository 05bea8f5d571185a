"""The exchange view's state, and figures computed from exactly the input rows they use.

A count or sum over exchange rows takes its provenance from those rows by value.py's rule: any
illustrative row makes it illustrative; real rows make it `derived`, citing their table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from lps_analysis import exchange as ex
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.tables import FIELDS
from lps_analysis.value import Value, combined_provenance, derive, from_rows, provenance_column

EXCHANGES = "exchanges"
OUTCOMES = "institution_outcomes"
EXCHANGE_COLUMNS = [
    "exchange_id",
    "scope_code",
    "institution_id",
    "field",
    "direction",
    "partner_city",
    "start_date",
    "end_date",
    "mode",
    "persons",
    "provenance",
]


@dataclass
class ExchangeView:
    """Everything notebook 02 shows for one scope and field.

    `headlines` and `article` hold :class:`Value` objects; `estimate_basis` is the provenance and
    sources of the effect estimates (the outcome rows and exchange rows they use), its number
    unused; `partners` the official partner rows (`data/reference/east_west_partners.csv`).
    """

    scope: Scope
    field: str
    indicator: ex.Indicator
    start: int | None
    end: int | None
    exchanges: pd.DataFrame  # the scope's assignments (with year, months, person_months)
    exchanges_missing: bool  # no exchanges table at all (not: no rows for this scope)
    headlines: dict[str, Value]
    article: dict[str, Value]  # the article's city figures by indicator (F028, F029)
    article_quotes: dict[str, str]  # their phrases, word for word
    totals: dict[str, pd.DataFrame]  # breakdown → exchange_totals with provenance per row
    exposure: pd.DataFrame  # per institution of the scope (all fields)
    panel: ex.Panel | None
    reasons: list[str]  # why no effect was estimated (empty when it was)
    effect: ex.ExchangeEffect | None
    estimate_basis: Value
    partners: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    banner: str | None = None
    missing_tables: tuple[str, ...] = ()

    @property
    def field_zh(self) -> str:
        return FIELDS.get(self.field, self.field)

    @property
    def effect_provenance(self) -> str:
        return self.estimate_basis.provenance

    @property
    def effect_illustrative(self) -> bool:
        return self.estimate_basis.illustrative


def scope_codes(scope: Scope) -> list[str]:
    """Codes whose institutions belong to the scope: the city takes every county's."""
    if scope.level == "city":
        return [s.code for s in current_scopes()]
    return [scope.code]


def empty_exchanges() -> pd.DataFrame:
    return pd.DataFrame(columns=EXCHANGE_COLUMNS).astype(
        {"persons": int, "start_date": "datetime64[ns]", "end_date": "datetime64[ns]"}
    )


def in_window(exchanges: pd.DataFrame, start: int | None, end: int | None) -> pd.DataFrame:
    frame = ex.with_person_months(exchanges)
    if start is not None:
        frame = frame[frame["year"] >= start]
    if end is not None:
        frame = frame[frame["year"] <= end]
    return frame.reset_index(drop=True)


def _sources(rows: pd.DataFrame, table: str) -> tuple[str, ...]:
    if "source" in rows:
        named = sorted({str(s) for s in rows["source"].dropna() if str(s)})
        if named:
            return tuple(named)
    return (table,)


def rows_value(rows: pd.DataFrame | None, number, unit: str, *, table: str = EXCHANGES) -> Value:
    """A figure computed from exactly these input rows (a count, a quantile, a ratio of them).

    Its provenance follows the rows' by value.py's rule; it cites the rows' sources (or their
    table). `rows` None means the table is missing: the figure is missing too, naming it.
    """
    if rows is None:
        return Value.absent(unit, table)
    provenance = combined_provenance(provenance_column(rows), computed=True)
    return Value(number, unit, provenance, "exact", _sources(rows, table))


def rows_sum(
    rows: pd.DataFrame, column: str, unit: str, *, within: pd.DataFrame, table: str = EXCHANGES
) -> Value:
    """The sum of `column` over `rows` (value.from_rows); none of `within` matched: a real 0."""
    if len(rows):
        return from_rows(rows, column, unit, table=table)
    return rows_value(within, 0, unit, table=table)


def with_row_provenance(
    totals: pd.DataFrame, rows: pd.DataFrame, by: str | Sequence[str], *, table: str = EXCHANGES
) -> pd.DataFrame:
    """An aggregate of `rows` per `by`, with each group's provenance and source from its rows."""
    keys = [by] if isinstance(by, str) else list(by)
    if totals.empty:
        return totals.assign(provenance=pd.Series(dtype=str), source=pd.Series(dtype=str))
    tagged = rows.assign(_provenance=provenance_column(rows))
    groups = tagged.groupby(keys, sort=True)
    kinds = groups["_provenance"].agg(lambda s: combined_provenance(s, computed=True))
    extra = pd.DataFrame({"provenance": kinds})
    if "source" in tagged:
        extra["source"] = groups["source"].agg(lambda s: "; ".join(_sources(s.to_frame(), table)))
    else:
        extra["source"] = table
    extra = extra.reset_index()
    return totals.merge(extra, on=keys, how="left")


def estimate_basis(outcome_rows: pd.DataFrame | None, exchange_rows: pd.DataFrame) -> Value:
    """Provenance and sources of an estimate from these outcome and exchange rows (number 0)."""
    outcomes = rows_value(outcome_rows, 0.0, "", table=OUTCOMES)
    exchanges = rows_value(exchange_rows, 0.0, "", table=EXCHANGES)
    return derive(lambda a, b: 0.0, outcomes, exchanges, unit="")


def basis_value(basis: Value, number, unit: str) -> Value:
    """A figure computed from the estimate's inputs: their provenance and sources, this number."""
    return replace(basis, value=number, unit=unit, bound="exact", missing=())


def on_basis(view: ExchangeView, number, unit: str) -> Value:
    """A figure of the estimate section (see :func:`basis_value`)."""
    return basis_value(view.estimate_basis, number, unit)
