"""The tables of notebook 03: every cell printed by `fmt` from a Value, so each carries its own mark.

Each table records in ``frame.attrs["illustrative"]`` whether any of its cells is an example;
:func:`table_note` then adds the note that explains ``*`` — only under such a table.
"""

from __future__ import annotations

import pandas as pd

from lps_analysis import fmt
from lps_analysis import platforms as pf
from lps_analysis.data.tables import PLATFORM_LEVELS
from lps_analysis.textsafe import md_text
from lps_analysis.value import Value
from lps_analysis.views.platforms import figures as fig
from lps_analysis.views.platforms.build import TOP_FRACTION, PlatformView

# Rates of a platform with less than this exposure (platform-years) are shown but flagged.
MIN_EXPOSURE_FOR_RATE = 1.0
OUTPUT_NAMES = {
    "projects_approved": "获批项目",
    "funding_10k_yuan": "立项经费",
    "patents_applied": "专利申请",
    "patents_granted": "授权专利",
    "talents_hosted": "集聚人才",
}
OUTPUT_UNITS = {"projects_approved": "个", "funding_10k_yuan": "万元", "patents_granted": "件"}


class _Cells:
    """Prints cells through fmt and remembers whether any was illustrative."""

    def __init__(self):
        self.illustrative = False

    def __call__(self, value: Value, **kwargs) -> str:
        self.illustrative |= value.illustrative
        return fmt.show(value, **kwargs)

    def frame(self, rows: list[dict], index: str | list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(rows).set_index(index) if rows else pd.DataFrame()
        frame.attrs["illustrative"] = self.illustrative
        return frame


def table_note(table: pd.DataFrame, *notes: str) -> str:
    """The notes under a table: the given ones, and the ``*`` note if a cell is illustrative."""
    parts = [n for n in notes if n]
    if table.attrs.get("illustrative"):
        parts.append(fmt.ILLUSTRATIVE_NOTE)
    return fmt.markdown("".join(parts))


def _level_zh(level: str) -> str:
    return PLATFORM_LEVELS.get(level, level)


def platform_table(view: PlatformView) -> pd.DataFrame:
    """Platforms by level and type (counts; marks of the whole listing)."""
    cell = _Cells()
    by_type = view.by_type.sort_values(
        ["level", "count"], key=lambda s: s.map(pf.level_sort_key) if s.name == "level" else -s
    )
    rows = [
        {
            "级别": _level_zh(rec.level),
            "类型": rec.type,
            "平台数": cell(pf.value_of(rec, "count", "platforms", table="platforms"), style="bare"),
        }
        for _, rec in by_type.iterrows()
    ]
    return cell.frame(rows, ["级别", "类型"])


def per_platform_note() -> str:
    return (
        "平台年：平台在有产出记录的年份中处于认定状态的时间（认定当年按认定日至年末的天数折算）。"
        f"“†”表示平台年不足{fmt.setting(MIN_EXPOSURE_FOR_RATE)}，比率不稳定"
        "（认定当年的产出可能包含认定前的工作）；“—”表示尚无平台年或没有产出记录。"
    )


def _rate_cell(cell: _Cells, rec, column: str, flag: str) -> str:
    value = pf.value_of(rec, column, "", table="platform_outputs")
    return cell(value, style="bare", digits=2) + ("" if value.is_missing else flag)


def per_platform_table(view: PlatformView) -> pd.DataFrame:
    """Each platform's outputs in total and per platform-year."""
    cell = _Cells()
    rows = []
    for _, rec in view.per_platform.iterrows():
        flag = "" if rec.exposure_years >= MIN_EXPOSURE_FOR_RATE else "†"
        rows.append(
            {
                "平台": pf.platform_label(rec.name_zh, rec.platform_provenance),
                "级别": _level_zh(rec.level),
                "认定时间": f"{rec.established.year}年{rec.established.month}月",
                "平台年": cell(
                    pf.value_of(rec, "exposure_years", "", table="platform_outputs"),
                    style="bare",
                    digits=2,
                ),
                **{
                    f"{OUTPUT_NAMES[c]}（{u}）": cell(
                        pf.value_of(rec, c, "", table="platform_outputs"), style="bare", digits=0
                    )
                    for c, u in OUTPUT_UNITS.items()
                },
                "每平台年项目": _rate_cell(cell, rec, "projects_approved_per_platform_year", flag),
                "每平台年授权专利": _rate_cell(
                    cell, rec, "patents_granted_per_platform_year", flag
                ),
            }
        )
    return cell.frame(rows, "平台")


def concentration_table(view: PlatformView) -> pd.DataFrame:
    """HHI, Gini and the top share of each output across platforms."""
    cell = _Cells()
    top = f"前{fmt.setting(TOP_FRACTION * 100, '%')}平台占比"
    rows = []
    for _, rec in view.concentration.iterrows():

        def v(column, unit="index", rec=rec):
            return pf.value_of(rec, column, unit, table="platform_outputs")

        rows.append(
            {
                "产出": OUTPUT_NAMES.get(rec.output, rec.output),
                "平台数": cell(v("platforms"), style="bare"),
                "合计": cell(v("total"), style="bare", digits=0),
                top: cell(v("top_share", "ratio"), digits=1),
                "基尼系数": cell(v("gini"), digits=3),
                "赫芬达尔—赫希曼指数": cell(v("hhi"), digits=3),
            }
        )
    return cell.frame(rows, "产出")


def compare_table(compare: pd.DataFrame) -> pd.DataFrame:
    """The county comparison; '—' where a figure is missing (e.g. no population)."""
    cell = _Cells()
    columns = {
        "国家级": ("national", 0),
        "省级": ("provincial", 0),
        "获批项目（个）": ("projects_approved", 0),
        "立项经费（万元）": ("funding_10k_yuan", 0),
        "授权专利（件）": ("patents_granted", 0),
        "每平台年授权专利": ("patents_per_platform_year", 2),
        "每万人授权专利": ("patents_per_10k", 2),
    }
    rows = [
        {
            "县级单位": rec.name_zh,
            **{
                label: cell(rec[col], style="bare", digits=digits)
                for label, (col, digits) in columns.items()
            },
        }
        for _, rec in compare.iterrows()
    ]
    return cell.frame(rows, "县级单位")


def compare_note(view: PlatformView) -> str:
    """What the per-10k column means, which counties lack it, and platforms in no county."""
    compare = view.compare
    text = "每万人授权专利为平台当年授权量（流量）除以常住人口"
    if view.years:
        text += f"（{view.years[-1]}年）"
    missing = [
        r.name_zh for _, r in compare.iterrows() if r.patents_per_10k.missing == ("population",)
    ]
    if missing:
        text += f"；{'、'.join(missing)}没有官方常住人口数据，不作估算，记为“—”"
    text += "。"
    if view.city_level is not None and len(view.city_level):
        text += (
            f"{'、'.join(map(pf.platform_label, map(md_text, view.city_level.name_zh), view.city_level.provenance))}列为市级平台（原文未说明所在县区），"
            "不计入任何县区。"
        )
    return text


def _fact_row(view: PlatformView, metric_id: str, value: Value, cell: _Cells) -> dict:
    fact = fig.fact_quote(view.facts, metric_id)
    if fact is not None:
        said = f"{fmt.quote(fact.quote, fact.fact_id)}（{fact.fact_id}）"
    else:
        said = f"由{'、'.join(value.sources)}计算"
    digits = 2 if metric_id.endswith("per_project_10k_yuan") or value.unit == "ratio" else None
    shown = value.with_unit("万元") if metric_id.endswith("per_project_10k_yuan") else value
    return {"指标": fig.LABELS[metric_id], "原文数字": cell(shown, digits=digits), "原文表述": said}


def article_table(view: PlatformView) -> pd.DataFrame:
    """The article's platform figures (city) and the named platforms located in the scope."""
    cell = _Cells()
    rows = []
    if view.scope.level == "city" and view.counts["platforms.national"].provenance == "article":
        rows += [_fact_row(view, m, v, cell) for m, v in view.counts.items()]
    for rec in view.named.itertuples(index=False):
        city_level = view.scope.level == "city" and rec.fact_scope == view.scope.code
        rows.append(
            {
                "指标": rec.name_zh,
                "原文数字": f"{rec.article_date.year}年{rec.article_date.month}月认定"
                + ("（原文未说明所在县区：列为市级平台，不计入任何县区）" if city_level else ""),
                "原文表述": f"{fmt.quote(rec.quote, rec.fact_id)}（{rec.fact_id}）",
            }
        )
    return cell.frame(rows, "指标")


def introduced_table(view: PlatformView) -> pd.DataFrame:
    """引进人才成果（原文） and the article's city-wide patent figures: what the article says,
    attributed as it attributes them (empty outside the city report)."""
    cell = _Cells()
    figures = {**view.introduced, **view.city_patents}
    rows = [_fact_row(view, m, v, cell) for m, v in figures.items() if not v.is_missing]
    return cell.frame(rows, "指标")
