"""Checks that look at more than one row: dates within a row, categories within their total,
ids across tables, counties summing to the city.

They run on the rows no earlier check flagged, so that one unreadable cell does not also show
up as a wrong sum, and they run whatever else was found: every problem is listed in one pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from lps_analysis.data import registry
from lps_analysis.data.schema import place, show
from lps_analysis.data.tables import TABLES
from lps_analysis.data.vocab import TOTAL_CATEGORY
from lps_analysis.errors import Problem
from lps_analysis.textsafe import CONTROL_CHARACTERS, control_characters, show_control_characters

if TYPE_CHECKING:
    from lps_analysis.data.validate import LoadedTable

# Counties must sum to the city figure within this relative difference (0.1%).
RECONCILE_TOLERANCE = 0.001


def within_table_checks(frame: pd.DataFrame, spec, file: str, sheet) -> list[Problem]:
    problems = []
    if spec.name == "exchanges" and {"start_date", "end_date"} <= set(frame):
        bad = frame[frame.end_date < frame.start_date]
        for i, rec in bad.iterrows():
            where = place(frame, i)
            problems.append(
                Problem(
                    file=file,
                    sheet=where[0] or sheet,
                    row=where[1],
                    column="结束日期",
                    value=str(rec.end_date.date()),
                    message_zh=f"结束日期早于开始日期（{rec.start_date.date()}）。",
                    message_en="End date before start date.",
                )
            )
    if spec.name == "talent_stock" and {"scope_code", "year", "category", "count"} <= set(frame):
        problems += _categories_within_total(frame, file, sheet)
    problems += _control_character_problems(frame, spec, file, sheet)
    return problems


def _control_character_problems(frame: pd.DataFrame, spec, file: str, sheet) -> list[Problem]:
    """Text cells holding control characters (line breaks, bidi overrides): refused, not cleaned.

    Markup-looking text (``<img …>``, ``[x](javascript:…)``) is accepted: every report prints it
    as the characters it is (see `lps_analysis.textsafe`).
    """
    problems = []
    for col in spec.columns:
        if col.kind != "str" or col.name not in frame:
            continue
        column = frame[col.name]
        if not _holds_control_characters(column):
            continue
        for i, value in column.items():
            found = control_characters(value) if isinstance(value, str) else []
            if found:
                where = place(frame, i)
                problems.append(
                    Problem(
                        file=file,
                        sheet=where[0] or sheet,
                        row=where[1],
                        column=col.header_zh,
                        value=show_control_characters(value),
                        message_zh=f"文字中含有不可见的控制字符（{'、'.join(found)}），请删去后重新保存。",
                        message_en=f"Text contains control characters ({', '.join(found)}): remove them.",
                    )
                )
    return problems


def _holds_control_characters(column: pd.Series) -> bool:
    """Whether any text of `column` holds a control character: one regex pass over its texts
    joined (a control character is one character, so joining cannot make or hide one)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        texts = [v for v in column.cat.categories if isinstance(v, str)]
    else:  # every value: finding the distinct ones costs more than the search
        texts = column.dropna().to_numpy(dtype=object).tolist()
        if not isinstance(column.dtype, pd.StringDtype):
            texts = [v for v in texts if isinstance(v, str)]
    return CONTROL_CHARACTERS.search("".join(texts)) is not None


def _categories_within_total(frame: pd.DataFrame, file: str, sheet) -> list[Problem]:
    """Named categories of a scope-year may not add up to more than its stated total."""
    problems = []
    totals = frame[frame.category == TOTAL_CATEGORY].dropna(subset=["count"])
    named = frame[frame.category != TOTAL_CATEGORY].groupby(["scope_code", "year"])["count"].sum()
    for i, rec in totals.iterrows():
        parts = named.get((rec.scope_code, rec.year))
        total = rec["count"]
        if parts is not None and parts > total + 0.5:
            where = place(frame, i)
            year = int(rec.year)
            problems.append(
                Problem(
                    file=file,
                    sheet=where[0] or sheet,
                    row=where[1],
                    column="人数",
                    value=f"{total:g}",
                    message_zh=f"{rec.scope_code} {year} 年各类人才之和 {parts:g} 大于人才总量 {total:g}。",
                    message_en=f"Categories of {rec.scope_code} {year} sum to {parts:g}, above the total {total:g}.",
                )
            )
    return problems


def cross_table_problems(
    tables: dict[str, LoadedTable], failed: set[str] = frozenset()
) -> list[Problem]:
    """Referential integrity and county-to-city reconciliation, on the rows that passed."""
    problems = []
    for name, loaded in tables.items():
        for column, target in TABLES[name].references.items():
            problems += _reference_problems(loaded, column, target, tables, failed)
    for name, value in (
        ("talent_stock", "count"),
        ("population", "residents"),
        ("recruitment", "count"),
    ):
        if name in tables:
            problems += reconcile_counties(tables[name], value)
    return problems


def _reference_problems(loaded, column, target, tables, failed) -> list[Problem]:
    if column not in loaded.frame:
        return []
    if target not in tables:
        if target in failed:  # its own problems are listed; every id would be "not found"
            return []
        return [
            Problem(
                file=loaded.path.name,
                column=column,
                message_zh=f"引用的表「{target}」不存在，无法核对「{column}」。",
                message_en=f"Table {target} is missing: cannot check {column}.",
            )
        ]
    known = set(tables[target].frame[column].dropna())
    frame = loaded.clean
    bad = frame[frame[column].notna() & ~frame[column].isin(known)]
    header = TABLES[loaded.name].column(column).template_header
    problems = []
    for i in bad.index[:200]:
        where = place(frame, i)
        problems.append(
            Problem(
                file=loaded.path.name,
                sheet=where[0],
                row=where[1],
                column=header,
                value=frame.at[i, column],
                message_zh=f"在 {tables[target].path.name} 中找不到这个编号。",
                message_en=f"No such {column} in {tables[target].path.name}.",
            )
        )
    return problems


def reconcile_counties(loaded: LoadedTable, value: str) -> list[Problem]:
    """Where the city and all its counties report the same cell, the counties must sum to the city."""
    frame = loaded.clean
    keys = [c for c in TABLES[loaded.name].key if c != "scope_code"]
    if not {value, "scope_code", *keys} <= set(frame):
        return []
    frame = frame.dropna(subset=[value, "scope_code", *keys])
    city = registry.city().code
    counties = [s.code for s in registry.current_scopes() if s.level == "county"]
    city_rows = frame[frame.scope_code == city].drop_duplicates(keys).set_index(keys)
    county_rows = frame[frame.scope_code.isin(counties)]
    complete = county_rows.groupby(keys)["scope_code"].nunique() == len(counties)
    sums = county_rows.groupby(keys)[value].sum()
    problems = []
    for key, ok in complete.items():
        if not ok or key not in city_rows.index:
            continue
        city_value = float(city_rows.loc[key, value])
        total = float(sums[key])
        if abs(total - city_value) > RECONCILE_TOLERANCE * max(abs(city_value), 1):
            label = "、".join(show(k) for k in (key if isinstance(key, tuple) else (key,)))
            sheet = city_rows.loc[key, "sheet_in_file"] if "sheet_in_file" in city_rows else None
            problems.append(
                Problem(
                    file=loaded.path.name,
                    sheet=sheet,
                    row=int(city_rows.loc[key, "row_in_file"]),
                    column=TABLES[loaded.name].column(value).header_zh,
                    value=f"{city_value:g}",
                    message_zh=(
                        f"{label}：四个县级单位合计 {total:g}，与市级数据 {city_value:g} 不符"
                        f"（相差 {total - city_value:+g}，允许误差 {RECONCILE_TOLERANCE:.1%}）。"
                    ),
                    message_en=(
                        f"Counties sum to {total:g} but the city figure is {city_value:g} for {label} "
                        f"(tolerance {RECONCILE_TOLERANCE:.1%})."
                    ),
                )
            )
    return problems
