"""What the exchanges were: totals by breakdown, cohorts and exposure per institution.

Units: persons (人), person-months (人·月, persons × months of the assignment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12
BREAKDOWNS = ("year", "scope_code", "field", "direction", "mode", "partner_city")


@dataclass(frozen=True)
class Indicator:
    """An outcome indicator of the aided institutions."""

    id: str
    label_zh: str
    unit: str  # metric unit: ratio, operations_per_year …
    unit_zh: str  # how a report writes a difference in it


# The default outcome of each field (the indicator of `institution_outcomes`).
FIELD_INDICATORS = {
    "education": Indicator("exam_pass_rate", "学业考试合格率", "ratio", "个百分点"),
    "health": Indicator("level34_surgeries", "三四级手术台次", "operations_per_year", "台次/年"),
}


def indicator_for(field: str, outcome: str | None = None) -> Indicator:
    """The indicator to estimate for a field: `outcome` if given, else the field's default."""
    if outcome is None:
        if field not in FIELD_INDICATORS:
            raise ValueError(f"no default indicator for field {field!r}: pass outcome=")
        return FIELD_INDICATORS[field]
    for ind in FIELD_INDICATORS.values():
        if ind.id == outcome:
            return ind
    return Indicator(outcome, outcome, "value", "")


# --------------------------------------------------------------------------- descriptive


def with_person_months(exchanges: pd.DataFrame) -> pd.DataFrame:
    """The exchanges with ``year`` (start year), ``months`` and ``person_months`` added.

    An assignment's months are its days from start to end over 30.44; a missing end date
    counts as no duration (person-months 0), never as a guess.
    """
    out = exchanges.copy()
    start = pd.to_datetime(out["start_date"])
    end = pd.to_datetime(out["end_date"])
    days = (end - start).dt.days.clip(lower=0).fillna(0)
    out["year"] = start.dt.year.astype(int)
    out["months"] = days / DAYS_PER_MONTH
    out["person_months"] = out["persons"] * out["months"]
    return out


def exchange_totals(exchanges: pd.DataFrame, by: str | Sequence[str] = "year") -> pd.DataFrame:
    """Assignments, persons, person-months and institutions per value of `by`.

    `by` is any of :data:`BREAKDOWNS` (``year`` is the year an assignment starts: one that
    runs into the next year is counted in its first). Sorted by `by`.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = with_person_months(exchanges)
    columns = [*keys, "assignments", "persons", "person_months", "institutions"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = (
        frame.groupby(keys, sort=True)
        .agg(
            assignments=("persons", "size"),
            persons=("persons", "sum"),
            person_months=("person_months", "sum"),
            institutions=("institution_id", "nunique"),
        )
        .reset_index()
    )
    return out[columns]


def cohorts(exchanges: pd.DataFrame, institutions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each institution's cohort: the year its first exchange assignment starts (0 = never).

    Institutions of the ``institutions`` table without any exchange are the never-treated
    (cohort 0); without that table only institutions that appear in `exchanges` are listed.
    Returns ``institution_id``, ``scope_code``, ``field``, ``cohort`` sorted by id.
    """
    frame = with_person_months(exchanges)
    first = frame.groupby("institution_id").agg(
        cohort=("year", "min"), scope_code=("scope_code", "first"), field=("field", "first")
    )
    if institutions is not None:
        base = institutions.set_index("institution_id")[["scope_code", "field"]]
        base = base.join(first[["cohort"]], how="left")
        extra = first.loc[~first.index.isin(base.index)]
        first = pd.concat([base, extra[["scope_code", "field", "cohort"]]])
    first["cohort"] = first["cohort"].fillna(0).astype(int)
    out = first.reset_index()  # both parts are indexed by institution_id
    return out[["institution_id", "scope_code", "field", "cohort"]].sort_values(
        "institution_id", kind="stable", ignore_index=True
    )


def exposure(exchanges: pd.DataFrame, institutions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Exposure of each institution to the exchanges.

    Returns ``institution_id``, ``scope_code``, ``field``, ``cohort`` (0 = never),
    ``assignments``, ``persons``, ``person_months``, ``inbound_person_months`` (eastern staff
    working in the institution), ``years_exposed`` (from the cohort to the last year of the
    exchange table, inclusive) and ``person_months_per_year`` (person-months over years exposed:
    intensity, not confounded with how early an institution started).
    """
    frame = with_person_months(exchanges)
    last_year = int(frame["year"].max()) if len(frame) else 0
    per = frame.groupby("institution_id").agg(
        assignments=("persons", "size"),
        persons=("persons", "sum"),
        person_months=("person_months", "sum"),
    )
    inbound = frame[frame["direction"] == "inbound"].groupby("institution_id").person_months.sum()
    out = cohorts(exchanges, institutions).set_index("institution_id")
    out = out.join(per, how="left").fillna({"assignments": 0, "persons": 0, "person_months": 0.0})
    out["inbound_person_months"] = inbound.reindex(out.index).fillna(0.0)
    out["assignments"] = out["assignments"].astype(int)
    out["persons"] = out["persons"].astype(int)
    out["years_exposed"] = np.where(out["cohort"] > 0, last_year - out["cohort"] + 1, 0)
    out["person_months_per_year"] = np.where(
        out["years_exposed"] > 0, out["person_months"] / out["years_exposed"].clip(lower=1), 0.0
    )
    return out.reset_index()
