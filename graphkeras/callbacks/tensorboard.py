"""TensorBoard: write what ``fit`` sees as event files that TensorBoard reads.

Laid out as Keras 3 lays it out, so a log directory reads the same in
TensorBoard whichever library wrote it: ``<log_dir>/train`` holds the
training scalars (``epoch_loss``, ``epoch_accuracy``, ``epoch_learning_rate``,
per batch ``batch_loss`` ...), the weight histograms (``<weight
path>/histogram``) and the model's graph; ``<log_dir>/validation`` holds the
validation scalars under the same tags (``epoch_loss`` for ``val_loss``) and
``evaluation_<name>_vs_iterations`` after each evaluation.

The files are written by tensorboardX, an optional dependency (it needs only
numpy, protobuf and packaging; never TensorFlow):
``pip install graphkeras[tensorboard]``.
"""

from __future__ import annotations

import math
import os
import struct
import time
import zlib
from typing import Any

import numpy as np

from graphkeras.callbacks.callback import Callback
from graphkeras.callbacks.tensorboard_graph import model_graph_def

_INSTALL_HINT = (
    "gk.callbacks.TensorBoard writes TensorBoard event files through the optional package "
    "tensorboardX, which is not installed. Install it with `pip install graphkeras[tensorboard]` "
    "(or `pip install tensorboardX`)."
)
# tf.summary.image's default: at most this many images per weight.
_MAX_IMAGES = 3
# What Keras's embedding checkpoints name an Embedding layer's matrix.
_EMBEDDING_TENSOR = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


def require_tensorboardx() -> Any:
    """The tensorboardX module; ``ImportError`` naming the extra to install when it is absent."""
    try:
        import tensorboardX
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    return tensorboardX


class TensorBoard(Callback):
    """Log scalars, weight histograms and images, and the model's graph for TensorBoard.

    Arguments are Keras 3's:

    - ``log_dir``: where the ``train`` and ``validation`` subdirectories go.
    - ``histogram_freq``: every how many epochs (0: never) to write a
      histogram of every weight, tagged ``<path>/histogram`` with Keras 3's
      variable path (``dense/kernel/histogram``).
    - ``write_graph``: write the model's graph (``GraphDef``, one node per
      layer call) and its Keras JSON (TensorBoard's conceptual graph),
      once, after the first training batch.
    - ``write_images``: with histograms, also write each weight as an image
      (``<path>/image``), shaped as Keras 3 shapes it.
    - ``write_steps_per_second``: also log ``steps_per_second``.
    - ``update_freq``: ``"epoch"`` (scalars once per epoch), ``"batch"`` or
      an integer N (also ``batch_<name>`` scalars every N training batches,
      counted over the whole run from 1, holding the epoch's running values).
    - ``profile_batch``: must be 0; profiling needs TensorFlow or JAX.
    - ``embeddings_freq`` / ``embeddings_metadata``: every how many epochs
      to save the weights for TensorBoard's projector (as Keras 3 does,
      ``train/keras_embedding.ckpt-<epoch>.weights.h5``, with a
      ``projector_config.pbtxt`` naming each Embedding layer's metadata file).

    Epoch scalars are written at the epoch's step (counted from 0), batch
    scalars at the batch's step, histograms at the epoch's step. Events
    reach the disk at least every two minutes while ``fit`` runs (as with
    Keras), and all of them when ``fit``, or an ``evaluate`` run on its own, ends.

    >>> model.fit(x, y, epochs=5, validation_split=0.2,
    ...           callbacks=[TensorBoard("logs", histogram_freq=1)])
    """

    def __init__(
        self,
        log_dir: str | os.PathLike = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | dict | None = None,
    ) -> None:
        super().__init__()
        require_tensorboardx()
        if profile_batch:
            raise ValueError(
                "Profiling is not available in graphkeras (Keras 3 profiles only on the "
                f"TensorFlow and JAX backends). Received: profile_batch={profile_batch!r} "
                "(must be 0)."
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = _frequency(histogram_freq, "histogram_freq")
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = _update_frequency(update_freq)
        self.embeddings_freq = _frequency(embeddings_freq, "embeddings_freq")
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict[str, Any] = {}
        self._graph_written = False
        self._training = False
        self._global_train_batch = 0
        self._epoch_batches = 0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0

    # ---------------------------------------------------------------- writers
    def set_model(self, model: Any) -> None:
        """Attach ``model``; later events go to fresh event files under ``log_dir``."""
        super().set_model(model)
        self._close_writers()
        self._graph_written = not self.write_graph
        if self.embeddings_freq:
            self._configure_embeddings()

    @property
    def _train_dir(self) -> str:
        return os.path.join(self.log_dir, "train")

    @property
    def _val_dir(self) -> str:
        return os.path.join(self.log_dir, "validation")

    def _writer(self, which: str) -> Any:
        """The ``"train"`` or ``"validation"`` writer, created (with its file) on first use."""
        writer = self._writers.get(which)
        if writer is None:
            from tensorboardX import SummaryWriter

            directory = self._train_dir if which == "train" else self._val_dir
            writer = self._writers[which] = SummaryWriter(directory)
        return writer

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # ---------------------------------------------------------------- hooks
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._training = True
        self._global_train_batch = 0

    def on_train_end(self, logs: dict | None = None) -> None:
        self._training = False
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_batches = 0
        self._epoch_start_time = time.perf_counter()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1
        self._batch_start_time = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._epoch_batches += 1
        if not self._graph_written:
            self._write_model_graph()
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq != 0:
            return
        scalars = dict(logs or {})
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._batch_start_time
            scalars["steps_per_second"] = 1.0 / elapsed if elapsed > 0 else math.inf
        self._write_scalars("train", "batch_", scalars, step)

    def on_test_end(self, logs: dict | None = None) -> None:
        """After an evaluation: ``evaluation_<name>_vs_iterations`` at the optimizer's step.

        An ``evaluate`` outside ``fit`` closes its writers at the end, so
        that everything is on disk when it returns (tensorboardX's ``flush``
        leaves queued events unwritten; only ``close`` writes them all).
        """
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is not None and logs:
            step = int(_to_numpy(iterations))
            named = {f"evaluation_{name}_vs_iterations": value for name, value in logs.items()}
            self._write_scalars("validation", "", named, step)
        if not self._training:
            self._close_writers()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Epoch scalars to ``train`` and ``validation``; histograms and embeddings when due."""
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            os.makedirs(self._train_dir, exist_ok=True)
            self.model.save_weights(
                os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5")
            )

    # ---------------------------------------------------------------- scalars
    def _log_epoch_metrics(self, epoch: int, logs: dict) -> None:
        if not logs:
            return
        train = {name: value for name, value in logs.items() if not name.startswith("val_")}
        validation = {name[4:]: value for name, value in logs.items() if name.startswith("val_")}
        learning_rate = self._learning_rate()
        if learning_rate is not None:
            train["learning_rate"] = learning_rate
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._epoch_start_time
            train["steps_per_second"] = self._epoch_batches / elapsed if elapsed > 0 else math.inf
        if train:
            self._write_scalars("train", "epoch_", train, epoch)
        if validation:
            self._write_scalars("validation", "epoch_", validation, epoch)

    def _write_scalars(self, which: str, prefix: str, scalars: dict, step: int) -> None:
        """Each value that is one number as a scalar ``<prefix><name>``; others are skipped."""
        writer = None
        for name, value in scalars.items():
            number = _scalar_value(value)
            if number is None:
                continue
            writer = writer or self._writer(which)
            writer.add_scalar(f"{prefix}{name}", number, global_step=step)

    def _learning_rate(self) -> float | None:
        """The optimizer's learning rate as a float, or None when there is none to read."""
        optimizer = getattr(self.model, "optimizer", None)
        return _scalar_value(getattr(optimizer, "learning_rate", None))

    # ---------------------------------------------------------------- weights
    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for path, value in named_weights(self.model):
            tag = path.replace(":", "_")
            if not np.isfinite(value).any():
                continue  # Empty, or no finite value to place in a bucket.
            writer.add_histogram(f"{tag}/histogram", value, global_step=epoch)
            if self.write_images:
                images = weight_images(value)
                if images is not None:
                    _add_images(writer, f"{tag}/image", images, epoch)

    # ---------------------------------------------------------------- graph
    def _write_model_graph(self) -> None:
        """The model's GraphDef and its Keras JSON, once; nothing for a model without a graph.

        Tried once, after the first training batch, when a Sequential
        given no input shape has been built.
        """
        self._graph_written = True
        graph_def = model_graph_def(self.model)
        if graph_def is None:
            return
        from tensorboardX.proto.event_pb2 import Event

        writer = self._writer("train")
        writer.file_writer.add_event(Event(graph_def=graph_def.SerializeToString()))
        to_json = getattr(self.model, "to_json", None)
        if to_json is not None:
            writer.file_writer.add_summary(_keras_model_summary(to_json()), global_step=0)

    # ---------------------------------------------------------------- embeddings
    def _configure_embeddings(self) -> None:
        """Write ``projector_config.pbtxt`` naming each Embedding layer (and its metadata file)."""
        metadata = self.embeddings_metadata
        unclaimed = dict(metadata) if isinstance(metadata, dict) else {}
        entries = []
        for layer in getattr(self.model, "layers", []):
            if "Embedding" not in (cls.__name__ for cls in type(layer).__mro__):
                continue
            entry = f'  tensor_name: "{_EMBEDDING_TENSOR}"\n'
            path = metadata if isinstance(metadata, str) else unclaimed.pop(layer.name, None)
            if path is not None:
                entry += f'  metadata_path: "{_escape_text(path)}"\n'
            entries.append("embeddings {\n" + entry + "}\n")
        if unclaimed:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `gk.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {sorted(unclaimed)}"
            )
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w", encoding="utf-8") as f:
            f.write("".join(entries))


def named_weights(model: Any) -> list[tuple[str, np.ndarray]]:
    """``(path, value)`` for every weight of ``model``, trainable first.

    Paths are Keras 3's variable paths (``dense/kernel``, ``sequential/dense/kernel``),
    read from the model's state tree; a model without one (or whose paths
    collide) falls back to ``<layer name>/<weight name>``.
    """
    get_state_tree = getattr(model, "get_state_tree", None)
    if get_state_tree is not None:
        try:
            tree = get_state_tree("numpy_array")
        except ValueError:
            tree = None
        if tree is not None:
            return [
                *_flatten_tree(tree.get("trainable_variables", {})),
                *_flatten_tree(tree.get("non_trainable_variables", {})),
            ]
    return [
        (f"{layer.name}/{getattr(weight, 'name', index)}", _to_numpy(weight))
        for layer in getattr(model, "layers", [])
        for index, weight in enumerate(layer.weights)
    ]


def weight_images(value: np.ndarray) -> np.ndarray | None:
    """``value`` as a stack of 2-D images ``(count, height, width)``, as Keras 3 draws weights.

    A vector is one row, a matrix one image (transposed to be wider than
    tall), a 3-D kernel one image per last-axis slice; anything else (a
    4-D kernel, a scalar) has no image: None.
    """
    squeezed = np.squeeze(value)
    if squeezed.ndim == 1:
        return squeezed.reshape(1, 1, -1)
    if squeezed.ndim == 2:
        if squeezed.shape[0] > squeezed.shape[1]:
            squeezed = squeezed.T
        return squeezed[np.newaxis]
    if squeezed.ndim == 3:
        return np.transpose(squeezed, (2, 0, 1))
    return None


def png_grayscale(image: np.ndarray) -> bytes:
    """A 2-D ``uint8`` array as an 8-bit grayscale PNG file's bytes."""
    height, width = image.shape
    rows = b"".join(b"\x00" + row.tobytes() for row in np.ascontiguousarray(image, np.uint8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _add_images(writer: Any, tag: str, images: np.ndarray, step: int) -> None:
    """Up to three images as PNG image summaries: ``tag``, or ``tag/0``, ``tag/1``... for several.

    Pixels are the values clipped to [0, 1] and scaled to 0..255, as
    ``tf.summary.image`` converts floats.
    """
    from tensorboardX.proto.summary_pb2 import Summary

    pixels = np.clip(images.astype(np.float64) * 255.5, 0, 255).astype(np.uint8)
    shown = pixels[:_MAX_IMAGES]
    values = [
        Summary.Value(
            tag=tag if len(shown) == 1 else f"{tag}/{index}",
            image=Summary.Image(
                height=image.shape[0],
                width=image.shape[1],
                colorspace=1,
                encoded_image_string=png_grayscale(image),
            ),
        )
        for index, image in enumerate(shown)
    ]
    writer.file_writer.add_summary(Summary(value=values), global_step=step)


def _keras_model_summary(model_json: str) -> Any:
    """The ``keras`` summary Keras writes: the model's JSON, which TensorBoard draws as a graph."""
    from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboardX.proto.tensor_pb2 import TensorProto
    from tensorboardX.proto.types_pb2 import DT_STRING

    metadata = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model", content=b"1")
    )
    tensor = TensorProto(dtype=DT_STRING, string_val=[model_json.encode("utf-8")])
    return Summary(value=[Summary.Value(tag="keras", metadata=metadata, tensor=tensor)])


def _flatten_tree(tree: dict, prefix: str = "") -> list[tuple[str, np.ndarray]]:
    """``{"dense": {"kernel": v}}`` -> ``[("dense/kernel", v)]``, in the tree's order."""
    flat = []
    stack = [(prefix, tree)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(
                (f"{path}/{key}" if path else key, child) for key, child in reversed(node.items())
            )
        else:
            flat.append((path, np.asarray(node)))
    return flat


def _to_numpy(value: Any) -> np.ndarray:
    numpy = getattr(value, "numpy", None)
    return np.asarray(numpy() if callable(numpy) else value)


def _scalar_value(value: Any) -> float | None:
    """``value`` as a float when it is one real number (a float, an int, a 0-d array), else None."""
    if value is None or isinstance(value, (str, bytes, bool)):
        return None
    try:
        array = _to_numpy(value)
    except (TypeError, ValueError):
        return None
    if array.size != 1 or array.dtype.kind not in "biuf":
        return None
    return float(array.reshape(()))


def _escape_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _frequency(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(
            f"gk.callbacks.TensorBoard: `{name}` must be a non-negative integer (0 turns it "
            f"off); received {value!r}."
        )
    return int(value)


def _update_frequency(value: str | int) -> str | int:
    """``"epoch"``, or the positive number of batches between batch-level writes."""
    if value == "epoch":
        return "epoch"
    if value == "batch":
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(
            "gk.callbacks.TensorBoard: `update_freq` must be 'epoch', 'batch' or a positive "
            f"integer number of batches; received {value!r}."
        )
    return int(value)
