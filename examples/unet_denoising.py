"""A U-Net-style model with skip connections that removes noise from real digit images.

The 8x8 digits get Gaussian noise and random dead pixels; the model maps
the noisy image back to the clean one. It is built functionally: an encoder
(Conv2D, MaxPooling2D) down to 2x2, a decoder (UpSampling2D, Conv2D) back
up, and at each resolution the encoder's features are concatenated into the
decoder (the skip connections that make it a U-Net), so the graph is not a
chain: ``model.summary()`` shows the "Connected to" column. It prints the
test error of the noisy input and of the model's output.

Run: ``python examples/unet_denoising.py``; with ``--quick`` (or
``GRAPHKERAS_EXAMPLES_QUICK=1``) it trains on 300 digits for 2 epochs, a
smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import graphkeras as gk
from graphkeras import layers

#: What ``--quick`` trains on: enough to exercise every line, not to learn to denoise.
QUICK_DIGITS, QUICK_EPOCHS = 300, 2


def corrupt(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise plus 10% of pixels set to zero."""
    noisy = images + rng.normal(scale=0.25, size=images.shape)
    noisy[rng.random(images.shape) < 0.1] = 0.0
    return np.clip(noisy, 0.0, 1.0).astype("float32")


def conv_block(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_a")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_b")(x)


def build_unet() -> gk.Model:
    noisy = gk.Input((8, 8, 1), name="noisy")
    down_1 = conv_block(noisy, 8, "down_1")  # 8x8
    down_2 = conv_block(layers.MaxPooling2D(name="pool_1")(down_1), 16, "down_2")  # 4x4
    bottom = conv_block(layers.MaxPooling2D(name="pool_2")(down_2), 24, "bottom")  # 2x2
    up_2 = layers.UpSampling2D(name="up_2")(bottom)
    up_2 = conv_block(layers.Concatenate(name="skip_2")([up_2, down_2]), 16, "up_2")
    up_1 = layers.UpSampling2D(name="up_1")(up_2)
    up_1 = conv_block(layers.Concatenate(name="skip_1")([up_1, down_1]), 8, "up_1")
    clean = layers.Conv2D(1, 1, activation="sigmoid", name="clean")(up_1)
    return gk.Model(noisy, clean, name="unet")


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Train a U-Net to denoise digit images.")
    parser.add_argument("--quick", action="store_true", help="300 digits, 2 epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def main(argv: list[str] | None = None) -> dict:
    """Train and print the test errors; returns the loss per epoch and the errors."""
    quick = quick_mode(argv)
    epochs = QUICK_EPOCHS if quick else 8
    gk.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    (x_train, _), (x_test, _) = gk.datasets.digits.load_data()
    if quick:
        x_train = x_train[:QUICK_DIGITS]
        print(f"quick mode: {QUICK_DIGITS} training digits, {epochs} epochs (a smoke test)")
    x_train = (x_train.reshape(-1, 8, 8, 1) / 16.0).astype("float32")
    x_test = (x_test.reshape(-1, 8, 8, 1) / 16.0).astype("float32")
    noisy_train, noisy_test = corrupt(x_train, rng), corrupt(x_test, rng)

    model = build_unet()
    model.summary()
    model.compile(optimizer=gk.optimizers.Adam(learning_rate=3e-3), loss="mse")
    start = time.perf_counter()
    history = model.fit(noisy_train, x_train, epochs=epochs, batch_size=64, verbose=0)
    seconds = time.perf_counter() - start

    denoised = model.predict(noisy_test, verbose=0)
    noisy_error = float(np.mean((noisy_test - x_test) ** 2))
    model_error = float(np.mean((denoised - x_test) ** 2))
    print(f"trained in {seconds:.1f} s")
    print(f"noisy input test mse: {noisy_error:.4f}")
    print(f"denoised test mse: {model_error:.4f}")
    print(f"error reduced by: {noisy_error / model_error:.1f}x")
    return {
        "losses": history.history["loss"],
        "noisy_error": noisy_error,
        "model_error": model_error,
    }


if __name__ == "__main__":
    main()
