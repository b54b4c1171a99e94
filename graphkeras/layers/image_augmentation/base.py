"""ImageAugmentationLayer: what every random image augmentation layer shares.

An augmentation layer changes its images only while training, so a model
sees a new variant of each image every epoch and stays unchanged for
inference. Each call splits into two steps, as Keras 3's
``BaseImagePreprocessingLayer`` does:

- ``get_random_transformation(images, training, seed)`` draws the random
  parameters (angles, zoom factors, flip flags, ...) as a dict of arrays;
- ``transform_images(images, transformation, training)`` applies them, with
  no randomness of its own.

Keeping the two apart makes the deterministic half testable against Keras
for transformations chosen by hand, and lets one draw be applied to several
arrays. As in Keras 3, ``call`` defaults to ``training=True``: a layer called
on its own, or a model called without ``training``, augments, while
``predict`` and ``evaluate`` (``training=False``) leave the images alone.
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers import value_checks
from graphkeras.layers.noise.seed_argument import check_seed
from graphkeras.layers.spatial_arguments import data_format_argument


class ImageAugmentationLayer(Layer):
    """A layer of random image transformations: one image (rank 3) or a batch (rank 4).

    ``seed`` fixes the layer's own generator, so two layers built with one
    seed draw the same sequence of transformations; ``data_format`` is
    ``"channels_last"`` (``(batch, height, width, channels)``) or
    ``"channels_first"`` (None: ``image_data_format()``).
    """

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seed = check_seed(seed, value_checks.describe(self))
        self.data_format = data_format_argument(data_format, self)
        self._seed_generator = K.seed_generator(self.seed)
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)

    # ------------------------------------------------------------ the two steps
    def get_random_transformation(self, data, training: bool = True, seed: Any = None):
        """The random parameters of one call on ``data``, or None when not ``training``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement get_random_transformation."
        )

    def transform_images(self, images, transformation, training: bool = True):
        """``images`` with ``transformation`` applied (unchanged when not ``training``)."""
        raise NotImplementedError(f"{type(self).__name__} must implement transform_images.")

    def call(self, inputs, training=True):
        self.image_geometry(inputs)
        transformation = self.get_random_transformation(inputs, training=training)
        return self.transform_images(inputs, transformation, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    # ------------------------------------------------------------------ helpers
    def image_geometry(self, images) -> tuple[int, int, int, bool]:
        """``(batch_size, height, width, unbatched)`` of rank-3 or rank-4 ``images``."""
        shape = K.int_shape(images)
        if len(shape) not in (3, 4):
            raise ValueError(
                f"{value_checks.describe(self)} expects one image (rank 3) or a batch of images "
                f"(rank 4), received input of shape {shape}."
            )
        unbatched = len(shape) == 3
        spatial = shape[-3:-1] if self.data_format == "channels_last" else shape[-2:]
        return (1 if unbatched else shape[0]), spatial[0], spatial[1], unbatched

    def spatial_axes(self) -> tuple[int, int]:
        """The (height, width) axes, counted from the end so they hold with or without a batch."""
        return (-3, -2) if self.data_format == "channels_last" else (-2, -1)

    def draw_uniform(self, shape: tuple, low: float, high: float, seed: Any = None):
        """Uniform draws in ``[low, high)`` from ``seed``, or the layer's own generator."""
        if seed is None:
            seed = self._seed_generator
        seed = getattr(seed, "backend_state", seed)  # a gk.random.SeedGenerator
        return K.random_uniform(shape, low, high, dtype="float32", seed=seed)

    def as_compute_dtype(self, images):
        """``images`` in the layer's float dtype, as Keras casts before transforming."""
        if K.dtype(images) == self.compute_dtype:
            return images
        return K.cast(images, self.compute_dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "seed": self.seed}
