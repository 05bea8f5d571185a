"""Tables tidied for print: one header row, values that never break inside, text left-aligned."""

from bs4 import BeautifulSoup

from lps_analysis.report.tables import keep_notes_with_tables, tidy_tables

PANDAS = (
    '<table class="dataframe"><thead><tr><th></th><th>认定时间</th><th>平台名称</th></tr>'
    "<tr><th>平台</th><th></th><th></th></tr></thead><tbody>"
    "<tr><th>甲</th><td>2016年1月</td><td>六枝特区现代物流省级博士后科研工作站*</td></tr>"
    "</tbody></table>"
)


def test_the_index_name_row_is_folded_into_the_header():
    soup = BeautifulSoup(tidy_tables(PANDAS), "html.parser")
    rows = soup.find("thead").find_all("tr")
    assert len(rows) == 1 and rows[0].find("th").get_text() == "平台"


def test_a_date_never_breaks_and_a_mark_stays_with_its_last_character():
    soup = BeautifulSoup(tidy_tables(PANDAS), "html.parser")
    date, name = soup.find("tbody").find_all("td")
    assert "lps-nowrap" in date["class"] and "lps-text" in name["class"]
    assert [s.get_text() for s in name.find_all("span", class_="lps-nowrap")] == ["站*"]


def test_a_figure_with_its_unit_and_a_latin_name_stay_together_but_a_long_url_may_break():
    html = (
        "<table><tbody><tr><td>-35台次/年*至+207.7台次/年*</td>"
        "<td>示例数据生成器（lps sample-data） http://example.com/a-very-long/path/of/a/page.html</td>"
        "</tr></tbody></table>"
    )
    spans = [s.get_text() for s in BeautifulSoup(tidy_tables(html), "html.parser")("span")]
    assert spans == ["-35台次/年*", "+207.7台次/年*", "lps sample-data"]


def test_tidying_twice_changes_nothing_more():
    once = tidy_tables(PANDAS)
    assert tidy_tables(once) == once


def test_a_note_after_a_table_is_kept_with_it_and_a_paragraph_is_not():
    html = (
        '<main><div class="lps-output lps-html"><table><tr><td>1</td></tr></table></div>'
        "<div><p>注：单位为人。</p></div><p>正文。</p></main>"
    )
    soup = BeautifulSoup(keep_notes_with_tables(html), "html.parser")
    kept = soup.find_all(class_="lps-keep-with-previous")
    assert [k.get_text() for k in kept] == ["注：单位为人。"]


def test_a_short_label_in_a_fixed_width_table_wraps_instead_of_running_into_the_next_column():
    """The brief's tables set their column widths: a label kept on one line there ran over the
    value beside it (引进人才授权专利（累计） under 暂无数据). Laid out, every line of the label
    stays inside its cell."""
    from weasyprint import HTML

    from lps_analysis.report.pdf import print_ready

    label = "引进人才授权专利（累计）"
    html = (
        "<style>table { width: 70mm; table-layout: fixed; } td { width: 50%; }"
        " td.lps-nowrap, span.lps-nowrap { white-space: nowrap; }</style>"  # as report.css
        '<table class="dataframe lps-brief-table"><tbody><tr>'
        f"<td>{label}</td><td>暂无数据</td></tr></tbody></table>"
    )
    cell = BeautifulSoup(tidy_tables(html), "html.parser").find("td")
    assert "lps-nowrap" not in (cell.get("class") or [])
    kept = [s.get_text() for s in cell.find_all("span", class_="lps-nowrap")]
    assert kept == ["引进人才授权专利", "（累计）"]  # it breaks before the bracket, nowhere else

    page = HTML(string=print_ready(html)).render().pages[0]._page_box

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    cells = [b for b in boxes(page) if getattr(b, "element_tag", None) == "td"]
    first = cells[0]
    right = first.content_box_x() + first.width
    lines = [b for b in boxes(first) if type(b).__name__ == "TextBox"]
    assert "".join(b.text for b in lines) == label
    assert [b.text for b in lines] == ["引进人才授权专利", "（累计）"]
    assert all(b.position_x + b.width <= right + 0.5 for b in lines)
