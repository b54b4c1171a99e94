"""Name scopes: where a Variable's ``path`` comes from, as in Keras 3.

A Variable is given a path when it is made: the names of the scopes open at
that moment, outermost first, joined with ``/`` and followed by its own name
(``"sequential/dense/kernel"``). The engine opens a layer's scope while the
layer builds, an optimizer's while it makes its state, a metric's while it
makes its variables, so every Variable ends up under the objects that own it.
Distribution layouts and state trees match variables by these paths.

The open scopes are one module-level stack, shared by every backend and
every thread: scopes are opened while objects are built, which a program
does from one thread at a time (as Keras 3, which keeps a global stack too).

Two rules keep paths stable when the same object opens its scope again:

- *de-duplication*: a scope opened by the same ``caller`` with the same name
  as the innermost open scope adds nothing (a layer's ``build`` that reaches
  ``add_weight``, or a subclass's ``build`` that calls its parent's);
- *parent override*: ``override_parent`` gives the path a scope sits under,
  replacing whatever is open around it, so a layer that recorded where it was
  first built keeps that place when it makes a weight later from elsewhere.
"""

from __future__ import annotations

from types import TracebackType

# The open scopes, outermost first. See the module docstring on threads.
_OPEN_SCOPES: list[name_scope] = []


class name_scope:  # noqa: N801 - a context manager named as Keras 3 names it
    """Open a scope ``name`` under which new Variables are made.

    >>> from graphkeras import backend as K
    >>> with K.name_scope("encoder"):
    ...     with K.name_scope("dense"):
    ...         K.Variable([1.0], name="kernel").path
    'encoder/dense/kernel'

    Args:
        name: the scope's name, a non-empty string without ``/``.
        caller: the object opening the scope (a layer, an optimizer); with
            ``deduplicate``, reopening the innermost scope of the same caller
            and name opens nothing.
        deduplicate: whether the rule above applies.
        override_parent: a path (``"model/block"``, or ``""`` for the top)
            that this scope sits under instead of the scopes open around it.
    """

    __slots__ = ("name", "caller", "deduplicate", "override_parent", "_pushed")

    def __init__(
        self,
        name: str,
        caller: object = None,
        deduplicate: bool = True,
        override_parent: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(
                "name_scope: `name` must be a non-empty string without '/'; "
                f"received name={name!r}."
            )
        if override_parent is not None and not isinstance(override_parent, str):
            raise ValueError(
                "name_scope: `override_parent` must be a path string or None; "
                f"received override_parent={override_parent!r}."
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self) -> name_scope:
        if self.deduplicate and self.caller is not None and _OPEN_SCOPES:
            innermost = _OPEN_SCOPES[-1]
            if innermost.caller is self.caller and innermost.name == self.name:
                return self  # already inside this caller's scope: adds nothing
        _OPEN_SCOPES.append(self)
        self._pushed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pushed:
            self._pushed = False
            if _OPEN_SCOPES and _OPEN_SCOPES[-1] is self:
                _OPEN_SCOPES.pop()
            elif self in _OPEN_SCOPES:  # scopes closed out of order: drop this one and inner
                del _OPEN_SCOPES[_OPEN_SCOPES.index(self) :]

    def __repr__(self) -> str:
        return f"name_scope({self.name!r})"


def current_path() -> str:
    """The path new Variables sit under: the open scopes' names joined by ``/`` (``""`` at top)."""
    if not _OPEN_SCOPES:
        return ""
    parts: list[str] = []
    for scope in _OPEN_SCOPES:
        if scope.override_parent is not None:
            parts = [part for part in scope.override_parent.split("/") if part]
        parts.append(scope.name)
    return "/".join(parts)


def join_path(parent: str, name: str) -> str:
    """``parent/name``, or ``name`` alone when ``parent`` is empty."""
    return f"{parent}/{name}" if parent else name
