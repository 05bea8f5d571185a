"""The eastern partner cities and their teams, from official pages (never from the article).

The article names neither Dalian nor Zhongshan. Dalian was the partner through 2020 (its
assistance team in the city, 2020: 248 = 33 cadres + 215 professionals); Zhongshan from 2021
(first group of 14 cadres, 2021–2024; its groups paired with 水城区, 盘州市 and 六枝特区). Rows
come from ``data/reference/east_west_partners.csv``; each figure cites its page.
"""

from __future__ import annotations

import pandas as pd

from lps_analysis import fmt
from lps_analysis.data.registry import current_scopes
from lps_analysis.value import Value

from .base import ExchangeView

PARTNER_TABLE = "east_west_partners"
TEAM_ITEMS = ("dalian_team.total", "dalian_team.cadres", "dalian_team.professionals")
ZHONGSHAN_CADRES = "zhongshan_group.first_cadres"
PAIRING = "zhongshan_group.pairing"
# metric id of each partner figure recorded at city scope
METRIC_IDS = {
    "dalian_team.total": "exchange.dalian_team.total",
    "dalian_team.cadres": "exchange.dalian_team.cadres",
    "dalian_team.professionals": "exchange.dalian_team.professionals",
    ZHONGSHAN_CADRES: "exchange.zhongshan_group.first_cadres",
}


def partner_value(row: pd.Series) -> Value:
    """A partner row's figure: provenance as the row states (official), the row as its source."""
    return Value(
        float(row["value"]),
        str(row["unit"]),
        str(row["provenance"]),
        str(row["bound"]),
        (f"{PARTNER_TABLE}:{row['item']}",),
    )


def partner_values(partners: pd.DataFrame | None) -> dict[str, Value]:
    """The partner figures by item (pairing rows carry no figure and are left out)."""
    if partners is None:
        return {}
    rows = partners[partners["item"] != PAIRING]
    return {rec["item"]: partner_value(rec) for _, rec in rows.iterrows()}


def _row(partners: pd.DataFrame, item: str, scope_code: str | None = None) -> pd.Series | None:
    sel = partners[partners["item"] == item]
    if scope_code is not None:
        sel = sel[sel["scope_code"] == scope_code]
    return sel.iloc[0] if len(sel) else None


def _cite(row: pd.Series, title: str | None = None) -> str:
    """来源：publisher《title》 with a link; `title` when it must be printed through fmt."""
    return f"来源：{row['publisher']}《{title or row['title']}》（[网页]({row['url']})）"


def _zhongshan_source(partners: pd.DataFrame) -> str:
    """The Zhongshan page's citation; its title states the 14 cadres, so it is quoted with them."""
    cadres = _row(partners, ZHONGSHAN_CADRES)
    return _cite(cadres, fmt.quoted(partner_value(cadres), str(cadres["title"])))


def _dalian_item(partners: pd.DataFrame) -> str | None:
    rows = [_row(partners, item) for item in TEAM_ITEMS]
    if any(r is None for r in rows):
        return None
    total, cadres, professionals = (partner_value(r) for r in rows)
    return (
        f"- **大连市（至2020年）**：截至2020年7月，大连援黔工作队在六盘水共有挂职干部和人才"
        f"{fmt.show(total)}，其中在市直机关和各区市县挂职的干部{fmt.show(cadres)}、"
        f"专业技术人才{fmt.show(professionals)}。"
        f"{_cite(rows[0])}，页面原话：“{fmt.quoted(total, str(rows[0]['quote']))}”。"
    )


def _pairing_text(partners: pd.DataFrame) -> str:
    pairs = partners[partners["item"] == PAIRING]
    names = {s.code: s.name_zh for s in current_scopes()}
    return "，".join(
        f"{rec['partner_unit']}—{names.get(rec['scope_code'], rec['scope_code'])}"
        for _, rec in pairs.iterrows()
    )


def _zhongshan_item(partners: pd.DataFrame) -> str | None:
    cadres = _row(partners, ZHONGSHAN_CADRES)
    if cadres is None:
        return None
    return (
        f"- **中山市（2021年起）**：中山市开展新一轮东西部协作，中山派驻六盘水工作组首批干部"
        f"{fmt.show(partner_value(cadres))}（{cadres['period'].replace('-', '—')}年）；"
        f"中山各组团结对：{_pairing_text(partners)}。{_zhongshan_source(partners)}。"
    )


def partners_markdown(view: ExchangeView) -> str:
    """Who the eastern partner was, per official pages (Markdown; city: the teams; county: its
    Zhongshan pairing). Says so when no partner rows were supplied."""
    partners = view.partners
    if partners is None or partners.empty:
        return "没有对口城市的官方资料；原文没有写明东部城市的名称。"
    head = "**对口帮扶的东部城市**（原文没有写明城市名称；以下依据官方发布的报道，不是原文数字）："
    if view.scope.level == "city":
        items = [i for i in (_dalian_item(partners), _zhongshan_item(partners)) if i]
        return "\n".join([head, *items])
    pairing = _row(partners, PAIRING, view.scope.code)
    if pairing is None:
        return (
            f"{head}\n- 所据官方资料没有列出与{view.scope.name_zh}结对的中山组团。"
            "大连援黔工作队的人数为全市合计，没有分县级单位的数字（见全市报告）。"
        )
    return fmt.markdown(
        f"{head}\n- **中山市（2021年起）**：{pairing['partner_unit']}与{view.scope.name_zh}结对。"
        f"{_zhongshan_source(partners)}。\n"
        "- 大连市（至2020年）援黔工作队的人数为全市合计，没有分县级单位的数字（见全市报告）。"
    )
