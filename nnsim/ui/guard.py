"""Errors inside Qt's virtual overrides stop at the override.

An exception that escapes ``paint``, ``boundingRect``, ``resizeEvent`` or ``eventFilter`` goes
back into C++ through PySide's "Error calling Python override" path; nested in another override
it cascades, and on the last lesson tour it ended in a segmentation fault. Every override in
nnsim is wrapped by :func:`guarded`: the failing frame is skipped, a safe value is returned to
Qt, and the error is reported once per (class, method, error type), not once per event.
"""

from __future__ import annotations

import functools
import sys
import traceback
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_reported: set[tuple[str, str, str]] = set()
_listeners: list[weakref.WeakMethod] = []


def on_view_error(listener: Callable[[str], None]) -> None:
    """Call the bound method ``listener(message)`` for each newly reported view error (the
    app shows it in the status bar); held weakly, so a closed window is not called."""
    _listeners.append(weakref.WeakMethod(listener))  # type: ignore[arg-type]


def reported_errors() -> list[tuple[str, str, str]]:
    """(class, method, error type) of every error reported so far (tests read it)."""
    return sorted(_reported)


def forget_reported_errors() -> None:
    """Start a fresh record (a new window, or a test)."""
    _reported.clear()


def _report(owner: object, method: str, error: BaseException) -> None:
    key = (type(owner).__name__, method, type(error).__name__)
    if key in _reported:
        return
    _reported.add(key)
    message = f"{key[0]}.{method} failed and skipped a frame: {error}"
    try:
        print("nnsim: " + message, file=sys.stderr)
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    except Exception:  # noqa: BLE001 - reporting must never raise back into Qt
        pass
    for reference in list(_listeners):
        listener = reference()
        if listener is None:
            _listeners.remove(reference)
            continue
        try:  # one closed window's listener must not silence the open one's
            listener(message)
        except Exception:  # noqa: BLE001 - reporting must never raise back into Qt
            pass


def guarded(default: Any = None) -> Callable[[F], F]:
    """Wrap a Qt override so an exception returns ``default`` to Qt and is reported once.

    ``default`` may be a callable taking no arguments, for values that must be fresh
    (``guarded(QRectF)`` for ``boundingRect``).
    """

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: object, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - see the module docstring
                _report(self, method.__name__, error)
                return default() if callable(default) else default

        return call  # type: ignore[return-value]

    return wrap
