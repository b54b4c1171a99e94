"""RandomRotation: turn each image by a random angle about its centre while training."""

from __future__ import annotations

import math

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.image_augmentation.affine_base import AffineAugmentationLayer
from graphkeras.layers.image_augmentation.factors import bounded_range


def rotation_matrix(angles, height: int, width: int):
    """Transform rows ``(batch, 8)`` turning images by ``angles`` (degrees) about their centre.

    The centre is ``((width - 1) / 2, (height - 1) / 2)``; output pixel
    ``p`` reads the input at ``R(angle) (p - centre) + centre``, so a
    positive angle turns the picture counter-clockwise on screen (rows
    point down), as in Keras 3.
    """
    radians = K.multiply(K.cast(angles, "float32"), math.pi / 180.0)
    cos, sin = K.cos(radians), K.sin(radians)
    center_x, center_y = 0.5 * (width - 1), 0.5 * (height - 1)
    offset_x = K.add(K.subtract(center_x, K.multiply(cos, center_x)), K.multiply(sin, center_y))
    offset_y = K.subtract(
        K.subtract(center_y, K.multiply(sin, center_x)), K.multiply(cos, center_y)
    )
    zeros = K.zeros_like(cos)
    columns = [cos, K.negative(sin), offset_x, sin, cos, offset_y, zeros, zeros]
    return K.stack(columns, axis=1)


@register_layer
class RandomRotation(AffineAugmentationLayer):
    """Rotate each image by an angle drawn from ``factor`` (a fraction of a full turn).

    ``factor=0.1`` draws angles in ``[-36, 36)`` degrees; a pair ``(a, b)``
    draws in ``[a * 360, b * 360)``. The same range applies to every image
    of a batch, each with its own angle. Corners uncovered by the turn are
    filled by ``fill_mode``.

    >>> import numpy as np, graphkeras as gk
    >>> layer = gk.layers.RandomRotation(0.25, seed=1)
    >>> layer(np.ones((2, 8, 8, 3)), training=False).shape
    (2, 8, 8, 3)
    """

    def __init__(
        self,
        factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = bounded_range(factor, self, (-1, 1))

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"angle", "rotation_matrix", "image_height", "image_width", "batch_size"}``."""
        if not training:
            return None
        batch_size, height, width, unbatched = self.image_geometry(data)
        angle = self.draw_uniform(
            (batch_size,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed
        )
        matrix = rotation_matrix(angle, height, width)
        return {
            "angle": angle,
            "rotation_matrix": K.squeeze(matrix, 0) if unbatched else matrix,
            "image_height": height,
            "image_width": width,
            "batch_size": batch_size,
        }

    def transform_matrix(self, transformation, images):
        return transformation["rotation_matrix"]

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}
