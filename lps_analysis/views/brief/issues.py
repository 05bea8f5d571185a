"""The brief's 问题与不足: shortfalls found in the figures by stated rules, never written by hand.

Each rule compares a figure of the scope with an official reference figure of the same period
(Guizhou province, or the peer prefecture 黔东南州 for talent density) and reports a shortfall
only when the scope's figure is below it. A rule whose figures are missing is listed as not
judged; a finding that rests on any illustrative figure is shown as a demonstration of the rule,
never as a fact (its numbers carry the * mark). The rules, in order:

1. ``total_growth``: the talent total grew less than the province's over the same years.
2. ``category_growth``: a named category (经营管理、专业技术、技能人才) grew less than the
   province's same category.
3. ``density``: talent per 10,000 residents below the peer prefecture's official figure.
4. ``county_growth`` (city brief): a county's average annual growth below the province's.

A rule claims "below" only from exact figures: a lower bound (≥) or an approximate figure may lie
on either side of the reference, so the rule is then listed as not judged. They are written down
in ``docs/assumptions_caveats.md`` (#42).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.registry import Scope
from lps_analysis.data.vocab import TOTAL_CATEGORY_ZH, category_name_zh
from lps_analysis.metrics import Metric
from lps_analysis.value import Value, derive, from_row

from .counties import CountyRow
from .numbers import Cite, show_metric

PROVINCE = "贵州省"
PEER = "黔东南州"
NAMED_CATEGORIES = ("management", "professional", "skilled")
RULES = {
    "total_growth": f"{TOTAL_CATEGORY_ZH}增幅低于全省同期增幅",
    "category_growth": "某类人才增幅低于全省同类人才同期增幅",
    "density": f"每万人拥有人才低于{PEER}官方公布数",
    "county_growth": f"县级单位{TOTAL_CATEGORY_ZH}年均增长率低于全省同期",
}


@dataclass(frozen=True)
class Issue:
    """One shortfall: the rule that found it, its sentence and every number in it."""

    rule: str
    text: str
    cites: tuple[Cite, ...]

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.cites)


@dataclass(frozen=True)
class Issues:
    """What the rules found, and the rules that could not be judged for want of figures."""

    found: tuple[Issue, ...]
    not_judged: tuple[str, ...]
    rules: tuple[str, ...] = ()  # the rules applied, in words


def _cite(source: str, v: Value, **style) -> Cite:
    return Cite(source, show_metric(v, **style), v)


def _metric_value(metrics: dict[str, Metric], metric_id: str) -> Value | None:
    m = metrics.get(metric_id)
    if m is None or m.value is None:
        return None
    return m.as_value()


def reference_value(
    benchmarks: pd.DataFrame | None, region: str, indicator: str, category: str, year: int
) -> Value | None:
    """One official reference figure (a row of `benchmarks`) as a value, or None."""
    if benchmarks is None or benchmarks.empty or year is None:
        return None
    rows = benchmarks[
        (benchmarks.region == region)
        & (benchmarks.indicator == indicator)
        & (benchmarks.category == category)
        & (benchmarks.year == year)
    ]
    if len(rows) != 1:
        return None
    row = rows.iloc[0]
    return from_row(
        row, "value", str(row["unit"]), table="benchmarks", default_provenance="official"
    )


def growth(start: Value | None, end: Value | None) -> Value | None:
    """Growth over the period, end ÷ start − 1 (a ratio), by the value rules; None if missing."""
    if start is None or end is None:
        return None
    out = derive(lambda a, b: b / a - 1 if a else float("nan"), start, end, unit="ratio")
    return None if out.value is None else out


def annual_growth(start: Value | None, end: Value | None, years: int) -> Value | None:
    """Average annual growth (CAGR) over `years` years; None if missing."""
    if start is None or end is None or years <= 0:
        return None
    out = derive(
        lambda a, b: (b / a) ** (1 / years) - 1 if a > 0 and b > 0 else float("nan"),
        start,
        end,
        unit="ratio",
    )
    return None if out.value is None else out


def _below(rule: str, subject: str, own: Cite, ref: Cite, ref_label: str, what: str) -> Issue:
    text = f"{subject}{what}为{own.text}，低于{ref_label}的{ref.text}"
    return Issue(rule, text + "。", (own, ref))


def _comparable(*values: Value | None) -> bool:
    """Whether "below" can be claimed: every figure present and exact (a lower bound or an
    approximate figure might lie on the other side of the reference)."""
    return all(v is not None and v.value is not None and v.bound == "exact" for v in values)


def _growth_rule(rule, subject, own_start, own_end, ref_start, ref_end, period, ref_name):
    own, ref = growth(own_start, own_end), growth(ref_start, ref_end)
    if not _comparable(own, ref):
        return None, True
    if own.value >= ref.value:
        return None, False
    return _below(
        rule,
        subject,
        _cite(f"rule:{rule}.own", own),
        _cite(f"rule:{rule}.reference", ref),
        ref_name,
        f"{period}年增幅",
    ), False


def find_issues(
    scope: Scope,
    metrics: dict[str, Metric],
    benchmarks: pd.DataFrame | None,
    *,
    start: int | None,
    end: int | None,
    counties: list[CountyRow] | None = None,
) -> Issues:
    """Apply the rules to one scope's figures (and, at city scope, its counties' rows)."""
    found: list[Issue] = []
    not_judged: list[str] = []
    period = f"{start}—{end}" if start and end else ""
    province = f"全省同期（{PROVINCE}）"

    def ref(indicator, category, year):
        return reference_value(benchmarks, PROVINCE, indicator, category, year)

    issue, lacking = _growth_rule(
        "total_growth",
        TOTAL_CATEGORY_ZH,
        _metric_value(metrics, f"talent.total.{start}"),
        _metric_value(metrics, f"talent.total.{end}"),
        ref("talent_stock", "all", start),
        ref("talent_stock", "all", end),
        period,
        province,
    )
    found += [issue] if issue else []
    not_judged += [RULES["total_growth"]] if lacking else []

    any_category = False
    for category in NAMED_CATEGORIES:
        issue, lacking = _growth_rule(
            "category_growth",
            category_name_zh(category),
            _metric_value(metrics, f"talent.{category}.{start}"),
            _metric_value(metrics, f"talent.{category}.{end}"),
            ref("talent_stock", category, start),
            ref("talent_stock", category, end),
            period,
            f"全省同类人才（{PROVINCE}）",
        )
        found += [issue] if issue else []
        any_category |= not lacking
    if not any_category:
        not_judged.append(RULES["category_growth"])

    density = _metric_value(metrics, f"talent.per_10k.{end}")
    peer = reference_value(benchmarks, PEER, "talent_per_10k_population", "all", end)
    if not _comparable(density, peer):
        not_judged.append(RULES["density"])
    elif density.value < peer.value:
        found.append(
            _below(
                "density",
                "",
                _cite("rule:density.own", density),
                _cite("rule:density.reference", peer),
                f"{PEER}官方公布数",
                f"{end}年每万人拥有人才",
            )
        )

    if counties is not None:
        found += _county_issues(
            counties,
            ref("talent_stock", "all", start),
            ref("talent_stock", "all", end),
            start,
            end,
            not_judged,
        )
    applied = [k for k in RULES if k != "county_growth" or counties is not None]
    return Issues(tuple(found), tuple(not_judged), tuple(RULES[k] for k in applied))


def _county_issues(rows, ref_start, ref_end, start, end, not_judged) -> list[Issue]:
    years = (end - start) if start and end else 0
    ref = annual_growth(ref_start, ref_end, years)
    cells = [(r.scope, r.cells[0]) for r in rows if r.scope.level == "county"]
    if not _comparable(ref) or not any(c is not None for _, c in cells):
        not_judged.append(RULES["county_growth"])
        return []
    ref_cite = _cite("rule:county_growth.reference", ref)
    below = [
        (s, c) for s, c in cells if c is not None and _comparable(c.value) and c.number < ref.value
    ]
    return [
        _below(
            "county_growth",
            s.name_zh,
            c,
            ref_cite,
            f"全省同期（{PROVINCE}）",
            f"{TOTAL_CATEGORY_ZH}年均增长率",
        )
        for s, c in below
    ]


MAX_SHOWN = 4  # the brief holds one page: further shortfalls are counted, not printed


def issues_markdown(result: Issues) -> str:
    """The 问题与不足 section's body (Markdown): findings (real ones first, at most
    :data:`MAX_SHOWN`), then what was not judged, then the rules."""
    lines = []
    ordered = sorted(result.found, key=lambda i: i.illustrative)
    for issue in ordered[:MAX_SHOWN]:
        demo = "（示例数据，仅演示规则，不反映实际）" if issue.illustrative else ""
        lines.append(f"- {demo}{issue.text}")
    if len(ordered) > MAX_SHOWN:
        rest = fmt.setting(len(ordered) - MAX_SHOWN, "条")
        lines.append(f"- 另有{rest}同类情况限于篇幅未列出，见后文各篇分析。")
    if not result.found:
        lines.append("- 按下述规则，现有数字中未发现低于参照的指标。")
    if result.not_judged:
        lines.append("- 缺少数字、暂不能判断：" + "；".join(result.not_judged) + "。")
    rules = "；".join(result.rules or RULES.values())
    lines.append("")
    lines.append(f"判断规则（程序按数字比较，不作主观评价）：{rules}。")
    return "\n".join(lines)
