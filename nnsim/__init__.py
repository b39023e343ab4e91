"""nnsim: a visual neural-network simulator for teaching Neural Network Basics.

From a notebook: ``from nnsim import Sequential, Dense, SGD`` builds and trains networks with
Keras's names (those of ``nnsim.core``); ``nnsim.load_lesson(name)``, ``nnsim.open_lesson(name)``
and ``nnsim.open_session(path)`` give the lesson and the workspace state (model, data, history,
settings) the app itself uses. Names are loaded on first use, so ``import nnsim`` stays cheap.
"""

from __future__ import annotations

import importlib

from nnsim import core

__version__ = "0.1.0"

_OPENERS = ("open_lesson", "open_session")

__all__ = ["__version__", *_OPENERS, *core.__all__]


def __getattr__(name: str) -> object:
    if name in _OPENERS:
        return getattr(importlib.import_module("nnsim.workspace.opening"), name)
    if name in core.__all__:
        return getattr(core, name)
    raise AttributeError(f"module 'nnsim' has no attribute {name!r}")
