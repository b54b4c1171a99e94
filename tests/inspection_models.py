"""Small models the graph-inspection tests share: a chain, a shared layer, nested models.

Shared by the to_networkx, model_to_dot, node table, HTML summary and CLI
tests, so each of them reads the same graph. Each builder starts a fresh
session, so the automatic names are the same in every test.
"""

from __future__ import annotations

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def dense_chain() -> gk.Model:
    """``x -> hidden (Dense 3, relu) -> out (Dense 2)``, named ``"chain"``."""
    K.clear_session()
    x = gk.Input((4,), name="x")
    hidden = layers.Dense(3, activation="relu", name="hidden")(x)
    return gk.Model(x, layers.Dense(2, name="out")(hidden), name="chain")


def shared_pair(dropped: bool = False) -> gk.Model:
    """A Dense ``shared`` called on inputs ``a`` and ``b``, summed, in a model named ``"pair"``.

    Plain, node 0 of ``shared`` reads ``a`` and node 1 reads ``b``. With
    ``dropped``, ``shared(b)`` is called first and goes through
    ``Dropout(0.5, name="drop")`` called with ``training=True``: node 0 reads
    ``b``, node 1 reads ``a``, and the ``drop`` node records a call keyword.
    """
    K.clear_session()
    a = gk.Input((4,), name="a")
    b = gk.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    if dropped:
        second = layers.Dropout(0.5, name="drop")(shared(b), training=True)
        return gk.Model([a, b], layers.add([shared(a), second], name="sum"), name="pair")
    return gk.Model([a, b], layers.add([shared(a), shared(b)], name="sum"), name="pair")


def models_nested_twice() -> gk.Model:
    """``outer``: ``x -> middle -> head (Dense 1)``, where ``middle`` wraps ``inner``.

    ``inner`` is ``inner_input -> core (Dense 3)``; ``middle`` is
    ``middle_input -> inner``: a model nested two deep, for expansion.
    """
    K.clear_session()
    inner_input = gk.Input((3,), name="inner_input")
    inner = gk.Model(inner_input, layers.Dense(3, name="core")(inner_input), name="inner")
    middle_input = gk.Input((3,), name="middle_input")
    middle = gk.Model(middle_input, inner(middle_input), name="middle")
    x = gk.Input((3,), name="x")
    return gk.Model(x, layers.Dense(1, name="head")(middle(x)), name="outer")
