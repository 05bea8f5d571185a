"""The sentences of the talent-structure report, every number through :mod:`lps_analysis.fmt`.

Each figure is read back from its frame as a :class:`~lps_analysis.value.Value` (with the
lineage its row carries), so its mark (≥, 约, *) comes from the value, never from here.
"""

from __future__ import annotations

import re

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.registry import Scope
from lps_analysis.data.vocab import TOTAL_CATEGORY, TOTAL_CATEGORY_ZH, category_name_zh
from lps_analysis.structure import cell_value
from lps_analysis.value import Value

NAMED = ("management", "professional", "skilled")
# Below this Duncan index the two years' structures are called stable.
STABLE_DISSIMILARITY = 0.05


def _row(frame: pd.DataFrame, category: str) -> pd.Series | None:
    sel = frame[frame.category == category]
    return None if sel.empty else sel.iloc[0]


def _signed_persons(v: Value) -> str:
    """'增加1.2万人' or '减少0.3万人' (a decrease shown as its size)."""
    if v.value is None:
        return "变化" + fmt.show(v)
    size = v if v.value >= 0 else v * -1
    return ("增加" if v.value >= 0 else "减少") + fmt.show(size, style="wan")


def narrative(
    change: pd.DataFrame, scope: Scope, start: int, end: int, dissimilarity: Value
) -> str:
    """Two or three Chinese sentences on the change, every number computed (Markdown)."""
    total = _row(change, TOTAL_CATEGORY)
    growth = None if total is None else cell_value(total, "change_ratio", "ratio")
    if growth is None or growth.is_missing:
        return f"{scope.name_zh}{start}年和{end}年的{TOTAL_CATEGORY_ZH}不全，无法计算总量变化。"
    start_total = cell_value(total, "start_count", "persons", prefix="start_")
    end_total = cell_value(total, "end_count", "persons", prefix="end_")
    cagr = cell_value(total, "cagr", "ratio")
    parts = [
        f"{scope.name_zh}{TOTAL_CATEGORY_ZH}由{start}年的{fmt.show(start_total, style='wan')}"
        f"增长到{end}年的{fmt.show(end_total, style='wan')}，"
        f"增长{fmt.show(growth, style='pct', digits=2)}，"
        f"年均增长{fmt.show(cagr, style='pct', digits=2)}。"
    ]
    named = change[change.category.isin(NAMED)].dropna(subset=["share_change_pp"])
    if not named.empty:
        up = named.loc[named.share_change_pp.idxmax()]
        down = named.loc[named.share_change_pp.idxmin()]
        lowest = "占比下降" if down.share_change_pp < 0 else "占比上升最少"
        parts.append(
            f"结构上，{category_name_zh(up.category)}占比上升最多（{_pp(up)}），"
            f"{category_name_zh(down.category)}{lowest}（{_pp(down)}）。"
        )
    if not dissimilarity.is_missing:
        verdict = (
            "结构总体稳定。" if dissimilarity.value < STABLE_DISSIMILARITY else "结构变化明显。"
        )
        parts.append(
            f"两年结构的相异指数为{fmt.show(dissimilarity, digits=4)}"
            f"（{fmt.setting(0)} 表示结构完全相同），{verdict}"
        )
    return "".join(parts)


def _pp(row: pd.Series) -> str:
    return fmt.show(cell_value(row, "share_change_pp", "pp", prefix="share_"), style="pp")


def shift_share_sentence(shift: pd.DataFrame, scope: Scope) -> str:
    """What the shift-share decomposition says, in one Chinese sentence (Markdown)."""
    total = _row(shift, TOTAL_CATEGORY)
    actual = None if total is None else cell_value(total, "actual_change", "persons")
    if actual is None or actual.is_missing:
        return f"{scope.name_zh}缺少计算偏离—份额分解所需的数据。"
    reference = cell_value(total, "reference_total_growth", "ratio", prefix="reference_")
    component = {
        part: cell_value(total, f"{part}_component", "persons")
        for part in ("reference", "mix", "local")
    }
    verdict = "快于" if component["local"].value > 0 else "慢于"
    return (
        f"若按贵州全省同期人才增速（{fmt.show(reference, style='pct', digits=2)}）增长，"
        f"{scope.name_zh}人才应{_signed_persons(component['reference'])}；"
        f"人才类别构成的差异使之{_signed_persons(component['mix'])}，"
        f"本地因素使之{_signed_persons(component['local'])}，"
        f"即扣除结构因素后，本地增长{verdict}全省同类人才的平均水平。"
    )


RELIABILITY_NOTE = {
    "secondary": "二手来源，非统计部门原发",
    "reposted": "转载",
}


def density_sentence(density: pd.DataFrame, scope: Scope, *, population_known: bool) -> str:
    """Residents and talents per 10,000 residents in the latest year with both (Markdown).

    Without a figure, says which one is lacking: the population (never estimated) or the
    talent total.
    """
    if density.empty and not population_known:
        return (
            f"{scope.name_zh}没有官方常住人口数据，未计算每万人人才数"
            "（不作估算；待报送常住人口数据后计算）。"
        )
    if density.empty:
        return f"{scope.name_zh}缺少有常住人口数据年份的{TOTAL_CATEGORY_ZH}，未计算每万人人才数。"
    latest = density.iloc[-1]
    cited = "，".join(
        part
        for part in (_inert(latest.title), RELIABILITY_NOTE.get(latest.reliability, ""))
        if part
    )
    return (
        f"{int(latest.year)}年{scope.name_zh}常住人口{fmt.show(latest.residents, style='count')}"
        + (f"（{cited}）" if cited else "")
        + f"，每万人拥有人才{fmt.show(latest.per_10k, digits=0)}。"
    )


def _inert(text: str, limit: int = 60) -> str:
    """A source title as plain text: no Markdown or HTML syntax can pass from a data file into
    the report, and no overlong text."""
    return _MARKUP.sub("", text)[:limit]


_MARKUP = re.compile(r"[<>\[\]*_`#|\\!&]")
_TOWNSHIP_TRANSFER = "乡镇"  # the registry's notes name a township transfer with this word
_YEAR = re.compile(r"(\d{4})年")


def boundary_change_year(scope: Scope) -> int | None:
    """The year a scope's area changed by a township transfer, per the scope registry's notes
    (钟山区 and 水城区: 2020); None when the registry notes none."""
    if _TOWNSHIP_TRANSFER not in scope.notes:
        return None
    found = _YEAR.search(scope.notes)
    return int(found.group(1)) if found else None


def boundary_note(scopes: list[Scope], start: int, end: int) -> str | None:
    """A caveat wherever scopes whose area changed between `start` and `end` are compared.

    钟山区 gained townships from 水城 in July 2020: figures before then cover a different area,
    so part of a 2015→2020 change is the boundary, not talent (the registry notes it).
    """
    changed = [(s, boundary_change_year(s)) for s in scopes]
    changed = [(s, y) for s, y in changed if y is not None and start < y <= end]
    if not changed:
        return None
    names = "、".join(s.name_zh for s, _ in changed)
    year = min(y for _, y in changed)
    return (
        f"区划说明：{year}年部分乡镇由水城划归钟山区，{names}{year}年以前的数据与"
        f"{end}年覆盖的地域不同；{start}—{end}年的变化包含区划调整的影响，不全是人才本身的增减。"
    )
