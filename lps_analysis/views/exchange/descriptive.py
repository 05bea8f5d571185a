"""How many were exchanged, where and how: headline figures, sentences and tables of section 一.

Every number is a :class:`Value` whose mark comes from the rows it was computed from; the
article's figures (F028, F029) are quoted as the article states them.
"""

from __future__ import annotations

import pandas as pd

from lps_analysis import exchange as ex
from lps_analysis import fmt
from lps_analysis.data.registry import Scope, current_scopes
from lps_analysis.data.tables import DIRECTIONS, FIELDS, MODES
from lps_analysis.value import Value, from_row, total

from .base import EXCHANGES, ExchangeView, rows_sum, rows_value, with_row_provenance

PERSONS_FACT = "exchange.persons"  # F028 与东部城市互派教育、医疗卫生等专业技术人才1827人
TECHNIQUES_FACT = "exchange.new_techniques"  # F029 开展新技术、新项目40余项
ARTICLE_UNITS = {PERSONS_FACT: "persons", TECHNIQUES_FACT: "items"}
PERSON_MONTHS = "exchange.person_months.total"
BREAKDOWN_LABELS = {
    "year": "年份",
    "scope_code": "县级单位",
    "field": "领域",
    "direction": "交流方向",
    "mode": "帮扶方式",
    "partner_city": "对口城市",
}
# Table columns: header, aggregate column, unit of the value.
TOTALS_COLUMNS = (
    ("交流次数", "assignments", "次"),
    ("人数", "persons", "persons"),
    ("人·月", "person_months", "person_months"),
    ("涉及单位", "institutions", "institutions"),
)


# --------------------------------------------------------------------------- figures


def article_figures(facts: pd.DataFrame) -> tuple[dict[str, Value], dict[str, str]]:
    """The article's city exchange figures as values (provenance article, the fact id as source),
    and their phrases word for word."""
    sub = facts[(facts.topic == "exchange") & (facts.scope_code == "520200")]
    values, quotes = {}, {}
    for _, rec in sub.iterrows():
        unit = ARTICLE_UNITS.get(rec.indicator, str(rec.unit))
        values[rec.indicator] = Value(
            float(rec.value), unit, "article", str(rec.bound), (str(rec.fact_id),)
        )
        quotes[rec.indicator] = str(rec.quote)
    return values, quotes


def headline_figures(
    scope: Scope,
    exchanges: pd.DataFrame | None,
    article: dict[str, Value],
    table: pd.DataFrame | None = None,
) -> dict[str, Value]:
    """Persons per field and in all, person-months, institutions (the article's total at city).

    `exchanges` are the scope's rows; None (no table) makes every data figure missing, naming
    the table, never 0. A scope with no rows in `table` (the whole exchanges table) gets zeros
    marked as that table's rows are.
    """
    out: dict[str, Value] = {}
    if exchanges is None:
        for code in FIELDS:
            out[f"exchange.persons.{code}"] = Value.absent("persons", EXCHANGES)
        out["exchange.persons.total"] = Value.absent("persons", EXCHANGES)
        out[PERSON_MONTHS] = Value.absent("person_months", EXCHANGES)
        out["exchange.institutions.aided"] = Value.absent("institutions", EXCHANGES)
    else:
        within = exchanges if len(exchanges) or table is None else table
        for code in FIELDS:
            rows = exchanges[exchanges["field"] == code]
            out[f"exchange.persons.{code}"] = rows_sum(rows, "persons", "persons", within=within)
        out["exchange.persons.total"] = rows_sum(exchanges, "persons", "persons", within=within)
        out[PERSON_MONTHS] = rows_sum(exchanges, "person_months", "person_months", within=within)
        out["exchange.institutions.aided"] = rows_value(
            within, exchanges["institution_id"].nunique(), "institutions"
        )
    if scope.level == "city":
        for indicator in (PERSONS_FACT, TECHNIQUES_FACT):
            if indicator in article:
                metric_id = "exchange.persons.total" if indicator == PERSONS_FACT else indicator
                out[metric_id] = article[indicator]
    return out


# --------------------------------------------------------------------------- sentences


def years_text(view: ExchangeView) -> str:
    if view.panel is not None and view.panel.n_institutions:
        return f"{view.panel.start}—{view.panel.end}年"
    if view.start is not None and view.end is not None:
        return f"{view.start}—{view.end}年"
    return "数据覆盖的全部年份"


def article_sentence(view: ExchangeView) -> str:
    """What the article reports, in its own words (Markdown); it names no partner city."""
    persons = view.article.get(PERSONS_FACT)
    techniques = view.article.get(TECHNIQUES_FACT)
    if persons is None:
        return "原文没有东西部协作交流人数。"
    if view.scope.level != "city":
        return (
            f"原文只报道全市合计（互派专业技术人才{fmt.show(persons)}），没有分县级单位的数字；"
            f"以下为{view.scope.name_zh}的数据。"
        )
    text = f"原文写道：全市“{fmt.quoted(persons, view.article_quotes[PERSONS_FACT])}”"
    if techniques is not None:
        text += (
            f"，“{fmt.quoted(techniques, view.article_quotes[TECHNIQUES_FACT])}”"
            f"（“余”表示下限，本报告记作{fmt.show(techniques)}）"
        )
    return fmt.markdown(text + "。原文没有写明东部城市的名称，对口城市见下文所列官方资料。")


def data_sentence(view: ExchangeView) -> str:
    """What the exchange table holds for the scope, every number computed (Markdown)."""
    rows = view.exchanges
    if view.exchanges_missing:
        return "数据中没有人才交流表（exchanges），交流人数、人·月和涉及单位无从计算。"
    if rows.empty:
        return f"数据中没有{view.scope.name_zh}的交流记录。"
    total = rows_sum(rows, "persons", "persons", within=rows)
    per_field = "、".join(
        FIELDS[c] + fmt.show(rows_sum(rows[rows.field == c], "persons", "persons", within=rows))
        for c in FIELDS
        if (rows["field"] == c).any()
    )
    inbound = rows_sum(rows[rows.direction == "inbound"], "persons", "persons", within=rows)
    months = view.headlines[PERSON_MONTHS]  # the one total every table's cells add up to
    text = (
        f"交流数据记录了{view.scope.name_zh}{int(rows.year.min())}—{int(rows.year.max())}年的"
        f"{fmt.show(rows_value(rows, len(rows), '次'))}交流、{fmt.show(total)}（{per_field}），"
        f"合计{fmt.show(months, digits=0)}，"
        f"涉及{fmt.show(rows_value(rows, rows.institution_id.nunique(), 'institutions'))}"
        f"学校和医院；其中东部派驻六盘水{fmt.show(inbound)}"
        f"（{fmt.show(inbound / total, style='pct', digits=1)}）。"
    )
    return fmt.markdown(text + _reconciliation(view, total))


def _reconciliation(view: ExchangeView, total: Value) -> str:
    """Data total against the article's, only when the data are real: generated data were
    built to match the article, so their agreement would prove nothing."""
    article = view.article.get(PERSONS_FACT)
    if view.scope.level != "city" or article is None or not total.real:
        return ""
    gap = total - article
    if gap.value == 0:
        return f"数据合计与原文的{fmt.show(article)}相同。"
    return f"数据合计与原文的{fmt.show(article)}相差{fmt.show(gap, signed=True)}。"


def exposure_sentence(view: ExchangeView) -> str:
    """How unequal exposure is across the aided institutions (Markdown)."""
    aided = view.exposure[view.exposure["cohort"] > 0]
    if aided.empty:
        return "没有单位接受交流。"
    rows = view.exchanges

    def months(x):
        return fmt.show(rows_value(rows, x, "person_months"), digits=0)

    q = aided["person_months"].quantile([0.25, 0.5, 0.75])
    cohorts = "、".join(
        f"{int(g)}年{fmt.show(rows_value(rows, n, 'institutions'))}"
        for g, n in aided.groupby("cohort").size().items()
    )
    return fmt.markdown(
        f"{fmt.show(rows_value(rows, len(aided), 'institutions'))}参与交流的单位平均每家"
        f"{months(aided['person_months'].mean())}，中位数{months(q[0.5])}"
        f"（四分位距{months(q[0.25])}—{months(q[0.75])}）；首次交流年份分布：{cohorts}。"
    )


# --------------------------------------------------------------------------- tables


def _label(by: str, value) -> str:
    if by == "year":
        return f"{int(value)}年"
    if by == "scope_code":
        names = {s.code: s.name_zh for s in current_scopes()}
        return names.get(value, value)
    if by == "field":
        return FIELDS.get(value, value)
    if by == "direction":
        return DIRECTIONS.get(value, value)
    if by == "mode":
        return MODES.get(value, value)
    return str(value)


def breakdown(rows: pd.DataFrame, by) -> pd.DataFrame:
    """`exchange_totals` of the rows per `by`, each group's provenance and source from its rows."""
    return with_row_provenance(ex.exchange_totals(rows, by), rows, by)


def totals_values(view: ExchangeView, by: str) -> list[dict[str, Value]]:
    """One dict of values per row of the breakdown table (each cell from its group's rows).

    Person-months are fractional (days over 30.44): the column is rounded as parts of the one
    total (`fmt.parts_of`), so every table adds up to the figure the text prints.
    """
    rows = [
        {header: from_row(rec, col, unit, table=EXCHANGES) for header, col, unit in TOTALS_COLUMNS}
        for _, rec in view.totals[by].iterrows()
    ]
    cells = [row["人·月"] for row in rows]
    whole = view.headlines[PERSON_MONTHS]
    if view.totals[by]["assignments"].sum() != len(view.exchanges):  # rows without a `by` value
        whole = total(cells, "person_months")  # this table's own total, not the scope's
    for row, value in zip(rows, fmt.parts_of(cells, whole), strict=True):
        row["人·月"] = value
    return rows


def totals_table(view: ExchangeView, by: str) -> pd.DataFrame:
    """Assignments, persons, person-months and institutions per `by`; * on illustrative cells."""
    frame = view.totals[by]
    cells = totals_values(view, by)
    out = pd.DataFrame(
        {
            BREAKDOWN_LABELS[by]: [_label(by, v) for v in frame[by]],
            **{
                header: [fmt.show(row[header], style="bare", digits=0) for row in cells]
                for header, _, _ in TOTALS_COLUMNS
            },
        }
    )
    return out.set_index(BREAKDOWN_LABELS[by])


def tables_note(view: ExchangeView) -> str:
    """The note under the breakdown tables; the * sentence only if a cell is illustrative."""
    text = "人·月 = 人数 × 每次交流的月数；跨年的交流计入开始年份。"
    cells = (v for by in view.totals for row in totals_values(view, by) for v in row.values())
    if any(v.illustrative for v in cells):
        text = fmt.ILLUSTRATIVE_NOTE + text
    return fmt.markdown(text)


def field_year_totals(view: ExchangeView) -> pd.DataFrame:
    """Persons per start year and field with each bar's provenance, for the chart."""
    return breakdown(view.exchanges, ["year", "field"])
