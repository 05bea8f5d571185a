"""The report's allow-list sanitizer and WeasyPrint fetcher: no active content, no local files."""

from __future__ import annotations

import base64
import subprocess

import pytest

from lps_analysis.report.pdf import html_to_pdf
from lps_analysis.report.sanitize import (
    TEMPLATES_DIR,
    RefusedURL,
    report_url_fetcher,
    sanitize_html,
)

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("<p onclick='alert(1)'>文</p>", "onclick"),
        ('<a href="javascript:alert(3)">x</a>', "javascript"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ("<svg onload=alert(2)><circle r=1 /></svg>", "svg"),
        ("<script>alert(1)</script>", "alert"),
        ('<iframe src="https://example.invalid"></iframe>', "iframe"),
        ('<a rel="attachment" href="file:///etc/passwd">附件</a>', "file:"),
        ('<object data="file:///etc/passwd"></object>', "object"),
        ('<form action="https://example.invalid"><input name=q></form>', "form"),
        ('<img src="file:///etc/passwd">', "file:"),
    ],
)
def test_active_content_and_local_urls_are_dropped(dirty, gone):
    assert gone not in sanitize_html(dirty).lower()


def test_the_report_structure_survives():
    table = (
        "<style>#T_x td.col0 { width: 19%; }</style>"
        '<table id="T_x" class="dataframe lps-brief-table" border="1"><thead><tr>'
        '<th class="col0" colspan="2">指标</th></tr></thead><tbody><tr><td class="col0">'
        '<span class="lps-nw">1,827人</span></td></tr></tbody></table>'
        f'<figure class="lps-output lps-figure"><img src="data:image/png;base64,{PNG}" alt="图表"'
        ' width="600"></figure><h2 id="s1">一、总量</h2><a href="https://www.gov.cn/">来源</a>'
    )
    clean = sanitize_html(table)
    for kept in (
        "<style>#T_x td.col0",
        'class="dataframe lps-brief-table"',
        'colspan="2"',
        '<span class="lps-nw">1,827人</span>',
        f'src="data:image/png;base64,{PNG}"',
        '<h2 id="s1">',
        'href="https://www.gov.cn/"',
    ):
        assert kept in clean


def test_the_fetcher_serves_inline_images_and_the_package_assets_only(tmp_path):
    fetcher = report_url_fetcher()
    fetcher.fetch(f"data:image/png;base64,{PNG}")
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    fetcher.fetch(f"data:image/svg+xml;base64,{svg.decode()}")
    asset = next(TEMPLATES_DIR.rglob("*.j2"))
    fetcher.fetch(asset.as_uri())
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    for url in (
        secret.as_uri(),
        (TEMPLATES_DIR / ".." / ".." / "textsafe.py").as_uri(),
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.css",
        "ftp://example.invalid/x",
        "data:text/plain,secret",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_a_pdf_embeds_no_local_file_even_from_raw_markup(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    html = (
        '<html lang="zh-CN"><body><p>正文</p>'
        f'<a rel="attachment" href="{secret.as_uri()}">附件</a>'
        f'<img src="{secret.as_uri()}"><link rel="attachment" href="{secret.as_uri()}">'
        "</body></html>"
    )
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(html_to_pdf(html, base_url=str(tmp_path)))
    listing = subprocess.run(
        ["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.strip() == "0 embedded files"
    assert b"secret.txt" not in pdf.read_bytes()
