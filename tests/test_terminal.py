"""Tables the `lps` command prints: fitted to the terminal, every column with --wide, plain when
piped (lps_analysis.terminal)."""

import io

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.live import Live
from rich.table import Table

from lps_analysis.terminal import (
    Column,
    PlainLive,
    allocate_widths,
    fit_columns,
    live_display,
    print_table,
)

COLUMNS = [
    Column("编号 id"),
    Column("说明 text", wrap=True, min_width=10),
    Column("类别 category", drop=1),
    Column("数值 value"),
]
ROWS = [
    ["F1", "全市人才规模总量从2015年29.82万人增长到2020年底42.8万人", "professional", "≥ 500 项"],
    ["F2", "[bold]不是标记[/bold] 方括号照原样显示", "", "7 个"],
]


def _render(width, *, wide=False, terminal=True, rows=ROWS):
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, color_system=None)
    print_table(console, "标题 title", COLUMNS, rows, wide=wide)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_every_line_fits_the_terminal_and_the_table_closes(width):
    lines = _render(width)
    assert max(cell_len(line) for line in lines) <= width
    assert sum(line.startswith("└") for line in lines) == 1


def _column_text(lines, index):
    """What a terminal table shows in one column, its wrapped lines joined."""
    return "".join(line.split("│")[index + 1].strip() for line in lines if line.startswith("│"))


def test_wrapped_text_is_all_there_in_order():
    assert ROWS[0][1] in _column_text(_render(40), 1)


def test_a_narrow_terminal_leaves_out_the_droppable_column_and_says_so():
    lines = _render(50)
    assert "类别 category" not in next(line for line in lines if "编号 id" in line)
    assert any("未显示：类别 category" in line and "--wide" in line for line in lines)
    assert not any("未显示" in line for line in _render(120))


def test_wide_shows_every_column_at_full_width_whatever_the_terminal():
    lines = _render(40, wide=True)
    assert "类别 category" in next(line for line in lines if "编号 id" in line)
    assert any(ROWS[0][1] in line for line in lines)


def test_piped_output_is_tab_separated_without_boxes_and_keeps_brackets():
    lines = _render(40, terminal=False)
    assert lines[0] == "标题 title"
    assert lines[1].split("\t") == [c.header for c in COLUMNS]
    assert lines[2].split("\t") == ROWS[0] and lines[3].split("\t") == ROWS[1]
    assert not any(ch in "\n".join(lines) for ch in "┏┃│└")


def test_markup_columns_are_styled_on_a_terminal_and_plain_when_piped():
    columns = [Column("状态 status", markup=True)]
    out = io.StringIO()
    print_table(Console(file=out, force_terminal=False), "t", columns, [["[green]通过 OK[/]"]])
    assert out.getvalue().splitlines()[2] == "通过 OK"


def test_columns_are_dropped_in_their_order_and_never_the_fixed_ones():
    columns = [Column("a"), Column("b" * 30, drop=2), Column("c" * 30, drop=1), Column("d")]
    rows = [["1", "2", "3", "4"]]
    assert fit_columns(columns, rows, 200) == [0, 1, 2, 3]
    assert fit_columns(columns, rows, 60) == [0, 1, 3]
    assert fit_columns(columns, rows, 10) == [0, 3]


def test_widths_give_spare_room_to_wrapping_columns_and_never_exceed_the_terminal():
    columns = [Column("id"), Column("text", wrap=True, min_width=10), Column("more", wrap=True)]
    natural = [4, 100, 50]
    widths = allocate_widths(columns, natural, 80)
    assert widths[0] == 4 and widths[1] > widths[2] >= 12
    assert sum(widths) + 3 * 3 + 1 <= 80
    assert allocate_widths(columns, natural, 500) == natural
    assert sum(allocate_widths(columns, natural, 20)) + 10 <= 20


@pytest.mark.parametrize("terminal", [True, False])
def test_hostile_cells_are_shown_not_obeyed(terminal):
    hostile = "\x1b[2J[/]清屏\tx\rzz\u202egnp.exe"
    rows = [["F3", hostile, "", "1 个"]]
    text = "\n".join(_render(120, terminal=terminal, rows=rows))
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    # Shown as escapes (markup-like brackets kept as text); a terminal may wrap the cell.
    shown = "\\x1b[2J[/]清屏\\x09x\\x0dzz\\u202egnp.exe"
    assert shown in (_column_text(text.splitlines(), 1) if terminal else text)
    if not terminal:
        assert len(text.splitlines()[2].split("\t")) == len(COLUMNS)


def test_piped_live_display_prints_each_finished_item_once_as_it_finishes():
    out = io.StringIO()
    status = {"a": "running", "b": "skipped"}

    def finished():
        return [(k, f"{s}\t{k}") for k, s in status.items() if s != "running"]

    with live_display(Console(file=out), Table(), finished) as live:
        assert isinstance(live, PlainLive)
        assert out.getvalue() == "skipped\tb\n"
        live.update(Table())
        assert out.getvalue() == "skipped\tb\n"
        status["a"] = "ok\x1b[2J"
        live.update(Table())
        live.update(Table())
    # Once each, fields kept apart by tabs, control characters shown, the last line terminated.
    assert out.getvalue() == "skipped\tb\nok\\x1b[2J\ta\n"


def test_a_terminal_gets_rich_live_display():
    console = Console(file=io.StringIO(), force_terminal=True)
    assert isinstance(live_display(console, Table(), list), Live)
