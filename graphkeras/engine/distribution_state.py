"""The distribution in force, and what a compiled step does with it (JAX only).

``gk.distribution.set_distribution`` stores a ``Distribution`` here; the
engine reads it, never the other way round. When one is set, each compiled
program (``engine/compiled_steps.py``) runs on the distribution's device mesh:

- every Variable it threads is placed with its layout first (a layer weight
  by ``distribution.get_variable_layout``, an optimizer slot as the weight it
  tracks, anything else replicated), and the step hands each new value back
  with that same layout, so a sharded kernel stays sharded after an update;
- each batch is split along the mesh's batch axis
  (``distribution.get_data_layout``); a batch whose size the axis does not
  divide is refused with the numbers;
- a layer output whose path (``"<model name>/<layer name>/output"``) the
  distribution lays out is constrained to that layout inside the program.

XLA (GSPMD) then partitions the program and inserts the collectives: for data
parallelism, the gradient sum over the batch becomes an all-reduce. Nothing
here runs when no distribution is set.
"""

from __future__ import annotations

import weakref
from typing import Any

from graphkeras import backend as K

_current: Any = None
# Variable -> the jax Sharding the current distribution gives it (cleared on a change).
_variable_shardings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def current() -> Any:
    """The ``Distribution`` in force, or None."""
    return _current


def set_current(distribution: Any) -> None:
    """Make ``distribution`` (or None) the one in force; only the JAX backend distributes."""
    global _current
    if distribution is not None and K.backend() != "jax":
        raise ValueError(
            f"gk.distribution needs the JAX backend; the {K.backend()!r} backend runs on one "
            "device. Select JAX with GRAPHKERAS_BACKEND=jax (pip install 'graphkeras[jax]') "
            f"before importing graphkeras, then set the distribution. Received {distribution!r}."
        )
    _current = distribution
    _variable_shardings.clear()


def _forget_off_jax() -> None:
    """A switch to another backend (``K.set_backend`` clears the session) drops the distribution."""
    global _current
    if _current is not None and K.backend() != "jax":
        _current = None
        _variable_shardings.clear()


K.on_clear_session(_forget_off_jax)


def variable_sharding(variable: Any, reference: Any = None) -> Any:
    """The jax ``Sharding`` of ``variable``: its layout, or ``reference``'s (an optimizer slot)."""
    sharding = _variable_shardings.get(variable)
    if sharding is None:
        layout = _current.get_variable_layout(reference if reference is not None else variable)
        check_layout_fits(layout, variable)
        sharding = _variable_shardings[variable] = layout.backend_layout
    return sharding


def place_variable(variable: Any, reference: Any = None) -> None:
    """Move ``variable``'s value onto the mesh with its layout (a no-op when already there)."""
    from graphkeras.backend.jax_backend.distribution import distribute_array

    variable.value = distribute_array(variable.value, variable_sharding(variable, reference))


def place_new_weight(variable: Any) -> None:
    """Place a weight as it is created, as Keras 3 does, when a distribution is in force."""
    if _current is not None:
        place_variable(variable)


def check_layout_fits(layout: Any, variable: Any) -> None:
    """Refuse a layout whose rank or mesh axes do not fit the variable's shape, by path."""
    axes = tuple(layout.axes)
    shape = tuple(variable.shape)
    where = f"Variable '{getattr(variable, 'path', variable.name)}' of shape {shape}"
    if len(axes) != len(shape):
        raise ValueError(
            f"{where} was given the layout {axes}, which has {len(axes)} axes; it needs one "
            f"entry (a mesh axis name or None) per dimension, {len(shape)} in all."
        )
    sizes = dict(zip(layout.device_mesh.axis_names, layout.device_mesh.shape, strict=True))
    for dim, (size, axis) in enumerate(zip(shape, axes, strict=True)):
        if axis is not None and size % sizes[axis]:
            raise ValueError(
                f"{where} cannot be split along dimension {dim} (size {size}) over the "
                f"{sizes[axis]} devices of mesh axis {axis!r}: the size must be a multiple of "
                "the axis's device count."
            )


def distribute_batch(argument: Any, folded: bool) -> Any:
    """Each array of one step's batch (several stacked when ``folded``) split on the batch axis."""
    import jax
    import numpy as np

    from graphkeras.backend.jax_backend.distribution import distribute_array

    distribution = _current
    mesh = distribution.device_mesh
    batch_axis = 1 if folded else 0
    devices = dict(zip(mesh.axis_names, mesh.shape, strict=True))[distribution.batch_dim_name]

    def place(leaf):
        if not hasattr(leaf, "shape"):
            leaf = np.asarray(leaf)
        if leaf.ndim <= batch_axis:
            return distribute_array(leaf, _replicated(mesh, leaf.ndim))
        size = leaf.shape[batch_axis]
        if size % devices:
            raise ValueError(
                f"A batch of {size} rows cannot be split over the {devices} devices of mesh "
                f"axis {distribution.batch_dim_name!r}: the global batch size must be a "
                f"multiple of {devices}. Choose a batch_size that is, and a number of rows "
                "that leaves no smaller last batch."
            )
        axes = tuple(distribution.get_data_layout(leaf.shape[batch_axis:]).axes)
        axes = (None,) * batch_axis + axes
        return distribute_array(leaf, _sharding(mesh, axes))

    return jax.tree_util.tree_map(place, argument)


def constrain(value: Any, sharding: Any) -> Any:
    """``value`` inside a traced program, pinned to ``sharding`` for XLA's partitioner.

    An op a recording GradientTape follows (a layer output in a train step),
    so the gradient flows through the pin.
    """
    global _pin
    if _pin is None:
        import jax

        from graphkeras.backend.jax_backend.autodiff import recordable

        def pinned(x, sharding):
            return jax.lax.with_sharding_constraint(x, sharding)

        _pin = recordable("with_sharding_constraint", pinned, jax.vjp, ("x",))
    return _pin(value, sharding)


_pin = None


def output_sharding(network_name: str, layer_name: str) -> Any:
    """The sharding a layer's output is pinned to inside a program, or None."""
    layout = _current.get_tensor_layout(f"{network_name}/{layer_name}/output")
    return None if layout is None else layout.backend_layout


def finish_step(variables: list) -> None:
    """Wait for a step's program to finish when the mesh is made of CPU devices.

    XLA's CPU runtime starts a program on each device as soon as that
    device's inputs are ready, so with several steps in flight (JAX
    dispatches asynchronously) one device can sit in another program while
    the rest wait for it inside a collective; XLA then aborts the process
    after 40 seconds. Measured with eight simulated CPU devices on two cores:
    6 of 7 runs of the benchmark MLP aborted without this wait, 0 of 3 with
    it. GPUs and TPUs keep their asynchronous dispatch.
    """
    if _cpu_mesh(_current):
        import jax

        jax.block_until_ready([variable.value for variable in variables])


def _cpu_mesh(distribution: Any) -> bool:
    mesh = distribution.device_mesh.backend_mesh
    return mesh.devices.flat[0].platform == "cpu" and mesh.devices.size > 1


def gather_results(result: Any) -> Any:
    """A program's result made readable in this process (multi-process runs gather shards)."""
    import jax

    if _current is None or _current.num_processes == 1:
        return result
    from graphkeras.backend.jax_backend.distribution import to_host

    return jax.tree_util.tree_map(to_host, result)


def _sharding(mesh: Any, axes: tuple) -> Any:
    from jax.sharding import NamedSharding, PartitionSpec

    return NamedSharding(mesh.backend_mesh, PartitionSpec(*axes))


def _replicated(mesh: Any, ndim: int) -> Any:
    return _sharding(mesh, (None,) * ndim)
