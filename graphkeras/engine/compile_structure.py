"""Which loss, weight or metric goes with which output, read as Keras 3 reads compile.

``compile`` takes ``loss``, ``loss_weights``, ``metrics`` and
``weighted_metrics`` in several shapes, and Keras 3 matches each against the
structure of the model's outputs. Here that structure is an *output
template*: the outputs' own structure with each output's name in its place,
so a model built with ``outputs=[a, b]`` has the template ``["a", "b"]``,
one built with ``{"x": ..., "y": ...}`` has ``{"x": "x", "y": "y"}``, and a
single output (a one-element list included, since calling the model returns
the bare value) is just its name. The outputs' flat order is
``nest.flatten(template)``, the order of ``model.output_names``.

:func:`spread_over_outputs` turns a compile argument into one entry per
output, in that order:

* one value (a loss, a weight) serves every output;
* a list or tuple with one entry per output is taken in output order, for
  outputs in any structure (a list of one, for a single output, included);
* a dict is keyed by output name (or by the outputs' own dict keys); an
  output it leaves out gets None. A key that names no output raises, in
  Keras 3's words: ``Expected keys [...] in loss dict, but found
  loss.keys()=[...]``;
* otherwise the value must follow the template level by level (a list of
  lists for list outputs, a dict of lists for dict outputs, ...).

Losses and weights want one value per output, so a list of one at an
output is that value; metrics accept a list of several there.
"""

from __future__ import annotations

from typing import Any

from graphkeras.utils import nest


def output_template(structure: Any, output_names: list[str]) -> Any:
    """The outputs' structure with each output replaced by its name (see the module doc).

    ``structure`` is the ``outputs`` the model was built with (None when the
    model has no graph yet, as a subclassed model: then one output, named by
    ``output_names``).

    >>> output_template({"b": b_tensor, "a": a_tensor}, ["a", "b"])
    {'b': 'b', 'a': 'a'}
    """
    if len(output_names) == 1 and not isinstance(structure, dict):
        return output_names[0]
    if structure is None:
        return list(output_names)
    return nest.pack_sequence_as(structure, list(output_names))


def spread_over_outputs(
    value: Any, template: Any, argument: str, model_name: str, several_per_output: bool = False
) -> list:
    """One entry of ``value`` per output, in the template's flat order (None: nothing given).

    ``argument`` names the compile argument in errors. With
    ``several_per_output`` (metrics), the entry of an output is a list of
    everything given for it; otherwise (losses, weights) it is one value,
    and a list of several for one output raises ``ValueError``.
    """
    return _Spreader(template, argument, model_name, several_per_output).spread(value, template)


class _Spreader:
    """One matching of a compile argument against an output template (the rules above)."""

    def __init__(self, template: Any, argument: str, model_name: str, several: bool) -> None:
        self.template = template
        self.argument = argument
        self.model_name = model_name
        self.several = several

    def spread(self, value: Any, template: Any) -> list:
        names = nest.flatten(template)
        if not nest.is_nested(value):
            return [self._leaf(value)] * len(names)
        if not nest.is_nested(template):
            return [self._for_one_output(value, template)]
        if isinstance(value, (list, tuple)) and len(value) == len(names):
            return [
                self._for_one_output_item(item, name)
                for item, name in zip(value, names, strict=True)
            ]
        if isinstance(value, dict):
            return self._from_dict(value, template)
        if isinstance(template, (list, tuple)) and len(value) == len(template):
            return [
                entry
                for item, part in zip(value, template, strict=True)
                for entry in self.spread(item, part)
            ]
        raise ValueError(
            f"Model '{self.model_name}': {self.argument} has {_entries(len(value))}, but the "
            f"model has {len(names)} outputs {names} (structured as {self.template!r}); give "
            f"one per output, or a dict keyed by output name. Received "
            f"{self.argument}={value!r:.200}."
        )

    def _leaf(self, value: Any) -> Any:
        if self.several and value is not None:
            return [value]
        return value

    def _for_one_output(self, value: Any, name: str) -> Any:
        """What ``value`` (a list or dict) gives the single output ``name``."""
        if isinstance(value, dict):
            self._check_keys(value, [name])
            return self._for_one_output_item(value.get(name), name)
        if self.several:
            return [item for item in nest.flatten(value) if item is not None] or None
        if len(value) == 1:
            return self._for_one_output_item(value[0], name)
        raise ValueError(
            f"Model '{self.model_name}': {self.argument} gives output '{name}' "
            f"{len(value)} values ({value!r:.200}); give one {self.argument} per output."
        )

    def _for_one_output_item(self, value: Any, name: str) -> Any:
        if nest.is_nested(value):
            return self._for_one_output(value, name)
        return self._leaf(value)

    def _from_dict(self, value: dict, template: Any) -> list:
        if isinstance(template, dict):
            self._check_keys(value, list(template))
            return [
                entry
                for key in sorted(template)
                for entry in (
                    self.spread(value[key], template[key])
                    if key in value
                    else [None] * len(nest.flatten(template[key]))
                )
            ]
        names = nest.flatten(template)
        self._check_keys(value, names)
        return [
            self._for_one_output_item(value[name], name) if name in value else None
            for name in names
        ]

    def _check_keys(self, value: dict, expected: list[str]) -> None:
        unknown = [key for key in value if key not in expected]
        if unknown:
            raise ValueError(
                f"Model '{self.model_name}': Expected keys {expected} in {self.argument} "
                f"dict, but found {self.argument}.keys()={list(value)}; {unknown} "
                f"{'is' if len(unknown) == 1 else 'are'} not among the model's outputs."
            )


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"
