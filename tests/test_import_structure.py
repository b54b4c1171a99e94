"""The rooms of the package import each other one way, as ARCHITECTURE.md draws them.

The import graph is read from the source (``import_graph.py``), function-level
imports included, so a circle cannot hide behind a late import. The arrows
table in ARCHITECTURE.md is checked in both directions: every import across
rooms is an arrow the table allows, and every arrow the table draws is one
the code uses, so the document stays true as the code changes.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from import_graph import import_circles, import_graph, room_imports

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "graphkeras"
ARCHITECTURE = REPO / "ARCHITECTURE.md"

# Rooms that sit above the engine: the engine never reaches up into them.
ABOVE_THE_ENGINE = {
    "<root>",
    "saving",
    "interop",
    "export",
    "layers",
    "models",
    "cli",
    "cli_inspect",
    "cli_export",
    "cli_view",
    "demo",
}


@pytest.fixture(scope="module")
def graph():
    return import_graph(PACKAGE)


def documented_arrows() -> dict[str, set[str]]:
    """``room -> rooms it may import``, from the table under ARCHITECTURE.md's "Arrows"."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## Arrows", 1)[1].split("\n## ", 1)[0]
    arrows = {}
    for row in re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, flags=re.MULTILINE):
        room, targets = row
        arrows[room] = set(re.findall(r"`([^`]+)`", targets))
    return arrows


def test_the_package_has_no_import_circle(graph):
    assert import_circles(graph) == []


def test_the_engine_imports_nothing_from_the_rooms_above_it(graph):
    upward = {
        pair: imports
        for pair, imports in room_imports(graph).items()
        if pair[0] == "engine" and pair[1] in ABOVE_THE_ENGINE
    }
    assert upward == {}


def test_the_backend_imports_nothing_of_graphkeras_outside_itself(graph):
    outward = {pair: found for pair, found in room_imports(graph).items() if pair[0] == "backend"}
    assert outward == {}


def test_saving_does_not_know_the_keras_formats(graph):
    assert room_imports(graph).get(("saving", "interop")) is None


def test_every_import_across_rooms_is_an_arrow_architecture_md_draws(graph):
    allowed = documented_arrows()
    undocumented = {
        pair: found[:3]
        for pair, found in room_imports(graph).items()
        if pair[1] not in allowed.get(pair[0], set())
    }
    assert undocumented == {}


def test_every_arrow_architecture_md_draws_is_an_import_the_code_makes(graph):
    used = set(room_imports(graph))
    drawn = {(room, target) for room, targets in documented_arrows().items() for target in targets}
    assert drawn - used == set()


def test_every_room_of_the_package_is_in_the_arrows_table(graph):
    rooms = {module.split(".")[1] if "." in module else "<root>" for module in graph}
    assert rooms == set(documented_arrows())


# ---------------------------------------------------------------- the check itself
def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root / "pkg"


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    package = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "engine/__init__.py": "",
            "engine/network.py": """
                def save(model):
                    from pkg.saving.api import save_model
                    return save_model(model)
            """,
            "saving/__init__.py": "",
            "saving/api.py": "from pkg.engine.network import save\n",
        },
    )
    (circle,) = import_circles(import_graph(package))
    assert sorted(circle) == [
        "pkg.engine.network (line 3) -> pkg.saving.api",
        "pkg.saving.api (line 1) -> pkg.engine.network",
    ]


def test_relative_imports_and_upward_arrows_are_seen(tmp_path):
    package = write_package(
        tmp_path,
        {
            "__init__.py": "from . import engine\n",
            "engine/__init__.py": "from .node import Node\n",
            "engine/node.py": "from ..layers import dense\nclass Node: ...\n",
            "layers/__init__.py": "",
            "layers/dense.py": "import pkg.engine.node\n",
        },
    )
    graph = import_graph(package)
    assert set(graph.edges) == {
        ("pkg", "pkg.engine"),
        ("pkg.engine", "pkg.engine.node"),
        ("pkg.engine.node", "pkg.layers.dense"),
        ("pkg.layers.dense", "pkg.engine.node"),
    }
    assert room_imports(graph)[("engine", "layers")] == ["pkg.engine.node:1 -> pkg.layers.dense"]
    assert len(import_circles(graph)) == 1


def test_a_package_without_imports_between_modules_has_no_circle(tmp_path):
    package = write_package(tmp_path, {"__init__.py": "", "a.py": "import os\n", "b.py": "x = 1\n"})
    assert import_circles(import_graph(package)) == []
