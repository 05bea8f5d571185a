"""Validated tables: the only way data reach the analyses.

`load_table` reads, normalises and checks one file (every worksheet that holds the table);
`load_dataset` does every table of a data folder plus the checks across tables (referential
integrity, counties summing to the city). Every check runs whatever the others found, so both
raise one `DataValidationError` listing every problem; nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lps_analysis.data.discover import find_table_files, table_from_headers, table_from_name
from lps_analysis.data.normalise import ROW_COLUMN, locate_header, normalise
from lps_analysis.data.raw import RawTable
from lps_analysis.data.readers import read_tables
from lps_analysis.data.row_checks import SHEET_COLUMN
from lps_analysis.data.schema import duplicate_problems, schema_for, schema_problems
from lps_analysis.data.snapshot import read_snapshot
from lps_analysis.data.table_checks import (
    RECONCILE_TOLERANCE,
    cross_table_problems,
    reconcile_counties,
    within_table_checks,
)
from lps_analysis.data.tables import TABLES, TableSpec
from lps_analysis.data.vocab import PROVENANCE_KINDS
from lps_analysis.errors import DataValidationError, Problem

BOOKKEEPING = [ROW_COLUMN, SHEET_COLUMN]


@dataclass
class LoadedTable:
    """One validated table."""

    name: str
    path: Path
    frame: pd.DataFrame  # canonical columns, typed; bookkeeping columns keep the analyst's rows
    notes: list[str] = field(default_factory=list)
    flawed: np.ndarray | None = None  # rows a problem was reported in (a table that failed)

    @property
    def data(self) -> pd.DataFrame:
        """The table without bookkeeping columns."""
        return self.frame.drop(columns=[c for c in BOOKKEEPING if c in self.frame])

    @property
    def clean(self) -> pd.DataFrame:
        """The rows no problem was reported in."""
        return self.frame if self.flawed is None else self.frame[~self.flawed]


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


def _sheets_holding(raws: list[RawTable], spec: TableSpec, path: Path):
    """The sheets to read, each with its header; notes on the others; a problem when the table
    is only in hidden sheets."""
    if len(raws) == 1 and (raws[0].sheet is None or not raws[0].hidden):
        return [(raws[0], None)], [], []
    holding = [(raw, locate_header(raw.rows, spec)) for raw in raws]
    visible = [(r, f) for r, f in holding if f is not None and not r.hidden]
    hidden = [r.sheet for r, f in holding if f is not None and r.hidden]
    notes = [
        f"{path.name}：工作表「{r.sheet}」中没有本表的表头，未读取。"
        for r, f in holding
        if f is None and not r.hidden and r.rows
    ]
    if visible:
        if hidden:
            notes.append(
                f"{path.name}：隐藏的工作表「{'」「'.join(hidden)}」也有本表的表头，未读取"
                "（如需使用，请在 Excel 中取消隐藏）。"
            )
        return visible, notes, []
    if hidden:
        problem = Problem(
            file=path.name,
            message_zh=f"本表只在隐藏的工作表「{'」「'.join(hidden)}」中：隐藏的表可能是旧数据，"
            "请在 Excel 中取消隐藏（或删除）后再检查。",
            message_en=f"The table is only in hidden sheets ({', '.join(hidden)}): unhide or delete them.",
        )
        return [], notes, [problem]
    shown = [r for r in raws if not r.hidden]
    if not shown:
        problem = Problem(
            file=path.name, message_zh="工作簿中没有数据工作表。", message_en="No data sheet."
        )
        return [], notes, [problem]
    return [(r, None) for r in shown], [], []  # normalise names the missing header per sheet


def _flawed_rows(frame: pd.DataFrame, problems: list[Problem]) -> np.ndarray | None:
    rows = {(p.sheet, p.row) for p in problems if p.row is not None}
    if not rows:
        return None
    if SHEET_COLUMN in frame:
        keys = zip(frame[SHEET_COLUMN], frame[ROW_COLUMN], strict=True)
        return np.fromiter((k in rows for k in keys), bool, len(frame))
    return frame[ROW_COLUMN].isin({r for _, r in rows}).to_numpy()


def _as_integers(frame: pd.DataFrame, spec: TableSpec) -> None:
    for col in spec.columns:
        if col.name in frame and (col.kind == "year" or col.whole):
            if not frame[col.name].isna().any():
                frame[col.name] = frame[col.name].round().astype("int64")


def check_table(path: Path, name: str, *, sheet=None, raws=None):
    """Every problem of one table file, and the table (None when nothing could be read)."""
    spec = TABLES[name]
    try:
        raws = raws if raws is not None else read_tables(path, sheet=sheet)
    except DataValidationError as err:
        return None, err.problems
    chosen, notes, problems = _sheets_holding(raws, spec, Path(path))
    notes = notes + [n for raw in raws for n in raw.notes]
    parts = []
    for raw, found in chosen:
        result = normalise(raw, spec, found)
        problems += result.problems
        notes += result.notes
        if len(result.frame.columns):
            part = result.frame
            if len(chosen) > 1:
                part[SHEET_COLUMN] = raw.sheet
            parts.append(part)
    if not parts:
        return None, problems
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    file, first_sheet = Path(path).name, chosen[0][0].sheet
    flawed = _flawed_rows(frame, problems)
    clean = frame if flawed is None else frame[~flawed]
    problems += duplicate_problems(frame, spec, file, first_sheet)
    if all(c.name in frame for c in spec.columns if c.required):
        problems += schema_problems(clean, spec, file, first_sheet)
        problems += within_table_checks(clean, spec, file, first_sheet)
    if not problems:
        _as_integers(frame, spec)
    loaded = LoadedTable(name, Path(path), frame, notes, _flawed_rows(frame, problems))
    return loaded, problems


def _unknown_table(path: Path) -> DataValidationError:
    return DataValidationError(
        [
            Problem(
                file=path.name,
                message_zh=f"无法从文件名或表头识别表格（文件名应含表名：{'、'.join(TABLES)}，"
                "或表头应为模板的列名）。",
                message_en=f"Unknown table: name the file after a table ({', '.join(TABLES)}) "
                "or use the template's headers.",
            )
        ]
    )


def load_table(path: Path, *, table: str | None = None, sheet: str | None = None) -> LoadedTable:
    """Read, normalise and validate one table file; raise `DataValidationError` with every problem."""
    path = Path(path)
    name, raws, notes = table or table_from_name(path), None, []
    if name is None:
        raws = read_tables(path, sheet=sheet)
        name = table_from_headers(raws)
        if name is None:
            raise _unknown_table(path)
        notes.append(
            f"{path.name}：文件名不是表名，按表头识别为「{name}」（{TABLES[name].title_zh}）。"
        )
    loaded, problems = check_table(path, name, sheet=sheet, raws=raws)
    if problems:
        raise DataValidationError(problems)
    loaded.notes[:0] = notes
    return loaded


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
    checked = read_snapshot(folder)  # checked once by `lps run` for this very folder
    if checked is not None:
        return checked
    files, preread, problems, notes = find_table_files(folder)
    tables, failed = {}, set()
    for name, path in files.items():
        loaded, found = check_table(path, name, raws=preread.get(path))
        problems += found
        if loaded is None:
            failed.add(name)
            continue
        tables[name] = loaded
        notes.extend(loaded.notes)
    problems += cross_table_problems(tables, failed)
    if problems:
        raise DataValidationError(problems)
    return Dataset(folder, tables, notes)


def provenance_summary(frame: pd.DataFrame) -> dict[str, int]:
    """Rows per provenance kind (for reports' banners and `lps validate`)."""
    if "provenance" not in frame:
        return {}
    counts = frame["provenance"].value_counts()
    return {k: int(counts[k]) for k in PROVENANCE_KINDS if k in counts}


__all__ = [
    "Dataset",
    "LoadedTable",
    "check_table",
    "load_dataset",
    "load_table",
    "provenance_summary",
    "reconcile_counties",
    "schema_for",
    "RECONCILE_TOLERANCE",
]
