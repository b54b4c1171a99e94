"""The ``graphkeras`` command (also ``python -m graphkeras``)."""

from __future__ import annotations

import argparse
import sys

import graphkeras
from graphkeras import cli_export, cli_inspect, cli_view


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphkeras",
        description="Keras's functional engine, small and fast, on NumPy.",
    )
    parser.add_argument("--version", action="version", version=graphkeras.__version__)
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser(
        "demo",
        help="build a Siamese network with a shared encoder, inspect it, run it on real digits",
        description="Build a Siamese network with a shared, nested encoder; print its summary "
        "and node table; run it on pairs of real handwritten digits.",
    )
    cli_inspect.add_commands(commands)
    cli_export.add_command(commands)
    cli_view.add_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        from graphkeras.demo import run

        run()
        return 0
    if arguments.command in ("summary", "nodes", "plot"):
        return cli_inspect.run(arguments)
    if arguments.command == "export":
        return cli_export.run(arguments)
    if arguments.command == "view":
        return cli_view.run(arguments)
    parser.print_help(sys.stderr)
    return 2
