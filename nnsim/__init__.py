"""nnsim: a visual neural-network simulator for teaching Neural Network Basics.

From a notebook: ``from nnsim import Sequential, Dense, SGD`` builds and trains networks with
Keras's names; ``nnsim.load_lesson(name)`` and ``nnsim.open_session(path)`` give the lesson and
the workspace state (model, data, history, settings) the app itself uses. Names are loaded on
first use, so ``import nnsim`` stays cheap.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Dense": "nnsim.core.layers",
    "Network": "nnsim.core.network",
    "Sequential": "nnsim.core.sequential",
    "SGD": "nnsim.core.optimizers",
    "History": "nnsim.core.history",
    "load_lesson": "nnsim.core.lessons",
    "list_lessons": "nnsim.core.lessons",
    "load_dataset": "nnsim.core.datasets",
    "open_session": "nnsim.workspace.opening",
    "open_lesson": "nnsim.workspace.opening",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'nnsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
