"""Which table each file of a data folder holds: from its name, else from its headers.

County staff name files their own way (`钟山区人才资源总量 最终版.xlsx`): a file whose name is
not a table id is recognised by a table id or Chinese title inside its name, then by its header
row. A file that is neither is a problem, never skipped: a folder that passes has had every
table file checked.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from lps_analysis.data.normalise import locate_header, match_header
from lps_analysis.data.raw import RawTable
from lps_analysis.data.readers import OLD_SUFFIXES, SUFFIXES, read_tables, table_name_of
from lps_analysis.data.tables import TABLES, TableSpec
from lps_analysis.errors import DataValidationError, Problem

# The project's own reference files that are not input tables; `lps validate` leaves them to
# their own tests.
OTHER_FILES = ("benchmarks", "facts")
MIN_HEADER_SHARE = 0.5  # of a table's required columns a header must name to identify it


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-（）()]+", "", text)


def _title_words(spec: TableSpec) -> tuple[str, ...]:
    core = re.sub(r"（.*?）|\(.*?\)", "", spec.title_zh)
    return (_plain(spec.name), _plain(core))


def table_from_name(path: Path) -> str | None:
    """The table a file name says it holds: its table id, or an id or Chinese title within it."""
    stem = table_name_of(path)
    if stem in TABLES:
        return stem
    text = _plain(Path(path).name.split(".")[0])
    hits = {}
    for name, spec in TABLES.items():
        for word in _title_words(spec):
            if word and word in text:
                hits[name] = max(hits.get(name, 0), len(word))
    if not hits:
        return None
    longest = max(hits.values())
    names = [n for n, length in hits.items() if length == longest]
    return names[0] if len(names) == 1 else None


def _header_score(raw: RawTable, spec: TableSpec) -> tuple[float, int]:
    if raw.frame is not None:
        matched = match_header(list(raw.frame.columns), spec)
    else:
        found = locate_header(raw.rows, spec)
        matched = found[1] if found else {}
    names = {col.name for col, _ in matched.values()}
    required = [c.name for c in spec.columns if c.required]
    return sum(n in names for n in required) / len(required), len(names)


def table_from_headers(raws: list[RawTable]) -> str | None:
    """The one table whose columns a visible sheet's header names best (at least half of its
    required columns); None when no table or several tie."""
    best, names = (0.0, 0), []
    for raw in raws:
        if raw.hidden:
            continue
        for name, spec in TABLES.items():
            score = _header_score(raw, spec)
            if score > best:
                best, names = score, [name]
            elif score == best and name not in names:
                names.append(name)
    if best[0] < MIN_HEADER_SHARE or len(names) != 1:
        return None
    return names[0]


def _unknown(path: Path) -> Problem:
    examples = "、".join(f"{n}（{s.title_zh}）" for n, s in list(TABLES.items())[1:4])
    return Problem(
        file=path.name,
        message_zh=(
            "无法识别这是哪张表：文件名中没有表名或表的中文名称（如 "
            f"{examples}），表头也不对应任何一张表。请按模板命名文件或使用模板的表头。"
        ),
        message_en="Unknown table: neither the file name nor the header row names a table.",
    )


def find_table_files(folder: Path):
    """Table files of a folder by table name, the sheets already read for files recognised by
    their headers, the problems (unknown or repeated tables, unreadable files) and notes."""
    found: dict[str, list[Path]] = {}
    preread: dict[Path, list[RawTable]] = {}
    problems, notes = [], []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in (*SUFFIXES, *OLD_SUFFIXES):
            continue
        name = table_from_name(path)
        if name is None and table_name_of(path) in OTHER_FILES:
            notes.append(f"{path.name}：项目参考文件，不是输入表，未检查。")
            continue
        if name is None:
            try:
                preread[path] = read_tables(path)
            except DataValidationError as err:
                problems += err.problems
                continue
            name = table_from_headers(preread[path])
            if name is None:
                problems.append(_unknown(path))
                continue
            notes.append(
                f"{path.name}：文件名不是表名，按表头识别为「{name}」（{TABLES[name].title_zh}）。"
            )
        elif table_name_of(path) != name:
            notes.append(f"{path.name}：按文件名识别为「{name}」（{TABLES[name].title_zh}）。")
        found.setdefault(name, []).append(path)
    for name, paths in found.items():
        if len(paths) > 1:
            problems.append(
                Problem(
                    file=paths[0].name,
                    message_zh=f"表「{name}」有多个文件（{'、'.join(p.name for p in paths)}），请只保留一个。",
                    message_en=f"Several files for table {name}: keep one.",
                )
            )
    if not found and not problems:
        problems.append(
            Problem(
                file=str(folder),
                message_zh="文件夹中没有任何数据表文件（.csv、.xlsx 或 .parquet）。",
                message_en="The folder holds no table file (.csv, .xlsx or .parquet).",
            )
        )
    tables = {n: p[0] for n, p in found.items()}
    return tables, {p: preread[p] for p in tables.values() if p in preread}, problems, notes
