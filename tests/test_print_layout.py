"""Print quality of every PDF of a real run: the rules of `lps_analysis.report.layout`.

One `lps run` of all five scopes (bundled data, HTML and PDF) serves every check; the rules are
stated over whatever pages a report has, never over page numbers. The rules themselves are
checked first on small inputs, so that each can be seen to fail.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lps_analysis import paths
from lps_analysis.report import layout
from lps_analysis.report.layout import Anchor, TextBlock

# ---------------------------------------------------------------------------------------------
# The rules on small inputs


def test_a_table_split_leaving_two_rows_is_refused_and_three_and_three_is_not():
    two = [Anchor(1, 5, "table", None)] + [Anchor(1, 5, "table", i) for i in range(2)]
    two += [Anchor(2, 5, "table", i) for i in range(2, 9)]
    assert layout.split_tables(two)
    three = [Anchor(1, 5, "table", i) for i in range(3)] + [
        Anchor(2, 5, "table", i) for i in range(3, 6)
    ]
    assert not layout.split_tables(three)


def test_a_heading_whose_text_starts_on_the_next_page_is_an_orphan():
    marks = [Anchor(3, 1, "p", None), Anchor(3, 2, "h", None), Anchor(4, 3, "p", None)]
    assert layout.orphans(marks)
    assert not layout.orphans([Anchor(3, 2, "h", None), Anchor(3, 3, "p", None)])


def test_a_note_on_the_page_after_its_tables_last_row_is_an_orphan():
    marks = [Anchor(2, 1, "table", None), Anchor(2, 1, "table", 0), Anchor(3, 2, "note", None)]
    assert layout.orphans(marks)
    marks[-1] = Anchor(2, 2, "note", None)
    assert not layout.orphans(marks)


def test_a_date_or_file_name_broken_inside_a_cell_is_found():
    assert layout.broken_words([TextBlock(1, 100, 140, ("2016年1", "月"))])
    assert layout.broken_words([TextBlock(1, 100, 180, ("institution_outcom", "es.csv"))])
    assert not layout.broken_words([TextBlock(1, 100, 180, ("六枝特区精细化工", "省级重点实验室"))])


def test_text_beyond_the_side_margins_is_found():
    assert layout.overflowing_text([TextBlock(1, 479, 551, ("示例数据（非真实）",))])
    assert not layout.overflowing_text([TextBlock(1, 60, 540, ("正文",))])


def test_a_sparse_page_is_refused_unless_it_ends_a_chapter():
    assert layout.sparse_pages([0.9, 0.2, 0.9], exempt=set())
    assert not layout.sparse_pages([0.9, 0.2, 0.9], exempt={2})


def test_chart_text_is_measured_at_the_size_the_pdf_prints_it():
    chart = {"width_px": 2000, "dpi": 200, "smallest_pt": 9.0, "smallest_text": "平台"}
    # 2000 px at 200 dpi is 10 in, printed across 6.85 in (292 ppi): 9 pt prints at 6.2 pt
    assert layout.small_chart_text([chart], [(1, 2000, 900, 292.0)])
    assert not layout.small_chart_text([chart], [(1, 2000, 900, 200.0)])


def test_a_header_row_holding_only_the_index_name_is_found():
    html = (
        "<table><thead><tr><th></th><th>人数</th></tr><tr><th>类别</th><th></th></tr></thead>"
        "<tbody><tr><th>技能</th><td>3</td></tr></tbody></table>"
    )
    assert layout.index_name_rows(html)
    assert not layout.index_name_rows(html.replace("<tr><th>类别</th><th></th></tr>", ""))


def test_anchors_name_every_block_and_body_row():
    html = (
        '<main><h2>一、人才</h2><div class="lps-output lps-html"><table><thead><tr><th>a</th>'
        "</tr></thead><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table></div>"
        "<p>注：说明。</p></main>"
    )
    marked = layout.mark_anchors(html)
    for name in ("lps-b0-h", "lps-b1-table", "lps-b1-table-r0", "lps-b1-table-r1", "lps-b2-note"):
        assert f'id="{name}"' in marked


# ---------------------------------------------------------------------------------------------
# Every PDF of a full run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("layout") / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lps_analysis.cli",
            "run",
            "--data",
            str(paths.DATA_DIR),
            "--out",
            str(out),
            "--to",
            "html,pdf",
            "--force",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pdfs = sorted(out.glob("*/*.pdf"))
    assert len(pdfs) == 25  # 5 scopes × (4 notebooks + the combined report)
    return out


def _pdfs(out):
    for pdf in sorted(out.glob("*/*.pdf")):
        yield f"{pdf.parent.name}/{pdf.name}", pdf


@pytest.mark.slow
def test_no_page_is_nearly_empty_except_a_chapters_last(run):
    problems = []
    for name, pdf in _pdfs(run):
        fills = layout.page_fill(pdf)
        exempt = layout.chapter_last_pages(layout.anchors(pdf), len(fills))
        skip = 2 if pdf.name == "report.pdf" else 1  # cover (and 目录)
        problems += [f"{name}: {p}" for p in layout.sparse_pages(fills, exempt, skip=skip)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_no_table_is_split_leaving_fewer_than_three_rows(run):
    problems = []
    for name, pdf in _pdfs(run):
        marks = layout.anchors(pdf)
        assert marks, f"{name}: no anchors in the PDF"
        problems += [f"{name}: {p}" for p in layout.split_tables(marks)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_no_heading_or_note_is_orphaned(run):
    problems = []
    for name, pdf in _pdfs(run):
        problems += [f"{name}: {p}" for p in layout.orphans(layout.anchors(pdf))]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_no_word_is_broken_inside_a_table_cell(run):
    problems = []
    for name, pdf in _pdfs(run):
        problems += [f"{name}: {p}" for p in layout.broken_words(layout.text_blocks(pdf))]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.slow
def test_no_text_runs_past_the_side_margins(run):
    problems = []
    for name, pdf in _pdfs(run):
        problems += [f"{name}: {p}" for p in layout.overflowing_text(layout.text_blocks(pdf))]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.slow
def test_chart_text_prints_at_eight_points_or_more(run):
    problems = []
    for name, pdf in _pdfs(run):
        if pdf.name == "report.pdf":
            continue  # the same images as the notebooks' PDFs
        ledger = pdf.parent / ".metrics" / f"{pdf.stem}.json"
        charts = json.loads(ledger.read_text(encoding="utf-8")).get("charts", [])
        problems += [f"{name}: {p}" for p in layout.small_chart_text(charts, layout.images(pdf))]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_chart_of_a_run_is_legible(run):
    """No legend over a label, every legend number with its unit, no label struck through."""
    problems, charts_seen = [], 0
    for ledger in sorted(run.glob("*/.metrics/*.json")):
        charts = json.loads(ledger.read_text(encoding="utf-8")).get("charts", [])
        charts_seen += len(charts)
        problems += [
            f"{ledger.parent.parent.name}/{ledger.stem}: {p}"
            for p in layout.illegible_charts(charts)
        ]
    assert charts_seen >= 25  # 5 scopes, several charts each: the records were read
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_no_table_has_a_header_row_naming_only_its_index(run):
    problems = []
    for html in sorted(run.glob("*/*.html")):
        text = html.read_text(encoding="utf-8")
        problems += [f"{html.parent.name}/{html.name}: {p}" for p in layout.index_name_rows(text)]
    assert not problems, "\n".join(problems[:40])
