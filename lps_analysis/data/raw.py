"""The cells of one sheet (or CSV file) before interpretation, and the file-level error."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lps_analysis.errors import DataValidationError, Problem


@dataclass
class RawTable:
    """Cells of one file or sheet before interpretation."""

    file: str  # file name as shown to the analyst
    sheet: str | None
    rows: list[list[object]]  # rows with content, header area included (text files: strings)
    row_numbers: list[int]  # the row number Excel shows for each entry of `rows`
    frame: pd.DataFrame | None = None  # Parquet: already tabular, typed
    encoding: str | None = None
    hidden: bool = False  # a hidden worksheet: never read without saying so
    notes: list[str] = field(default_factory=list)


def file_problem(path: Path, zh: str, en: str, **kw) -> DataValidationError:
    """A problem with the file as a whole (or one place in it), as an error to raise."""
    return DataValidationError([Problem(file=Path(path).name, message_zh=zh, message_en=en, **kw)])


class ProblemCollector:
    """Problems and notes found while interpreting one RawTable, and the cells they name."""

    def __init__(self, raw: RawTable):
        self.raw = raw
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.bad_cells: set[tuple[int, str]] = set()
        self.bad_columns: set[str] = set()

    def add(self, zh: str, en: str, *, row=None, column=None, value=None):
        self.problems.append(
            Problem(
                file=self.raw.file,
                sheet=self.raw.sheet,
                row=None if row is None else int(row),
                column=column,
                value=value,
                message_zh=zh,
                message_en=en,
            )
        )
        if row is not None and column is not None:
            self.bad_cells.add((int(row), column))
        elif column is not None:
            self.bad_columns.add(column)
