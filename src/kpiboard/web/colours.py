"""Colour contrast (WCAG 2): which text colour to put on an organisation's brand colour."""

from __future__ import annotations

import re

WHITE = "#ffffff"
BLACK = "#000000"  # pure black: with GOV.UK's #0b0c0c some mid colours reach neither 4.5:1
AA_NORMAL_TEXT = 4.5

_HEX = re.compile(r"#([0-9a-fA-F]{6})")


def parse_hex(colour: str) -> tuple[int, int, int] | None:
    """``#rrggbb`` as (r, g, b), or None when it is not written that way."""
    m = _HEX.fullmatch(colour.strip())
    if not m:
        return None
    value = m.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``: 0 for black to 1 for white."""
    rgb = parse_hex(colour)
    if rgb is None:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 (same) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(background: str) -> str:
    """White or black, whichever contrasts more with ``background``.

    One of the two always reaches 4.5:1 (the worst background gives about 4.58:1 for both), so
    text in the chosen colour meets WCAG AA for normal text on any brand colour.
    """
    if contrast_ratio(background, WHITE) >= contrast_ratio(background, BLACK):
        return WHITE
    return BLACK
