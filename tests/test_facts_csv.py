"""Checks on the article's fact base, data/facts/facts.csv, against the article itself.

The article is read from the verbatim copy shipped in the repo (data/facts/source_article.txt),
so these tests depend on nothing outside the repository.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FACTS_DIR = ROOT / "data" / "facts"
FACTS_CSV = FACTS_DIR / "facts.csv"
META_YAML = FACTS_DIR / "facts.meta.yaml"
ARTICLE = FACTS_DIR / "source_article.txt"

COLUMNS = [
    "fact_id",
    "topic",
    "indicator",
    "category",
    "scope_code",
    "period",
    "value",
    "unit",
    "bound",
    "stated",
    "quote",
]
TOPICS = {
    "talent_stock",
    "recruitment",
    "policy",
    "cultivation",
    "outputs",
    "platforms",
    "exchange",
    "service",
    "retention",
    "governance",
}
BOUNDS = {"exact", "lower", "approx"}
PERSON_UNITS = {"persons", "person_visits"}
CHINESE_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "首": 1,  # 首家: the first (and so far only) one
}
AFTER_MARKERS = ("余", "多", "以上")
PERIOD_RE = re.compile(r"^(\d{4}|\d{4}-(0[1-9]|1[0-2])|\d{4}-\d{4}|cumulative|annual|standing)$")
NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)?)(万)?(%)?$")


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    # Everything as text, so codes and stated numbers keep their exact spelling.
    df = pd.read_csv(FACTS_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    return df


def parse_stated(stated: str, unit: str) -> float:
    """The number as written in the article, in the table's canonical units."""
    if stated in CHINESE_NUMERALS:
        return float(CHINESE_NUMERALS[stated])
    m = NUMBER_RE.match(stated)
    if m is None:
        raise ValueError(f"cannot parse stated number {stated!r}")
    number, wan, percent = m.groups()
    value = float(number)
    if wan:
        if unit not in PERSON_UNITS:
            raise ValueError(f"万 in {stated!r} only allowed for person units, not {unit!r}")
        value *= 10_000
    if percent:
        value /= 100
    return value


def occurrences(stated: str, quote: str) -> list[int]:
    """Start offsets of `stated` in `quote` as a whole number (not part of a longer number)."""
    starts = []
    for m in re.finditer(re.escape(stated), quote):
        before = quote[m.start() - 1] if m.start() > 0 else ""
        after = quote[m.end()] if m.end() < len(quote) else ""
        if before.isdigit() or before == ".":
            continue
        if after.isdigit() or (after == "." and stated[-1].isdigit()):
            continue
        starts.append(m.start())
    return starts


def expected_bound(stated: str, quote: str) -> str | None:
    bounds = set()
    for start in occurrences(stated, quote):
        end = start + len(stated)
        if quote[end:].startswith(AFTER_MARKERS) or quote[:start].endswith("突破"):
            bounds.add("lower")
        elif quote[:start].endswith("约"):
            bounds.add("approx")
        else:
            bounds.add("exact")
    if len(bounds) != 1:
        return None  # ambiguous or absent: reported by the caller
    return bounds.pop()


# --- structure -------------------------------------------------------------------------------


def test_article_copy_is_unchanged_since_it_was_recorded(article):
    assert article.strip(), "source_article.txt is empty"
    meta = yaml.safe_load(ARTICLE.with_name("source_article.meta.yaml").read_text(encoding="utf-8"))
    assert hashlib.md5(ARTICLE.read_bytes()).hexdigest() == meta["md5"], "article copy was edited"


def test_columns_and_order(facts):
    assert list(facts.columns) == COLUMNS
    assert list(facts["fact_id"]) == sorted(facts["fact_id"]), "rows not sorted by fact_id"


def test_count_ids_and_bounds(facts):
    assert len(facts) >= 40
    assert facts["fact_id"].is_unique
    assert facts["fact_id"].str.fullmatch(r"F\d{3}").all()
    bad = sorted(set(facts["bound"]) - BOUNDS)
    assert not bad, f"unknown bound values: {bad}"


def test_fields_are_well_formed(facts):
    problems = []
    for row in facts.itertuples(index=False):
        if row.topic not in TOPICS:
            problems.append(f"{row.fact_id}: topic {row.topic!r}")
        if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", row.indicator):
            problems.append(f"{row.fact_id}: indicator {row.indicator!r}")
        if not re.fullmatch(r"\d{6}", row.scope_code):
            problems.append(f"{row.fact_id}: scope_code {row.scope_code!r}")
        if not PERIOD_RE.match(row.period):
            problems.append(f"{row.fact_id}: period {row.period!r}")
        if not re.fullmatch(r"-?\d+(\.\d+)?", row.value):
            problems.append(f"{row.fact_id}: value {row.value!r} is not a plain decimal")
        if not row.unit:
            problems.append(f"{row.fact_id}: empty unit")
    assert not problems, "\n".join(problems)


def test_indicator_category_period_unique(facts):
    key = facts[["indicator", "category", "scope_code", "period"]]
    dups = facts[key.duplicated(keep=False)]
    assert dups.empty, f"duplicate facts:\n{dups[['fact_id', 'indicator', 'category', 'period']]}"


# --- against the article ---------------------------------------------------------------------


def test_quotes_occur_verbatim_in_article(facts, article):
    missing = [
        f"{r.fact_id}: {r.quote}"
        for r in facts.itertuples()
        if not r.quote or r.quote not in article
    ]
    assert not missing, "quotes not in the article:\n" + "\n".join(missing)


def test_quotes_contain_stated(facts):
    bad = [
        f"{r.fact_id}: {r.stated!r} not in {r.quote!r}"
        for r in facts.itertuples()
        if not r.stated or not occurrences(r.stated, r.quote)
    ]
    assert not bad, "\n".join(bad)


def test_stated_parses_to_value(facts):
    bad = []
    for r in facts.itertuples():
        try:
            parsed = parse_stated(r.stated, r.unit)
        except ValueError as exc:
            bad.append(f"{r.fact_id}: {exc}")
            continue
        if not math.isclose(parsed, float(r.value), rel_tol=1e-9, abs_tol=0.0):
            bad.append(f"{r.fact_id}: stated {r.stated!r} -> {parsed!r}, value {r.value!r}")
    assert not bad, "\n".join(bad)


def test_bound_matches_markers_in_quote(facts):
    bad = []
    for r in facts.itertuples():
        want = expected_bound(r.stated, r.quote)
        if want is None:
            bad.append(f"{r.fact_id}: cannot tell the bound of {r.stated!r} in {r.quote!r}")
        elif want != r.bound:
            bad.append(f"{r.fact_id}: bound {r.bound!r}, but the quote implies {want!r}: {r.quote}")
    assert not bad, "\n".join(bad)


def test_quote_not_trimmed_before_its_marker(facts, article):
    """Read the article around each quote: a quote cut before 余/多/以上 or after 突破/约,
    would hide the marker from the quote check above."""
    bad = []
    for r in facts.itertuples():
        for pos in (m.start() for m in re.finditer(re.escape(r.quote), article)):
            for start in occurrences(r.stated, r.quote):
                a, b = pos + start, pos + start + len(r.stated)
                if article[b:].startswith(AFTER_MARKERS) or article[:a].endswith("突破"):
                    want = "lower"
                elif article[:a].endswith("约"):
                    want = "approx"
                else:
                    continue
                if r.bound != want:
                    bad.append(
                        f"{r.fact_id}: {r.stated!r} marked in article; bound should be {want!r}"
                    )
    assert not bad, "\n".join(bad)


# --- ids other code relies on ----------------------------------------------------------------


def one(facts: pd.DataFrame, indicator: str, **where: str) -> pd.Series:
    sel = facts[facts["indicator"] == indicator]
    for col, val in where.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, f"expected exactly one {indicator} {where}, found {len(sel)}"
    return sel.iloc[0]


@pytest.mark.parametrize(
    ("indicator", "where", "value", "bound"),
    [
        ("talent.count", {"category": "all", "period": "2015"}, 298200, "exact"),
        ("talent.count", {"category": "all", "period": "2020"}, 428000, "exact"),
        ("talent.count", {"category": "management", "period": "2015"}, 41000, "exact"),
        ("talent.count", {"category": "management", "period": "2020"}, 59000, "exact"),
        ("talent.count", {"category": "professional", "period": "2015"}, 80000, "exact"),
        ("talent.count", {"category": "professional", "period": "2020"}, 115000, "exact"),
        ("talent.count", {"category": "skilled", "period": "2015"}, 102000, "exact"),
        ("talent.count", {"category": "skilled", "period": "2020"}, 150000, "exact"),
        ("exchange.persons", {}, 1827, "exact"),
        ("exchange.new_techniques", {}, 40, "lower"),
        ("platforms.national", {}, 6, "exact"),
        ("platforms.provincial", {}, 15, "exact"),
        ("outputs.projects_approved", {}, 281, "exact"),
        ("outputs.funding_10k_yuan", {}, 1585, "exact"),
        ("outputs.patents_granted", {}, 500, "lower"),
        ("outputs.patents_yearly_applied_and_granted", {}, 1000, "lower"),
        ("outputs.patents_per_10k_growth", {}, 2.4615, "exact"),
        ("recruitment.expo_visitors", {}, 36700, "lower"),
        ("recruitment.signed", {}, 3540, "lower"),
        ("recruitment.introduced", {}, 7800, "lower"),
    ],
)
def test_required_ids(facts, indicator, where, value, bound):
    row = one(facts, indicator, **where)
    assert math.isclose(float(row["value"]), value, rel_tol=1e-9)
    assert row["bound"] == bound


def test_units_of_required_ids(facts):
    assert one(facts, "outputs.funding_10k_yuan")["unit"] == "万元"
    assert one(facts, "talent.count", category="all", period="2015")["unit"] == "persons"
    assert one(facts, "exchange.persons")["unit"] == "persons"
    assert one(facts, "outputs.patents_per_10k_growth")["unit"] == "ratio"


def test_scope_codes(facts):
    park = facts[facts["quote"].str.contains("水城现代农业产业园")]
    assert len(park) >= 1 and (park["scope_code"] == "520204").all()
    others = facts.drop(park.index)
    assert (others["scope_code"] == "520200").all()


def test_not_quantities_are_absent(facts):
    assert not facts["stated"].isin(["96567"]).any()
    assert not facts["quote"].str.contains("96567|第四周").any()


# --- metadata --------------------------------------------------------------------------------


def test_meta_yaml(article):
    meta = yaml.safe_load(META_YAML.read_text(encoding="utf-8"))
    required = {
        "title",
        "producer",
        "url",
        "date_accessed",
        "date_published",
        "licence",
        "provenance",
        "notes",
    }
    assert required <= set(meta), f"missing keys: {sorted(required - set(meta))}"
    assert meta["provenance"] == "article"
    assert str(meta["title"]) in article
    assert str(meta["date_accessed"]) == "2026-11-28"
    assert str(meta["date_published"]) == "2021"
    assert meta["url"] == "" and "url" in meta["notes"]
    for word in ("period", "cumulative", "bound", "lower"):
        assert word in meta["notes"]
