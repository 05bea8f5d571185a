"""What makes a chart readable on paper, applied when a chart is drawn and checked on the figure.

- A value label sits on a white box (:func:`value_label`), so a hatched bar (an illustrative
  figure) or a reference line behind it never strikes through its digits.
- A legend goes where it covers no text (:func:`place_legend`): matplotlib's ``best`` avoids
  lines and bars, not the labels written on them.
- A number in a legend carries its unit (7.5%, +97.8台次/年) or names the index it is (基尼系数).
- A value label stays inside its plot and clear of the frame's drawn lines
  (:func:`keep_labels_inside` widens the range): above the tallest bar it never sits on the top
  spine, its white box cutting the line.

:func:`defects` lists what breaks these rules in a drawn figure; each chart a notebook shows is
checked by it when it is recorded (:mod:`lps_analysis.viz.printsize`), so a layout check over a
full run sees every chart of every report.
"""

from __future__ import annotations

import re

# White, nearly opaque, hugging the text: hatching and lines behind a label stay out of it.
LABEL_BOX = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
# The least room (points) between a label's box and a drawn spine of its plot.
SPINE_CLEARANCE_PT = 2.0
# Below this opacity a box does not hide the hatching behind the digits.
MIN_BOX_ALPHA = 0.8
# Where a legend may go, tried in this order after matplotlib's own choice.
LEGEND_PLACES = (
    "best",
    "upper left",
    "upper right",
    "lower left",
    "lower right",
    "center left",
    "center right",
    "upper center",
    "lower center",
)
_NUMBER = re.compile(r"[-+−]?\d+(?:\.\d+)?")
# Text after a number that is its unit: %, a measure word or unit in Chinese (人, 万人, 台次/年).
_UNIT_AFTER = re.compile(r"^\*?[%\u4e00-\u9fff]")
# A number named by the index before it needs no unit (基尼系数 0.58, 相异指数 0.02).
_INDEX_BEFORE = re.compile(r"(系数|指数)\s*[（(]?\s*$")


def value_label(ax, x, y, text: str, **kwargs):
    """A value written on a chart, on a white box above bars, hatching and lines."""
    kwargs.setdefault("fontsize", 9)
    return ax.text(x, y, text, bbox=dict(LABEL_BOX), zorder=5, **kwargs)


def keep_labels_inside(ax, *, pad_px: float = 1.0) -> None:
    """Widen the axes' ranges until every label anchored in the plot lies inside its frame and
    clear of its drawn spines: a label above the tallest bar (or right of the longest) never
    sits on the frame's line.

    Call it after the labels and the reference lines are drawn, before the legend is placed.
    """
    fig = ax.get_figure()
    for _ in range(4):  # widening a range shrinks the data per pixel: settle in a few steps
        left, right, below, above = _overshoot(ax, _renderer(fig))
        if not (left or right or below or above):
            return
        if left or right:
            ax.set_xlim(_widened(ax.get_xlim(), ax.bbox.width, left, right, pad_px))
        if below or above:
            ax.set_ylim(_widened(ax.get_ylim(), ax.bbox.height, below, above, pad_px))


def _widened(limits, size_px: float, low_px: float, high_px: float, pad_px: float):
    """An axis range grown by `low_px` (+ pad) at its low end and `high_px` (+ pad) at its
    high end, as measured at its current pixel size; an end with nothing to add is kept."""
    low, high = limits
    per_px = (high - low) / max(size_px, 1.0)
    return (
        low - bool(low_px) * (low_px + pad_px) * per_px,
        high + bool(high_px) * (high_px + pad_px) * per_px,
    )


def _anchored_inside(text, ax) -> bool:
    x, y = text.get_transform().transform(text.get_position())
    frame = ax.bbox
    return frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1


def _label_extent(text, renderer):
    """A text's extent with its box around it (the box is what covers the spine)."""
    extent = text.get_window_extent(renderer)
    box = text.get_bbox_patch()
    if box is None:
        return extent
    pad = box.get_boxstyle().pad * text.get_fontsize() * renderer.points_to_pixels(1.0)
    return extent.padded(pad)


def _past_frame(text, ax, renderer) -> tuple[float, float, float, float]:
    """How far (pixels) a label anchored in the plot comes past its left, right, bottom and top
    edges. Where a spine is drawn, its box may come no nearer than :data:`SPINE_CLEARANCE_PT`
    (a box touching the line reads as sitting on it, and its white cuts the line); where the
    spine is hidden, its text may not pass the edge. 0 where it keeps clear, half a pixel
    allowed; all 0 for a text placed outside the plot, or an annotation with its arrow."""
    from matplotlib.text import Annotation

    if isinstance(text, Annotation):  # placed with its arrow on purpose, often outside
        return (0.0, 0.0, 0.0, 0.0)
    if not text.get_visible() or not text.get_text().strip() or not _anchored_inside(text, ax):
        return (0.0, 0.0, 0.0, 0.0)
    frame, bare, boxed = ax.bbox, text.get_window_extent(renderer), _label_extent(text, renderer)
    clear = SPINE_CLEARANCE_PT * renderer.points_to_pixels(1.0)
    # Against a drawn spine, the box and the clearance count; against a hidden one, the text.
    edge = {
        side: (boxed, clear) if ax.spines[side].get_visible() else (bare, 0.0)
        for side in ("left", "right", "bottom", "top")
    }
    over = (
        frame.x0 + edge["left"][1] - edge["left"][0].x0,
        edge["right"][0].x1 - (frame.x1 - edge["right"][1]),
        frame.y0 + edge["bottom"][1] - edge["bottom"][0].y0,
        edge["top"][0].y1 - (frame.y1 - edge["top"][1]),
    )
    return tuple(o if o > 0.5 else 0.0 for o in over)


def _overshoot(ax, renderer) -> tuple[float, ...]:
    """The most any label of the axes runs past each edge (left, right, bottom, top)."""
    pasts = [_past_frame(t, ax, renderer) for t in ax.texts]
    return tuple(max(p[k] for p in pasts) if pasts else 0.0 for k in range(4))


def _renderer(fig):
    """A renderer for measuring the figure as it will be drawn, at the least cost.

    Running the layout engine (constrained layout) places the axes, ticks and texts exactly as
    a draw would, without drawing. An annotation's arrow takes its final size only when drawn,
    so a figure with one is drawn (without rendering), as is one without a layout engine.
    """
    from matplotlib.text import Annotation

    engine = fig.get_layout_engine()
    arrows = any(a.arrow_patch is not None for a in fig.findobj(Annotation))
    if engine is None or not fig.axes or arrows:
        fig.draw_without_rendering()
    else:
        engine.execute(fig)
    return fig.canvas.get_renderer()


def _visible_texts(fig, *, outside=None):
    """Every visible, non-empty text of the figure, except those inside `outside` (a legend)."""
    from matplotlib.text import Text

    inside = set() if outside is None else set(outside.findobj(Text))
    for text in fig.findobj(Text):
        if text in inside or not text.get_visible() or not text.get_text().strip():
            continue
        if text.get_figure() is fig:
            yield text


def _legends(fig):
    for ax in fig.get_axes():
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            yield legend
    yield from (legend for legend in fig.legends if legend.get_visible())


def _covered(legend, renderer) -> list[str]:
    box = legend.get_window_extent(renderer).shrunk(0.98, 0.98)
    fig = legend.get_figure()
    return [
        text.get_text().strip()
        for text in _visible_texts(fig, outside=legend)
        if box.overlaps(text.get_window_extent(renderer))
    ]


def place_legend(ax, *args, **kwargs):
    """``ax.legend(...)`` at the first place of :data:`LEGEND_PLACES` where it covers no text.

    A `loc` given by the caller is tried first. When every place covers some text, the legend
    stays at the caller's (or matplotlib's) choice and :func:`defects` will name it.
    """
    fig = ax.get_figure()
    first = kwargs.pop("loc", None)
    places = ([first] if first else []) + [p for p in LEGEND_PLACES if p != first]
    for place in places:
        legend = ax.legend(*args, loc=place, **kwargs)
        if not _covered(legend, _renderer(fig)):
            return legend
    return ax.legend(*args, loc=places[0], **kwargs)


def _struck_through(text, ax, renderer) -> str | None:
    """What strikes through a text drawn without an opaque box: a hatched bar or a line."""
    box = text.get_bbox_patch()
    if box is not None and box.get_facecolor()[3] >= MIN_BOX_ALPHA:  # alpha applied
        return None
    extent = text.get_window_extent(renderer).shrunk(0.9, 0.8)
    for patch in ax.patches:
        if patch.get_hatch() and patch.get_visible():
            if extent.overlaps(patch.get_window_extent(renderer)):
                return "斜线填充"
    for line in ax.get_lines():
        if not line.get_visible() or line.get_linestyle() in ("None", "none", " ", ""):
            continue
        path = line.get_transform().transform_path(line.get_path())
        if path.intersects_bbox(extent, filled=False):
            return "线条"
    return None


def unitless_numbers(label: str) -> list[str]:
    """The numbers in a legend label that carry no unit and name no index."""
    out = []
    for match in _NUMBER.finditer(label):
        after, before = label[match.end() :], label[: match.start()]
        if _UNIT_AFTER.match(after) or _INDEX_BEFORE.search(before):
            continue
        out.append(match.group())
    return out


def defects(fig, *, drawn: bool = False) -> list[str]:
    """What makes the figure hard to read, in Chinese: one line per defect.

    `drawn`: the figure was just laid out (``draw_without_rendering``) and has not changed since,
    so its positions are read without drawing it again.
    """
    renderer = fig.canvas.get_renderer() if drawn else _renderer(fig)
    found = []
    for legend in _legends(fig):
        for text in _covered(legend, renderer):
            found.append(f"图例遮住文字「{text[:20]}」")
        for label in legend.get_texts():
            for number in unitless_numbers(label.get_text()):
                found.append(f"图例「{label.get_text()[:30]}」中的数字 {number} 没有单位")
    for ax in fig.get_axes():
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            what = _struck_through(text, ax, renderer)
            if what is not None:
                found.append(f"数字标签「{text.get_text().strip()[:20]}」压在{what}上，没有底色")
            if any(_past_frame(text, ax, renderer)):
                found.append(f"数字标签「{text.get_text().strip()[:20]}」越出图框，压在边线上")
    return found
