"""PNG charts copied into the PDF as they are, instead of decoded and compressed again.

A PDF image stream with ``/FlateDecode`` and a PNG predictor holds exactly what a PNG's IDAT
chunks hold: zlib-compressed rows, each led by its filter byte. WeasyPrint (70) still decodes
every PNG and saves it again with Pillow to get those bytes (``RasterImage._get_png_data``):
for a report's charts, a tenth of its PDF time. :func:`install` makes it take them from the
file when the file is a plain 8-bit RGB or greyscale PNG (what :mod:`lps_analysis.viz.rgbpng`
writes), and checked: the rows must decompress to exactly the image's size, each with a PNG
filter byte. Any other image (alpha, palette, 16-bit, interlaced, damaged) goes WeasyPrint's
own way.
"""

from __future__ import annotations

import io
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types taken as they are: greyscale (0) and RGB (2), with their channel counts.
_CHANNELS = {0: 1, 2: 3}
_MODES = {0: "L", 2: "RGB"}


def _chunks(data: bytes):
    """(type, body) of each chunk; stops at the first one that runs past the end."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            return
        yield kind, body
        pos += 12 + length


def plain_idat(data: bytes, mode: str | None = None) -> bytes | None:
    """The compressed rows of a plain 8-bit RGB or greyscale PNG, checked; None for any other.

    `mode`: the Pillow mode the image was opened as, which must agree with the file.
    """
    if not data.startswith(PNG_SIGNATURE):
        return None
    header, idat, extra = None, [], False
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind in (b"tRNS", b"PLTE"):
            extra = True
    if header is None or len(header) != 13 or not idat or extra:
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    channels = _CHANNELS.get(colour)
    if channels is None or depth != 8 or compression or filtering or interlace:
        return None
    if mode is not None and _MODES[colour] != mode:
        return None
    stream = b"".join(idat)
    stride = 1 + width * channels
    try:
        rows = zlib.decompressobj().decompress(stream, height * stride + 1)
    except zlib.error:
        return None
    if width == 0 or len(rows) != height * stride or max(rows[::stride], default=0) > 4:
        return None
    return stream


def install() -> None:
    """Let WeasyPrint take plain PNGs' rows as they are (once per process; idempotent).

    Leaves WeasyPrint alone if it has no ``RasterImage._get_png_data`` to stand in for.
    """
    from weasyprint import images

    raster = getattr(images, "RasterImage", None)
    original = getattr(raster, "_get_png_data", None)
    if original is None or getattr(original, "lps_passthrough", False):
        return

    def png_data(pillow_image):
        source = getattr(pillow_image, "fp", None)
        if pillow_image.format == "PNG" and isinstance(source, io.BytesIO):
            stream = plain_idat(source.getvalue(), pillow_image.mode)
            if stream is not None:
                return stream
        return original(pillow_image)

    png_data.lps_passthrough = True
    raster._get_png_data = staticmethod(png_data)
