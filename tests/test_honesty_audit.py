"""The honesty audit: every number on every page of a real run is accounted for and marked right.

Four real `lps run`s over all five scopes (issue "Every printed number honest"):

- the bundled data: every number in every HTML report is a text the formatter printed from a
  value in that job (or structural: a year, a date, a code), never typed or formatted by hand;
- the same generator with another seed (only illustrative inputs differ): every number that
  changes carries the illustrative mark `*`;
- the bundled data relabelled as the analysts' own (`analyst`): no `*` and no 示例 anywhere,
  HTML or PDF;
- a folder holding only talent_stock: no figure of a missing table is printed as 0, and the brief
  blames no analysis that ran.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lps_analysis import paths
from lps_analysis.report import audit

pytestmark = pytest.mark.slow

BUNDLED = paths.DATA_DIR


def _lps(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lps_analysis.cli", *args],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _run(data: Path, out: Path, to: str = "html") -> Path:
    _lps("run", "--data", str(data), "--out", str(out), "--to", to, "--force")
    return out


def _pages(out: Path):
    """(scope folder, notebook stem, html text, printed texts) for every HTML report of a run."""
    for html in sorted(out.glob("*/*.html")):
        printed = [p["text"] for p in audit.ledger(html.parent / ".metrics" / f"{html.stem}.json")]
        yield html.parent.name, html.stem, html.read_text(encoding="utf-8"), printed


def _relabelled(tmp: Path) -> Path:
    """The bundled data as if the analysts had supplied them (provenance `analyst`)."""
    folder = tmp / "real"
    shutil.copytree(BUNDLED, folder)
    for csv in folder.glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if "provenance" in frame:
            frame["provenance"] = frame["provenance"].replace("illustrative", "analyst")
            frame.to_csv(csv, index=False)
    for meta in folder.glob("*.meta.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        data.update(
            provenance="analyst",
            title=str(data.get("title", "")).replace("【示例数据】", "").replace("示例", "上报"),
            notes="各县区上报数据。",
            producer="六盘水市人才办",
            licence="内部使用",
        )
        meta.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for readme in folder.glob("README*"):
        readme.unlink()
    return folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("audit")
    other = tmp / "seed1"
    _lps("sample-data", "--out", str(other), "--seed", "1")
    only_stock = tmp / "only_stock"
    only_stock.mkdir()
    for name in ("talent_stock.csv", "talent_stock.meta.yaml"):
        shutil.copy(BUNDLED / name, only_stock / name)
    return {
        "bundled": _run(BUNDLED, tmp / "out_bundled"),
        "seed1": _run(other, tmp / "out_seed1"),
        "real": _run(_relabelled(tmp), tmp / "out_real", to="html,pdf"),
        "only_stock": _run(only_stock, tmp / "out_only_stock"),
    }


@pytest.mark.parametrize("run", ["bundled", "only_stock", "real"])
def test_every_number_on_every_page_was_printed_from_a_value(runs, run):
    problems = []
    for scope, stem, html, printed in _pages(runs[run]):
        assert printed, f"{scope}/{stem}: the notebook saved no ledger of printed numbers"
        for block in audit.blocks(html):
            for number in audit.unaccounted(block, printed):
                problems.append(f"{scope}/{stem}: {number} in 「{block[:90]}」")
    assert not problems, "\n".join(problems[:40])


def test_no_printed_number_is_a_bare_float_without_provenance(runs):
    for out in runs.values():
        for metrics in out.glob("*/.metrics/*.json"):
            unmarked = [p["text"] for p in audit.ledger(metrics) if p["provenance"] == "unmarked"]
            assert not unmarked, f"{metrics.parent.parent.name}/{metrics.stem}: {unmarked[:10]}"


def test_every_number_that_depends_on_illustrative_inputs_is_marked(runs):
    problems = []
    for html in sorted(runs["seed1"].glob("*/*.html")):
        base = runs["bundled"] / html.parent.name / html.name
        changed = audit.unmarked_changes(
            audit.blocks(base.read_text(encoding="utf-8")),
            audit.blocks(html.read_text(encoding="utf-8")),
        )
        problems += [f"{html.parent.name}/{html.stem}: {c}" for c in changed]
    assert not problems, "\n".join(problems[:40])


def test_real_inputs_give_a_report_without_any_illustrative_mark(runs):
    out = runs["real"]
    for scope, stem, html, _ in _pages(out):
        text = " ".join(audit.blocks(html))
        assert "示例" not in text, (scope, stem, re.findall(r".{30}示例.{30}", text)[:3])
        assert not re.search(r"\d[^\s\d，。；]{0,6}\*", text), (scope, stem)
    pdfs = sorted(out.glob("*/*.pdf"))
    assert len(pdfs) >= 20
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "示例" not in text, (pdf.name, re.findall(r".{20}示例.{20}", text)[:3])
    for metrics in out.glob("*/metrics.json"):
        kinds = {m["provenance"] for m in json.loads(metrics.read_text("utf-8"))["metrics"]}
        assert "illustrative" not in kinds, metrics


def test_a_missing_table_is_never_a_zero_and_no_analysis_that_ran_is_blamed(runs):
    out = runs["only_stock"]
    absent = {"exchanges", "institution_outcomes", "platforms", "platform_outputs"}
    for metrics in out.glob("*/metrics.json"):
        for m in json.loads(metrics.read_text("utf-8"))["metrics"]:
            if m["value"] == 0:
                sources = set(m.get("sources") or ())
                assert sources and not sources & absent, (metrics.parent.name, m)
            if m["id"].startswith(("exchange.persons", "exchange.att")):
                # only the article's own figure (1,827, F028) may stand without the table
                cited = m.get("sources") or ()
                from_article = cited and all(re.fullmatch(r"F\d{3}", s) for s in cited)
                assert m["value"] is None or from_article, (metrics.parent.name, m)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest  # the run finished and says what it ran
    for brief in out.glob("*/00_brief.html"):
        text = " ".join(audit.blocks(brief.read_text(encoding="utf-8")))
        for analysis in ("东西部协作分析（02）尚无结果", "平台产出分析（03）尚无结果"):
            assert analysis not in text, (brief.parent.name, analysis)
        assert "exchanges" in text  # says which table the exchange figures need


COUNTY_PLACEHOLDERS = ("只在全市报告中显示", "仅全市报告", "分析人员可在", "本范围", "全市建了")


def test_county_reports_hold_no_city_placeholders_or_analyst_notes(runs):
    found = []
    for html in sorted(runs["bundled"].glob("5202[0-9][1-9]-*/*.html")):
        text = " ".join(audit.blocks(html.read_text(encoding="utf-8")))
        found += [f"{html.parent.name}/{html.name}: {p}" for p in COUNTY_PLACEHOLDERS if p in text]
    assert not found, found


# English method names belong in the glossary (附录二) only; the article's own terms elsewhere.
NOT_IN_BODY_TEXT = ("Callaway", "Sun–Abraham", "Webb", "HHI", "sample-data", '"十四五"')


def test_report_pages_use_the_article_s_terms_and_chinese_method_names(runs):
    found = []
    for html in sorted(runs["bundled"].glob("*/*.html")):
        text = " ".join(audit.blocks(html.read_text(encoding="utf-8")))
        where = f"{html.parent.name}/{html.name}"
        found += [f"{where}: {term}" for term in NOT_IN_BODY_TEXT if term in text]
        found += [f"{where}: {m}" for m in re.findall(r"(?:19|20)\d\d–(?:19|20)\d\d", text)]
        found += [f"{where}: 企业经营管理人才"] * ("企业经营管理人才" in text)
    assert not found, found[:20]
