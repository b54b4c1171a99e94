"""Record what Keras 3 computes for ConvLSTM, its applications' scale layers, Pipeline,
the activations and operation nodes with several tensors, to test graphkeras on.

Run it by hand, never in CI, in an environment that has Keras 3 and JAX (not the
project's own), with the output folder as its argument (normally ``tests/data``)::

    KERAS_BACKEND=jax python scripts/record_keras_convlstm_values.py tests/data

Every weight is drawn here from a seeded NumPy generator and set on the Keras
layer, and every recorded case stores its weights, so graphkeras can set the
same numbers. It writes:

- ``keras_convlstm_values.json``: per case, the ConvLSTM layer's class and
  config, its inputs (and mask), its weights and Keras's outputs.
- ``keras_convlstm2d.keras`` / ``.h5`` (+ ``.npz``): a tiny ConvLSTM2D model.
- ``keras_scale_layers.keras`` / ``.h5`` (+ ``.npz``): a tiny model with the
  applications' ``LayerScale``, ``StochasticDepth`` and ``CustomScaleLayer``.
- ``keras_pipeline.keras`` / ``.h5`` (+ ``.npz``): a model holding a Pipeline.
- ``keras_ops_positional.keras`` / ``.h5`` (+ ``.npz``): operations applied to
  several positional tensors (add, multiply, concatenate, stack, einsum, where).
- ``keras_activation_values.json``: every ``keras.activations`` function and
  the activation layers on a fixed grid.

The ``.npz`` beside a model holds ``input_<i>`` and Keras's ``predict`` outputs
``output_<i>``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
from keras import layers, ops  # noqa: E402
from keras.src.applications.convnext import LayerScale, StochasticDepth  # noqa: E402
from keras.src.applications.inception_resnet_v2 import CustomScaleLayer  # noqa: E402

RNG = np.random.default_rng(20260905)


def as_list(x):
    """A JSON-ready copy of ``x``: arrays become nested lists of floats (or ints/bools)."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {key: as_list(value) for key, value in x.items()}
    if isinstance(x, (list, tuple)):
        return [as_list(item) for item in x]
    if isinstance(x, (bool, int, float, str)):
        return x
    array = np.asarray(x)
    if array.dtype.kind in "iub":
        return array.tolist()
    # Nine significant digits hold every float32 exactly and keep the file small.
    shortest = np.vectorize(lambda value: float(f"{value:.9g}"), otypes=["float64"])
    return shortest(np.asarray(array, dtype="float32")).tolist()


def uniform(shape, low=-0.6, high=0.6):
    return RNG.uniform(low, high, size=shape).astype("float32")


def randomise(model_or_layer) -> None:
    """Seeded uniform weights for every variable."""
    model_or_layer.set_weights([uniform(tuple(w.shape)) for w in model_or_layer.weights])


# ----------------------------------------------------------------- ConvLSTM
CONV_LSTM_CASES = [
    # name, class, config, input shape (with batch), mask given
    (
        "1d_valid_sequences",
        "ConvLSTM1D",
        {"filters": 3, "kernel_size": 3, "return_sequences": True},
        (2, 3, 6, 2),
        False,
    ),
    (
        "1d_same_strided",
        "ConvLSTM1D",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 7, 2),
        False,
    ),
    (
        "2d_same_state",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_state": True},
        (2, 3, 5, 5, 2),
        False,
    ),
    (
        "2d_valid_strided",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1), "return_sequences": True},
        (2, 3, 7, 5, 1),
        False,
    ),
    (
        "2d_dilated",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"},
        (1, 3, 5, 6, 2),
        False,
    ),
    (
        "2d_channels_first",
        "ConvLSTM2D",
        {
            "filters": 3,
            "kernel_size": 3,
            "padding": "same",
            "data_format": "channels_first",
            "return_sequences": True,
        },
        (2, 3, 2, 4, 5),
        False,
    ),
    (
        "2d_backwards",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "go_backwards": True,
            "return_sequences": True,
        },
        (2, 4, 4, 4, 1),
        False,
    ),
    (
        "2d_masked",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
            "return_state": True,
        },
        (3, 4, 4, 4, 1),
        True,
    ),
    (
        "2d_relu_hard_sigmoid_no_bias",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "activation": "relu",
            "recurrent_activation": "hard_sigmoid",
            "use_bias": False,
        },
        (2, 3, 4, 4, 2),
        False,
    ),
    (
        "3d_same",
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True},
        (1, 2, 3, 4, 4, 1),
        False,
    ),
]


def conv_lstm_cases() -> list:
    cases = []
    for name, class_name, config, shape, masked in CONV_LSTM_CASES:
        layer = getattr(layers, class_name)(**config)
        x = uniform(shape, -1.0, 1.0)
        layer.build(x.shape)
        initial = [np.asarray(w) for w in layer.get_weights()]
        weights = [uniform(w.shape) for w in initial]
        layer.set_weights(weights)
        mask = None
        if masked:
            mask = np.ones(shape[:2], dtype=bool)
            mask[1, 2:] = False
            mask[2, 0] = False
            outputs = masked_outputs(layer, x, mask)
        else:
            outputs = layer(x)
            outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        cases.append(
            {
                "name": name,
                "class_name": class_name,
                "config": layer.get_config(),
                "input": as_list(x),
                "mask": as_list(mask),
                "weight_names": [w.name for w in layer.weights],
                "initial_bias": as_list(initial[2]) if len(initial) > 2 else None,
                "weights": as_list(weights),
                "outputs": as_list([np.asarray(o) for o in outputs]),
            }
        )
    return cases


def masked_outputs(layer, x, mask) -> list:
    """What a masked ConvLSTM returns, from Keras runs over each sample's present steps.

    Keras 3.15's ConvLSTM cannot take a mask itself (its backend's masked scan
    broadcasts a ``(batch, 1)`` mask against the image-shaped states and
    fails), so the reference is built from what masking means in a Keras RNN:
    a masked step leaves the states as they were, and with
    ``return_sequences`` its output repeats the previous step's (zeros before
    the first present step). Runs the layer (``return_sequences`` and
    ``return_state`` on) on the present steps of each sample alone.
    """
    sequences, hidden, carry = [], [], []
    for sample in range(x.shape[0]):
        present = np.flatnonzero(mask[sample])
        steps, h, c = (np.asarray(v) for v in layer(x[sample : sample + 1, present]))
        by_step, last = [], np.zeros_like(h)
        for step in range(x.shape[1]):
            if mask[sample, step]:
                last = steps[:, list(present).index(step)]
            by_step.append(last)
        sequences.append(np.stack(by_step, axis=1))
        hidden.append(h)
        carry.append(c)
    return [np.concatenate(sequences), np.concatenate(hidden), np.concatenate(carry)]


# -------------------------------------------------------------- model files
def save_model(model, directory: Path, stem: str, inputs: list) -> None:
    """``stem.keras`` and ``stem.h5`` of ``model``, and their inputs and predictions."""
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    arrays = {f"input_{i}": value for i, value in enumerate(inputs)}
    arrays.update({f"output_{i}": np.asarray(value) for i, value in enumerate(outputs)})
    for extension in (".keras", ".h5"):
        path = directory / f"{stem}{extension}"
        model.save(path)
        np.savez(f"{path}.npz", **arrays)
        print(f"wrote {path}")


def conv_lstm_model():
    x = keras.Input((3, 4, 4, 1), name="frames")
    h = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, name="conv_lstm")(x)
    h = layers.ConvLSTM2D(2, 2, name="conv_lstm_last")(h)
    out = layers.GlobalAveragePooling2D(name="pool")(h)
    model = keras.Model(x, out, name="conv_lstm_model")
    randomise(model)
    return model, [uniform((2, 3, 4, 4, 1), -1.0, 1.0)]


def scale_layers_model():
    x = keras.Input((3, 4), name="tokens")
    h = layers.Dense(4, name="proj")(x)
    scaled = LayerScale(0.1, 4, name="layer_scale")(h)
    dropped = StochasticDepth(0.3, name="drop_path")(scaled)
    out = CustomScaleLayer(0.17, name="block_ac")([h, dropped])
    model = keras.Model(x, out, name="scale_layers")
    randomise(model)
    return model, [uniform((2, 3, 4), -1.0, 1.0)]


def pipeline_model():
    x = keras.Input((5,), name="features")
    pipeline = layers.Pipeline(
        [layers.Dense(4, activation="relu"), layers.Dropout(0.5), layers.Dense(3)],
        name="pipeline",
    )
    out = layers.Dense(2, name="head")(pipeline(x))
    model = keras.Model(x, out, name="pipeline_model")
    randomise(model)
    return model, [uniform((3, 5), -1.0, 1.0)]


def ops_positional_model():
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    c = keras.Input((4,), name="c")
    summed = ops.add(a, b)
    product = ops.multiply(summed, c)
    joined = ops.concatenate([a, b, c, product], axis=-1)
    stacked = ops.stack([a, b, c], axis=1)
    contracted = ops.einsum("bi,bi,bi->b", a, b, c)
    picked = ops.where(ops.greater(a, b), a, c)
    flat = ops.reshape(stacked, (-1, 12))
    out = layers.Dense(3, name="head")(ops.concatenate([joined, flat, picked], axis=-1))
    model = keras.Model([a, b, c], [out, ops.expand_dims(contracted, -1)], name="ops_positional")
    randomise(model)
    return model, [uniform((2, 4), -1.0, 1.0) for _ in range(3)]


# -------------------------------------------------------------- activations
def activation_values() -> dict:
    x = np.linspace(-4.0, 4.0, 24, dtype="float32").reshape(3, 8)
    functions = {}
    for name in sorted(dir(keras.activations)):
        function = getattr(keras.activations, name)
        if name.startswith("_") or name in ("get", "serialize", "deserialize"):
            continue
        if not callable(function):
            continue
        if name == "threshold":
            value = function(x, threshold=0.5, default_value=-1.0)
        else:
            value = function(x)
        functions[name] = as_list(np.asarray(value))
    with_arguments = {
        "leaky_relu_0.05": as_list(keras.activations.leaky_relu(x, negative_slope=0.05)),
        "elu_0.5": as_list(keras.activations.elu(x, alpha=0.5)),
        "celu_2": as_list(keras.activations.celu(x, alpha=2.0)),
        "gelu_approximate": as_list(keras.activations.gelu(x, approximate=True)),
        "relu_full": as_list(
            keras.activations.relu(x, negative_slope=0.1, max_value=2.5, threshold=0.5)
        ),
        "softmax_axis_0": as_list(keras.activations.softmax(x, axis=0)),
        "log_softmax_axis_0": as_list(keras.activations.log_softmax(x, axis=0)),
        "glu_axis_0": as_list(keras.activations.glu(x[:2], axis=0)),
        "soft_shrink_1": as_list(keras.activations.soft_shrink(x, threshold=1.0)),
        "hard_shrink_1": as_list(keras.activations.hard_shrink(x, threshold=1.0)),
        "squareplus_1": as_list(keras.activations.squareplus(x, b=1)),
    }
    mask = np.array([[1, 1, 0, 1, 1, 1, 0, 0]] * 3, dtype=bool)
    activation_layers = {
        "ReLU": ({"max_value": 2.0, "negative_slope": 0.2, "threshold": 0.5}, None),
        "ELU": ({"alpha": 0.7}, None),
        "LeakyReLU": ({"negative_slope": 0.25}, None),
        "Softmax": ({"axis": -1}, mask),
        "Activation": ({"activation": "hard_silu"}, None),
    }
    layer_values = {}
    for class_name, (config, layer_mask) in activation_layers.items():
        layer = getattr(layers, class_name)(**config)
        value = layer(x, mask=layer_mask) if layer_mask is not None else layer(x)
        layer_values[class_name] = {
            "config": config,
            "mask": as_list(layer_mask),
            "output": as_list(np.asarray(value)),
        }
    return {
        "keras_version": keras.__version__,
        "names": sorted(functions),
        "x": as_list(x),
        "functions": functions,
        "with_arguments": with_arguments,
        "layers": layer_values,
    }


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    directory = Path(argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    values = {"keras_version": keras.__version__, "cases": conv_lstm_cases()}
    (directory / "keras_convlstm_values.json").write_text(json.dumps(values))
    for stem, build in (
        ("keras_convlstm2d", conv_lstm_model),
        ("keras_scale_layers", scale_layers_model),
        ("keras_pipeline", pipeline_model),
        ("keras_ops_positional", ops_positional_model),
    ):
        model, inputs = build()
        save_model(model, directory, stem, inputs)
    (directory / "keras_activation_values.json").write_text(json.dumps(activation_values()))
    print(f"wrote {directory}")


if __name__ == "__main__":
    main(sys.argv)
