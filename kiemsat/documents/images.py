"""SVG made for pages and PDFs, as PNG for Word (which shows SVG only in recent versions)."""

from __future__ import annotations


def svg_to_png(svg: str, *, width_px: int) -> bytes:
    """The drawing rasterised ``width_px`` pixels wide, text in the installed fonts."""
    import cairosvg  # needs libcairo; loaded only when a Word report carries a chart

    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=width_px)
    assert isinstance(png, bytes)
    return png
