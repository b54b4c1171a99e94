"""The scripts in ``examples/``, loaded as modules so tests run them in this process.

Each example has a ``main(argv)``; ``run_example("cnn_digits.py", "--quick")``
calls it as ``python examples/cnn_digits.py --quick`` would and returns what
it printed and what it returned. No subprocess, so no timeout to hit on a
busy machine.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
from pathlib import Path
from types import ModuleType

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@functools.cache
def load_example(script: str) -> ModuleType:
    """``examples/<script>`` as a module, loaded once per process."""
    path = EXAMPLES / script
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(script: str, *arguments: str) -> tuple[str, object]:
    """Call the example's ``main`` with ``arguments``: (everything it printed, its result)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = load_example(script).main(list(arguments))
    return printed.getvalue(), result
