"""The pandera schema of each table, and the duplicate-key check with the rows it names."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from lps_analysis.data import registry
from lps_analysis.data.row_checks import ROW_COLUMN, SHEET_COLUMN
from lps_analysis.data.tables import YEAR_MAX, YEAR_MIN, TableSpec
from lps_analysis.data.vocab import TALENT_CATEGORIES, TOTAL_CATEGORY, category_name_zh
from lps_analysis.errors import Problem

_CATEGORY_IDS = [*TALENT_CATEGORIES, TOTAL_CATEGORY]


def schema_for(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of a normalised table (types, ranges, allowed values, unique key)."""
    columns = {}
    for col in spec.columns:
        checks = []
        if col.kind == "year":
            checks.append(pa.Check.in_range(YEAR_MIN, YEAR_MAX))
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum))
        if col.whole:
            checks.append(
                pa.Check(lambda s: (s - s.round()).abs() < 1e-6, element_wise=False, name="whole")
            )
        if col.kind == "code" and col.allowed:
            checks.append(pa.Check.isin(list(col.allowed)))
        if col.kind == "category":
            checks.append(pa.Check.isin(_CATEGORY_IDS))
        if col.kind == "scope":
            checks.append(pa.Check.isin([s.code for s in registry.current_scopes()]))
        dtype = {"year": float, "int": float, "float": float, "date": "datetime64[ns]"}.get(
            col.kind
        )
        columns[col.name] = pa.Column(
            dtype,
            checks=checks,
            nullable=not col.required,
            required=col.required,
            coerce=dtype is not None,
        )
    columns[ROW_COLUMN] = pa.Column(int)
    return pa.DataFrameSchema(columns, strict=False, name=spec.name)


def show(value) -> str:
    """A key value as the analyst reads it: 2015 rather than 2015.0, 专业技术人才 for professional."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value in TALENT_CATEGORIES or value == TOTAL_CATEGORY:
        return category_name_zh(value)
    return str(value)


def _has_duplicate_keys(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether any key repeats. Cheap first: a key column that is unique on its own makes the
    whole key unique (person_key in talent_records)."""
    for column in key:
        if pd.Index(frame[column]).is_unique:
            return False
    return not pd.MultiIndex.from_frame(frame[key]).is_unique


def place(frame: pd.DataFrame, i) -> tuple[str | None, int]:
    """(worksheet, row) of the record at index label `i`."""
    sheet = frame.at[i, SHEET_COLUMN] if SHEET_COLUMN in frame else None
    return sheet, int(frame.at[i, ROW_COLUMN])


def duplicate_problems(frame: pd.DataFrame, spec: TableSpec, file: str, sheet) -> list[Problem]:
    """One problem per repeated key, naming every row that repeats it."""
    key = list(spec.key)
    if not set(key) <= set(frame) or not _has_duplicate_keys(frame, key):
        return []
    complete = frame.dropna(subset=key)
    repeated = complete[complete.duplicated(key, keep=False)]
    key_zh = "+".join(spec.column(k).header_zh for k in spec.key)
    problems = []
    for values, group in repeated.groupby(key, dropna=False, observed=True, sort=True):
        places = [place(frame, i) for i in group.index]
        sheets = {s for s, _ in places}
        if len(sheets) > 1:
            where = "、".join(f"工作表「{s}」第 {r} 行" for s, r in places)
        else:
            where = f"第 {'、'.join(str(r) for _, r in places)} 行"
        key_text = "、".join(show(k) for k in (values if isinstance(values, tuple) else (values,)))
        problems.append(
            Problem(
                file=file,
                sheet=places[0][0] or sheet,
                row=places[0][1],
                column=key_zh,
                value=key_text,
                message_zh=f"重复记录：{where}的 {key_zh} 相同。",
                message_en=f"Duplicate key ({key_text}) in rows {', '.join(str(r) for _, r in places)}.",
            )
        )
    return problems


def schema_problems(frame: pd.DataFrame, spec: TableSpec, file: str, sheet) -> list[Problem]:
    """What the pandera schema still finds in rows that no earlier check flagged."""
    try:
        schema_for(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = []
        for case in err.failure_cases.itertuples(index=False):
            where = place(frame, case.index) if pd.notna(case.index) else (sheet, None)
            problems.append(
                Problem(
                    file=file,
                    sheet=where[0] or sheet,
                    row=where[1],
                    column=case.column,
                    value=case.failure_case,
                    message_zh=f"未通过检查 {case.check}。",
                    message_en=f"Failed check {case.check} on column {case.column}.",
                )
            )
        return problems
    return []
