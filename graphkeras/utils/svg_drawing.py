"""SVG drawing: boxes, frames and edges of a :class:`Layout` as standalone SVG text.

The drawing is plain SVG 1.1 with presentation attributes only (no CSS, no
script, no external font), so it looks the same in a browser, in a Jupyter
notebook, in a GitHub README and through converters such as cairosvg. Every
piece of text is escaped.

Box kinds are told apart by shape and colour, so the graph reads without a
legend:

* ``"layer"``: a rounded blue box;
* ``"input"``: a green box;
* ``"shared"``: an orange, thicker border and a badge such as ``"×2 calls"``
  in the top-right corner (one layer, several calls);
* ``"model"``: a purple double border (a nested model drawn as one box).

Frames (expanded nested models) are dashed purple rectangles labelled in
their top-left corner. Each element carries ``class`` and ``data-*``
attributes (``data-layer`` on boxes, ``data-group`` on frames,
``data-source`` / ``data-target`` on edges) so tests and tools can read the
drawing back.

Text widths are estimated from per-character advance widths of DejaVu Sans
(the widest of the common sans-serif faces), so a label fits its box in
whichever face the viewer picks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from graphkeras.utils.layered_layout import Layout, Point, Spacing

FONT_FAMILY = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
TITLE_SIZE = 13.0
DETAIL_SIZE = 11.0
BADGE_SIZE = 10.0
LINE_GAP = 4.0
PADDING_X = 10.0
PADDING_Y = 7.0
MODEL_INSET = 3.5
BADGE_GAP = 8.0

KINDS = ("layer", "input", "shared", "model")

# kind: (fill, stroke, stroke width)
_BOX_STYLES = {
    "layer": ("#eaf1fb", "#4a6fa5", 1.2),
    "input": ("#e7f4ea", "#3f8a55", 1.2),
    "shared": ("#fff1e0", "#d9782b", 2.6),
    "model": ("#f1ecfa", "#7453b8", 1.2),
}
_TITLE_COLOR = "#1b1f24"
_DETAIL_COLOR = "#3d4550"
_EDGE_COLOR = "#5b6470"
_FRAME_STROKE = "#7453b8"
_FRAME_FILL = "#faf8fe"
_BADGE_FILL = "#d9782b"

# Advance widths of DejaVu Sans, in em; characters not listed use the default.
_ADVANCE = {
    **dict.fromkeys("ijl|!.,:;'`", 0.30),
    **dict.fromkeys("frt()[]{} /\\-", 0.40),
    **dict.fromkeys("mw", 0.98),
    **dict.fromkeys("MW×=+<>~%", 0.99),
    **dict.fromkeys("ABCDEFGHKNOPQRSTUVXYZ&#@", 0.79),
    **dict.fromkeys("IJ", 0.30),
    **dict.fromkeys("L", 0.56),
    **dict.fromkeys("0123456789", 0.64),
    **dict.fromkeys('_"*^', 0.50),
}
_DEFAULT_ADVANCE = 0.64
_BOLD_FACTOR = 1.12


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """A generous estimate of the width ``text`` takes at ``font_size`` pixels."""
    width = sum(_ADVANCE.get(character, _DEFAULT_ADVANCE) for character in text) * font_size
    return width * (_BOLD_FACTOR if bold else 1.0)


@dataclass
class BoxContent:
    """What one box shows: a bold title, detail lines, a kind, an optional badge.

    ``notes`` are extra lines drawn in their own colour, as
    ``(text, colour)``; ``tooltip`` becomes the box's SVG ``<title>`` (shown
    on hover in browsers).
    """

    title: str
    details: list[str] = field(default_factory=list)
    kind: str = "layer"
    badge: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    tooltip: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}; received kind={self.kind!r}.")


def box_size(content: BoxContent) -> tuple[float, float]:
    """The ``(width, height)`` a box needs to show ``content`` with padding."""
    title_width = text_width(content.title, TITLE_SIZE, bold=True)
    if content.badge:
        title_width += BADGE_GAP + _badge_width(content.badge)
    lines = [*content.details, *(text for text, _ in content.notes)]
    widths = [title_width, *(text_width(line, DETAIL_SIZE) for line in lines)]
    inset = 2 * MODEL_INSET if content.kind == "model" else 0.0
    width = max(widths) + 2 * PADDING_X + inset
    height = TITLE_SIZE + len(lines) * (DETAIL_SIZE + LINE_GAP) + 2 * PADDING_Y + inset
    return (round(width, 1), round(height, 1))


def frame_label_size(label: str) -> tuple[float, float]:
    """The ``(width, height)`` a frame's label takes in its top-left corner."""
    return (text_width(label, DETAIL_SIZE, bold=True), DETAIL_SIZE + LINE_GAP)


def _badge_width(badge: str) -> float:
    return text_width(badge, BADGE_SIZE, bold=True) + 8.0


def render_svg(
    layout: Layout,
    contents: Mapping[Hashable, BoxContent],
    frame_labels: Mapping[Hashable, str] | None = None,
    title: str | None = None,
    dpi: float = 96,
) -> str:
    """The SVG text of ``layout``, each box showing ``contents[key]``.

    ``dpi`` scales the drawing's width and height (96 is one drawing unit
    per CSS pixel); the view box stays in drawing units.
    """
    frame_labels = frame_labels or {}
    scale = float(dpi) / 96.0
    width, height = layout.width, layout.height
    out: list[str] = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{_number(width * scale)}" height="{_number(height * scale)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" '
        f"font-family={quoteattr(FONT_FAMILY)}>",
    ]
    if title is not None:
        out.append(f"<title>{escape(title)}</title>")
    out.append(
        "<defs>"
        '<marker id="gk-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_EDGE_COLOR}"/></marker>'
        "</defs>"
    )
    out.append(f'<rect width="{_number(width)}" height="{_number(height)}" fill="white"/>')

    out.append('<g class="frames">')
    # Outer frames first, so inner ones are drawn on top.
    for key, rect in sorted(layout.frames.items(), key=lambda item: item[1][2] * item[1][3])[::-1]:
        out.append(_frame(key, rect, frame_labels.get(key, str(key))))
    out.append("</g>")

    out.append(f'<g class="edges" fill="none" stroke="{_EDGE_COLOR}" stroke-width="1.3">')
    vertical = layout.rankdir in ("TB", "BT")
    for edge, points in layout.routes.items():
        out.append(
            f'<path class="edge" data-source={quoteattr(str(edge[0]))} '
            f"data-target={quoteattr(str(edge[1]))} "
            f'd="{path_data(points, vertical)}" marker-end="url(#gk-arrow)"/>'
        )
    out.append("</g>")

    out.append('<g class="boxes">')
    for key, rect in layout.boxes.items():
        out.append(_box(key, rect, contents[key]))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def path_data(points: list[Point], vertical: bool) -> str:
    """SVG path data through ``points``: straight where one coordinate is fixed,
    and an S-curve leaving and entering along the flow where both change.

    An S-curve's control points stay inside the rectangle spanned by its two
    ends, so it never leaves the gap between ranks it crosses.
    """
    x, y = points[0]
    parts = [f"M{_number(x)},{_number(y)}"]
    for next_x, next_y in points[1:]:
        if next_x == x or next_y == y:
            parts.append(f"L{_number(next_x)},{_number(next_y)}")
        elif vertical:
            middle = (y + next_y) / 2
            parts.append(
                f"C{_number(x)},{_number(middle)} {_number(next_x)},{_number(middle)} "
                f"{_number(next_x)},{_number(next_y)}"
            )
        else:
            middle = (x + next_x) / 2
            parts.append(
                f"C{_number(middle)},{_number(y)} {_number(middle)},{_number(next_y)} "
                f"{_number(next_x)},{_number(next_y)}"
            )
        x, y = next_x, next_y
    return " ".join(parts)


def _frame(key: Hashable, rect: tuple, label: str) -> str:
    x, y, width, height = rect
    padding = Spacing().frame_padding
    return (
        f'<g class="group" data-group={quoteattr(str(key))}>'
        f'<rect class="frame" x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
        f'height="{_number(height)}" rx="8" fill="{_FRAME_FILL}" stroke="{_FRAME_STROKE}" '
        'stroke-width="1.4" stroke-dasharray="6 4"/>'
        f'<text class="frame-label" x="{_number(x + padding)}" '
        f'y="{_number(y + padding / 2 + DETAIL_SIZE)}" font-size="{_number(DETAIL_SIZE)}" '
        f'font-weight="bold" fill="{_FRAME_STROKE}">{escape(label)}</text>'
        "</g>"
    )


def _box(key: Hashable, rect: tuple, content: BoxContent) -> str:
    x, y, width, height = rect
    fill, stroke, stroke_width = _BOX_STYLES[content.kind]
    name = quoteattr(str(key))
    parts = [f'<g class="box {content.kind}" data-layer={name}>']
    if content.tooltip:
        parts.append(f"<title>{escape(content.tooltip)}</title>")
    parts.append(
        f'<rect class="box" data-layer={name} x="{_number(x)}" y="{_number(y)}" '
        f'width="{_number(width)}" height="{_number(height)}" rx="5" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{stroke_width}"/>'
    )
    inset = 0.0
    if content.kind == "model":
        inset = MODEL_INSET
        parts.append(
            f'<rect class="inner-border" x="{_number(x + inset)}" y="{_number(y + inset)}" '
            f'width="{_number(width - 2 * inset)}" height="{_number(height - 2 * inset)}" '
            f'rx="3" fill="none" stroke="{stroke}" stroke-width="{stroke_width}"/>'
        )
    text_x = x + inset + PADDING_X
    baseline = y + inset + PADDING_Y + TITLE_SIZE - 2
    parts.append(
        f'<text class="title" x="{_number(text_x)}" y="{_number(baseline)}" '
        f'font-size="{_number(TITLE_SIZE)}" font-weight="bold" fill="{_TITLE_COLOR}">'
        f"{escape(content.title)}</text>"
    )
    lines = [(text, _DETAIL_COLOR) for text in content.details] + list(content.notes)
    for text, color in lines:
        baseline += DETAIL_SIZE + LINE_GAP
        parts.append(
            f'<text class="detail" x="{_number(text_x)}" y="{_number(baseline)}" '
            f'font-size="{_number(DETAIL_SIZE)}" fill="{color}">{escape(text)}</text>'
        )
    if content.badge:
        badge_width = _badge_width(content.badge)
        badge_x = x + width - inset - PADDING_X / 2 - badge_width
        badge_y = y + inset + PADDING_Y - 1
        parts.append(
            f'<g class="badge"><rect x="{_number(badge_x)}" y="{_number(badge_y)}" '
            f'width="{_number(badge_width)}" height="{_number(BADGE_SIZE + 5)}" rx="7" '
            f'fill="{_BADGE_FILL}"/>'
            f'<text x="{_number(badge_x + badge_width / 2)}" '
            f'y="{_number(badge_y + BADGE_SIZE + 1)}" font-size="{_number(BADGE_SIZE)}" '
            f'font-weight="bold" fill="white" text-anchor="middle">'
            f"{escape(content.badge)}</text></g>"
        )
    parts.append("</g>")
    return "".join(parts)


def _number(value: float) -> str:
    """A coordinate as short text: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
