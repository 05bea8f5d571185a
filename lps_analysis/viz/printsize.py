r"""Chart text at print size: what each chart's smallest text measures once it is on A4.

A chart is embedded as a PNG saved at `SAVE_DPI` and printed at most the text width of an A4
page (:data:`PRINT_WIDTH_IN`), so its fonts shrink by the ratio of printed to saved width. The
notebooks call :func:`lps_analysis.viz.theme.set_theme`, which :func:`register`\ s a recorder on
IPython's PNG formatter for figures: every chart a report shows is written to :data:`CHARTS`
(saved with the notebook's metrics), so a layout check can pair it with the image the PDF holds
and compute its printed text size.
"""

from __future__ import annotations

import base64
import struct

# matplotlib is imported where used: metrics.py reads CHARTS without drawing anything.

SAVE_DPI = 200
# A4 (210 mm) less the report's 18 mm side margins (report.css.j2 @page).
PRINT_WIDTH_IN = (210 - 2 * 18) / 25.4
# The smallest chart text a reader can take on paper (pt).
MIN_PRINTED_PT = 8.0
# IPython's inline figures are saved with bbox_inches="tight" and this padding (inches).
_TIGHT_PAD_IN = 0.1

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CHARTS: list[dict] = []


def _texts(fig):
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_figure() is fig:
            yield text


def smallest_text(fig, *, drawn: bool = False) -> tuple[float, str]:
    """(font size in pt, text) of the smallest visible text of a figure, as drawn.

    `drawn`: the figure has just been drawn (saved), so its tick labels exist as shown.
    """
    if not drawn:
        fig.draw_without_rendering()
    sizes = [(float(t.get_fontsize()), t.get_text().strip()) for t in _texts(fig)]
    return min(sizes) if sizes else (float("inf"), "")


def saved_width_in(fig) -> tuple[float, float]:
    """(width, height) in inches of the image IPython saves for the figure (tight bounding box)."""
    fig.draw_without_rendering()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return box.width + 2 * _TIGHT_PAD_IN, box.height + 2 * _TIGHT_PAD_IN


def png_size(data: bytes | str) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, raw or base64 (as IPython's formatter returns it)."""
    if isinstance(data, str):
        data = base64.b64decode(data[:64])  # the header is all that is read
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", data[16:24])


def printed_scale(width_in: float, *, dpi: int = SAVE_DPI) -> float:
    """How much the figure's lengths shrink (or grow) on the page.

    The PNG's pixels are CSS pixels (1/96 in) and the image is at most the text width.
    """
    natural_in = width_in * dpi / 96
    return min(natural_in, PRINT_WIDTH_IN) / width_in


def chart_record(fig, *, dpi: int = SAVE_DPI, image: bytes | str | None = None) -> dict:
    """What a layout check needs to know about one shown chart (its legibility defects too).

    `image`: the PNG just saved from the figure (IPython's formatter output). Its size is then
    read from it and nothing is drawn again; without it the figure is laid out to measure it.
    """
    from lps_analysis.viz.legibility import defects

    if image is None:
        width, height = saved_width_in(fig)
        width_px, height_px = round(width * dpi), round(height * dpi)
    else:
        width_px, height_px = png_size(image)
        width = width_px / dpi
    size, text = smallest_text(fig, drawn=True)  # drawn by saving it, or just above
    return {
        "width_px": width_px,
        "height_px": height_px,
        "dpi": dpi,
        "smallest_pt": size,
        "smallest_text": text,
        "printed_pt": round(float(size * printed_scale(width, dpi=dpi)), 2),
        "defects": defects(fig, drawn=True),  # as the save (or saved_width_in) laid it out
    }


def register(shell=None) -> None:
    """Record each chart IPython shows as PNG (``plt.show()`` or a cell's last figure).

    The PNG is written in :data:`lps_analysis.viz.rgbpng.FORMAT`: without an alpha channel when
    the chart is opaque, which the PDF takes as it is.

    Wraps the PNG formatter that the inline backend registers for figures, so call it after
    ``set_matplotlib_formats``.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
            return
        shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        original = formatter.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(original, "records_charts", False):
        return

    from lps_analysis.viz.rgbpng import FORMAT

    def png(fig, *args, **kwargs):
        # IPython's print_figure passes its keywords on to savefig: the same PNG, RGB if opaque.
        data = original(fig, *args, **kwargs, format=FORMAT)
        if fig.get_axes():
            image = data[0] if isinstance(data, tuple) else data  # (data, metadata) for retina
            CHARTS.append(chart_record(fig, image=image))
        return data

    png.records_charts = True
    formatter.for_type(Figure, png)
