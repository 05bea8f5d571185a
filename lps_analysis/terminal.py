"""What the `lps` command prints: tables that fit the terminal, plain text when piped.

Live progress is the same: rich's live table on a terminal; in a file or pipe it would show
nothing until it stopped and then leave its last line unterminated (the next line was glued onto
the table caption in `make report` logs), so there each finished item is printed as a plain line.

On a terminal a table is fitted to its width: long text columns wrap, and when even that does not
fit, the columns a reader can most easily do without are left out and the caption says which
(`--wide` keeps them all). When output goes to a file or a pipe there is no box drawing: a title
line, then one tab-separated line per row, so logs stay readable and `grep`/`cut` work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

# A rich table spends 3 cells per column (padding and a rule) and 1 more for the right border.
_CELLS_PER_COLUMN = 3


@dataclass(frozen=True)
class Column:
    """One column of a printed table.

    Parameters
    ----------
    header
        Chinese first, then English (`"数值 value"`).
    wrap
        Long text that may wrap onto several lines; other columns keep each cell on one line.
    min_width
        Narrowest a wrapping column may become, in terminal cells (a CJK character takes 2).
    drop
        Order in which the column is left out when the terminal is too narrow (1 first);
        0: always shown.
    markup
        Cells hold rich markup (`[green]通过[/]`); otherwise they are shown as they are, so
        brackets in data are never taken for markup.
    """

    header: str
    wrap: bool = False
    min_width: int = 12
    drop: int = 0
    markup: bool = False


def make_console() -> Console:
    """The command's console: the terminal's width; piped, lines are never wrapped."""
    console = Console()
    if not console.is_terminal:
        console.soft_wrap = True  # a log line stays one line, whatever rich's default width
    return console


def is_plain(console: Console) -> bool:
    """True when output goes to a file or pipe: print plain lines, no boxes or live updates."""
    return not console.is_terminal


def natural_widths(columns: list[Column], rows: list[list[str]]) -> list[int]:
    """Each column's width when nothing wraps: its header or longest cell line, in cells."""
    return [
        max(
            cell_len(column.header),
            max((cell_len(line) for r in rows for line in r[i].splitlines()), default=0),
        )
        for i, column in enumerate(columns)
    ]


def _least(column: Column, natural: int) -> int:
    return min(column.min_width, natural) if column.wrap else natural


def _frame(n_columns: int) -> int:
    return _CELLS_PER_COLUMN * n_columns + 1


def fit_columns(columns: list[Column], rows: list[list[str]], width: int) -> list[int]:
    """Indexes of the columns to show within `width` cells, leaving out `drop` columns in order.

    Wrapping columns count at their `min_width`, the others at their longest cell.
    """
    natural = natural_widths(columns, rows)
    keep = list(range(len(columns)))
    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop)
    while (
        droppable and sum(_least(columns[i], natural[i]) for i in keep) + _frame(len(keep)) > width
    ):
        keep.remove(droppable.pop(0))
    return keep


def allocate_widths(columns: list[Column], natural: list[int], width: int) -> list[int]:
    """Column widths summing to at most `width` with the frame.

    Columns that do not wrap keep their natural width; wrapping columns share what is left, in
    proportion to how much more they could use. When even the least widths do not fit, every
    column shrinks in proportion and long cells fold.
    """
    room = max(width - _frame(len(columns)), len(columns))
    least = [_least(c, n) for c, n in zip(columns, natural, strict=True)]
    if sum(least) > room:
        scale = room / sum(least)
        return [max(1, int(w * scale)) for w in least]
    spare = room - sum(least)
    wants = [n - w for n, w in zip(natural, least, strict=True)]
    if sum(wants) <= spare:
        return natural
    return [w + spare * want // sum(wants) for w, want in zip(least, wants, strict=True)]


# C0/C1 controls but the line feed (cells may hold several lines), DEL, and the bidirectional
# overrides and isolates that would show text in another order than it is stored in.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """Control characters (escape sequences, carriage returns, tabs) shown as `\\x1b`, not sent.

    Cells quote input files: a name or value must not move the cursor or recolour the terminal.
    """
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def _cell(column: Column, value: object) -> Text:
    text = inert(str(value))
    return Text.from_markup(text) if column.markup else Text(text)


def print_table(
    console: Console,
    title: str,
    columns: list[Column],
    rows: list[list[str]],
    *,
    caption: str | None = None,
    wide: bool = False,
) -> None:
    """Print a table: fitted to the terminal, every column with `wide`, tab-separated when piped."""
    styled = [[_cell(c, v) for c, v in zip(columns, row, strict=True)] for row in rows]
    rows = [[text.plain for text in row] for row in styled]
    if is_plain(console):
        out = console.file
        print(title, file=out)
        print("\t".join(c.header for c in columns), file=out)
        for row in rows:
            print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row), file=out)
        if caption:
            print(caption, file=out)
        return
    keep = list(range(len(columns))) if wide else fit_columns(columns, rows, console.width)
    hidden = [columns[i].header for i in range(len(columns)) if i not in keep]
    notes = [caption] if caption else []
    if hidden:
        notes.append(
            f"终端较窄，未显示：{'、'.join(hidden)}；加 --wide 显示全部 / "
            "narrow terminal: columns left out, --wide shows all"
        )
    table = Table(title=title, caption="\n".join(notes) or None, caption_justify="left")
    shown = [columns[i] for i in keep]
    natural = natural_widths(shown, [[r[i] for i in keep] for r in rows])
    widths = natural if wide else allocate_widths(shown, natural, console.width)
    for column, w in zip(shown, widths, strict=True):
        table.add_column(column.header, overflow="fold", width=w)
    for row in styled:
        table.add_row(*(row[i] for i in keep))
    if wide:  # lines as long as the table needs, beyond the terminal (for `less -S`)
        console = Console(
            file=console.file,
            width=max(sum(widths) + _frame(len(widths)), cell_len(title)),
            force_terminal=True,
            color_system=console.color_system,
        )
    console.print(table, highlight=False, crop=not wide)


class PlainLive:
    """Stands in for rich's `Live` when output is piped: prints each finished item's line once.

    Parameters
    ----------
    finished
        Returns `(key, line)` for every item finished so far; called at start, on each `update`
        and at exit, so a line appears as soon as its item is done and never twice.
    """

    def __init__(self, console: Console, finished: Callable[[], list[tuple[str, str]]]):
        self.console = console
        self.finished = finished
        self.printed: set[str] = set()

    def __enter__(self) -> PlainLive:
        self.update()
        return self

    def __exit__(self, *exc) -> None:
        self.update()

    def update(self, _renderable: RenderableType | None = None) -> None:
        for key, line in self.finished():
            if key not in self.printed:
                self.printed.add(key)
                fields = (inert(field) for field in line.split("\t"))
                print("\t".join(fields), file=self.console.file, flush=True)


def live_display(
    console: Console, renderable: RenderableType, finished: Callable[[], list[tuple[str, str]]]
) -> Live | PlainLive:
    """A live-updating `renderable` on a terminal; plain lines of finished items when piped."""
    if is_plain(console):
        return PlainLive(console, finished)
    return Live(renderable, console=console, refresh_per_second=2, transient=False)
