"""Validated tables: the only way data reach the analyses.

`load_table` reads, normalises and checks one file; `load_dataset` does every table of a data
folder plus the checks across tables (referential integrity, counties summing to the city).
Both raise `DataValidationError` listing every problem; nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from lps_analysis.data import registry
from lps_analysis.data.normalise import ROW_COLUMN, normalise
from lps_analysis.data.readers import SUFFIXES, read_cells, table_name_of
from lps_analysis.data.tables import TABLES, YEAR_MAX, YEAR_MIN, TableSpec
from lps_analysis.data.vocab import (
    PROVENANCE_KINDS,
    TALENT_CATEGORIES,
    TOTAL_CATEGORY,
    category_name_zh,
)
from lps_analysis.errors import DataValidationError, Problem

# Counties must sum to the city figure within this relative difference (0.1%).
RECONCILE_TOLERANCE = 0.001
_CATEGORY_IDS = [*TALENT_CATEGORIES, TOTAL_CATEGORY]


@dataclass
class LoadedTable:
    """One validated table."""

    name: str
    path: Path
    frame: pd.DataFrame  # canonical columns, typed; `_row` keeps the analyst's row numbers
    notes: list[str] = field(default_factory=list)

    @property
    def data(self) -> pd.DataFrame:
        """The table without bookkeeping columns."""
        return self.frame.drop(columns=[ROW_COLUMN])


@dataclass
class Dataset:
    """Every validated table found in a data folder."""

    folder: Path
    tables: dict[str, LoadedTable]
    notes: list[str]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].data

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    @property
    def absent(self) -> list[str]:
        return [t for t in TABLES if t not in self.tables and t != "scopes"]


def _has_duplicate_keys(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether any key repeats. Cheap first: a key column that is unique on its own makes the
    whole key unique (person_key in talent_records); pandera then only looks for the rows when
    there is something to find — its duplicated() costs seconds on millions of string keys."""
    for column in key:
        if pd.Index(frame[column]).is_unique:
            return False
    return not pd.MultiIndex.from_frame(frame[key]).is_unique


def schema_for(spec: TableSpec, *, check_unique: bool = True) -> pa.DataFrameSchema:
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
    return pa.DataFrameSchema(
        columns,
        unique=list(spec.key) if check_unique else None,
        report_duplicates="all",
        strict=False,
        name=spec.name,
    )


def _show(value) -> str:
    """A key value as the analyst reads it: 2015 rather than 2015.0, 专业技术人才 for professional."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value in TALENT_CATEGORIES or value == TOTAL_CATEGORY:
        return category_name_zh(value)
    return str(value)


def _schema_problems(
    frame: pd.DataFrame, spec: TableSpec, file: str, sheet, known: set
) -> list[Problem]:
    try:
        check_unique = _has_duplicate_keys(frame, list(spec.key))
        schema_for(spec, check_unique=check_unique).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = []
        cases = err.failure_cases
        rows = frame[ROW_COLUMN].to_numpy()
        dup = cases[
            cases["check"].astype(str).str.contains("unique|duplicate", case=False, na=False)
        ]
        if len(dup):
            idx = sorted({int(i) for i in dup["index"].dropna()})
            groups = frame.iloc[idx].groupby(list(spec.key), dropna=False)[ROW_COLUMN].apply(list)
            for key, key_rows in groups.items():
                key_text = "、".join(_show(k) for k in (key if isinstance(key, tuple) else (key,)))
                key_zh = "+".join(spec.column(k).header_zh for k in spec.key)
                problems.append(
                    Problem(
                        file=file,
                        sheet=sheet,
                        row=int(key_rows[0]),
                        column=key_zh,
                        value=key_text,
                        message_zh=f"重复记录：第 {'、'.join(map(str, key_rows))} 行的 {key_zh} 相同。",
                        message_en=f"Duplicate key ({key_text}) in rows {', '.join(map(str, key_rows))}.",
                    )
                )
        rest = cases.drop(dup.index)
        for case in rest.itertuples(index=False):
            row = int(rows[int(case.index)]) if pd.notna(case.index) else None
            if (row, case.column) in known or any(
                k[0] == row for k in known if k[1] == case.column
            ):
                continue
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=row,
                    column=case.column,
                    value=case.failure_case,
                    message_zh=f"未通过检查 {case.check}。",
                    message_en=f"Failed check {case.check} on column {case.column}.",
                )
            )
        return problems
    return []


def load_table(path: Path, *, table: str | None = None, sheet: str | None = None) -> LoadedTable:
    """Read, normalise and validate one table file; raise `DataValidationError` with every problem."""
    path = Path(path)
    name = table or table_name_of(path)
    if name not in TABLES:
        known = "、".join(TABLES)
        raise DataValidationError(
            [
                Problem(
                    file=path.name,
                    message_zh=f"无法从文件名识别表格「{name}」（文件名应为：{known}，加 .csv/.xlsx/.parquet）。",
                    message_en=f"Unknown table {name!r}: name the file after a table ({', '.join(TABLES)}).",
                )
            ]
        )
    spec = TABLES[name]
    raw = read_cells(path, table=name, title_zh=spec.title_zh, sheet=sheet)
    result = normalise(raw, spec)
    problems = list(result.problems)
    if not problems:
        known = {(p.row, p.column) for p in problems}
        problems += _schema_problems(result.frame, spec, raw.file, raw.sheet, known)
    if not problems:
        problems += _within_table_checks(result.frame, spec, raw.file, raw.sheet)
    if problems:
        raise DataValidationError(problems)
    frame = result.frame
    for col in spec.columns:
        if col.kind in ("year",) or (col.whole and col.name in frame):
            if col.name in frame and not frame[col.name].isna().any():
                frame[col.name] = frame[col.name].round().astype("int64")
    return LoadedTable(name, path, frame, result.notes)


def _within_table_checks(frame, spec, file, sheet) -> list[Problem]:
    problems = []
    if spec.name == "exchanges" and {"start_date", "end_date"} <= set(frame):
        bad = frame[frame.end_date < frame.start_date]
        for rec in bad.itertuples(index=False):
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=int(getattr(rec, ROW_COLUMN)),
                    column="结束日期",
                    value=str(rec.end_date.date()),
                    message_zh=f"结束日期早于开始日期（{rec.start_date.date()}）。",
                    message_en="End date before start date.",
                )
            )
    if spec.name == "talent_stock":
        problems += _categories_within_total(frame, file, sheet)
    return problems


def _categories_within_total(frame, file, sheet) -> list[Problem]:
    """Named categories of a scope-year may not add up to more than its stated total."""
    problems = []
    totals = frame[frame.category == TOTAL_CATEGORY].set_index(["scope_code", "year"])
    named = frame[frame.category != TOTAL_CATEGORY].groupby(["scope_code", "year"])["count"].sum()
    for (scope, year), total in totals["count"].items():
        parts = named.get((scope, year))
        if parts is not None and parts > total + 0.5:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    row=int(totals.loc[(scope, year), ROW_COLUMN]),
                    column="人数",
                    value=f"{total:g}",
                    message_zh=f"{scope} {int(year)} 年各类人才之和 {parts:g} 大于人才总量 {total:g}。",
                    message_en=f"Categories of {scope} {int(year)} sum to {parts:g}, above the total {total:g}.",
                )
            )
    return problems


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Problem], list[str]]:
    """Table files of a folder by table name; problems for ambiguous ones; notes for unknown."""
    found: dict[str, list[Path]] = {}
    notes = []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in SUFFIXES:
            continue
        name = table_name_of(path)
        if name in TABLES:
            found.setdefault(name, []).append(path)
        else:
            notes.append(f"{path.name}：文件名不是已知的表名，已忽略。")
    problems = []
    for name, paths in found.items():
        if len(paths) > 1:
            problems.append(
                Problem(
                    file=paths[0].name,
                    message_zh=f"表「{name}」有多个文件（{'、'.join(p.name for p in paths)}），请只保留一个。",
                    message_en=f"Several files for table {name}: keep one.",
                )
            )
    return {n: p[0] for n, p in found.items()}, problems, notes


def load_dataset(folder: Path) -> Dataset:
    """Load and validate every table of a data folder; one error listing all problems if any."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataValidationError(
            [
                Problem(
                    file=str(folder),
                    message_zh="数据文件夹不存在。",
                    message_en="Data folder not found.",
                )
            ]
        )
    files, problems, notes = find_table_files(folder)
    tables = {}
    for name, path in files.items():
        try:
            loaded = load_table(path, table=name)
        except DataValidationError as err:
            problems.extend(err.problems)
            continue
        tables[name] = loaded
        notes.extend(loaded.notes)
    if not problems:
        problems += cross_table_problems(tables)
    if problems:
        raise DataValidationError(problems)
    return Dataset(folder, tables, notes)


def cross_table_problems(tables: dict[str, LoadedTable]) -> list[Problem]:
    """Referential integrity and county-to-city reconciliation."""
    problems = []
    for name, loaded in tables.items():
        for column, target in TABLES[name].references.items():
            if target not in tables:
                problems.append(
                    Problem(
                        file=loaded.path.name,
                        column=column,
                        message_zh=f"引用的表「{target}」不存在，无法核对「{column}」。",
                        message_en=f"Table {target} is missing: cannot check {column}.",
                    )
                )
                continue
            known = set(tables[target].frame[column].dropna())
            bad = loaded.frame[~loaded.frame[column].isin(known)]
            header = TABLES[name].column(column).template_header
            for rec in bad.head(200).itertuples(index=False):
                problems.append(
                    Problem(
                        file=loaded.path.name,
                        row=int(getattr(rec, ROW_COLUMN)),
                        column=header,
                        value=getattr(rec, column),
                        message_zh=f"在 {tables[target].path.name} 中找不到这个编号。",
                        message_en=f"No such {column} in {tables[target].path.name}.",
                    )
                )
    for name, value in (
        ("talent_stock", "count"),
        ("population", "residents"),
        ("recruitment", "count"),
    ):
        if name in tables:
            problems += reconcile_counties(tables[name], value)
    return problems


def reconcile_counties(loaded: LoadedTable, value: str) -> list[Problem]:
    """Where the city and all its counties report the same cell, the counties must sum to the city."""
    frame = loaded.frame
    city = registry.city().code
    counties = [s.code for s in registry.current_scopes() if s.level == "county"]
    keys = [c for c in TABLES[loaded.name].key if c != "scope_code"]
    city_rows = frame[frame.scope_code == city].set_index(keys)
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
            label = "、".join(_show(k) for k in (key if isinstance(key, tuple) else (key,)))
            problems.append(
                Problem(
                    file=loaded.path.name,
                    row=int(city_rows.loc[key, ROW_COLUMN]),
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


def provenance_summary(frame: pd.DataFrame) -> dict[str, int]:
    """Rows per provenance kind (for reports' banners and `lps validate`)."""
    if "provenance" not in frame:
        return {}
    counts = frame["provenance"].value_counts()
    return {k: int(counts[k]) for k in PROVENANCE_KINDS if k in counts}


__all__ = [
    "Dataset",
    "LoadedTable",
    "load_dataset",
    "load_table",
    "provenance_summary",
    "schema_for",
    "RECONCILE_TOLERANCE",
]
