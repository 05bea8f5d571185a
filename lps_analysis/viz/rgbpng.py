"""Charts saved as PNG without an alpha channel when they are opaque, as the reports embed them.

matplotlib writes every PNG as RGBA, although a chart on the theme's white figure is opaque.
A PDF cannot hold an RGBA image: WeasyPrint decodes each one and compresses it again as a
colour image plus a separate alpha mask, in every PDF the chart appears in (the notebook's and
the scope's combined report). An RGB PNG's compressed rows are already what a PDF image holds,
so :mod:`lps_analysis.report.png_passthrough` copies them as they are.

:data:`FORMAT` is a savefig format registered with matplotlib (``fig.savefig(f,
format=FORMAT)``); the notebooks' inline charts use it through
:func:`lps_analysis.viz.printsize.register`. A figure with any transparent pixel is written as
RGBA, as matplotlib would.
"""

from __future__ import annotations

from matplotlib.backend_bases import register_backend
from matplotlib.backends.backend_agg import FigureCanvasAgg

FORMAT = "lps_rgb_png"


class RGBPNGCanvas(FigureCanvasAgg):
    """The Agg canvas with one more output: PNG, RGB when every pixel is opaque."""

    def print_lps_rgb_png(self, filename_or_obj, *, pil_kwargs=None, **_print_figure_kwargs):
        """Draw the figure and save it; `print_figure`'s own keywords have done their work."""
        import numpy as np
        from PIL import Image

        FigureCanvasAgg.draw(self)
        pixels = np.asarray(self.buffer_rgba())
        image = Image.fromarray(pixels, "RGBA")
        if pixels[..., 3].min() == 255:
            image = image.convert("RGB")
        dpi = round(self.figure.dpi)
        image.save(filename_or_obj, format="PNG", dpi=(dpi, dpi), **(pil_kwargs or {}))


register_backend(FORMAT, RGBPNGCanvas, "PNG, RGB when opaque")
