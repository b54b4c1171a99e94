"""Read TensorBoard event files back, with tensorboardX's own proto classes and checksum.

An event file is a TFRecord file: each record is its length (8 bytes,
little-endian), the masked CRC-32C of those 8 bytes, the payload (one
serialized ``Event`` proto) and the masked CRC-32C of the payload.
tensorboardX writes that framing but ships no reader, so the tests read it
here, checking both checksums of every record with tensorboardX's
``masked_crc32c``, the function its writer used.
"""

from __future__ import annotations

import struct
from pathlib import Path

from tensorboardX.proto.event_pb2 import Event
from tensorboardX.record_writer import masked_crc32c


def read_events(directory: str | Path) -> list:
    """Every ``Event`` in the event files of ``directory``, file by file, in order."""
    events = []
    for path in sorted(Path(directory).glob("events.out.tfevents.*")):
        data = path.read_bytes()
        offset = 0
        while offset < len(data):
            header = data[offset : offset + 8]
            (length,) = struct.unpack("<Q", header)
            (header_crc,) = struct.unpack("<I", data[offset + 8 : offset + 12])
            assert header_crc == masked_crc32c(header), f"{path}: bad length checksum"
            payload = data[offset + 12 : offset + 12 + length]
            (payload_crc,) = struct.unpack("<I", data[offset + 12 + length : offset + 16 + length])
            assert payload_crc == masked_crc32c(payload), f"{path}: bad record checksum"
            events.append(Event.FromString(payload))
            offset += 16 + length
    return events


def scalars(directory: str | Path) -> dict[str, dict[int, float]]:
    """``{tag: {step: value}}`` for the scalar summaries in ``directory``."""
    found: dict[str, dict[int, float]] = {}
    for event in read_events(directory):
        for value in event.summary.value:
            if value.WhichOneof("value") == "simple_value":
                found.setdefault(value.tag, {})[event.step] = value.simple_value
    return found


def summary_values(directory: str | Path, kind: str) -> dict[str, dict[int, object]]:
    """``{tag: {step: value}}`` for the summary values of one kind (``"histo"``, ``"image"``)."""
    found: dict[str, dict[int, object]] = {}
    for event in read_events(directory):
        for value in event.summary.value:
            if value.WhichOneof("value") == kind:
                found.setdefault(value.tag, {})[event.step] = getattr(value, kind)
    return found


def graph_defs(directory: str | Path) -> list:
    """The ``GraphDef`` protos written to ``directory``."""
    from tensorboardX.proto.graph_pb2 import GraphDef

    return [
        GraphDef.FromString(event.graph_def)
        for event in read_events(directory)
        if event.WhichOneof("what") == "graph_def"
    ]
