"""The bookkeeping every backend's GradientTape shares: what it follows, and ``gradient``'s rules.

A tape records ops while it is in the backend's list of recording tapes
(its ``with`` block, minus any ``stop_recording()`` block). It follows
values by identity: trainable Variables on first use (with
``watch_accessed_variables``), watched values, and what recorded ops made
from them. What a record holds and how the backward walk runs differ per
backend; the rules around them do not, and live here:

* a non-persistent tape gives one set of gradients, then forgets everything;
* ``gradient`` is called outside the tape's own ``with`` block;
* a target must come from values the tape follows;
* ``sources`` is one value or a list, and the result has the same form.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TapeBookkeeping:
    """The state and rules of a GradientTape that do not depend on how ops are recorded.

    >>> with GradientTape() as tape:
    ...     loss = 0.01 * K.sum(K.square(K.dot(x, kernel)))
    >>> (kernel_gradient,) = tape.gradient(loss, [kernel])

    Trainable Variables used inside the block are watched automatically
    (``watch_accessed_variables``); a backend's tape adds ``watch`` for
    other values.

    A backend's tape subclasses this and names, as class attributes, its list
    of recording tapes (``_recording``), its Variable class
    (``_variable_type``) and the ways its users make followed values
    (``_followed_producers``, for the error about an unfollowed target).
    """

    _recording: ClassVar[list]
    _variable_type: ClassVar[type]
    _followed_producers: ClassVar[str]
    # A backend's tape also defines ``_followed_view(value)``: the object its
    # ``watch`` returns for a plain array (which it follows as an alias of the
    # array), None for a value followed as it is; it raises TypeError for a
    # value that cannot be watched.

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        # The backend's records of the ops it saw, in execution order.
        self._records: list[tuple] = []
        # id -> object, for everything whose gradient the tape can follow.
        self._tracked: dict[int, Any] = {}
        # id of a watched plain array <-> id of the followed view watch() returned for it.
        self._aliases: dict[int, int] = {}
        self._used = False

    def __enter__(self):
        self._recording.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        self._recording.remove(self)

    def watch(self, values):
        """Follow gradients into ``values`` (arrays or Variables, or a list of them).

        Returns them as the tape follows them: a plain array comes back as the
        backend's followed view of it, on which Python operators (and, on the
        numpy backend, numpy functions) are recorded too (``x =
        tape.watch(x)``); the plain array itself is still followed through
        backend ops, and its gradient includes the view's.
        """
        single = not isinstance(values, (list, tuple))
        followed = []
        for value in [values] if single else values:
            view = self._followed_view(value)
            self._tracked[id(value)] = value
            if view is not None:
                self._tracked[id(view)] = view
                self._aliases[id(value)] = id(view)
                self._aliases[id(view)] = id(value)
                value = view
            followed.append(value)
        return followed[0] if single else followed

    def stop_recording(self) -> PausedRecording:
        """A context in which ops are not recorded on this tape."""
        return PausedRecording(self)

    def reset(self) -> None:
        """Forget every record and watched value."""
        self._records.clear()
        self._tracked.clear()
        self._aliases.clear()
        self._used = False

    def watched_variables(self) -> list:
        """The Variables this tape follows (watched, or accessed while recording)."""
        return [value for value in self._tracked.values() if type(value) is self._variable_type]

    def _follows(self, value) -> bool:
        """Whether the tape follows ``value`` (watching a trainable Variable on first use)."""
        if id(value) in self._tracked:
            return True
        if self.watch_accessed_variables and type(value) is self._variable_type and value.trainable:
            self._tracked[id(value)] = value
            return True
        return False

    def _start_gradient(self, target, sources, output_gradients) -> tuple:
        """``(single, sources as a list, [(target, seed)], ids of the sources)`` for ``gradient``.

        Checks the tape may give gradients now and that every target comes
        from values it follows. A source's id set includes its alias (a
        watched array and the view ``watch`` returned for it).
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape gives one set of gradients; "
                "use GradientTape(persistent=True) to compute several."
            )
        if self._recording and self._recording[-1] is self:
            raise RuntimeError("Call tape.gradient outside the tape's `with` block.")
        single = not isinstance(sources, (list, tuple))
        source_list = [sources] if single else list(sources)
        targets = target if isinstance(target, (list, tuple)) else [target]
        seeds = (
            output_gradients
            if isinstance(output_gradients, (list, tuple))
            else [output_gradients] * len(targets)
        )
        source_ids = {id(source) for source in source_list}
        source_ids.update(self._aliases[key] for key in list(source_ids) if key in self._aliases)
        for value in targets:
            if id(value) not in self._tracked and id(value) not in source_ids:
                raise ValueError(
                    "The gradient target was not computed on this tape from a watched value: "
                    "compute it inside the tape's `with` block from values the tape follows "
                    f"(trainable Variables, watched arrays, and what {self._followed_producers} "
                    "made from them)."
                )
        return single, source_list, list(zip(targets, seeds, strict=True)), source_ids

    def _finish_gradient(self, result: list, single: bool):
        """``gradient``'s result in the form of its ``sources``; a non-persistent tape resets."""
        self._used = True
        if not self.persistent:
            self.reset()
            self._used = True
        return result[0] if single else result


class PausedRecording:
    """``tape.stop_recording()``: the tape leaves the recording list for the block."""

    def __init__(self, tape: TapeBookkeeping) -> None:
        self._tape = tape
        self._index: int | None = None

    def __enter__(self) -> None:
        self._index = self._tape._recording.index(self._tape)
        self._tape._recording.pop(self._index)

    def __exit__(self, *exc_info) -> None:
        self._tape._recording.insert(self._index, self._tape)
