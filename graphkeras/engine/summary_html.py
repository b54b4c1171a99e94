"""``model.summary_html()``: the summary as an HTML table, for Jupyter.

The object it returns shows itself as HTML in a notebook (``_repr_html_``) and
as the usual text summary everywhere else (``str()``, ``repr()``). The rows are
the text summary's own (``summary.py``), so both always agree; with
``show_nodes`` a second table lists every node (``graphkeras.utils.node_rows``).

Why an object and not ``Model._repr_html_``: Jupyter ranks HTML above SVG, so
a model with both would never show its drawing (``Model._repr_svg_``).
"""

from __future__ import annotations

from html import escape

from graphkeras.engine.summary import _count, _is_chain, _layer_rows, print_summary
from graphkeras.utils.model_graph import require_built
from graphkeras.utils.node_table import HEADERS as NODE_HEADERS
from graphkeras.utils.node_table import format_keywords, format_shapes, node_rows

_STYLE = (
    "<style>"
    ".graphkeras-summary{border-collapse:collapse;font-family:monospace;margin-bottom:1em}"
    ".graphkeras-summary th,.graphkeras-summary td"
    "{border:1px solid #bbb;padding:2px 8px;text-align:left;vertical-align:top}"
    ".graphkeras-summary caption{text-align:left;font-weight:bold}"
    ".graphkeras-summary td.number{text-align:right}"
    "</style>"
)


class SummaryHTML:
    """A model's summary, shown as HTML tables in Jupyter and as text elsewhere."""

    def __init__(
        self,
        model,
        expand_nested: bool = False,
        show_trainable: bool = False,
        show_nodes: bool = False,
    ) -> None:
        require_built(model)
        self.model = model
        self.expand_nested = expand_nested
        self.show_trainable = show_trainable
        self.show_nodes = show_nodes
        if show_nodes:
            node_rows(model)  # refuses a model without a graph now, not when displayed

    @property
    def text(self) -> str:
        """The text summary, exactly as ``model.summary()`` prints it."""
        lines: list[str] = []
        print_summary(
            self.model,
            print_fn=lines.append,
            expand_nested=self.expand_nested,
            show_trainable=self.show_trainable,
            show_nodes=self.show_nodes,
        )
        return "\n".join(lines)

    @property
    def html(self) -> str:
        """The summary (and, with ``show_nodes``, the node table) as HTML markup."""
        parts = [_STYLE, self._layer_table()]
        if self.show_nodes:
            parts.append(self._node_table())
        return f'<div class="graphkeras-summary-tables">{"".join(parts)}</div>'

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _layer_table(self) -> str:
        model = self.model
        chain = _is_chain(model)
        headers = ["Layer (type)", "Output Shape", "Param #"]
        if not chain:
            headers.append("Connected to")
        if self.show_trainable:
            headers.append("Trainable")
        rows = _layer_rows(model, chain, self.show_trainable, self.expand_nested, depth=0)
        body = []
        for fields in rows:
            name = fields[0]
            indent = len(name) - len(name.lstrip(" "))
            cells = [f'<td style="padding-left:{0.5 + indent}em">{escape(name.strip())}</td>']
            cells.append(f"<td>{escape(fields[1])}</td>")
            cells.append(f'<td class="number">{escape(fields[2])}</td>')
            cells.extend(f"<td>{_multiline(field)}</td>" for field in fields[3:])
            body.append(f"<tr>{''.join(cells)}</tr>")
        trainable = _count(model.trainable_weights)
        non_trainable = _count(model.non_trainable_weights)
        totals = [
            ("Total params", trainable + non_trainable),
            ("Trainable params", trainable),
            ("Non-trainable params", non_trainable),
        ]
        span = len(headers) - 1
        footer = "".join(
            f'<tr><th colspan="{span}">{label}</th><td class="number">{count:,}</td></tr>'
            for label, count in totals
        )
        return (
            f'<table class="graphkeras-summary"><caption>Model: "{escape(model.name)}"</caption>'
            f"<thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in headers)}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody><tfoot>{footer}</tfoot></table>"
        )

    def _node_table(self) -> str:
        body = []
        for row in node_rows(self.model):
            cells = [
                row["node"],
                row["layer"],
                row["class"],
                "\n".join(row["inbound"]) or "-",
                format_keywords(row["arguments"]),
                format_shapes(row["output_shapes"]),
                str(row["depth"]),
            ]
            body.append(f"<tr>{''.join(f'<td>{_multiline(cell)}</td>' for cell in cells)}</tr>")
        return (
            '<table class="graphkeras-summary"><caption>Nodes, in execution order</caption>'
            f"<thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in NODE_HEADERS)}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )


def _multiline(text: str) -> str:
    """Escaped text with its line breaks kept as ``<br/>``."""
    return "<br/>".join(escape(line) for line in str(text).split("\n"))
