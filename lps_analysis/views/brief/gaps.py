"""A county brief's 数据待补充: for each figure the county cannot yet stand behind, the table and
fields it must supply.

Derived from the metrics the analyses recorded, never from a hand list: a metric recorded as
missing names the input tables that would supply it (its ``missing``); a metric computed from
illustrative rows rests on example data that real figures must replace (the tables named in its
``sources``, else the table its family is computed from). The fields are the required columns of
each table as the Excel templates head them (:data:`lps_analysis.data.tables.TABLES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from lps_analysis.data.tables import TABLES
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH
from lps_analysis.metrics import Metric

from .numbers import ANALYSES, TABLE_NAMES, styled

# The table a metric family is computed from, when its sources do not name one.
FAMILY_TABLE = {
    "talent": "talent_stock",
    "exchange": "exchanges",
    "platforms": "platforms",
    "platform_outputs": "platform_outputs",
    "introduced_talent": "platform_outputs",
    "innovation": "platform_outputs",
}
# Words for the figures a table feeds (the start of a metric id → what a reader calls it).
FIGURE_WORDS = (
    ("talent.per_10k", "每万人拥有人才"),
    ("talent.total", f"{TOTAL_CATEGORY_ZH}及增长"),
    ("talent.share", "各类人才占比"),
    ("talent.shift_share", "偏离—份额分解"),
    ("talent", "分类别人才数"),
    ("exchange.att", "协作效果估计"),
    ("exchange", "东西部协作交流人数"),
    ("platforms", "人才平台数"),
    ("platform_outputs", "平台产出"),
)
MISSING_STATUS = "缺失，相关数字暂无"
EXAMPLE_STATUS = "现为示例数据，须以真实数据替换"


@dataclass(frozen=True)
class Gap:
    """One table a county must supply: its fields, the figures it feeds, and why."""

    table: str
    fields: tuple[str, ...]
    figures: tuple[str, ...]
    status: str


def required_fields(table: str) -> tuple[str, ...]:
    """The required columns of an input table, by their template headers."""
    spec = TABLES.get(table)
    if spec is None:
        return ()
    return tuple(c.template_header for c in spec.columns if c.required and c.name != "provenance")


def figure_words(metric_id: str) -> str:
    for prefix, words in FIGURE_WORDS:
        if metric_id == prefix or metric_id.startswith(prefix + "."):
            year = re.search(r"\.(\d{4})$", metric_id)
            return words + (f"（{year.group(1)}年）" if year and prefix == "talent.per_10k" else "")
    return ANALYSES.get(metric_id.split(".")[0], metric_id)


def _tables_of(metric: Metric) -> list[str]:
    named = [s for s in metric.sources if s in TABLES]
    return named or [FAMILY_TABLE.get(metric.id.split(".")[0], "")]


def data_gaps(metrics: dict[str, Metric]) -> list[Gap]:
    """Missing tables first, then tables holding example data; each table once, in id order."""
    missing: dict[str, list[str]] = {}
    example: dict[str, list[str]] = {}
    for metric_id in sorted(metrics):
        m = metrics[metric_id]
        if m.value is None:
            for table in m.missing:
                if table in TABLES:
                    missing.setdefault(table, []).append(figure_words(metric_id))
        elif m.provenance == "illustrative":
            for table in _tables_of(m):
                if table in TABLES:
                    example.setdefault(table, []).append(figure_words(metric_id))
    out = [
        Gap(t, required_fields(t), tuple(dict.fromkeys(f)), MISSING_STATUS)
        for t, f in missing.items()
    ]
    out += [
        Gap(t, required_fields(t), tuple(dict.fromkeys(f)), EXAMPLE_STATUS)
        for t, f in example.items()
        if t not in missing
    ]
    return out


def gaps_frame(gaps: list[Gap]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "需报送的表": [TABLE_NAMES.get(g.table, g.table) for g in gaps],
            "需填写的字段": ["、".join(g.fields) for g in gaps],
            "用于": ["、".join(g.figures) for g in gaps],
            "现状": [g.status for g in gaps],
        },
        columns=["需报送的表", "需填写的字段", "用于", "现状"],
    )


def gaps_table(gaps: list[Gap]):
    """The 数据待补充 list as the report shows it."""
    return styled(gaps_frame(gaps), uuid="brief_gaps", widths=(24, 36, 22, 18))


def gaps_sentence(gaps: list[Gap], scope_name: str, not_run: tuple[str, ...] = ()) -> str:
    """What the county must still supply. Only what the analyses recorded is known: an analysis
    with no results yet says nothing about its tables, so they are never called complete."""
    if not_run:
        pending = (
            f"{'、'.join(not_run)}尚无结果，其所需数据是否齐全尚不能判断（请先运行 lps run）。"
        )
    else:
        pending = ""
    if gaps:
        return f"{scope_name}按统一的 Excel 模板报送下表所列数据、经校验无误后，相关数字即可用于决策。{pending}"
    if not pending:
        return f"{scope_name}各项数字均已有真实数据，无待补充的表。"
    if len(not_run) < len(set(ANALYSES.values())):
        return f"{scope_name}已有结果的分析无待补充的表；{pending}"
    return f"{scope_name}{pending}"
