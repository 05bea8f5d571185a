"""The combined leadership report (lps_analysis.report.combined) from real runs: `lps run` of
notebook 01 then the brief (00) for the city and 钟山区, then one PDF per scope.

What a leadership-group member relies on: the 目录 sends them to the right page, every figure of
the brief is the metric it cites, nothing spills off the page, and the Chinese is set in the SC face.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from PIL import Image

from lps_analysis import paths
from lps_analysis.data.reference import load_benchmarks, load_facts
from lps_analysis.data.registry import get_scope
from lps_analysis.metrics import Metric
from lps_analysis.report.combined import build_scope_report, scope_report_html
from lps_analysis.views import brief

pytestmark = pytest.mark.slow

LPS = str(Path(sys.executable).with_name("lps"))
GENERATED = datetime(2024, 5, 1, 9, 30)
# 钟山区's 下一步工作建议 as an analyst might write them, with markup that must print as text.
# Six lines, four of them longer than the brief prints: page one must still hold.
RECOMMENDATIONS = (
    "# 每行一条建议（本行不印出）\n"
    "- 2025年前补齐钟山区常住人口和人才分类数据\n"
    "2. <b>强</b> **重点** [链](javascript:x)\n"
    + "".join(
        f"- 第{n}条：" + "加强人才队伍建设，完善引才育才用才留才机制，" * 5 + "\n"
        for n in "三四五六"
    )
)
SCOPES = ("520200", "520201")


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _recommendations_dir(out: Path) -> Path:
    return out.parent / f"{out.name}-recommendations"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """Executed notebooks 01 and 00 for both scopes, and each scope's report.pdf."""
    out = tmp_path_factory.mktemp("reports")
    recommendations = _recommendations_dir(out)
    recommendations.mkdir()
    (recommendations / "520201.md").write_text(RECOMMENDATIONS, encoding="utf-8")
    env = {**os.environ, "LPS_RECOMMENDATIONS_DIR": str(recommendations)}
    scopes = [arg for code in SCOPES for arg in ("--scope", code)]
    # The brief reads the analyses' metrics (the county ones too): it runs once they are all done.
    for notebook in ("01", "00"):
        done = subprocess.run(
            [LPS, "run", "--notebook", notebook, *scopes, "--to", "html", "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=900,
            env=env,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for code in SCOPES:
        folder = out / get_scope(code).slug
        notebooks = sorted(folder.glob("*.ipynb"))
        (folder / "report.pdf").write_bytes(
            build_scope_report(code, notebooks, generated=GENERATED)
        )
    return out


def _folder(out: Path, code: str) -> Path:
    return out / get_scope(code).slug


@pytest.fixture(scope="module")
def pages(out):
    """Text of each page of each scope's report (pdftotext separates pages with form feeds)."""
    return {
        code: _poppler(
            "pdftotext", "-enc", "UTF-8", str(_folder(out, code) / "report.pdf"), "-"
        ).split("\f")[:-1]
        for code in SCOPES
    }


def _page_number(page: str) -> int | None:
    match = re.search(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page)
    return int(match.group(1)) if match else None


def _toc_index(page_texts: list[str]) -> int:
    """The 目录 page: the first page whose lines end in dot leaders and a page number."""
    return next(
        i for i, p in enumerate(page_texts) if len(re.findall(r"\.{3,}\s*\d+\s*$", p, re.M)) >= 3
    )


def _contents(page_texts: list[str]) -> list[tuple[str, int]]:
    entries = []
    for line in page_texts[_toc_index(page_texts)].splitlines():
        match = re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", line.strip())
        if match:
            entries.append((match.group(1).strip(), int(match.group(2))))
    return entries


def _running_header(page: str) -> str:
    return page.strip().splitlines()[0]


@pytest.mark.parametrize("code", SCOPES)
def test_every_page_s_running_header_names_the_part_it_belongs_to(pages, code):
    """The brief's later pages follow the 目录 but belong to the brief: their header says so."""
    texts = pages[code]
    toc = _toc_index(texts)
    assert "目录" in _running_header(texts[toc])
    brief_title = next(t for t, _ in _contents(texts) if "简报" in t)
    after_toc = [_running_header(p) for p in texts[toc + 1 :]]
    brief_pages = [
        i for i, p in enumerate(texts[toc + 1 :]) if "数据待补充" in p or "七个并重" in p
    ]
    assert brief_pages, "the brief's later sections follow the 目录"
    for i in brief_pages:
        assert after_toc[i].endswith(brief_title), after_toc[i]
    assert not any(h.endswith("目录") for h in after_toc)


# --- 目录 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", SCOPES)
def test_contents_page_numbers_are_the_pages_where_sections_start(pages, code):
    texts = pages[code]
    assert _page_number(texts[0]) is None  # the cover is not numbered
    assert [_page_number(p) for p in texts[1:]] == list(range(1, len(texts)))
    assert all(f"共 {len(texts) - 1} 页" in p for p in texts[1:])
    entries = _contents(texts)
    titles = [t for t, _ in entries]
    for expected in (
        "领导小组简报",
        "一、主要发现",
        "四、关键数字一览",
        "人才结构变化分析",
        "附录一 数据来源",
        "附录二 指标释义",
    ):
        assert _flat(expected) in map(_flat, titles), titles
    toc = _toc_index(texts)
    for title, number in entries:
        first = next(
            i for i, page in enumerate(texts) if i >= 1 and i != toc and _flat(title) in _flat(page)
        )
        assert _page_number(texts[first]) == number, (title, number, _page_number(texts[first]))


def test_city_contents_list_the_county_comparison_the_county_s_do_not(pages):
    assert "六、县级单位比较" in [t for t, _ in _contents(pages["520200"])]
    assert "六、县级单位比较" not in [t for t, _ in _contents(pages["520201"])]


# --- the brief's numbers ------------------------------------------------------------------------


def _metrics_json(folder: Path) -> dict[str, Metric]:
    data = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    return {
        r["id"]: Metric(r["id"], r["value"], r["unit"], r["provenance"], r["bound"])
        for r in data["metrics"]
    }


def _shown_value(text: str, unit: str) -> tuple[float, float]:
    """(value in the metric's unit, half the last shown digit) of a number as the brief prints it."""
    # 万 multiplies (29.82万人), except in 万元, the unit money is kept in.
    sign, digits, wan = re.search(r"([+\-]?)(\d[\d,]*(?:\.\d+)?)(万(?!元))?", text).groups()
    value = float(digits.replace(",", "")) * (-1 if sign == "-" else 1)
    step = 10.0 ** -(len(digits.split(".")[1]) if "." in digits else 0)
    if wan:
        value, step = value * 10_000, step * 10_000
    if "%" in text or ("个百分点" in text and unit == "ratio"):
        value, step = value / 100, step / 100
    return value, step / 2


def _brief_text(notebook: Path) -> str:
    """What the executed brief shows: its markdown and the text of its outputs (no styles)."""
    nb = nbformat.read(notebook, as_version=4)
    parts = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if {"parameters", "injected-parameters", "remove-cell"} & set(tags):
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                soup = BeautifulSoup(data["text/html"], "html.parser")
                for style in soup.find_all("style"):
                    style.decompose()
                for cell in soup.find_all(["td", "th"]):
                    cell.append("\n")  # one line per cell; the spans inside a cell stay joined
                parts.append(soup.get_text(""))
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
    return "\n".join(parts)


@pytest.mark.parametrize("code", SCOPES)
def test_every_number_in_the_brief_equals_the_metric_it_cites(out, pages, code):
    scope = get_scope(code)
    folder = _folder(out, code)
    metrics = _metrics_json(folder)
    counties = None
    if scope.level == "city":
        counties = {c: _metrics_json(_folder(out, c)) for c in SCOPES if c != code}
    facts = load_facts().set_index("fact_id")
    benchmarks = load_benchmarks()
    view = brief.build(
        scope,
        metrics=metrics,
        facts=load_facts(),
        counties=counties,
        benchmarks=benchmarks,
        recommendations_dir=_recommendations_dir(out),
    )
    cites = view.cites()
    assert len([f for f in view.figures if not f.missing]) >= 2
    for cite in cites:
        if cite.source.startswith(("rule:", "growth:")):
            continue  # computed by the 问题与不足 rules: tests/test_brief_page_one.py
        if cite.source.startswith("benchmark:"):
            _, region, indicator, year = cite.source.split(":")
            row = benchmarks[
                (benchmarks.region == region)
                & (benchmarks.indicator == indicator)
                & (benchmarks.year == int(year))
                & (benchmarks.category == "all")
            ]
            expected, bound = float(row.value.item()), row.bound.item()
        elif cite.source.startswith("fact:"):
            expected = float(facts.loc[cite.source[5:], "value"])
            bound = facts.loc[cite.source[5:], "bound"]
        else:
            expected, bound = metrics[cite.source].value, metrics[cite.source].bound
            if counties and expected != cite.number:  # a county cell of the comparison
                expected = next(
                    m[cite.source].value
                    for m in counties.values()
                    if cite.source in m and m[cite.source].value == cite.number
                )
        value, tolerance = _shown_value(cite.text, cite.value.unit)
        assert abs(value - expected) <= tolerance + 1e-9, (cite, expected)
        assert cite.text.startswith("≥") == (bound == "lower"), cite

    # The executed notebook shows exactly these texts, and no number it does not cite.
    shown = _brief_text(folder / "00_brief.ipynb")
    for figure in view.figures:
        for text in (figure.label, figure.value, figure.change, figure.sentence):
            assert text in shown, text
    for side in (s for b in view.balances for s in b.sides):
        assert side.text in shown, side.text
    allowed = {n for c in cites for n in _numbers(c.text)}
    # Link targets (official pages) and fact ids name sources; list numbers count lines; the
    # analysts' recommendations are their words (in the ledger as theirs); data text is escaped.
    shown = re.sub(r"\]\([^)]*\)|F\d{3}|^\d+\. ", "", shown, flags=re.M)
    shown = html.unescape(shown)
    for item in view.recommendations.items:
        shown = shown.replace(item, "")
    allowed.add(str(view.recommendations.left_out))  # 另有N条建议…未列出
    stray = set(_numbers(shown)) - allowed
    assert not stray, stray

    # And the report's brief pages print them.
    brief_pages = _flat(" ".join(p for p in pages[code] if "领导小组简报" in p.splitlines()[0]))
    for figure in view.figures:
        assert _flat(figure.value) in brief_pages


_NOT_FIGURES = re.compile(r"\d{4}(?=年|—)|（0\d）|（\d{6}）")


def _numbers(text: str) -> list[str]:
    return re.findall(r"[≥约]?[+\-]?\d[\d,]*(?:\.\d+)?", _NOT_FIGURES.sub("", text))


# --- layout and fonts ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", SCOPES)
def test_only_the_simplified_chinese_noto_faces_are_embedded(out, code):
    fonts = _poppler("pdffonts", str(_folder(out, code) / "report.pdf")).splitlines()[2:]
    assert fonts
    for line in fonts:
        assert re.match(r"[A-Z]{6}\+Noto-Sans(-Mono)?-CJK-SC(-Bold)?\s", line), line
        assert line.split()[-5] == "yes", line  # embedded


@pytest.mark.parametrize("code", SCOPES)
def test_nothing_spills_into_the_side_margins(out, tmp_path, code):
    _poppler(
        "pdftoppm", "-r", "50", "-png", str(_folder(out, code) / "report.pdf"), str(tmp_path / "p")
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) > 5
    for image in images:
        page = Image.open(image).convert("L")
        width, height = page.size
        margin = int(12 / 25.4 * 50)  # 12 mm of the 18 mm side margins
        for box in ((0, 0, margin, height), (width - margin, 0, width, height)):
            assert page.crop(box).getextrema()[0] > 235, (image.name, box)


# --- cover, parts, appendix ----------------------------------------------------------------------


@pytest.mark.parametrize("code", SCOPES)
def test_cover_names_scope_period_date_provenance_and_confidentiality(pages, code):
    cover = _flat(pages[code][0])
    scope = get_scope(code)
    for text in (
        f"{scope.name_zh}人才发展分析报告",
        "2015—2020年",
        "2024年5月1日",
        "内部资料",
        "注意保存",
        "让人才“蓄水池”蓄足发展源动力",
        "本报告含示例数据",
    ):
        assert text in cover, text


@pytest.mark.parametrize("code", SCOPES)
def test_parts_follow_in_order_and_show_no_code(pages, code):
    texts = pages[code]
    starts = [
        next(i for i, p in enumerate(texts) if i >= 1 and i != _toc_index(texts) and title in p)
        for title in ("领导小组简报", "人才结构变化分析", "附录一", "附录二")
    ]
    assert starts == sorted(starts)
    body = "\n".join(texts)
    for code_text in ("import ", "view.", "metrics.save", "plt.show", "display(", "Traceback"):
        assert code_text not in body


@pytest.fixture(scope="module")
def city_html(out):
    folder = _folder(out, "520200")
    return scope_report_html("520200", sorted(folder.glob("*.ipynb")), generated=GENERATED)


def test_sources_list_every_dataset_with_its_provenance(city_html):
    soup = BeautifulSoup(city_html, "html.parser")
    section = _flat(soup.find("section", class_="lps-sources").get_text())
    for folder in (paths.ILLUSTRATIVE_DIR, paths.REFERENCE_DIR, paths.FACTS_DIR):
        for sidecar in folder.glob("*.meta.yaml"):
            meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
            assert _flat(meta["title"]) in section, sidecar
    assert "示例数据（非真实）" in section and "官方发布" in section and "原文报道" in section


def test_every_article_figure_used_is_listed_with_its_exact_phrase(out, city_html):
    facts = load_facts().set_index("fact_id")
    article = paths.ARTICLE_FILE.read_text(encoding="utf-8")
    soup = BeautifulSoup(city_html, "html.parser")
    table = soup.find("section", class_="lps-sources").find_all("table")[1]
    listed = {row.find("td").get_text(): row for row in table.find("tbody").find_all("tr")}
    view = brief.build(
        get_scope("520200"), metrics=_metrics_json(_folder(out, "520200")), facts=load_facts()
    )
    used = {c.source[5:] for c in view.cites() if c.source.startswith("fact:")}
    used |= {"F009", "F010", "F011", "F016"}  # 01 records the article's talent totals
    assert used <= set(listed), used - set(listed)
    for fact_id, row in listed.items():
        quote = row.find_all("td")[2].get_text()
        assert quote == facts.loc[fact_id, "quote"] and quote in article


def test_glossary_explains_each_measure_in_plain_chinese(pages):
    glossary = _flat("".join(p for p in pages["520200"] if "附录二" in p))
    for term in (
        "年均增长率",
        "CAGR",
        "相异指数",
        "偏离—份额分解",
        "平均处理效应",
        "置信区间",
        "HHI",
        "基尼系数",
    ):
        assert term in glossary, term


def test_county_report_says_the_article_speaks_for_the_city_only(pages):
    text = _flat("".join(pages["520201"]))
    assert "原文只报告全市数字" in text
    assert "钟山区人才发展分析报告" in text


def test_notebooks_of_another_scope_are_refused(out):
    city_notebooks = sorted(_folder(out, "520200").glob("*.ipynb"))
    with pytest.raises(ValueError, match="520200"):
        build_scope_report("520201", city_notebooks)


def test_same_notebooks_and_time_give_the_same_bytes(out):
    folder = _folder(out, "520201")
    again = build_scope_report("520201", sorted(folder.glob("*.ipynb")), generated=GENERATED)
    assert again == (folder / "report.pdf").read_bytes()


# --- the brief's first page -----------------------------------------------------------------------


def _between(page: str, start: str, end: str) -> str:
    flat = page.replace("\r", "")
    return flat[flat.index(start) + len(start) : flat.index(end)]


@pytest.mark.parametrize("code", SCOPES)
def test_the_page_after_the_cover_is_the_whole_first_page_of_the_brief(pages, code):
    first = pages[code][1]
    for heading in ("领导小组简报", "一、主要发现", "二、问题与不足", "三、下一步工作建议"):
        assert heading in first, heading
    assert "四、关键数字一览" not in first  # the rest of the brief follows the 目录
    assert _toc_index(pages[code]) == 2
    assert "四、关键数字一览" in pages[code][3]
    findings = _between(first, "一、主要发现", "二、问题与不足")
    assert 3 <= len(re.findall(r"^\s*•", findings, re.M)) <= 5, findings
    assert "判断规则" in _between(first, "二、问题与不足", "三、下一步工作建议")


def test_a_scope_without_recommendations_shows_the_placeholder(pages):
    from lps_analysis.views.brief.recommendations import PLACEHOLDER

    assert _flat(PLACEHOLDER) in _flat(pages["520200"][1])


def test_the_analysts_recommendations_print_as_text_on_page_one(pages, out):
    first = _flat(pages["520201"][1])
    assert "2025年前补齐钟山区常住人口和人才分类数据" in first
    assert _flat("<b>强</b> **重点** [链](javascript:x)") in first
    assert "每行一条建议" not in first
    assert "第五条" in first and "第六条" not in first and "另有1条建议" in first
    assert "……" in first  # a line longer than one printed line is cut, and says so
    html = (_folder(out, "520201") / "00_brief.html").read_text(encoding="utf-8")
    assert "<b>强" not in html and 'href="javascript' not in html


def test_county_report_has_no_city_placeholders_and_lists_its_data_to_supply(pages):
    county = _flat("".join(pages["520201"]))
    for placeholder in ("只在全市报告中显示", "仅全市报告", "分析人员可在", "本范围"):
        assert placeholder not in county, placeholder
    after_toc = pages["520201"][_toc_index(pages["520201"]) + 1 :]
    gaps = next(p for p in after_toc if "六、数据待补充" in p)
    # 01 ran on the bundled (example) talent table: the county must supply the real one.
    assert "人才规模总量表（talent_stock）" in _flat(gaps)
    assert "与省内其他市（州）比较" not in county


def test_city_brief_compares_guizhou_prefectures_with_official_figures(pages):
    after_toc = pages["520200"][_toc_index(pages["520200"]) + 1 :]
    page = _flat(next(p for p in after_toc if "与省内其他市（州）比较" in p))
    for text in ("黔东南州", "52.2万人", "1300人", "毕节市", "来源"):
        assert _flat(text) in page, text


# --- the city's page one at its fullest ----------------------------------------------------------

# Figures changed so that six rules fire at city scope, every one on an example figure (the
# longest sentence: each opens with the demonstration note). Page one then shows 5 findings,
# 4 shortfalls and a line counting the rest, 5 recommendations cut at the longest length and a
# line counting the rest.
WORST_CITY = {
    "talent.total.2020": 400_000,  # +34% against the province's +42%
    "talent.management.2020": 59_000,  # +43.9% against +52.6%
    "talent.professional.2020": 90_000,  # +12.5% against +23.3%
    "talent.skilled.2020": 150_000,  # +47.1% against +68.1%
    "talent.per_10k.2020": 1200,  # under 黔东南州's 1300
}
WORST_COUNTY = {"talent.total.cagr": 0.05}  # 钟山区 under the province's 7.3% a year


def _as_examples(ledger: Path, changes: dict[str, float]) -> None:
    data = json.loads(ledger.read_text(encoding="utf-8"))
    for metric in data["metrics"]:
        if metric["id"] in changes:
            metric.update(
                value=changes[metric["id"]], provenance="illustrative", sources=["示例数据"]
            )
    ledger.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def worst_city(out, tmp_path_factory):
    """Page one of the city report with the most the brief prints on it."""
    worst = tmp_path_factory.mktemp("worst") / "out"
    shutil.copytree(out, worst)
    # The exchange estimate's finding is the brief's longest: the city runs 02 and 03 as well.
    analyses = subprocess.run(
        [LPS, "run", "--notebook", "02", "--notebook", "03", "--scope", "520200", "--to", "html"]
        + ["--out", str(worst)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert analyses.returncode == 0, analyses.stdout[-3000:] + analyses.stderr[-3000:]
    _as_examples(_folder(worst, "520200") / ".metrics" / "01_talent_structure.json", WORST_CITY)
    _as_examples(_folder(worst, "520201") / ".metrics" / "01_talent_structure.json", WORST_COUNTY)
    recommendations = tmp_path_factory.mktemp("worst-recommendations")
    (recommendations / "520200.md").write_text(
        "".join(
            f"- 第{n}条：" + "健全人才发展体制机制，优化引才用才环境，" * 4 + "\n"
            for n in "一二三四五六七"
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [LPS, "run", "--notebook", "00", "--scope", "520200", "--to", "html", "--force"]
        + ["--out", str(worst)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "LPS_RECOMMENDATIONS_DIR": str(recommendations)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = _folder(worst, "520200")
    pdf = build_scope_report("520200", sorted(folder.glob("*.ipynb")), generated=GENERATED)
    (folder / "report.pdf").write_bytes(pdf)
    return _poppler("pdftotext", "-enc", "UTF-8", str(folder / "report.pdf"), "-").split("\f")[:-1]


def test_the_city_page_one_holds_five_findings_four_shortfalls_and_five_long_recommendations(
    worst_city,
):
    first = worst_city[1]
    findings = _between(first, "一、主要发现", "二、问题与不足")
    assert len(re.findall(r"^\s*•", findings, re.M)) == 5, findings
    assert "协作前后受援单位指标的差异" in _flat(findings)  # the longest finding is among them
    shortfalls = _between(first, "二、问题与不足", "判断规则")
    assert len(re.findall(r"（示例数据，仅演示规则，不反映实际）", _flat(shortfalls))) == 4
    assert "另有2条同类情况" in _flat(shortfalls)
    advice = _flat(first[first.index("三、下一步工作建议") :])
    assert "第五条" in advice and "第六条" not in advice and advice.count("……") == 5
    assert "另有2条建议限于篇幅未列出" in advice  # the section's last line is still on page one
    assert _toc_index(worst_city) == 2  # the 目录 follows: nothing of page one ran over
    assert "四、关键数字一览" in worst_city[3]


@pytest.mark.parametrize("code", SCOPES)
def test_parts_read_from_the_exported_html_equal_parts_exported_again(out, code):
    """`lps run` builds the report from the HTML its jobs published beside the notebooks: the
    notebooks ran at different times (01, then 00), yet the report is the same either way."""
    notebooks = sorted(_folder(out, code).glob("*.ipynb"))
    assert all(n.with_suffix(".html").is_file() for n in notebooks)
    again = scope_report_html(code, notebooks, generated=GENERATED)
    reused = scope_report_html(code, notebooks, generated=GENERATED, reuse_html=True)
    assert reused == again


def test_building_a_combined_report_imports_no_analysis_stack():
    """A worker builds reports without the estimators or charts: importing the report module
    must not pull in scipy, matplotlib or the analyses' views (seconds per worker)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import lps_analysis.report.combined\n"
        "heavy = ('scipy', 'matplotlib', 'lps_analysis.views', 'lps_analysis.exchange')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_sources_appendix_imports_the_validator_only_for_a_table_without_sidecar(tmp_path):
    """Every bundled table has its sidecar: listing the sources reads none of them, so a report
    worker does not import the validator (pandera); a table without one is read and listed."""
    import shutil
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lps_analysis.report.sources import user_table_sources\n"
        "found = user_table_sources(Path(sys.argv[1]))\n"
        "print([row['file'] for row in found], 'pandera' in sys.modules)\n"
    )

    def listed(folder):
        done = subprocess.run(
            [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert listed(paths.DATA_DIR) == "[] False"
    own = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, own)
    from lps_analysis.data.discover import find_table_files

    files, *_ = find_table_files(own)
    name, table_file = sorted(files.items())[0]
    table_file.with_name(f"{name}.meta.yaml").unlink()
    assert listed(own) == f"['{table_file.name}'] True"
