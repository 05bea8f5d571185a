"""Opaque charts as RGB PNGs, and their compressed rows copied into the PDF unchanged."""

from __future__ import annotations

import base64
import io
import struct
import subprocess
import zlib
from functools import partial

import numpy as np
import pytest
from PIL import Image

from lps_analysis.report import png_passthrough
from lps_analysis.report.pdf import html_to_pdf
from lps_analysis.report.png_passthrough import plain_idat
from lps_analysis.viz import printsize
from lps_analysis.viz.rgbpng import FORMAT


def _image(mode: str, width: int = 7, height: int = 5) -> Image.Image:
    pixels = np.arange(width * height * 4, dtype=np.uint8).reshape(height, width, 4) * 29
    pixels[..., 3] = 255
    return Image.fromarray(pixels, "RGBA").convert(mode)


def _png(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _handmade(width: int, height: int, rows: bytes, *, colour: int = 2, interlace: int = 0):
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, interlace)
    return (
        png_passthrough.PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_plain_pngs_give_their_rows_as_written(mode):
    data = _png(_image(mode), compress_level=1)
    stream = plain_idat(data, mode)
    assert stream is not None and stream in data
    channels = 3 if mode == "RGB" else 1
    assert len(zlib.decompress(stream)) == 5 * (1 + 7 * channels)
    assert plain_idat(data) == stream  # without a mode to agree with


@pytest.mark.parametrize(
    ("data", "mode"),
    [
        (_png(_image("RGBA")), "RGBA"),  # alpha: WeasyPrint splits it off
        (_png(_image("P")), "P"),  # palette
        (_png(_image("RGB"), transparency=(0, 0, 0)), "RGB"),  # tRNS
        (_png(_image("I;16")), "I;16"),  # 16-bit
        (_png(_image("RGB")), "L"),  # the file and the opened image disagree
        (_handmade(2, 2, bytes(14), interlace=1), "RGB"),  # interlaced
        (_handmade(2, 3, bytes(14)), "RGB"),  # rows missing
        (_handmade(2, 2, bytes(15)), "RGB"),  # rows left over
        (_handmade(2, 2, b"\x05" + bytes(13)), "RGB"),  # not a PNG filter byte
        (_handmade(0, 2, bytes(2)), "RGB"),  # no width
        (b"GIF89a" + bytes(40), "RGB"),
    ],
)
def test_anything_else_goes_weasyprints_way(data, mode):
    assert plain_idat(data, mode) is None


def test_damaged_rows_go_weasyprints_way():
    data = bytearray(_png(_image("RGB"), compress_level=1))
    start = data.index(b"IDAT") + 4
    data[start + 2 : start + 12] = bytes(10)
    assert plain_idat(bytes(data), "RGB") is None
    truncated = _png(_image("RGB"))[:-30]
    assert plain_idat(truncated, "RGB") is None


def test_the_pdf_holds_the_charts_rows_and_every_pixel(tmp_path):
    rgb = _png(_image("RGB", 40, 30), compress_level=1)  # Pillow's default level would differ
    rgba = _image("RGBA", 20, 10)
    rgba.putpixel((0, 0), (255, 0, 0, 0))
    rgba_png = _png(rgba)
    html = "".join(
        f'<p>图</p><img src="data:image/png;base64,{base64.b64encode(p).decode()}">'
        for p in (rgb, rgba_png)
    )
    pdf = html_to_pdf(f'<html lang="zh-CN"><body>{html}</body></html>', base_url=str(tmp_path))
    assert plain_idat(rgb) in pdf
    (tmp_path / "x.pdf").write_bytes(pdf)
    subprocess.run(["pdfimages", "-png", str(tmp_path / "x.pdf"), str(tmp_path / "i")], check=True)
    got = sorted(tmp_path.glob("i-*.png"))
    assert len(got) == 3  # the RGB chart; the RGBA one and its alpha mask
    assert np.array_equal(np.asarray(Image.open(got[0])), np.asarray(Image.open(io.BytesIO(rgb))))
    assert np.array_equal(np.asarray(Image.open(got[1])), np.asarray(rgba.convert("RGB")))
    assert np.asarray(Image.open(got[2]))[0, 0] == 0


def test_install_is_once_and_leaves_a_weasyprint_without_the_hook_alone(monkeypatch):
    from weasyprint import images

    png_passthrough.install()
    installed = images.RasterImage._get_png_data
    png_passthrough.install()
    assert images.RasterImage._get_png_data is installed
    assert installed.lps_passthrough

    class Bare:
        pass

    monkeypatch.setattr(images, "RasterImage", Bare)
    png_passthrough.install()
    assert not hasattr(Bare, "_get_png_data")


def _figure(facecolor="white"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2), facecolor=facecolor)
    ax.bar([0, 1, 2], [3, 1, 2], hatch="//")
    ax.set_title("talent")
    return fig


def test_an_opaque_chart_is_saved_rgb_with_matplotlibs_pixels():
    import matplotlib.pyplot as plt

    fig = _figure()
    ours, theirs = io.BytesIO(), io.BytesIO()
    fig.savefig(ours, format=FORMAT, dpi=120, bbox_inches="tight")
    fig.savefig(theirs, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    mine, reference = Image.open(ours), Image.open(theirs)
    assert (mine.mode, reference.mode) == ("RGB", "RGBA")
    assert mine.size == reference.size
    assert np.array_equal(np.asarray(mine), np.asarray(reference.convert("RGB")))
    assert round(mine.info["dpi"][0]) == 120
    assert plain_idat(ours.getvalue(), "RGB") is not None


def test_a_chart_with_transparent_pixels_keeps_its_alpha():
    import matplotlib.pyplot as plt

    fig = _figure(facecolor="none")
    out = io.BytesIO()
    fig.savefig(out, format=FORMAT, dpi=60, transparent=True)
    plt.close(fig)
    assert Image.open(out).mode == "RGBA"


def test_the_inline_formatter_shows_charts_rgb_and_records_them(monkeypatch):
    import matplotlib.pyplot as plt
    from IPython.core.formatters import DisplayFormatter
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    class Shell:  # what register reads of IPython's shell: its display formatters
        display_formatter = DisplayFormatter()

    shell = Shell()
    formatter = shell.display_formatter.formatters["image/png"]
    # As matplotlib_inline's set_matplotlib_formats("png", dpi=...) registers it.
    formatter.for_type(Figure, partial(print_figure, fmt="png", base64=True, dpi=80))
    monkeypatch.setattr(printsize, "CHARTS", [])
    printsize.register(shell)
    fig = _figure()
    shown = formatter(fig)
    plt.close(fig)
    image = Image.open(io.BytesIO(base64.b64decode(shown)))
    assert image.mode == "RGB"
    assert printsize.CHARTS[0]["width_px"] == image.width
