"""RandomZoom: scale each image about its centre by a random factor while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.image_augmentation.affine_base import AffineAugmentationLayer
from graphkeras.layers.image_augmentation.factors import checked_range


def zoom_matrix(height_zoom, width_zoom, height: int, width: int):
    """Transform rows ``(batch, 8)`` for zooms ``(batch, 1)`` each, about the image centre.

    A zoom ``z`` reads the input ``z`` times as far from the centre as the
    output pixel lies: ``z > 1`` shows more of the image (zooming out),
    ``z < 1`` less (zooming in).
    """
    width_zoom = K.cast(width_zoom, "float32")
    height_zoom = K.cast(height_zoom, "float32")
    offset_x = K.multiply((width - 1) / 2.0, K.subtract(1.0, width_zoom))
    offset_y = K.multiply((height - 1) / 2.0, K.subtract(1.0, height_zoom))
    zeros = K.zeros_like(width_zoom)
    columns = [width_zoom, zeros, offset_x, zeros, height_zoom, offset_y, zeros, zeros]
    return K.concatenate(columns, axis=1)


@register_layer
class RandomZoom(AffineAugmentationLayer):
    """Zoom each image in or out by a factor drawn from ``height_factor`` (and ``width_factor``).

    A factor ``f`` (each number in ``(-1, 1]``) draws zooms in
    ``[1 - |f|, 1 + |f|)``; a pair ``(a, b)`` in ``[1 + a, 1 + b)``. A
    positive value zooms out, a negative one in. Without ``width_factor`` the
    width is zoomed as the height (the aspect ratio is kept).
    """

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = checked_range(
            height_factor, self, "height_factor", include_low=False
        )
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = checked_range(
                width_factor, self, "width_factor", include_low=False
            )

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"height_zoom", "width_zoom", "input_shape"}``; zooms of shape ``(batch, 1)``."""
        if not training:
            return None
        batch_size = self.image_geometry(data)[0]
        height_zoom = self.draw_uniform(
            (batch_size, 1), 1.0 + self.height_lower, 1.0 + self.height_upper, seed
        )
        width_zoom = height_zoom
        if self.width_factor is not None:
            width_zoom = self.draw_uniform(
                (batch_size, 1), 1.0 + self.width_lower, 1.0 + self.width_upper, seed
            )
        return {
            "height_zoom": height_zoom,
            "width_zoom": width_zoom,
            "input_shape": K.int_shape(data),
        }

    def transform_matrix(self, transformation, images):
        _, height, width, _ = self.image_geometry(images)
        return zoom_matrix(
            transformation["height_zoom"], transformation["width_zoom"], height, width
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
