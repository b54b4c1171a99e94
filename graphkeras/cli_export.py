"""The ``graphkeras export`` command: a saved model written as ONNX.

    graphkeras export model.keras -o model.onnx [--opset 17] [--static-batch]

Reads a saved model file (``.gk``, or Keras ``.keras`` / ``.h5`` when h5py
is installed); a JSON config is refused, since it holds no weights. A model
that cannot be exported, or a missing ``onnx`` package, ends the command
with one line on stderr and exit status 2; no output file is written then.
"""

from __future__ import annotations

import argparse
import sys

from graphkeras import cli_inspect


def add_command(commands) -> None:
    """Register ``export`` on the ``graphkeras`` subparsers."""
    export = commands.add_parser(
        "export",
        help="write a saved model as ONNX, for onnxruntime and other serving engines",
        description="Write a saved model's inference graph as an ONNX file: node names are "
        "the model's layer names, nested models inlined. Layers without an ONNX converter "
        "are named and nothing is written.",
    )
    export.add_argument("file", metavar="MODEL_FILE", help="a saved model (.gk, .keras, .h5)")
    export.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the .onnx file to write"
    )
    export.add_argument(
        "--opset", type=int, default=None, help="the ONNX opset to write (default 17)"
    )
    export.add_argument(
        "--static-batch",
        action="store_true",
        help="fix the batch dimension to the model's inputs' batch size (default: symbolic)",
    )


def run(arguments: argparse.Namespace) -> int:
    """Export the model in ``arguments.file`` to ``arguments.output``; the exit status."""
    try:
        _refuse_json(arguments.file)
        model = cli_inspect.read_model(arguments.file)
        model.export(
            arguments.output,
            format="onnx",
            opset=arguments.opset,
            dynamic_batch=not arguments.static_batch,
        )
    except (cli_inspect.CommandError, ValueError, TypeError, ImportError, OSError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"graphkeras export: error: {message}", file=sys.stderr)
        return cli_inspect.USAGE_ERROR
    print(f"Wrote {arguments.output}")
    return 0


def _refuse_json(path: str) -> None:
    try:
        with open(path, "rb") as handle:
            start = handle.read(64).lstrip()
    except OSError:
        return  # read_model reports a missing or unreadable file.
    if path.endswith(".json") or start.startswith(cli_inspect.JSON_STARTS):
        raise cli_inspect.CommandError(
            f"'{path}' is a model config without weights; export a saved model "
            "(model.save('model.keras') or '.gk')"
        )
