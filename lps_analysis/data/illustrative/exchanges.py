"""The East–West exchanges with 大连: aided institutions, exchanges, outcomes, true effects.

`_institutions` lists the schools and hospitals; `_baselines` and `_assign_cohorts` give each
an institution effect and its first exchange year (weaker ones are aided more and earlier);
`_exchanges` draws the assignments (1827 persons in all); `_outcomes` builds the
institution × year panel with a known effect; `true_effect` and `_truth` state that effect
exactly (per cohort and event time, and the ATTs an estimator should recover).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from lps_analysis.data.illustrative.common import (
    COHORT_SHARES,
    COUNTIES,
    COUNTY_WEIGHTS,
    EFFECT_CAP_YEARS,
    EXCHANGE_PERSONS,
    EXCHANGE_YEARS,
    N_HOSPITALS,
    N_SCHOOLS,
    OUTCOME_INDICATORS,
    OUTCOME_YEARS,
    PARTNER_CITY,
    PROVENANCE,
    SUFFIX,
    TREATED_SHARE,
    _adjust_to_total,
    _frame,
    _zh_number,
    apportion,
)

# ----------------------------------------------------------------------------------------------
# institutions, exchanges, outcomes


def _institutions() -> pd.DataFrame:
    rows = []
    codes = list(COUNTIES)
    for field_, type_, prefix, total in (
        ("education", "school", "S", N_SCHOOLS),
        ("health", "hospital", "H", N_HOSPITALS),
    ):
        number = 0
        for code, n in zip(codes, apportion(total, COUNTY_WEIGHTS), strict=True):
            county = COUNTIES[code]
            for k in range(1, int(n) + 1):
                number += 1
                if type_ == "school":
                    kind = "中学" if k % 2 else "小学"
                    name = f"{county}第{_zh_number((k + 1) // 2)}{kind}"
                else:
                    named = ("人民医院", "中医医院", "妇幼保健院", "第二人民医院")
                    name = county + (
                        named[k - 1] if k <= len(named) else f"第{_zh_number(k - 4)}中心卫生院"
                    )
                rows.append(
                    {
                        "institution_id": f"{prefix}{number:03d}",
                        "name_zh": name + SUFFIX,
                        "scope_code": code,
                        "field": field_,
                        "type": type_,
                        "provenance": PROVENANCE,
                    }
                )
    return _frame("institutions", rows)


def _assign_cohorts(
    rng: np.random.Generator, institutions: pd.DataFrame, baseline: np.ndarray
) -> np.ndarray:
    """First exchange year per institution (0 = never): weaker institutions are aided first."""
    cohort = np.zeros(len(institutions), dtype=np.int64)
    for field_ in OUTCOME_INDICATORS:
        idx = np.flatnonzero(institutions.field.to_numpy() == field_)
        z = (baseline[idx] - baseline[idx].mean()) / baseline[idx].std()
        score = -z + rng.normal(0.0, 1.0, idx.size)
        n_treated = int(round(TREATED_SHARE * idx.size))
        chosen = np.argsort(-score, kind="stable")[:n_treated]  # positions within idx
        treated = idx[chosen]
        order = np.argsort(-(score[chosen] + rng.normal(0, 1, n_treated)), kind="stable")
        sizes = apportion(n_treated, COHORT_SHARES)
        cohort[treated[order]] = np.repeat(np.array(EXCHANGE_YEARS), sizes)
    return cohort


_MODE_BOUNDS = {"secondment": (1, 6), "team_aid": (3, 12), "training": (1, 12)}


def _exchanges(
    rng: np.random.Generator, institutions: pd.DataFrame, cohort: np.ndarray
) -> tuple[pd.DataFrame, str]:
    treated = np.flatnonzero(cohort > 0)
    size = np.exp(rng.normal(0.0, 0.5, len(institutions)))  # how much aid each one draws
    # Slots: (institution, year) from its first exchange year to 2020.
    slot_inst = np.concatenate([np.full(2021 - cohort[i], i) for i in treated])
    slot_year = np.concatenate([np.arange(cohort[i], 2021) for i in treated])
    n_rows = round(EXCHANGE_PERSONS / 5.1)  # about 5 persons per assignment
    n_out = round(0.15 * n_rows)
    n_more_in = n_rows - treated.size - n_out
    p = size[slot_inst] / size[slot_inst].sum()
    more_in = rng.multinomial(n_more_in, p)
    out = rng.multinomial(n_out, np.full(slot_inst.size, 1 / slot_inst.size))
    inst = np.concatenate([treated, np.repeat(slot_inst, more_in), np.repeat(slot_inst, out)])
    year = np.concatenate(
        [cohort[treated], np.repeat(slot_year, more_in), np.repeat(slot_year, out)]
    )
    inbound = np.r_[np.ones(treated.size + more_in.sum(), bool), np.zeros(out.sum(), bool)]
    mode = np.where(
        inbound,
        rng.choice(["secondment", "team_aid", "training"], size=inst.size, p=[0.45, 0.35, 0.2]),
        rng.choice(["training", "secondment"], size=inst.size, p=[0.7, 0.3]),
    )
    lo = np.array([_MODE_BOUNDS[m][0] for m in mode])
    hi = np.array([_MODE_BOUNDS[m][1] for m in mode])
    initial = lo + rng.binomial(hi - lo, 0.45)
    persons = _adjust_to_total(initial, EXCHANGE_PERSONS, lo, hi, rng)

    is_school = institutions.type.to_numpy()[inst] == "school"
    month = np.where(
        is_school, rng.choice([2, 3, 8, 9], size=inst.size), rng.integers(1, 12, inst.size)
    )
    day = rng.integers(1, 29, inst.size)
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="raise"
    ).to_numpy()
    length = np.select(
        [mode == "team_aid", mode == "secondment"],
        [np.full(inst.size, 365), rng.choice([182, 365], size=inst.size)],
        rng.integers(14, 91, inst.size),
    )
    end = start + length.astype("timedelta64[D]")
    frame = pd.DataFrame(
        {
            "scope_code": institutions.scope_code.to_numpy()[inst],
            "institution_id": institutions.institution_id.to_numpy()[inst],
            "field": institutions.field.to_numpy()[inst],
            "direction": np.where(inbound, "inbound", "outbound"),
            "partner_city": PARTNER_CITY,
            "start_date": start,
            "end_date": end,
            "mode": mode,
            "persons": persons.astype(np.int64),
            "provenance": PROVENANCE,
        }
    )
    frame = frame.sort_values(
        ["start_date", "institution_id", "direction", "mode", "persons", "end_date"],
        kind="stable",
    ).reset_index(drop=True)
    frame["exchange_id"] = [f"E{i:04d}" for i in range(1, len(frame) + 1)]
    notes = (
        f"One row per exchange assignment with {PARTNER_CITY}, starting 2016-2020, in "
        f"education and health; {len(frame)} assignments, {EXCHANGE_PERSONS} persons in all "
        f"(F028), 1-12 per assignment. {treated.size} of {len(institutions)} institutions "
        f"(~75% per field) receive staff, from a first year (their cohort, 2016-2020) on, in "
        f"which their first inbound assignment starts; the rest never do (controls). Weaker "
        f"institutions (lower baseline outcome) tend to be aided and aided earlier. Outbound "
        f"rows (Liupanshui staff trained or seconded in the east) come only from aided "
        f"institutions in or after their first year."
    )
    return _frame("exchanges", frame), notes


def _effect_units(field_: str, cohort: int, event_time: int) -> int:
    """True effect at event time ≥ 0 in whole units (0.0001 of a ratio, or surgeries)."""
    base, per_year = OUTCOME_INDICATORS[field_]["effect_units"]
    return (base + per_year * (cohort - EXCHANGE_YEARS[0])) * min(event_time + 1, EFFECT_CAP_YEARS)


def _unit(field_: str) -> Fraction:
    return Fraction(OUTCOME_INDICATORS[field_]["unit_size"]).limit_denominator(10_000)


def true_effect(field_: str, cohort: int, event_time: int) -> float:
    """The exchanges' true effect on a field's indicator, by cohort and event time (0 before)."""
    if event_time < 0:
        return 0.0
    return float(_effect_units(field_, cohort, event_time) * _unit(field_))


def _mean_effect(field_: str, cells) -> float:
    """Exact weighted mean of true effects over (cohort, event time, weight), rounded once."""
    cells = list(cells)
    total = sum(_effect_units(field_, g, e) * n for g, e, n in cells)
    return float(Fraction(total, sum(n for _, _, n in cells)) * _unit(field_))


def _truth(institutions: pd.DataFrame, cohort: np.ndarray) -> dict:
    last = OUTCOME_YEARS[-1]
    fields = {}
    for field_, spec in OUTCOME_INDICATORS.items():
        mask = institutions.field.to_numpy() == field_
        cohorts = cohort[mask]
        sizes = {int(g): int((cohorts == g).sum()) for g in sorted(set(cohorts)) if g > 0}
        effects = [
            {"cohort": g, "event_time": e, "effect": true_effect(field_, g, e), "institutions": n}
            for g, n in sizes.items()
            for e in range(last - g + 1)
        ]
        cells = sum(r["institutions"] for r in effects)
        att = _mean_effect(
            field_, [(r["cohort"], r["event_time"], r["institutions"]) for r in effects]
        )
        by_cohort = [
            {
                "cohort": g,
                "att": _mean_effect(field_, [(g, e, 1) for e in range(last - g + 1)]),
                "institutions": n,
            }
            for g, n in sizes.items()
        ]
        by_event = []
        for e in range(last - min(sizes) + 1):
            rows = [(r["cohort"], e, r["institutions"]) for r in effects if r["event_time"] == e]
            n = sum(r[2] for r in rows)
            by_event.append({"event_time": e, "att": _mean_effect(field_, rows), "institutions": n})
        fields[field_] = {
            "indicator": spec["indicator"],
            "indicator_zh": spec["label_zh"],
            "unit": spec["unit"],
            "effect_formula": (
                f"{spec['base_effect']} × (1 + 0.5·(cohort − 2016)/4) × "
                f"min(year − cohort + 1, {EFFECT_CAP_YEARS}) for year ≥ cohort, else 0"
            ),
            "att": att,
            "att_institution_years": int(cells),
            "att_by_cohort": by_cohort,
            "att_by_event_time": by_event,
            "effects": effects,
            "never_treated": int((cohorts == 0).sum()),
        }
    return {
        "description": (
            "True effect of the east-west exchanges on each aided institution's indicator. "
            "Treatment starts in the institution's cohort: the year its first exchange "
            "assignment starts (2016-2020); never-treated institutions have cohort null. "
            "The effect grows by one step per year of exposure (the cohort year counts as the "
            "first), is capped after 3 years and is larger for later cohorts. 'att' is the "
            "average effect over treated institution-years (year ≥ cohort) of the panel "
            f"{OUTCOME_YEARS[0]}-{OUTCOME_YEARS[-1]}, the estimand of a Callaway-Sant'Anna "
            "'simple' aggregation; 'att_by_event_time' is the cohort-size-weighted average "
            "per event time ('dynamic' aggregation); 'att_by_cohort' averages each cohort's "
            "post-treatment years ('group' aggregation)."
        ),
        "panel_years": [OUTCOME_YEARS[0], OUTCOME_YEARS[-1]],
        "fields": fields,
        "cohorts": {
            iid: (int(g) if g > 0 else None)
            for iid, g in zip(institutions.institution_id, cohort, strict=True)
        },
    }


def _baselines(rng: np.random.Generator, institutions: pd.DataFrame) -> np.ndarray:
    """Institution effects: pass rate 0.60-0.80 for schools; 300-2500 surgeries for hospitals."""
    school = institutions.type.to_numpy() == "school"
    return np.where(
        school,
        rng.uniform(0.60, 0.80, len(institutions)),
        np.exp(rng.uniform(math.log(300), math.log(2500), len(institutions))),
    )


def _outcomes(
    rng: np.random.Generator,
    institutions: pd.DataFrame,
    baseline: np.ndarray,
    cohort: np.ndarray,
) -> tuple[pd.DataFrame, str]:
    years = np.array(OUTCOME_YEARS)
    t = years - years[0]
    school_year = 0.004 * t + np.clip(rng.normal(0, 0.006, years.size), -0.015, 0.015)
    hospital_year = 35.0 * t + np.clip(rng.normal(0, 20, years.size), -50, 50)
    hospital_year[years == 2020] -= 80  # the 2020 epidemic: a common dip
    frames = []
    for i, rec in enumerate(institutions.itertuples(index=False)):
        field_ = rec.field
        spec = OUTCOME_INDICATORS[field_]
        g = int(cohort[i])
        effect = np.array(
            [_effect_units(field_, g, y - g) if g and y >= g else 0 for y in years], dtype=np.int64
        )
        if rec.type == "school":
            noise = np.clip(rng.normal(0, 0.012, years.size), -0.036, 0.036)
            untreated = np.rint((baseline[i] + school_year + noise) * 10_000).astype(np.int64)
            value = (untreated + effect) / 10_000
        else:
            sd = 0.04 * baseline[i]
            noise = np.clip(rng.normal(0, sd, years.size), -3 * sd, 3 * sd)
            untreated = np.rint(baseline[i] + hospital_year + noise).astype(np.int64)
            value = (untreated + effect).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "institution_id": rec.institution_id,
                    "scope_code": rec.scope_code,
                    "field": field_,
                    "year": years,
                    "indicator": spec["indicator"],
                    "value": value,
                    "provenance": PROVENANCE,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True).sort_values(
        ["institution_id", "year", "indicator"], kind="stable"
    )
    notes = (
        "Institution × year panel 2013-2022, one indicator per field: schools exam_pass_rate "
        "(学业考试合格率, ratio 0-1, 4 decimals), hospitals level34_surgeries (三四级手术台次 per "
        "year, whole operations). Data-generating process: value = institution effect "
        "(schools uniform 0.60-0.80; hospitals log-uniform 300-2500) + common year trend "
        "(schools +0.004 a year, hospitals +35 a year and −80 in 2020, plus a small common "
        "shock each year) + noise (schools sd 0.012; hospitals sd 4% of the institution "
        "effect; truncated at 3 sd) + the true effect for aided institutions from their first "
        "exchange year (cohort) on: base × (1 + 0.5·(cohort − 2016)/4) × min(year − cohort + "
        "1, 3), base 0.02 for schools and 40 operations for hospitals. Trends are common, so "
        "parallel trends hold although weaker institutions are aided more and earlier (a naive "
        "aided-vs-not comparison is biased; difference-in-differences is not). Rounding is "
        "applied to the untreated outcome, so treated minus untreated is exactly the effect. "
        "The exact truth (effects per cohort and event time, the ATT over treated "
        "institution-years, each institution's cohort) is under true_effect."
    )
    return _frame("institution_outcomes", frame), notes
