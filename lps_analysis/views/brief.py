"""What notebook 00 (the leadership brief) shows: key figures, the 七个并重, the county comparison.

The brief computes nothing new. Every number it prints is either a metric that another notebook
recorded (`reports/<slug>/.metrics/*.json`, merged into `metrics.json`) or a row of the article's
fact base, formatted once here. Each number is kept as a :class:`Cite` beside the text that shows
it, so a test can check every figure of the brief against `metrics.json` and `facts.csv`.

The only file reading is :func:`read_metrics` / :func:`read_county_metrics`: the brief's inputs are
the JSON files the pipeline writes, and a notebook holds no loops.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from lps_analysis import fmt, paths
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.vocab import category_name_zh
from lps_analysis.exchange import FIELD_INDICATORS, PRETREND_MIN_POWERED
from lps_analysis.metrics import Metric

MISSING = "暂无数据"
ILLUSTRATIVE_TAG = "（示例）"
NAMED_CATEGORIES = ("management", "professional", "skilled")
REPORTED_CATEGORIES = (*NAMED_CATEGORIES, "unspecified")
# Below this the two years' structures are called stable (the threshold notebook 01 uses).
STABLE_DISSIMILARITY = 0.05
PRETREND_ALPHA = 0.05

# Which analysis records the metrics of each id family (for "暂无数据" notes).
ANALYSES = {
    "talent": "人才结构分析（01）",
    "exchange": "东西部协作分析（02）",
    "platforms": "平台产出分析（03）",
    "outputs": "平台产出分析（03）",
}
PROVENANCE_SHORT = {
    "article": "原文",
    "official": "官方",
    "analyst": "分析人员",
    "derived": "计算",
    "illustrative": "示例",
}
_UNIT_WORDS = {
    "persons": "人",
    "person_visits": "人次",
    "platforms": "个",
    "projects": "个",
    "patents": "项",
    "techniques": "项",
    "items": "项",
    "institutions": "家",
    "ratio": "",
}


# ---------------------------------------------------------------------------------------------
# Reading the metrics files (the brief's only I/O)


def metrics_folder(scope: Scope, metrics_dir: str | Path | None = None) -> Path:
    """The folder holding the scope's per-notebook metrics (`reports/<slug>/.metrics` by default)."""
    return Path(metrics_dir) if metrics_dir else paths.REPORTS_DIR / scope.slug / ".metrics"


def _metric(record: dict) -> Metric:
    names = {f.name for f in fields(Metric)}
    return Metric(**{k: v for k, v in record.items() if k in names})


def read_metrics(folder: str | Path) -> dict[str, Metric]:
    """The metrics of one scope, by id: every `*.json` of `folder` except the brief's own (00_*).

    Falls back to the merged `metrics.json` beside the folder; empty when neither exists.
    """
    folder = Path(folder)
    files = [f for f in sorted(folder.glob("*.json")) if not f.name.startswith("00_")]
    if not files and (folder.parent / "metrics.json").exists():
        files = [folder.parent / "metrics.json"]
    out: dict[str, Metric] = {}
    for path in files:
        for record in json.loads(path.read_text(encoding="utf-8")).get("metrics", []):
            metric = _metric(record)
            out[metric.id] = metric
    return out


def read_county_metrics(folder: str | Path) -> dict[str, dict[str, Metric]]:
    """Each county's metrics, found beside the city's folder (`<reports>/<county-slug>/`).

    The per-notebook files under `.metrics/` are read first (each job writes its file when it
    finishes, so they are never older than the merged `metrics.json`), else `metrics.json`.
    Counties with neither are left out.
    """
    root = Path(folder).parent.parent
    out = {}
    for scope in current_scopes():
        if scope.level != "county":
            continue
        found = read_metrics(root / scope.slug / ".metrics")
        if found:
            out[scope.code] = found
    return out


# ---------------------------------------------------------------------------------------------
# Numbers as shown, each with the metric or fact it comes from


@dataclass(frozen=True)
class Cite:
    """One number shown in the brief and where it comes from.

    `source` is a metric id, or `fact:F007` for a row of the fact base; `value`, `unit` and
    `bound` are those of the source (canonical units: persons, ratio, 万元 ...); `text` is the
    number as printed, e.g. `≥3540人`, `42.80万人`, `+43.53%`.
    """

    source: str
    text: str
    value: float
    unit: str
    bound: str
    provenance: str

    @property
    def illustrative(self) -> bool:
        return self.provenance == "illustrative"

    def shown(self) -> str:
        """The text with the illustrative mark where it applies."""
        return self.text + (ILLUSTRATIVE_TAG if self.illustrative else "")


def _inputs(metric_id: str) -> list[str]:
    """The metrics a derived metric is computed from (for provenance propagation)."""
    if m := re.fullmatch(r"talent\.total\.(\d{4})", metric_id):
        return [f"talent.{c}.{m[1]}" for c in REPORTED_CATEGORIES]
    if m := re.fullmatch(r"talent\.per_10k\.(\d{4})", metric_id):
        return [f"talent.total.{m[1]}"]
    if m := re.fullmatch(r"talent\.share\.(\w+)\.(\d{4})", metric_id):
        return [f"talent.{m[1]}.{m[2]}", f"talent.total.{m[2]}"]
    return {
        "platforms.total": ["platforms.national", "platforms.provincial"],
        "outputs.funding_per_project_10k_yuan": [
            "outputs.funding_10k_yuan",
            "outputs.projects_approved",
        ],
    }.get(metric_id, [])


def effective_provenance(metrics: dict[str, Metric], metric_id: str) -> str:
    """A metric's provenance, where a `derived` figure computed from illustrative inputs is
    illustrative (never presented as fact, whatever the recording notebook said)."""
    metric = metrics[metric_id]
    if metric.provenance != "derived":
        return metric.provenance
    for source in _inputs(metric_id):
        if source in metrics and effective_provenance(metrics, source) == "illustrative":
            return "illustrative"
    return "derived"


def _unit_word(unit: str) -> str:
    """The measure word printed after a number: persons → 人; a Chinese unit (个, 项) as is."""
    if unit in _UNIT_WORDS:
        return _UNIT_WORDS[unit]
    return unit if re.fullmatch(r"[\u4e00-\u9fff]+", unit) else ""


def format_value(
    value: float,
    unit: str,
    *,
    bound: str = "exact",
    signed: bool = False,
    digits: int | None = None,
) -> str:
    """A metric value as the brief prints it, by unit (persons ≥ 10,000 in 万人; ratio in %)."""
    prefix = fmt.BOUND_PREFIX.get(bound, "")
    sign = "+" if signed and value > 0 else ""
    if unit in ("persons", "person_visits"):
        word = _UNIT_WORDS[unit]
        if abs(value) >= 10_000:
            return f"{prefix}{sign}{value / 10_000:,.{2 if digits is None else digits}f}万{word}"
        return f"{prefix}{sign}{value:,.0f}{word}"
    if unit == "ratio":
        return fmt.pct(value, digits=2 if digits is None else digits, bound=bound, signed=signed)
    if unit == "percentage_points":
        return f"{prefix}{value:+.{2 if digits is None else digits}f}个百分点"
    if unit == "persons_per_10k":
        return f"{prefix}{value:,.0f}人"
    if unit in ("10k_yuan", "万元"):
        return f"{prefix}{sign}{value:,.{0 if digits is None else digits}f}万元"
    if unit == "10k_yuan_per_project":
        return f"{prefix}{value:,.{2 if digits is None else digits}f}万元"
    if unit == "patents_per_10k":
        return f"{prefix}{value:,.{2 if digits is None else digits}f}件"
    if unit in ("index", "p_value"):
        return f"{prefix}{value:.{3 if digits is None else digits}f}"
    word = _unit_word(unit)
    if float(value).is_integer():
        return f"{prefix}{sign}{value:,.0f}{word}"
    return f"{prefix}{sign}{value:,.{2 if digits is None else digits}f}{word}"


# The exchange outcome indicators by metric unit: an effect is written in the indicator's unit.
_EFFECT_INDICATORS = {ind.unit: ind for ind in FIELD_INDICATORS.values()}


def format_effect(value: float, unit: str) -> str:
    """An effect (a difference), always signed: a ratio difference in percentage points."""
    if unit in _EFFECT_INDICATORS and unit != "ratio":
        return f"{value:+,.1f}{_EFFECT_INDICATORS[unit].unit_zh}"
    if unit == "ratio":
        return f"{value * 100:+.2f}个百分点"
    if unit == "percentage_points":
        return f"{value:+.2f}个百分点"
    return format_value(value, unit, signed=True) if value else format_value(value, unit)


def fact_text(fact: pd.Series) -> str:
    """A fact-base figure as written in the article, with ≥/约 for bounds: `≥3.67万人次`."""
    word = _unit_word(str(fact["unit"]))
    return f"{fmt.BOUND_PREFIX.get(fact['bound'], '')}{fact['stated']}{word}"


class _Numbers:
    """Cites for one scope: its metrics and (at the scope the article speaks of) its facts."""

    def __init__(self, metrics: dict[str, Metric], facts: pd.DataFrame | None, scope_code: str):
        self.metrics = metrics
        self.facts = (
            facts[facts.scope_code.astype(str) == scope_code].set_index("fact_id")
            if facts is not None and len(facts)
            else pd.DataFrame()
        )

    def has_family(self, family: str) -> bool:
        return any(k.split(".")[0] == family for k in self.metrics)

    def metric(
        self, metric_id: str, *, signed: bool = False, digits: int | None = None, effect=False
    ) -> Cite | None:
        m = self.metrics.get(metric_id)
        if m is None or m.value is None or not math.isfinite(float(m.value)):
            return None
        text = (
            format_effect(m.value, m.unit)
            if effect
            else format_value(m.value, m.unit, bound=m.bound, signed=signed, digits=digits)
        )
        return Cite(
            metric_id,
            text,
            float(m.value),
            m.unit,
            m.bound,
            effective_provenance(self.metrics, metric_id),
        )

    def fact(self, fact_id: str) -> Cite | None:
        if fact_id not in self.facts.index:
            return None
        row = self.facts.loc[fact_id]
        return Cite(
            f"fact:{fact_id}",
            fact_text(row),
            float(row["value"]),
            str(row["unit"]),
            str(row["bound"]),
            "article",
        )

    def get(self, source: str) -> Cite | None:
        if source.startswith("fact:"):
            return self.fact(source[5:])
        return self.metric(source)


# ---------------------------------------------------------------------------------------------
# Key figures


@dataclass(frozen=True)
class KeyFigure:
    """One row of the brief's first page: a figure, its change and one sentence.

    `metric_id` is the figure's metric; `cites` holds every number of `value`, `change` and
    `sentence` with its source (empty when the figure is missing: `value` is then 暂无数据).
    """

    metric_id: str
    label: str
    value: str
    sentence: str
    change: str = "—"
    cites: tuple[Cite, ...] = ()

    @property
    def missing(self) -> bool:
        return self.value == MISSING

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.cites)


def _missing_figure(metric_id: str, label: str, numbers: _Numbers, reason: str) -> KeyFigure:
    family = metric_id.split(".")[0]
    why = reason if numbers.has_family(family) else f"{ANALYSES[family]}尚无结果。"
    return KeyFigure(metric_id, label, MISSING, why)


def _cites(*items: Cite | None) -> tuple[Cite, ...]:
    return tuple(c for c in items if c is not None)


def _join(parts: list[str], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


def figure_total(numbers: _Numbers, start: int | None, end: int | None) -> KeyFigure:
    metric_id = f"talent.total.{end}"
    label = f"人才总量（{end}年）" if end else "人才总量"
    value = numbers.metric(metric_id) if end else None
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本范围缺少人才总量数据。")
    growth = numbers.metric("talent.total.growth", signed=True)
    first = numbers.metric(f"talent.total.{start}") if start and start != end else None
    cagr = numbers.metric("talent.total.cagr")
    parts = []
    if first:
        parts.append(f"{start}年为{first.shown()}")
    if cagr:
        parts.append(f"年均增长{cagr.shown()}")
    sentence = (_join(parts) + "。") if parts else "起始年份数据不全，未计算增长。"
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        sentence,
        change=f"较{start}年{growth.shown()}" if growth else "—",
        cites=_cites(value, growth, first, cagr),
    )


def figure_density(numbers: _Numbers, end: int | None) -> KeyFigure:
    metric_id = f"talent.per_10k.{end}"
    label = f"每万人拥有人才（{end}年）" if end else "每万人拥有人才"
    value = numbers.metric(metric_id) if end else None
    if value is None:
        return _missing_figure(
            metric_id,
            label,
            numbers,
            "本范围没有官方常住人口数据，未计算（不作估算）。",
        )
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        "人才总量除以第七次全国人口普查常住人口。",
        change="—（仅一年有人口数据）",
        cites=(value,),
    )


def figure_structure(numbers: _Numbers, end: int | None) -> KeyFigure:
    changes = {
        c: numbers.metrics[f"talent.share_change_pp.{c}"].value
        for c in NAMED_CATEGORIES
        if f"talent.share_change_pp.{c}" in numbers.metrics
    }
    if not changes or end is None:
        return _missing_figure(
            "talent.share_change_pp", "人才结构", numbers, "本范围缺少分类别人才数据。"
        )
    best = max(changes, key=changes.get)
    metric_id = f"talent.share.{best}.{end}"
    value = numbers.metric(metric_id)
    change = numbers.metric(f"talent.share_change_pp.{best}")
    dissim = numbers.metric("talent.dissimilarity", digits=4)
    verb = "占比上升最多" if change.value > 0 else "占比下降最少"
    sentence = f"三类已列明人才中{category_name_zh(best)}{verb}"
    if dissim:
        verdict = "结构总体稳定" if dissim.value < STABLE_DISSIMILARITY else "结构变化明显"
        sentence += f"；两年结构的相异指数为{dissim.shown()}，{verdict}"
    return KeyFigure(
        metric_id,
        f"{category_name_zh(best)}占比（{end}年）",
        value.shown() if value else MISSING,
        sentence + "。",
        change=change.shown(),
        cites=_cites(value, change, dissim),
    )


def figure_exchange(numbers: _Numbers) -> KeyFigure:
    metric_id = "exchange.persons.total"
    label = "东西部协作互派人才（累计）"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本范围没有东西部协作交流记录。")
    edu = numbers.metric("exchange.persons.education")
    health = numbers.metric("exchange.persons.health")
    new = numbers.metric("exchange.new_techniques")
    fields_ = _join(
        [f"教育{edu.shown()}" if edu else "", f"医疗卫生{health.shown()}" if health else ""], "、"
    )
    parts = [f"其中{fields_}" if fields_ else "", f"开展新技术、新项目{new.shown()}" if new else ""]
    sentence = (_join(parts) + "。") if any(parts) else "分领域人数暂无数据。"
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        sentence,
        change="—（累计数）",
        cites=_cites(value, edu, health, new),
    )


def figure_effect(numbers: _Numbers) -> KeyFigure:
    metric_id = "exchange.att"
    label = "协作对受援单位指标的平均效应"
    value = numbers.metric(metric_id, effect=True)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本范围未估计协作效果。")
    low = numbers.metric("exchange.att_ci_low", effect=True)
    high = numbers.metric("exchange.att_ci_high", effect=True)
    pre = numbers.metric("exchange.pretrend_p", digits=3)
    indicator = _EFFECT_INDICATORS.get(value.unit)
    measured = f"以{indicator.label_zh}衡量，" if indicator else ""
    parts = []
    if low and high:
        if low.value > 0 or high.value < 0:
            direction = "改善" if low.value > 0 else "下降"
            parts.append(f"置信区间不含零，受援单位指标在协作后显著{direction}")
        else:
            parts.append("置信区间包含零，尚不能确认协作效果")
    units = numbers.metric("exchange.panel_institutions")
    few = units is not None and units.value < PRETREND_MIN_POWERED
    if pre:
        if pre.value < PRETREND_ALPHA:
            parts.append(f"协作前两组趋势已有差异（p={pre.shown()}），估计需谨慎解读")
        elif few:
            parts.append(
                f"协作前两组趋势未见显著差异（p={pre.shown()}），但仅{units.shown()}单位，"
                "该检验难以发现趋势差异"
            )
        else:
            parts.append(f"协作前两组趋势无显著差异（p={pre.shown()}），未见违背平行趋势的迹象")
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        (measured + _join(parts, "；") + "。") if parts else "未给出置信区间。",
        change=f"置信区间 {low.shown()}～{high.shown()}" if low and high else "—",
        cites=_cites(value, low, high, pre, units if few else None),
    )


def figure_platforms(numbers: _Numbers) -> KeyFigure:
    metric_id = "platforms.total"
    label = "国家级、省级人才平台"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本范围没有平台数据。")
    national = numbers.metric("platforms.national")
    provincial = numbers.metric("platforms.provincial")
    parts = [
        f"国家级平台及院士工作站{national.shown()}" if national else "",
        f"省级人才平台{provincial.shown()}" if provincial else "",
    ]
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        ("其中" + _join(parts, "、") + "。") if any(parts) else "分级数量暂无数据。",
        change="—（在册数）",
        cites=_cites(value, national, provincial),
    )


def figure_outputs(numbers: _Numbers) -> KeyFigure:
    metric_id = "outputs.patents_granted"
    label = "人才平台授权专利（累计）"
    value = numbers.metric(metric_id)
    if value is None:
        return _missing_figure(metric_id, label, numbers, "本范围没有平台产出数据。")
    growth = numbers.metric("outputs.patents_per_10k_growth", signed=True)
    projects = numbers.metric("outputs.projects_approved")
    funding = numbers.metric("outputs.funding_10k_yuan")
    per_project = numbers.metric("outputs.funding_per_project_10k_yuan")
    parts = []
    if projects:
        parts.append(f"引进人才申报项目获批{projects.shown()}")
    if funding:
        parts.append(f"争取立项经费{funding.shown()}")
    if per_project:
        parts.append(f"平均每项{per_project.shown()}")
    return KeyFigure(
        metric_id,
        label,
        value.shown(),
        (_join(parts) + "。") if parts else "项目与经费暂无数据。",
        change=f"每万人专利拥有量{growth.shown()}" if growth else "—（累计数）",
        cites=_cites(value, growth, projects, funding, per_project),
    )


def key_figures(
    metrics: dict[str, Metric], facts: pd.DataFrame | None, scope: Scope
) -> list[KeyFigure]:
    """The seven figures of the brief's first page, in reading order; missing ones say 暂无数据.

    Each row: metric id, label, formatted value, one sentence (+ change and the cites of every
    number shown).
    """
    numbers = _Numbers(metrics, facts, scope.code)
    start, end = talent_years(metrics)
    return [
        figure_total(numbers, start, end),
        figure_density(numbers, end),
        figure_structure(numbers, end),
        figure_exchange(numbers),
        figure_effect(numbers),
        figure_platforms(numbers),
        figure_outputs(numbers),
    ]


def talent_years(metrics: dict[str, Metric]) -> tuple[int | None, int | None]:
    """First and last year with a talent total among the metrics (the period compared)."""
    years = sorted(int(m[1]) for k in metrics if (m := re.fullmatch(r"talent\.total\.(\d{4})", k)))
    return (years[0], years[-1]) if years else (None, None)


KEY_FIGURES_NOTE = (
    "“≥”为下限（原文写作“余”“多”“突破”等），“约”为约数；标“（示例）”的数字来自程序生成的示例数据，"
    "不是真实统计。每个数字都取自各篇分析记录的指标，详见后续各篇与附录。"
)


def key_figures_frame(figures: list[KeyFigure]) -> pd.DataFrame:
    """The key figures as a plain table: 指标, 数值, 变化, 说明 (one row per figure)."""
    return pd.DataFrame(
        {
            "指标": [f.label for f in figures],
            "数值": [f.value for f in figures],
            "变化": [f.change for f in figures],
            "说明": [f.sentence for f in figures],
        }
    )


def key_figures_table(figures: list[KeyFigure]):
    """The key figures as the report shows them (a Styler: widths, left-aligned text)."""
    return styled(
        key_figures_frame(figures),
        uuid="brief_figures",
        widths=(19, 15, 19, 47),
        emphasis=(1,),
        font_size="9.5pt",
    )


# A number with its unit, a year, or the illustrative tag: never split across lines in a cell.
_UNBREAKABLE = re.compile(
    r"\d{4}年"
    r"|[≥约+\-]?\d[\d,]*(?:\.\d+)?万?(?:个百分点|人次|万元|人|个|项|件|张|套|家|次|年|%)?"
    + "|"
    + re.escape(ILLUSTRATIVE_TAG)
)


def _cell_html(value) -> str:
    """A table cell as HTML: escaped, numbers with their units kept on one line."""
    text = html.escape(str(value), quote=False)
    return _UNBREAKABLE.sub(lambda m: f'<span class="lps-nw">{m.group(0)}</span>', text)


def styled(
    frame: pd.DataFrame,
    *,
    uuid: str,
    widths: tuple[float, ...],
    nowrap: tuple[int, ...] = (),
    emphasis: tuple[int, ...] = (),
    right: tuple[int, ...] = (),
    grouped: bool = False,
    font_size: str | None = None,
):
    """A report table: full width, fixed column widths (%), text left-aligned, no index.

    `grouped` draws the rows in pairs (the two sides of one balance). Cell text is HTML-escaped.
    """
    styles = [
        {
            "selector": "",
            "props": "width: 100%; table-layout: fixed; margin-top: 0.3em;"
            + (f" font-size: {font_size};" if font_size else ""),
        },
        {
            "selector": "td, th",
            "props": "text-align: left; white-space: normal; box-sizing: border-box;",
        },
    ]
    for i, width in enumerate(widths):
        styles.append({"selector": f".col{i}", "props": f"width: {width}%;"})
    for i in nowrap:
        styles.append({"selector": f"td.col{i}", "props": "white-space: nowrap;"})
    for i in emphasis:
        styles.append({"selector": f"td.col{i}", "props": "font-weight: 700; color: #8b1e1e;"})
    for i in right:
        styles.append({"selector": f"td.col{i}, th.col{i}", "props": "text-align: right;"})
    if grouped:
        styles += [
            {"selector": "tbody tr", "props": "background: none;"},
            {
                "selector": "tbody tr:nth-child(odd) td",
                "props": "border-bottom: 1px dotted #c9d2dc;",
            },
            {
                "selector": "tbody tr:nth-child(even) td",
                "props": "border-bottom: 1px solid #9aa5b1;",
            },
        ]
    styles.append({"selector": "span.lps-nw", "props": "white-space: nowrap;"})
    return (
        frame.style.hide(axis="index")
        .format(_cell_html)
        .set_uuid(uuid)
        .set_table_attributes('class="dataframe lps-brief-table"')
        .set_table_styles(styles)
    )


# ---------------------------------------------------------------------------------------------
# The seven balances (七个并重)


@dataclass(frozen=True)
class Indicator:
    """What measures one side of a balance: a fact (`fact:F007`) or a metric id (`{start}`,
    `{end}` stand for the years compared), and the words put before its number."""

    source: str
    label: str


@dataclass(frozen=True)
class Side:
    name: str
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Balance:
    name: str
    sides: tuple[Side, Side]


def _f(fact_id: str, label: str) -> Indicator:
    return Indicator(f"fact:{fact_id}", label)


def _m(metric_id: str, label: str) -> Indicator:
    return Indicator(metric_id, label)


# The article's seven balances (its opening paragraph, in its order) and, for each side, the
# figures of the article or of the analyses that measure it. The article's own section on each
# balance decides which figures belong where; a side it gives no figure for stays empty.
BALANCES: tuple[Balance, ...] = (
    Balance(
        "线上招引与线下招引",
        (
            Side("线上招引"),
            Side(
                "线下招引",
                (
                    _f("F005", "连续参加中国贵州人才博览会"),
                    _f("F004", "参会引才单位"),
                    _f("F006", "累计接待各类人才"),
                    _f("F007", "现场签约"),
                ),
            ),
        ),
    ),
    Balance(
        "普遍招贤与重点关注",
        (
            Side("普遍招贤", (_f("F008", "共引进各类人才"),)),
            Side("重点关注", (_f("F017", "“绿色通道”柔性引进高层次人才"),)),
        ),
    ),
    Balance(
        "市内培育与市外引进",
        (
            Side(
                "市内培育",
                (
                    _f("F018", "高层次青年人才培养对象"),
                    _f("F019", "命名市管专家"),
                    _f("F020", "培育省管专家、省核心专家和享受特殊津贴专家"),
                    _f("F021", "入选“西部之光”“甲秀之光”访问学者"),
                ),
            ),
            Side("市外引进", (_f("F008", "共引进各类人才"),)),
        ),
    ),
    Balance(
        "提升数量与注重质量",
        (
            Side(
                "提升数量",
                (
                    _m("talent.total.{end}", "{end}年人才总量"),
                    _m("talent.total.growth", "较{start}年增长"),
                ),
            ),
            Side(
                "注重质量",
                (
                    _m("talent.share.professional.{end}", "专业技术人才占比"),
                    _m("outputs.projects_approved", "人才申报项目获批"),
                    _f("F022", "年度专利申请量与授权量"),
                    _m("outputs.patents_per_10k_growth", "每万人专利拥有量增长"),
                ),
            ),
        ),
    ),
    Balance(
        "全面统筹与突出重点",
        (
            Side(
                "全面统筹",
                (
                    _m("exchange.persons.total", "东西部互派专业技术人才"),
                    _m("exchange.persons.education", "其中教育"),
                    _m("exchange.persons.health", "医疗卫生"),
                ),
            ),
            Side(
                "突出重点",
                (
                    _m("exchange.new_techniques", "开展新技术、新项目"),
                    _m("platforms.national", "国家级平台及院士工作站"),
                    _m("outputs.concentration_hhi", "平台专利产出集中度（HHI）"),
                ),
            ),
        ),
    ),
    Balance(
        "物质奖励与精神激励",
        (
            Side(
                "物质奖励",
                (
                    _f("F038", "支出人才经费"),
                    _f("F041", "市级人才公寓"),
                    _f("F042", "县级人才公寓"),
                ),
            ),
            Side(
                "精神激励",
                (
                    _f("F039", "发放人才服务绿卡"),
                    _f("F045", "市领导联系专家、帮助解决困难问题"),
                ),
            ),
        ),
    ),
    Balance(
        "盘活存量与做大增量",
        (
            Side(
                "盘活存量",
                (
                    _f("F031", "博士教授服务团成员"),
                    _f("F033", "选派市直机关年轻干部到基层一线"),
                    _f("F034", "培育新型职业农民"),
                ),
            ),
            Side(
                "做大增量",
                (
                    _m("talent.total.growth", "人才总量较{start}年增长"),
                    _f("F008", "共引进各类人才"),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class SideResult:
    name: str
    text: str
    cites: tuple[Cite, ...] = ()

    @property
    def missing(self) -> bool:
        return not self.cites


@dataclass(frozen=True)
class BalanceResult:
    name: str
    sides: tuple[SideResult, SideResult]


def _side(side: Side, numbers: _Numbers, scope: Scope, start, end) -> SideResult:
    if not side.indicators:
        return SideResult(side.name, f"{MISSING}（原文未给出数字）")
    shown, cites, notes, lacking = [], [], [], []
    for ind in side.indicators:
        source = ind.source.format(start=start, end=end)
        label = ind.label.format(start=start, end=end)
        cite = numbers.get(source)
        if cite is not None:
            shown.append(f"{label}{cite.shown()}")
            cites.append(cite)
            continue
        family = "fact" if source.startswith("fact:") else source.split(".")[0]
        if family == "fact" and scope.level != "city":
            note = "原文只报告全市数字"
        elif family in ANALYSES and not numbers.has_family(family):
            note = ANALYSES[family] + "尚无结果"
        else:
            lacking.append(label)
            continue
        if note not in notes:
            notes.append(note)
    if lacking:
        notes.append("、".join(lacking) + MISSING)
    suffix = f"（{'；'.join(notes)}）" if notes else ""
    if not shown:
        return SideResult(side.name, MISSING + suffix)
    return SideResult(side.name, "；".join(shown) + suffix, tuple(cites))


def balances(
    metrics: dict[str, Metric], facts: pd.DataFrame | None, scope: Scope
) -> list[BalanceResult]:
    """The seven balances, each side with the figures that measure it or 暂无数据 and why."""
    numbers = _Numbers(metrics, facts, scope.code)
    start, end = talent_years(metrics)
    return [
        BalanceResult(b.name, tuple(_side(s, numbers, scope, start, end) for s in b.sides))
        for b in BALANCES
    ]


def _sources_label(cites) -> str:
    kinds = []
    for c in cites:
        label = PROVENANCE_SHORT.get(c.provenance, c.provenance)
        if label not in kinds:
            kinds.append(label)
    return "、".join(kinds) if kinds else "—"


def balances_frame(rows: list[BalanceResult]) -> pd.DataFrame:
    """The 七个并重 as a plain table: one row per side (并重, 方面, 衡量指标, 来源)."""
    records = [
        {
            "七个并重": row.name,
            "方面": side.name,
            "衡量指标": side.text,
            "来源": _sources_label(side.cites),
        }
        for row in rows
        for side in row.sides
    ]
    return pd.DataFrame(records, columns=["七个并重", "方面", "衡量指标", "来源"])


def balances_table(rows: list[BalanceResult]):
    """The 七个并重 as the report shows them: each balance's name once, its two sides below."""
    frame = balances_frame(rows)
    frame.loc[frame["七个并重"].duplicated(), "七个并重"] = ""
    return styled(
        frame,
        uuid="brief_balances",
        widths=(20, 10, 60, 10),
        nowrap=(1,),
        grouped=True,
    )


def balances_sentence(rows: list[BalanceResult]) -> str:
    """Which balances can be judged on data and which sides lack figures (no numbers)."""
    both = [r.name for r in rows if not any(s.missing for s in r.sides)]
    lacking = [s.name for r in rows for s in r.sides if s.missing]
    parts = []
    if both:
        parts.append("两方面都有数字可查的：" + "、".join(both))
    if lacking:
        parts.append("暂无数据的方面：" + "、".join(lacking) + "，需补充统计后才能判断是否“并重”")
    return "；".join(parts) + "。"


# ---------------------------------------------------------------------------------------------
# County comparison (city brief only)

COUNTY_MEASURES: tuple[tuple[str, str], ...] = (
    ("talent.total.cagr", "人才总量年均增长率"),
    ("talent.per_10k.{end}", "每万人拥有人才（{end}年）"),
    ("exchange.persons.total", "东西部协作互派人才"),
    ("platforms.total", "国家级、省级人才平台"),
)
# Rates are compared with the city's value; counts add up to it, so no city line is drawn.
_CITY_LINE = {"talent.total.cagr", "talent.per_10k.{end}"}


@dataclass(frozen=True)
class CountyRow:
    scope: Scope
    cells: tuple[Cite | None, ...]  # one per COUNTY_MEASURES
    found: bool  # whether any metrics file of the scope was found
    families: frozenset[str] = frozenset()  # metric id families found (talent, exchange, ...)


def county_rows(
    city_metrics: dict[str, Metric],
    counties: dict[str, dict[str, Metric]],
    city_scope: Scope,
) -> list[CountyRow]:
    """One row per county (registry order) and a last row for the city."""
    _, end = talent_years(city_metrics)
    rows = []
    for scope in [s for s in current_scopes() if s.level == "county"] + [city_scope]:
        metrics = city_metrics if scope.code == city_scope.code else counties.get(scope.code, {})
        numbers = _Numbers(metrics, None, scope.code)
        cells = tuple(numbers.metric(mid.format(end=end)) for mid, _ in COUNTY_MEASURES)
        families = frozenset(k.split(".")[0] for k in metrics)
        rows.append(CountyRow(scope, cells, bool(metrics), families))
    return rows


def county_labels(end: int | None) -> list[str]:
    return [label.format(end=end) for _, label in COUNTY_MEASURES]


def county_frame(rows: list[CountyRow], end: int | None) -> pd.DataFrame:
    """Counties × measures, formatted; 暂无数据 where a county has no figure."""
    data = {"范围": [r.scope.name_zh for r in rows]}
    for i, label in enumerate(county_labels(end)):
        data[label] = [r.cells[i].shown() if r.cells[i] else MISSING for r in rows]
    return pd.DataFrame(data)


def county_table(rows: list[CountyRow], end: int | None):
    """The county comparison as the report shows it."""
    return styled(
        county_frame(rows, end),
        uuid="brief_counties",
        widths=(14, 21.5, 21.5, 21.5, 21.5),
        right=(1, 2, 3, 4),
    )


def county_notes(rows: list[CountyRow]) -> list[str]:
    """Chinese sentences on counties without metrics, or without an analysis the city has."""
    out = []
    absent = [r.scope.name_zh for r in rows[:-1] if not r.found]  # the last row is the city
    if absent:
        out.append(
            "、".join(absent) + "尚无分析指标，表中记为“暂无数据”（请先运行 lps run 生成其分析）。"
        )
    city = rows[-1]
    for row in rows[:-1]:
        if not row.found:
            continue
        lacking = [
            ANALYSES[m.split(".")[0]]
            for m, _ in COUNTY_MEASURES
            if m.split(".")[0] in city.families and m.split(".")[0] not in row.families
        ]
        if lacking:
            out.append(
                f"{row.scope.name_zh}尚无{'、'.join(dict.fromkeys(lacking))}的指标，"
                "相应栏记为“暂无数据”。"
            )
    return out


def county_small_multiples(rows: list[CountyRow], *, end: int | None, city_code: str, fig=None):
    """One figure, four small panels (one per measure): a bar per county, the city as a line.

    Illustrative values are hatched; a county without the figure shows 暂无数据. Returns the
    Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.transforms import blended_transform_factory

    from lps_analysis.viz.theme import ILLUSTRATIVE_HATCH, ILLUSTRATIVE_NOTE

    fig = fig or plt.figure(figsize=(7.5, 5.4))
    axes = fig.subplots(2, 2)
    counties = [r for r in rows if r.scope.code != city_code]
    city_row = next((r for r in rows if r.scope.code == city_code), None)
    names = [r.scope.name_zh for r in counties]
    any_illustrative = False
    for i, ((metric_id, _), label) in enumerate(
        zip(COUNTY_MEASURES, county_labels(end), strict=True)
    ):
        ax = axes.flat[i]
        values = [r.cells[i] for r in counties]
        top = max([abs(c.value) for c in values if c] or [1.0])
        # Value labels sit in a column at the right edge, clear of the bars and the city line.
        trans = blended_transform_factory(ax.transAxes, ax.transData)
        for y, cite in enumerate(values):
            if cite is None:
                ax.text(0, y, f" {MISSING}", va="center", ha="left", fontsize=9, color="#7b8794")
                continue
            any_illustrative |= cite.illustrative
            ax.barh(
                y,
                cite.value,
                color="#4c78a8",
                hatch=ILLUSTRATIVE_HATCH if cite.illustrative else None,
                edgecolor="white",
                height=0.6,
            )
            ax.text(1.0, y, cite.text, va="center", ha="right", fontsize=9, transform=trans)
        city = city_row.cells[i] if city_row else None
        if city is not None and metric_id in _CITY_LINE:
            ax.axvline(city.value, color="#b00020", ls="--", lw=1)
            label = f"{label}\n（虚线：全市 {city.text}）"
            top = max(top, abs(city.value))
        low = min([c.value for c in values if c] + [0.0])  # a fall (negative growth) shows too
        ax.set_xlim(low * 1.2, top * 1.6)
        ax.set_ylim(len(counties) - 0.4, -0.6)
        ax.set_yticks(range(len(counties)), names, fontsize=9)
        ax.set_xticks([])
        ax.grid(False)
        for spine in ("top", "right", "bottom"):
            ax.spines[spine].set_visible(False)
        ax.set_title(label, fontsize=10.5)
    fig.suptitle("县级单位比较", fontsize=12, fontweight="bold")
    if any_illustrative:
        fig.text(
            0.99,
            0.005,
            f"斜线填充：{ILLUSTRATIVE_NOTE}",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#a33",
        )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


# ---------------------------------------------------------------------------------------------
# The whole brief


@dataclass
class BriefView:
    """Everything notebook 00 shows for one scope."""

    scope: Scope
    start: int | None
    end: int | None
    figures: list[KeyFigure]
    balances: list[BalanceResult]
    counties: list[CountyRow] | None = None
    notes: list[str] = field(default_factory=list)

    def cites(self) -> list[Cite]:
        """Every number the brief shows, with its source."""
        out = [c for f in self.figures for c in f.cites]
        out += [c for b in self.balances for s in b.sides for c in s.cites]
        out += [c for r in self.counties or [] for c in r.cells if c is not None]
        return out

    @property
    def illustrative(self) -> bool:
        return any(c.illustrative for c in self.cites())


def build(
    scope: Scope,
    *,
    metrics: dict[str, Metric],
    facts: pd.DataFrame | None,
    counties: dict[str, dict[str, Metric]] | None = None,
    folder: str | Path | None = None,
) -> BriefView:
    """The brief of one scope from its metrics, the fact base and (city) the counties' metrics.

    Never raises on gaps: what is missing is shown as 暂无数据 and said in `notes`.
    """
    start, end = talent_years(metrics)
    notes = []
    if not metrics:
        where = f"（{_display_folder(folder)}）" if folder else ""
        notes.append(
            f"尚未找到{scope.name_zh}的分析指标{where}：请先运行 lps run 生成各篇分析，"
            "简报中的数字暂记为“暂无数据”。"
        )
    else:
        families = {k.split(".")[0] for k in metrics}
        missing = [
            name
            for name in dict.fromkeys(ANALYSES.values())
            if not any(ANALYSES[f] == name for f in families if f in ANALYSES)
        ]
        if missing:
            notes.append(
                "、".join(missing) + "尚无结果，相关数字记为“暂无数据”（请先运行 lps run）。"
            )
    rows = None
    if scope.level == "city" and counties is not None:
        rows = county_rows(metrics, counties, scope)
    return BriefView(
        scope=scope,
        start=start,
        end=end,
        figures=key_figures(metrics, facts, scope),
        balances=balances(metrics, facts, scope),
        counties=rows,
        notes=notes,
    )


def _display_folder(folder: str | Path) -> str:
    folder = Path(folder)
    try:
        return str(folder.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(folder)


def heading(view: BriefView) -> str:
    """The line under the title: scope and period (Markdown)."""
    period = f"　期间：{view.start}—{view.end}年" if view.start and view.end else ""
    return f"**分析范围：{view.scope.name_zh}（{view.scope.code}）{period}**"


def banner(view: BriefView) -> str | None:
    """The warning shown when any figure of the brief is illustrative (Markdown)."""
    if not view.illustrative:
        return None
    return (
        "> ⚠️ **本简报含示例数据（非真实统计）**：标“（示例）”的数字由程序生成，"
        "仅用于演示分析流程，不得作为事实引用；请以各县区上报的真实数据替换后再用于决策。"
    )
