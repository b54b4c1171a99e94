"""Reading one HDF5 file in a process of its own, into a plain snapshot.

libhdf5 believes the file it parses: a corrupt heap has sent it into an
endless loop (HDFGroup/hdf5 issue 1707), and an array is allocated at the
size its header declares. So graphkeras never parses a Keras HDF5 file in
the process that asked for it. ``hdf5_snapshot.py`` runs this file as a
script in a fresh interpreter (not as part of the graphkeras package, so
that only the standard library, numpy and h5py are imported here), which:

1. reads its request and the file's bytes from stdin, imports numpy and
   h5py, and then caps its own address space and CPU time (``resource``,
   where the platform has it; CPU time is earned as the walk makes
   progress, see :class:`CpuAllowance`), so a file that makes libhdf5 spin
   or allocate without end gets this process killed, never the caller;
2. walks the file from its root through hard links only: a soft, external
   or user-defined link, a second link to an object already seen, a named
   datatype, a virtual dataset or one stored in external files is refused,
   naming its path;
3. checks every numeric dataset against the bytes the file stores for it
   *before* reading it: every chunk allocated, unfiltered data stored in
   full, filtered (compressed) data expanding no more than a set ratio,
   and everything read together within a budget set by the file's size;
4. writes the groups (attributes, children) and datasets as one JSON
   header followed by the arrays' raw bytes, or a JSON error message.

The caller decodes that reply as plain data (never with pickle) and never
calls libhdf5 on the file itself. Non-numeric datasets are described, not
read; the caller refuses them where a weight is expected.

Request on stdin: an 8-byte little-endian length, that many bytes of JSON
(``sys_path``, ``path`` or ``size``, and the limits), then ``size`` bytes
of file when no ``path`` is given. Reply on stdout: an 8-byte length, the
JSON header (``{"nodes": [...]}`` or ``{"error": "..."}``), then the data
every ``offset`` in the header points into.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import os
import struct
import sys

LENGTH = struct.Struct("<Q")
NUMERIC_KINDS = "iuf"


class Refused(Exception):
    """The file is refused; the message names the part at fault."""


def read_exactly(stream, count: int) -> bytes:
    """``count`` bytes from ``stream`` (fewer means the caller went away)."""
    data = stream.read(count)
    if len(data) != count:
        raise SystemExit(2)
    return data


def main() -> int:
    """Answer one request (see the module docstring) and exit."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    request = json.loads(read_exactly(stdin, LENGTH.unpack(read_exactly(stdin, LENGTH.size))[0]))
    data = None if request.get("path") is not None else read_exactly(stdin, int(request["size"]))
    sys.path[:] = [entry for entry in request["sys_path"] if isinstance(entry, str)]
    import h5py
    import numpy as np

    allowance = CpuAllowance(request)
    limit_address_space(int(request["address_space_bytes"]))
    try:
        reply, arrays = Snapshot(h5py, np, request, allowance).take(data)
    except Refused as error:
        reply, arrays = {"error": str(error)}, []
    except MemoryError:
        reply, arrays = {"error": "reading it needs more memory than its size justifies."}, []
    header = json.dumps(reply).encode("utf-8")
    stdout.write(LENGTH.pack(len(header)))
    stdout.write(header)
    for array in arrays:
        stdout.write(array)
    stdout.flush()
    return 0


class CpuAllowance:
    """The CPU time this process may use, earned as the walk makes progress.

    It starts at ``cpu_seconds`` beyond what the imports used; each object
    visited and each MiB about to be read earns more (``cpu_seconds_per_object``,
    ``cpu_seconds_per_mib``), never past ``cpu_ceiling_seconds``. A file that
    makes libhdf5 loop inside one call earns nothing while it loops: at the
    soft limit SIGXCPU ends the process (no handler is installed, and core
    dumps are off), and SIGKILL follows a second later at the hard limit.
    Without ``resource`` (Windows) nothing is limited here, and the caller's
    wall-clock timeout is the only bound.
    """

    def __init__(self, request: dict):
        try:
            import resource
        except ImportError:
            self.resource = None
            return
        self.resource = resource
        self.per_object = float(request["cpu_seconds_per_object"])
        self.per_mib = float(request["cpu_seconds_per_mib"])
        set_limit(resource, resource.RLIMIT_CORE, 0, 0)
        self.start = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        self.earned = float(request["cpu_seconds"])
        self.ceiling = math.ceil(self.start + float(request["cpu_ceiling_seconds"]))
        self.soft = 0
        self.earn()

    def earn(self, objects: int = 0, nbytes: int = 0) -> None:
        """Add what ``objects`` more objects and ``nbytes`` more bytes to read are allowed."""
        if self.resource is None:
            return
        self.earned += objects * self.per_object + nbytes / 2**20 * self.per_mib
        soft = min(math.ceil(self.start + self.earned), self.ceiling)
        if soft > self.soft:
            self.soft = soft
            set_limit(self.resource, self.resource.RLIMIT_CPU, soft, self.ceiling + 1)


def limit_address_space(extra: int) -> None:
    """Let this process's address space grow by at most ``extra`` bytes (Linux only)."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as handle:
            in_use = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError, AttributeError):
        return
    set_limit(resource, resource.RLIMIT_AS, in_use + extra, in_use + extra)


def set_limit(resource, which: int, soft: int, hard: int) -> None:
    """Set a limit, never above the hard limit already in force; a refusal leaves it as is."""
    try:
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        pass


class Snapshot:
    """One walk over one file: the nodes found so far, the arrays read, the bytes budgeted."""

    def __init__(self, h5py, np, request: dict, allowance: CpuAllowance):
        self.h5py, self.np = h5py, np
        self.allowance = allowance
        self.path = request.get("path")
        self.max_expansion = int(request["max_expansion"])
        self.dataset_slack = int(request["dataset_slack"])
        self.file_slack = int(request["file_slack"])
        self.nodes: list[dict] = []
        self.arrays: list = []
        self.offset = 0
        self.seen: set[tuple[int, int]] = set()
        self.file_size = 0
        self.stored = 0
        self.read = 0
        self.budget = 0

    def take(self, data: bytes | None) -> tuple[dict, list]:
        """``({"nodes": [...]}, [raw array bytes, in offset order])`` for the whole file."""
        h5py = self.h5py
        try:
            if data is None:
                source = self.path
                self.file_size = os.path.getsize(source)
            else:
                source = io.BytesIO(data)
                self.file_size = len(data)
            handle = h5py.File(source, "r")
        except MemoryError:
            raise
        except Exception as error:  # libhdf5 and h5py fail in many ways on a broken file.
            raise Refused(f"not a readable HDF5 file: {type(error).__name__}: {error}") from error
        self.budget = self.max_expansion * self.file_size + self.file_slack
        with handle:
            self.walk(handle.id)
        return {"nodes": self.nodes}, self.arrays

    # ------------------------------------------------------------ the walk
    def walk(self, root) -> None:
        """Visit every object reachable by hard links, depth first, without recursion."""
        self.nodes.append({"parent": None, "name": "", "kind": "group", "attrs": {}})
        with self.blamed("/"):
            self.remember(root, "/")
        pending = [(root, "/", 0)]
        while pending:
            group, path, index = pending.pop()
            with self.blamed(path):
                self.nodes[index]["attrs"] = self.attributes(group, path)
                # Earned before listing, so a legitimately large group is not cut short.
                self.allowance.earn(objects=group.get_num_objs())
                names = list(group)
            for raw_name in names:
                with self.blamed(path):
                    name = raw_name.decode("utf-8")
                child_path = f"{path.rstrip('/')}/{name}"
                with self.blamed(child_path):
                    node = {"parent": index, "name": name}
                    child = self.hard_link(group, raw_name, child_path)
                    kind = self.h5py.h5i.get_type(child)
                    if kind == self.h5py.h5i.GROUP:
                        node.update(kind="group", attrs={})
                        pending.append((child, child_path, len(self.nodes)))
                    elif kind == self.h5py.h5i.DATASET:
                        node.update(kind="dataset", **self.dataset(child, child_path))
                    else:
                        raise Refused(f"'{child_path}' is neither a group nor a dataset; refused.")
                self.nodes.append(node)

    def hard_link(self, group, raw_name: bytes, path: str):
        """The object ``group`` links to as ``raw_name``; any link but a hard link is refused."""
        h5py = self.h5py
        link_type = group.links.get_info(raw_name).type
        if link_type != h5py.h5l.TYPE_HARD:
            kind = {h5py.h5l.TYPE_SOFT: "a SoftLink", h5py.h5l.TYPE_EXTERNAL: "an ExternalLink"}
            raise Refused(
                f"'{path}' is {kind.get(link_type, 'a user-defined link')}; only plain groups "
                "and datasets are read (a link could lead outside the file)."
            )
        child = h5py.h5o.open(group, raw_name)
        self.remember(child, path)
        return child

    def remember(self, obj, path: str) -> None:
        """Refuse an object reached twice: Keras never links one object from two places."""
        info = self.h5py.h5o.get_info(obj)
        key = (info.fileno, info.addr)
        if key in self.seen:
            raise Refused(f"'{path}' links to an object already reached by another path.")
        self.seen.add(key)

    @contextlib.contextmanager
    def blamed(self, path: str):
        """Any failure inside the block (libhdf5's, or a name's) is refused naming ``path``."""
        try:
            yield
        except (Refused, MemoryError):
            raise
        except Exception as error:
            raise Refused(f"'{path}' cannot be read: {type(error).__name__}: {error}") from error

    # ------------------------------------------------------------ datasets
    def dataset(self, dataset_id, path: str) -> dict:
        """A dataset's description, and its values when it holds numbers backed by stored bytes."""
        h5py, np = self.h5py, self.np
        where = f"dataset '{path}'"
        plist = dataset_id.get_create_plist()
        layout = plist.get_layout()
        if layout == h5py.h5d.VIRTUAL:
            raise Refused(f"{where} is virtual (it maps other datasets or files); refused.")
        if plist.get_external_count():
            raise Refused(f"{where} keeps its data in files outside this one; refused.")
        shape = dataset_id.shape
        try:
            dtype = dataset_id.dtype
        except Exception as error:  # A type h5py cannot map: described, never read.
            return {"shape": shape and list(shape), "dtype": f"unsupported ({error})"}
        if shape is None:
            return {"shape": None, "dtype": str(dtype)}
        shape = [int(size) for size in shape]
        numeric = dtype.kind in NUMERIC_KINDS and dtype.fields is None and dtype.subdtype is None
        if not numeric:
            return {"shape": shape, "dtype": str(dtype)}
        declared = math.prod(shape) * dtype.itemsize
        self.check_backing(dataset_id, plist, layout, path, shape, dtype, declared)
        self.allowance.earn(nbytes=declared)
        value = np.empty(shape, dtype=dtype)
        if declared:
            dataset_id.read(h5py.h5s.ALL, h5py.h5s.ALL, value)
        return {"shape": shape, "dtype": value.dtype.str, "offset": self.keep(value)}

    def check_backing(self, dataset_id, plist, layout, path, shape, dtype, declared) -> None:
        """Refuse a dataset whose declared size the file's stored bytes do not back."""
        where = f"dataset '{path}' (shape {tuple(shape)}, {dtype}, {declared} bytes)"
        stored = int(dataset_id.get_storage_size())
        filtered = False
        if layout == self.h5py.h5d.CHUNKED and declared:
            chunk = plist.get_chunk()
            chunks_per_axis = [
                -(-size // max(int(edge), 1)) for size, edge in zip(shape, chunk, strict=True)
            ]
            expected = math.prod(chunks_per_axis)
            allocated = int(dataset_id.get_num_chunks())
            if allocated != expected:
                raise Refused(
                    f"{where} is declared in {expected} chunks but the file stores {allocated}: "
                    "part of it was never written; refused before reading."
                )
            filtered = plist.get_nfilters() > 0
        if filtered:
            if declared > self.max_expansion * stored + self.dataset_slack:
                raise Refused(
                    f"{where} is stored compressed in {stored} bytes, more than "
                    f"{self.max_expansion}x expansion; refused before reading."
                )
        elif stored < declared:
            raise Refused(
                f"{where} is backed by only {stored} stored bytes: declared but never "
                "written; refused before reading."
            )
        self.stored += stored
        if self.stored > self.file_size:
            raise Refused(
                f"{where}: the datasets up to here claim {self.stored} stored bytes, more than "
                f"the file's {self.file_size}; refused before reading."
            )
        self.charge(declared, where)

    def charge(self, count: int, where: str) -> None:
        """Count bytes about to be read against the budget the file's size allows."""
        self.read += count
        if self.read > self.budget:
            raise Refused(
                f"{where}: reading it would take the data read to {self.read} bytes, more than "
                f"a file of {self.file_size} bytes can hold ({self.budget}); refused."
            )

    def keep(self, array) -> int:
        """Queue ``array``'s bytes for the reply; its offset there."""
        flat = array.reshape(-1).view(self.np.uint8)
        offset = self.offset
        self.arrays.append(flat)
        self.offset += flat.size
        return offset

    # ------------------------------------------------------------ attributes
    def attributes(self, group_id, path: str) -> dict:
        """Every attribute of a group as plain data; one that cannot be read says why."""
        h5py, np = self.h5py, self.np
        manager = h5py.AttributeManager(h5py.Group(group_id))
        self.allowance.earn(objects=h5py.h5a.get_num_attrs(group_id))
        names = list(manager)
        found = {}
        for name in names:
            where = f"attribute '{name}' of '{path}'"
            try:
                attribute = h5py.h5a.open(group_id, name.encode("utf-8"))
                declared = math.prod(attribute.shape or ()) * attribute.dtype.itemsize
            except Exception as error:  # Described, so only a reader that needs it refuses.
                found[name] = {"unreadable": f"{type(error).__name__}: {error}"}
                continue
            self.charge(declared, where)
            try:
                value = manager[name]
            except MemoryError:
                raise
            except Exception as error:
                found[name] = {"unreadable": f"{type(error).__name__}: {error}"}
                continue
            found[name] = self.plain_value(value, np, where)
        return found

    def plain_value(self, value, np, where: str) -> dict:
        """An attribute's value as JSON-ready data (texts inline, numbers as kept arrays)."""
        if isinstance(value, (bytes, np.bytes_)):
            return {"bytes": self.text_bytes(bytes(value), where)}
        if isinstance(value, str):
            self.charge(len(value), where)
            return {"text": value}
        array = np.asarray(value)
        if array.dtype.kind in NUMERIC_KINDS + "b" and array.dtype.fields is None:
            array = np.require(array, requirements="C")
            offset = self.keep(array)
            return {"shape": list(array.shape), "dtype": array.dtype.str, "offset": offset}
        if array.dtype.kind in "SUO":
            items = []
            for item in array.reshape(-1).tolist():
                if isinstance(item, bytes):
                    items.append({"bytes": self.text_bytes(item, where)})
                elif isinstance(item, str):
                    self.charge(len(item), where)
                    items.append({"text": item})
                else:
                    return {"unreadable": f"a list holding {type(item).__name__}"}
            return {"texts": items, "shape": list(array.shape)}
        return {"unreadable": f"values of type {array.dtype}"}

    def text_bytes(self, data: bytes, where: str) -> str:
        self.charge(len(data), where)
        return base64.b64encode(data).decode("ascii")


if __name__ == "__main__":
    sys.exit(main())
