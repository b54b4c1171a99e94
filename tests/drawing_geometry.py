"""Geometry checks for drawn graphs: rectangles, borders, segments, and SVG read back.

Shared by the layout and plot_model tests. Rectangles are ``(x, y, width,
height)``; an edge is the list of its points (for an SVG path, every point
of its control polygon, which bounds the curves drawn through it).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"


def overlap(first: tuple, second: tuple, tolerance: float = 0.01) -> bool:
    """Whether two rectangles share more than a border."""
    ax, ay, aw, ah = first
    bx, by, bw, bh = second
    return (
        ax < bx + bw - tolerance
        and bx < ax + aw - tolerance
        and ay < by + bh - tolerance
        and by < ay + ah - tolerance
    )


def contains(outer: tuple, inner: tuple) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def on_border(point: tuple, rect: tuple, tolerance: float = 1.0) -> bool:
    """Whether ``point`` lies on the border of ``rect``, within ``tolerance``."""
    x, y = point
    rx, ry, rw, rh = rect
    within_x = rx - tolerance <= x <= rx + rw + tolerance
    within_y = ry - tolerance <= y <= ry + rh + tolerance
    distance = min(abs(x - rx), abs(x - rx - rw), abs(y - ry), abs(y - ry - rh))
    return within_x and within_y and distance <= tolerance


def crosses_interior(start: tuple, end: tuple, rect: tuple, tolerance: float = 0.5) -> bool:
    """Whether the segment from ``start`` to ``end`` enters the inside of ``rect``.

    The rectangle is shrunk by ``tolerance`` so a segment along or ending on
    its border does not count (Liang-Barsky clipping).
    """
    rx, ry = rect[0] + tolerance, rect[1] + tolerance
    rw, rh = rect[2] - 2 * tolerance, rect[3] - 2 * tolerance
    if rw <= 0 or rh <= 0:
        return False
    x0, y0 = start
    dx, dy = end[0] - x0, end[1] - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - rx), (dx, rx + rw - x0), (-dy, y0 - ry), (dy, ry + rh - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
    return low < high


def layout_problems(boxes: dict, routes: dict) -> list:
    """Every overlap of two boxes, edge end off its box's border, and edge through a box."""
    problems = []
    names = list(boxes)
    rects = np.array([boxes[name] for name in names], dtype=float).reshape(-1, 4)
    left, top = rects[:, 0], rects[:, 1]
    right, bottom = left + rects[:, 2], top + rects[:, 3]
    tolerance = 0.01
    overlapping = (
        (left[:, None] < right[None, :] - tolerance)
        & (left[None, :] < right[:, None] - tolerance)
        & (top[:, None] < bottom[None, :] - tolerance)
        & (top[None, :] < bottom[:, None] - tolerance)
    )
    for i, j in zip(*np.nonzero(np.triu(overlapping, k=1)), strict=True):
        problems.append(("overlap", names[i], names[j]))
    segments = []
    for (source, target, *_), points in routes.items():
        if not on_border(points[0], boxes[source]):
            problems.append(("start off border", source, target, points[0]))
        if not on_border(points[-1], boxes[target]):
            problems.append(("end off border", source, target, points[-1]))
        for start, end in zip(points, points[1:], strict=False):
            segments.append((source, target, start, end))
    if segments:
        ends = np.array([(*start, *end) for _, _, start, end in segments], dtype=float)
        hits = segments_through_rects(ends, rects)
        for i, j in zip(*np.nonzero(hits), strict=True):
            source, target, start, end = segments[i]
            problems.append(("through box", source, target, names[j], start, end))
    return problems


def segments_through_rects(ends: np.ndarray, rects: np.ndarray, tolerance: float = 0.5):
    """``hits[i, j]``: segment ``i`` (a row ``x0, y0, x1, y1``) enters the inside of rect ``j``.

    :func:`crosses_interior` for every pair at once.
    """
    x0, y0 = ends[:, 0:1], ends[:, 1:2]
    dx, dy = ends[:, 2:3] - x0, ends[:, 3:4] - y0
    rx, ry = rects[None, :, 0] + tolerance, rects[None, :, 1] + tolerance
    rw, rh = rects[None, :, 2] - 2 * tolerance, rects[None, :, 3] - 2 * tolerance
    low = np.zeros((len(ends), len(rects)))
    high = np.ones((len(ends), len(rects)))
    outside = np.zeros((len(ends), len(rects)), dtype=bool)
    for p, q in ((-dx, x0 - rx), (dx, rx + rw - x0), (-dy, y0 - ry), (dy, ry + rh - y0)):
        p = np.broadcast_to(p, low.shape)
        q = np.broadcast_to(q, low.shape)
        parallel = p == 0
        outside |= parallel & (q < 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
        low = np.where(~parallel & (p < 0), np.maximum(low, t), low)
        high = np.where(~parallel & (p > 0), np.minimum(high, t), high)
    return (low < high) & ~outside & (rw > 0) & (rh > 0)


def read_svg(text: str) -> dict:
    """The drawing read back (boxes, frames, edges, box texts, badges) by its ``data-*`` marks."""
    root = ET.fromstring(text)
    boxes, frames, texts, kinds, badges = {}, {}, {}, {}, {}
    for group in root.iter(f"{SVG}g"):
        name = group.get("data-layer")
        if name is not None:
            kinds[name] = group.get("class").split()[1]
            texts[name] = [
                element.text
                for element in group.iter(f"{SVG}text")
                if element.get("class") in ("title", "detail")
            ]
            badge = group.find(f"{SVG}g[@class='badge']/{SVG}text")
            badges[name] = None if badge is None else badge.text
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("class") == "box":
            boxes[rect.get("data-layer")] = _rect(rect)
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "group":
            frame = group.find(f"{SVG}rect")
            frames[group.get("data-group")] = _rect(frame)
    edges = []
    for path in root.iter(f"{SVG}path"):
        if path.get("class") == "edge":
            edges.append((path.get("data-source"), path.get("data-target"), path_points(path)))
    return {
        "root": root,
        "boxes": boxes,
        "frames": frames,
        "texts": texts,
        "kinds": kinds,
        "badges": badges,
        "edges": edges,
    }


def path_points(path) -> list[tuple[float, float]]:
    """Every coordinate pair of an SVG path's ``d``, in order (its control polygon)."""
    numbers = [float(value) for value in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    return list(zip(numbers[0::2], numbers[1::2], strict=True))


def _rect(element) -> tuple:
    return tuple(float(element.get(name)) for name in ("x", "y", "width", "height"))
