r"""Chart text at print size: what each chart's smallest text measures once it is on A4.

A chart is embedded as a PNG saved at `SAVE_DPI` and printed at most the text width of an A4
page (:data:`PRINT_WIDTH_IN`), so its fonts shrink by the ratio of printed to saved width. The
notebooks call :func:`lps_analysis.viz.theme.set_theme`, which :func:`register`\ s a recorder on
IPython's PNG formatter for figures: every chart a report shows is written to :data:`CHARTS`
(saved with the notebook's metrics), so a layout check can pair it with the image the PDF holds
and compute its printed text size.
"""

from __future__ import annotations

# matplotlib is imported where used: metrics.py reads CHARTS without drawing anything.

SAVE_DPI = 200
# A4 (210 mm) less the report's 18 mm side margins (report.css.j2 @page).
PRINT_WIDTH_IN = (210 - 2 * 18) / 25.4
# The smallest chart text a reader can take on paper (pt).
MIN_PRINTED_PT = 8.0
# IPython's inline figures are saved with bbox_inches="tight" and this padding (inches).
_TIGHT_PAD_IN = 0.1

CHARTS: list[dict] = []


def _texts(fig):
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_figure() is fig:
            yield text


def smallest_text(fig) -> tuple[float, str]:
    """(font size in pt, text) of the smallest visible text of a figure, as drawn."""
    fig.draw_without_rendering()
    sizes = [(float(t.get_fontsize()), t.get_text().strip()) for t in _texts(fig)]
    return min(sizes) if sizes else (float("inf"), "")


def saved_width_in(fig) -> tuple[float, float]:
    """(width, height) in inches of the image IPython saves for the figure (tight bounding box)."""
    fig.draw_without_rendering()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return box.width + 2 * _TIGHT_PAD_IN, box.height + 2 * _TIGHT_PAD_IN


def printed_scale(width_in: float, *, dpi: int = SAVE_DPI) -> float:
    """How much the figure's lengths shrink (or grow) on the page.

    The PNG's pixels are CSS pixels (1/96 in) and the image is at most the text width.
    """
    natural_in = width_in * dpi / 96
    return min(natural_in, PRINT_WIDTH_IN) / width_in


def chart_record(fig, *, dpi: int = SAVE_DPI) -> dict:
    """What a layout check needs to know about one shown chart."""
    size, text = smallest_text(fig)
    width, height = saved_width_in(fig)
    return {
        "width_px": round(width * dpi),
        "height_px": round(height * dpi),
        "dpi": dpi,
        "smallest_pt": size,
        "smallest_text": text,
        "printed_pt": round(float(size * printed_scale(width, dpi=dpi)), 2),
    }


def register(shell=None) -> None:
    """Record each chart IPython shows as PNG (``plt.show()`` or a cell's last figure).

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

    def png(fig, *args, **kwargs):
        if fig.get_axes():
            CHARTS.append(chart_record(fig))
        return original(fig, *args, **kwargs)

    png.records_charts = True
    formatter.for_type(Figure, png)
