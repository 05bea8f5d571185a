"""Chart theme: Noto Sans CJK SC, a print-friendly palette, sizes legible on A4."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

from lps_analysis.viz import printsize
from lps_analysis.viz.fonts import matplotlib_sc_font

# Colour per talent category, fixed so that every chart of every report agrees.
CATEGORY_COLOURS = {
    "party_government": "#8c564b",
    "management": "#1f77b4",
    "professional": "#2ca02c",
    "skilled": "#ff7f0e",
    "rural": "#9467bd",
    "social_work": "#e377c2",
    "unspecified": "#b0b0b0",
}
ILLUSTRATIVE_HATCH = "//"
ILLUSTRATIVE_NOTE = "示例数据（非真实统计）"


def set_theme(*, dpi: int = printsize.SAVE_DPI) -> str:
    """Apply the project's chart theme; return the font family used.

    Raises RuntimeError naming the Debian package when no Simplified-Chinese font is found,
    rather than drawing empty boxes in a leadership report.
    """
    found = matplotlib_sc_font()
    if found is None:
        raise RuntimeError(
            "未找到中文字体 Noto Sans CJK SC（请安装 fonts-noto-cjk）/ no Simplified-Chinese font found"
        )
    family = found[0]
    sns.set_theme(context="notebook", style="whitegrid", font=family)
    mpl.rcParams.update(
        {
            "font.family": [family],
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,  # CJK fonts lack U+2212: use ASCII minus
            # Laid out at the resolution it is saved at: placing the legend, the save's layout
            # and its drawing then measure text on one pixel grid and share matplotlib's text
            # layout cache (about a tenth less time in the chart cells than at 100 dpi).
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            # As wide as the printed text column, laid out to fit inside the figure, so that a
            # chart prints at (nearly) its own size: 9-pt text stays >= 8 pt on paper.
            "figure.figsize": (printsize.PRINT_WIDTH_IN - 0.2, 4.0),
            "figure.constrained_layout.use": True,
            "axes.titlesize": 13,
            "axes.labelsize": 11,
            "legend.fontsize": 10,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
        }
    )
    # Inline figures in notebooks (and so in HTML/PDF exports) at print resolution.
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png", dpi=dpi)
    except ImportError:  # pragma: no cover - outside IPython
        pass
    printsize.register()  # each shown chart's printed text size, for the layout check
    return family
