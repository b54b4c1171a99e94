"""Which Keras 3 public names graphkeras has, namespace by namespace.

Reads ``keras3_public_names.txt`` (beside this script: one ``namespace.name``
a line, e.g. ``ops.matmul`` or ``layers.Dense``) and looks each one up as
``graphkeras.<namespace>.<name>``. Prints, per namespace, how many exist and
how many do not, then the totals; ``--missing`` also lists the missing names.
It imports graphkeras and nothing else; no Keras is needed.

Run: ``python scripts/keras_api_coverage.py [--missing]``.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

NAMES_FILE = Path(__file__).with_name("keras3_public_names.txt")


def read_names(path: Path = NAMES_FILE) -> list[tuple[str, str]]:
    """``(namespace, name)`` pairs from the list, comments and blank lines skipped."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            namespace, _, name = line.rpartition(".")
            pairs.append((namespace, name))
    return pairs


def has_name(namespace: str, name: str) -> bool:
    """Whether ``graphkeras.<namespace>`` exists and has ``name``."""
    try:
        module = importlib.import_module(f"graphkeras.{namespace}")
    except ImportError:
        return False
    return hasattr(module, name)


def coverage(pairs: list[tuple[str, str]]) -> dict[str, tuple[list[str], list[str]]]:
    """``namespace -> (present names, missing names)``, namespaces in list order."""
    table: dict[str, tuple[list[str], list[str]]] = {}
    for namespace, name in pairs:
        present, missing = table.setdefault(namespace, ([], []))
        (present if has_name(namespace, name) else missing).append(name)
    return table


def report(table: dict[str, tuple[list[str], list[str]]], list_missing: bool) -> str:
    """The printed table: one line per namespace, then the totals."""
    lines = [f"{'namespace':<12} {'present':>7} {'missing':>7} {'total':>6}"]
    for namespace, (present, missing) in table.items():
        total = len(present) + len(missing)
        lines.append(f"{namespace:<12} {len(present):>7} {len(missing):>7} {total:>6}")
        if list_missing and missing:
            lines.append("    missing: " + ", ".join(missing))
    present_count = sum(len(present) for present, _ in table.values())
    missing_count = sum(len(missing) for _, missing in table.values())
    lines.append(
        f"{'all':<12} {present_count:>7} {missing_count:>7} {present_count + missing_count:>6}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the missing names too")
    arguments = parser.parse_args(argv)
    text = report(coverage(read_names()), arguments.missing)
    print(text)
    return text


if __name__ == "__main__":
    main()
