"""Typed, range-checked keys of a table read from a file (TOML lessons, JSON session headers).

One ``Fields`` per table; every problem becomes one error of the reader's type saying
``<file>: key '<table.key>': <problem>. <fix>``, so lessons and sessions word them alike.
"""

from __future__ import annotations

import math
from typing import Any

from nnsim.core.activations import activation_names
from nnsim.core.errors import NnsimFileError
from nnsim.core.limits import ALPHA_RANGE, MAX_INPUTS, MAX_LAYERS, MAX_UNITS

_KIND_NAMES = {str: "a string in quotes", int: "a whole number", float: "a number",
               bool: "true or false", list: "a list [...]", dict: "a table"}


def show(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (and safe for ints too long to print)."""
    try:
        text = repr(value)
    except ValueError:  # an int of more than 4,300 digits
        return "a number too long to show"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def kind_name(kind: type | tuple[type, ...]) -> str:
    """"a whole number", "a string in quotes", ... for messages."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def is_number(value: object) -> bool:
    """An int or float but not a bool (True is an int to Python, not to a file's reader)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _span(low: float, high: float) -> str:
    if isinstance(low, int) and isinstance(high, int):
        return f"from {low:,} to {high:,}"
    return f"from {low:g} to {high:g}"


def _interval(low: float, high: float, above_low: bool, below_high: bool) -> str:
    if above_low and below_high:
        return f"between {low:g} and {high:g} (both excluded)"
    start = f"above {low:g}" if above_low else f"from {low:g}"
    return f"{start} to {high:g}" + (" (excluded)" if below_high else "")


class Fields:
    """Reads typed keys from one table, raising ``error`` that names the file and the key."""

    def __init__(self, name: str, table: dict[str, Any], error: type[NnsimFileError],
                 prefix: str = "") -> None:
        self.name, self.table, self.error, self.prefix = name, table, error, prefix

    def fail(self, key: str, problem: str, fix: str) -> NnsimFileError:
        return self.error(f"{self.name}: key '{self.prefix}{key}': {problem}. {fix}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...,
            choices: tuple[str, ...] | list[str] | None = None) -> Any:
        """The value of ``key`` if it has type ``kind`` (an int is taken as a float)."""
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "missing", f"Add it to the file ({kind_name(kind)}).")
            return default
        value = self.table[key]
        if kind is float and is_number(value) and -1e308 < value < 1e308:
            value = float(value)  # an int; one past float's range stays an int, refused below
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            raise self.fail(key, f"expected {kind_name(kind)}, got {show(value)}",
                            f"Write it as {kind_name(kind)}.")
        if choices is not None and value not in choices:
            raise self.fail(key, f"unknown value {show(value)}",
                            f"Expected one of: {', '.join(choices)}.")
        return value

    def whole(self, key: str, low: int, high: int, default: Any = ...) -> Any:
        """A whole number from ``low`` to ``high``."""
        if key not in self.table:
            return self.get(key, int, default)
        value = self.table[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(key, f"expected a whole number {_span(low, high)}, got "
                                 f"{show(value)}", "Give a value in that range.")
        return value

    def number(self, key: str, low: float, high: float, default: Any = ...,
               above_low: bool = False, below_high: bool = False) -> Any:
        """A finite number from ``low`` to ``high`` (excluding an end where asked)."""
        if key not in self.table:
            return self.get(key, float, default)
        value = self.table[key]
        # Comparisons, not float(): they are exact for huge ints and false for NaN.
        ok = is_number(value) and low <= value <= high \
            and not (above_low and value == low) and not (below_high and value == high)
        if not ok:
            interval = _interval(low, high, above_low, below_high)
            raise self.fail(key, f"expected a finite number {interval}, got {show(value)}",
                            "Give a value in that range.")
        return float(value)

    def table_at(self, key: str, required: bool = True) -> Fields | None:
        """The sub-table ``key`` (None when it is absent and not required)."""
        if key not in self.table and not required:
            return None
        return Fields(self.name, self.get(key, dict), self.error, f"{self.prefix}{key}.")

    def tables(self, key: str, low: int, high: int) -> list[Fields]:
        """A list of ``low`` to ``high`` tables (the layers of a model)."""
        items = self.get(key, list)
        if not low <= len(items) <= high:
            raise self.fail(key, f"{len(items):,} entries, expected {_span(low, high)}",
                            "Give a list of that length.")
        result = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{index}]", f"expected a table, got {show(item)}",
                                "Write each entry as a table { ... }.")
            result.append(Fields(self.name, item, self.error, f"{self.prefix}{key}[{index}]."))
        return result


def read_architecture(fields: Fields) -> dict[str, Any]:
    """A checked ``Network.spec()``: {"inputs", "layers": [{"units", "activation", "bias",
    "alpha"?}]}, every size within the limits, so weights can be sized before they are read."""
    from nnsim.core.lesson_checks import shaped_spec

    layers = []
    for layer in fields.tables("layers", 1, MAX_LAYERS):
        if layer.table.get("kind", "dense") != "dense":
            layers.append(shaped_spec(layer))
            continue
        spec = {"units": layer.whole("units", 1, MAX_UNITS),
                "activation": layer.get("activation", str, "sigmoid", activation_names()),
                "bias": layer.get("bias", bool, True)}
        alpha = layer.number("alpha", *ALPHA_RANGE, default=None)
        if alpha is not None:
            spec["alpha"] = alpha
        layers.append(spec)
    architecture = {"inputs": fields.whole("inputs", 1, MAX_INPUTS), "layers": layers}
    if "input_shape" in fields.table:
        shape = fields.get("input_shape", list)
        if not (len(shape) in (1, 2, 3) and all(isinstance(v, int) and not isinstance(v, bool)
                                             and 1 <= v <= MAX_INPUTS for v in shape)
                and math.prod(shape) == architecture["inputs"]):
            raise fields.fail("input_shape", f"{show(shape)} is not 1 to 3 sizes whose product "
                              f"is the {architecture['inputs']} inputs", "The file is damaged.")
        architecture["input_shape"] = shape
    return architecture
