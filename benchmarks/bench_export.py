"""ONNX export: time to write a 1,000-layer model and ResNet50, and onnxruntime against predict.

The 1,000-layer model is a residual stack of Dense(16) layers with one
Dense shared by every block (so one layer has hundreds of calls); its
export is timed against mapping the same graph into a Model, the walk that
export repeats once. ResNet50 (random weights) is timed for export, then
onnxruntime's run and graphkeras's ``predict`` on the same batch of 8
images, interleaved in the same run (best of several rounds each), with the
differences of their outputs: the largest one relative to the largest
output, and whether every probability agrees within rtol 1e-5 and atol 1e-6
(the tests' tolerance; a class with probability 1e-9 carries float32
rounding far beyond 1e-5 of itself, so a bare elementwise ratio says little).
"""

from __future__ import annotations

import numpy as np
from _models import residual_stack
from _timing import compare

import graphkeras as gk


def main() -> None:
    import onnxruntime

    inputs, outputs = residual_stack(1_000)
    stack = gk.Model(inputs, outputs)
    seconds = compare(
        {
            "map (reference)": lambda: gk.Model(inputs, outputs),
            "to_onnx": lambda: gk.export.to_onnx(stack),
        },
        rounds=5,
    )
    print(f"{len(stack.layers):,} layers, {len(stack._execution_order):,} nodes (best of 5):")
    for name, value in seconds.items():
        print(f"  {name:<16} {value * 1e3:8.1f} ms")

    resnet = gk.applications.ResNet50(weights=None)
    export_seconds = compare({"to_onnx": lambda: gk.export.to_onnx(resnet)}, rounds=3)["to_onnx"]
    proto = gk.export.to_onnx(resnet)
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    images = np.random.default_rng(0).uniform(0, 255, size=(8, 224, 224, 3)).astype("float32")
    feeds = {resnet.input_names[0]: images}
    times = compare(
        {
            "onnxruntime": lambda: session.run(None, feeds),
            "graphkeras predict": lambda: resnet.predict(images, batch_size=8, verbose=0),
        },
        rounds=5,
    )
    (exported,) = session.run(None, feeds)
    expected = resnet.predict(images, batch_size=8, verbose=0)
    difference = np.max(np.abs(exported - expected)) / np.max(np.abs(expected))
    agrees = np.allclose(exported, expected, rtol=1e-5, atol=1e-6)
    print(f"ResNet50: to_onnx {export_seconds:.2f} s, {len(proto.graph.node):,} ONNX nodes")
    print("ResNet50 batch 8 (best of 5):")
    for name, value in times.items():
        print(f"  {name:<20} {value * 1e3:8.1f} ms")
    ratio = times["graphkeras predict"] / times["onnxruntime"]
    print(f"  graphkeras / onnxruntime: {ratio:.2f}x")
    print(
        f"  largest difference / largest output {difference:.1e}; "
        f"within rtol 1e-5, atol 1e-6: {'yes' if agrees else 'no'}"
    )


if __name__ == "__main__":
    main()
