"""``scripts/keras_api_coverage.py`` counts Keras 3 public names graphkeras has, truthfully."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import graphkeras as gk

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "keras_api_coverage.py"


def load_script():
    spec = importlib.util.spec_from_file_location("keras_api_coverage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_listed_name_is_counted_once_and_present_means_present():
    script = load_script()
    pairs = script.read_names()
    assert len(pairs) > 700 and len(set(pairs)) == len(pairs)
    table = script.coverage(pairs)
    assert sum(len(present) + len(missing) for present, missing in table.values()) == len(pairs)
    for namespace, (present, missing) in table.items():
        for name in present:
            assert script.has_name(namespace, name), (namespace, name)
        for name in missing:
            assert not script.has_name(namespace, name), (namespace, name)
    present_models, missing_models = table["models"]
    assert "clone_model" in present_models and missing_models == []
    assert "custom_object_scope" in table["saving"][0]


def test_the_report_ends_with_the_totals_and_can_list_what_is_missing(capsys):
    text = load_script().main(["--missing"])
    assert capsys.readouterr().out.strip() == text
    lines = text.splitlines()
    assert lines[0].split() == ["namespace", "present", "missing", "total"]
    rows = [line.split() for line in lines[1:] if not line.startswith("    ")]
    *namespaces, total = rows
    assert total[0] == "all"
    assert int(total[1]) == sum(int(row[1]) for row in namespaces)
    assert int(total[3]) == sum(int(row[3]) for row in namespaces)
    assert any(line.startswith("    missing: ") for line in lines)
    assert hasattr(gk.models, "clone_model")
