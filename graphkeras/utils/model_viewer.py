"""view_model: a model's graph as one interactive HTML page, with nothing to install.

The page is a single file: the layout is computed here (``viewer_data.py``,
``viewer_layout.py``) and embedded as JSON, beside the page's own script and
style (``viewer_page/``, shipped as package data). It loads nothing from the
network (its Content-Security-Policy forbids it), so it works from
``file://``, from ``graphkeras view``'s local server and inside a Jupyter
output cell.

What the page offers: pan and zoom (wheel, drag, keys), fit to screen, two
levels (one box per layer, shared layers badged ``×N``; or one box per call,
edges labelled with Keras's ``layer[node][tensor]``), nested models opened in
place, search with next/previous, a side panel (class, config, shapes per
call, parameters, weight statistics, inbound and outbound links), SVG and PNG
export, light and dark colours, keyboard navigation. It answers
``window.gkViewer`` for scripts and tests.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources

from graphkeras.utils.atomic_write import atomic_write
from graphkeras.utils.viewer_data import viewer_data

PAGE_PACKAGE = "graphkeras.utils.viewer_page"
NOTEBOOK_HEIGHT = 640
"""Height in pixels of the frame a notebook shows the page in."""


class ModelView:
    """What :func:`view_model` returns: the page's HTML and the file written (or ``None``).

    Jupyter shows it as the live page, in an ``<iframe>`` whose ``srcdoc`` is
    the whole page, so the notebook's own scripts and styles never mix with it.
    """

    def __init__(self, html_text: str, path: str | None = None) -> None:
        self.html = html_text
        self.path = path

    def _repr_html_(self) -> str:
        source = html.escape(self.html, quote=True)
        return (
            f'<iframe title="graphkeras model viewer" srcdoc="{source}" '
            f'style="width: 100%; height: {NOTEBOOK_HEIGHT}px; border: 1px solid #d0d6de;" '
            'sandbox="allow-scripts allow-downloads"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<ModelView path={self.path!r}, {len(self.html):,} characters of HTML>"


def view_model(
    model,
    path: str | os.PathLike | None = "model.html",
    include_statistics: bool = True,
    title: str | None = None,
) -> ModelView:
    """Write ``model``'s interactive graph page to ``path`` (``None``: write nothing).

    ``include_statistics`` adds each weight's min, mean, max and std to the
    side panel (reading every weight once); ``title`` defaults to the model's
    name. Returns a :class:`ModelView`, which a notebook displays as the page.

    >>> view = gk.utils.view_model(model, "model.html")  # doctest: +SKIP
    >>> view.path
    'model.html'
    """
    check_viewable(model)
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            "view_model's path must be a file path (str or os.PathLike) or None; received "
            f"path={path!r} ({type(path).__name__})."
        )
    page = page_html(viewer_data(model, include_statistics=include_statistics), title)
    if path is None:
        return ModelView(page)
    target = os.fspath(path)
    payload = page.encode("utf-8")
    atomic_write(target, lambda handle: handle.write(payload))
    return ModelView(page, target)


def check_viewable(model) -> None:
    """Raise unless ``model`` is a built graphkeras model, naming what was received."""
    if not hasattr(model, "_is_graph_network") or not hasattr(model, "layers"):
        raise TypeError(
            "view_model expects a graphkeras Model (functional, Sequential or subclassed); "
            f"received model={type(model).__name__}: {_short_repr(model)}."
        )
    if not getattr(model, "built", False):
        raise ValueError(
            f"view_model needs a built model; received the unbuilt {type(model).__name__} "
            f"'{model.name}'. Call it on data, call build(input_shape), or give its first "
            "layer an input shape."
        )


def page_html(data: dict, title: str | None = None) -> str:
    """The viewer page with ``data`` (what :func:`viewer_data` returns) embedded."""
    template = _page_file("viewer.html")
    pieces = {
        "{{css}}": _page_file("viewer.css"),
        "{{js}}": _page_file("viewer.js"),
        "{{title}}": html.escape(title if title is not None else data["name"]),
        "{{data}}": embedded_json(data),
    }
    # One pass over the template: text put in is never searched for placeholders again.
    out = []
    rest = template
    while True:
        positions = [(rest.find(key), key) for key in pieces if rest.find(key) >= 0]
        if not positions:
            out.append(rest)
            break
        start, key = min(positions)
        out.append(rest[:start])
        out.append(pieces[key])
        rest = rest[start + len(key) :]
    return "".join(out)


def embedded_json(data: dict) -> str:
    """``data`` as compact JSON that is safe inside a ``<script>`` element.

    ``<`` never appears raw (so neither ``</script>`` nor ``<!--`` can end or
    confuse the element), nor do ``>``, ``&`` and the two line separators
    JavaScript once treated as newlines; each is a ``\\u`` escape, which JSON
    reads back as the same character.
    """
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for character in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def _page_file(name: str) -> str:
    return resources.files(PAGE_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _short_repr(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
