"""The inspection commands of ``graphkeras``: ``summary``, ``nodes`` and ``plot``.

Each reads one model FILE, either a model JSON config (what
``model.to_json()`` writes) or a saved model file (``.gk``, and Keras
``.keras`` / ``.h5`` when h5py is installed), and shows its graph:

    graphkeras summary model.gk --nodes
    graphkeras nodes model.json
    graphkeras plot model.keras -o model.svg --show-shapes

A file that is missing, unreadable or not a model ends the command with one
line on stderr naming the file and what is wrong, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import graphkeras as gk

USAGE_ERROR = 2
JSON_STARTS = (b"{", b"[")


class CommandError(Exception):
    """A failure the command reports as one line, with exit status 2."""


def add_commands(commands) -> None:
    """Register ``summary``, ``nodes`` and ``plot`` on the ``graphkeras`` subparsers."""
    summary = commands.add_parser(
        "summary",
        help="print the summary table of a saved model or model JSON config",
        description="Print a model's summary: layers, output shapes, parameters, connections.",
    )
    _add_file_argument(summary)
    summary.add_argument(
        "--nodes", action="store_true", help="also print every node, in execution order"
    )
    summary.add_argument(
        "--expand-nested", action="store_true", help="list the layers of nested models too"
    )
    summary.add_argument(
        "--show-trainable", action="store_true", help="add a column saying which layers train"
    )

    nodes = commands.add_parser(
        "nodes",
        help="print every node (call) of a model, in execution order",
        description="Print one row per node: key, layer, class, inbound tensors, call "
        "keywords, output shapes and depth. A shared layer has one row per call.",
    )
    _add_file_argument(nodes)

    plot = commands.add_parser(
        "plot",
        help="draw a model's graph to .svg (or .dot, or .png with the png extra)",
        description="Draw a model's layer graph. The format follows the output file's "
        "extension: .svg is drawn by graphkeras itself, .dot is Graphviz text, .png needs "
        "the optional png extra.",
    )
    _add_file_argument(plot)
    plot.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the file to write (.svg, .dot, .png)"
    )
    plot.add_argument("--show-shapes", action="store_true", help="show input and output shapes")
    plot.add_argument("--show-dtype", action="store_true", help="show output dtypes")
    plot.add_argument(
        "--hide-layer-names", action="store_true", help="show only each layer's class"
    )
    plot.add_argument(
        "--rankdir",
        choices=["TB", "LR", "BT", "RL"],
        default="TB",
        help="direction of the drawing: TB top to bottom (default), LR left to right",
    )
    plot.add_argument(
        "--expand-nested", action="store_true", help="draw nested models' layers in boxes"
    )
    plot.add_argument(
        "--show-trainable", action="store_true", help="mark trainable and frozen layers"
    )
    plot.add_argument("--dpi", type=int, default=96, help="resolution of a .png (default 96)")


def _add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a model JSON config (model.to_json()) or a saved model file (.gk, .keras, .h5)",
    )


def run(arguments: argparse.Namespace) -> int:
    """Run the inspection command named in ``arguments``; the exit status."""
    try:
        model = read_model(arguments.file)
        if arguments.command == "summary":
            model.summary(
                expand_nested=arguments.expand_nested,
                show_trainable=arguments.show_trainable,
                show_nodes=arguments.nodes,
            )
        elif arguments.command == "nodes":
            print(gk.utils.node_table(model))
        else:
            _plot(model, arguments)
    except CommandError as error:
        print(f"graphkeras {arguments.command}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def read_model(path: str):
    """The model in ``path``: a JSON config, or a saved model file.

    Raises :class:`CommandError` (one line, naming the file) for anything that
    is not a readable model.
    """
    if not os.path.exists(path):
        raise CommandError(f"cannot read '{path}': no such file")
    if os.path.isdir(path):
        raise CommandError(f"cannot read '{path}': it is a directory, not a model file")
    try:
        with open(path, "rb") as handle:
            start = handle.read(64).lstrip()
    except OSError as error:
        raise CommandError(f"cannot read '{path}': {error.strerror or error}") from error
    try:
        if start.startswith(JSON_STARTS) or path.endswith(".json"):
            model = _model_from_json_file(path)
        else:
            model = gk.models.load_model(path, compile=False)
    except (ValueError, TypeError, KeyError, ImportError, OSError, UnicodeDecodeError) as error:
        raise CommandError(
            f"'{path}' is not a model graphkeras can read: {_one_line(error)}"
        ) from error
    if not getattr(model, "_is_graph_network", False):
        raise CommandError(
            f"'{path}' holds a {type(model).__name__}, not a model with a graph of layers"
        )
    return model


def _model_from_json_file(path: str):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"'{path}' is not valid JSON: {error}") from error
    if not isinstance(payload, dict) or "class_name" not in payload or "config" not in payload:
        raise CommandError(
            f"'{path}' is JSON but not a model config: expected an object with \"class_name\" "
            'and "config", as model.to_json() writes'
        )
    return gk.models.model_from_config(payload)


def _plot(model, arguments: argparse.Namespace) -> None:
    try:
        gk.utils.plot_model(
            model,
            to_file=arguments.output,
            show_shapes=arguments.show_shapes,
            show_dtype=arguments.show_dtype,
            show_layer_names=not arguments.hide_layer_names,
            rankdir=arguments.rankdir,
            expand_nested=arguments.expand_nested,
            show_trainable=arguments.show_trainable,
            dpi=arguments.dpi,
        )
    except (ValueError, ImportError, OSError) as error:
        raise CommandError(f"cannot write '{arguments.output}': {_one_line(error)}") from error
    print(f"Wrote {arguments.output}")


def _one_line(error: BaseException) -> str:
    """An exception's message on one line (its class name when it has none)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__
