"""The NumPy engine: usable from a notebook, never imports Qt or other nnsim layers.

``from nnsim.core import Dense, Network, Sequential, SGD`` works; the names are loaded on first
use, so importing one engine module does not import them all.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Dense": "nnsim.core.layers",
    "Network": "nnsim.core.network",
    "Sequential": "nnsim.core.sequential",
    "SGD": "nnsim.core.optimizers",
    "History": "nnsim.core.history",
    "Perceptron": "nnsim.core.perceptron",
    "Lesson": "nnsim.core.lessons",
    "load_lesson": "nnsim.core.lessons",
    "list_lessons": "nnsim.core.lessons",
    "load_dataset": "nnsim.core.datasets",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'nnsim.core' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
