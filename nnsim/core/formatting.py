"""Numbers printed as the lecture prints them: truncated toward zero, not rounded."""

from __future__ import annotations

import math


def truncate(value: float, precision: int = 3) -> str:
    """``truncate(0.89953) == "0.899"``: keep ``precision`` decimals, dropping the rest.

    The decimal string of the value is cut rather than the float scaled, so 0.3 stays 0.300
    and is not shown as 0.299 by binary rounding.
    """
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{precision + 8}f}"
    whole, _, decimals = text.partition(".")
    result = whole if precision == 0 else f"{whole}.{decimals[:precision]}"
    if float(result) == 0 and result.startswith("-"):
        result = result[1:]
    return result


def number(value: float, precision: int = 3) -> str:
    """Whole numbers as the lecture writes inputs (``0``, ``1``); others truncated."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e9:
        return str(int(value))
    return truncate(value, precision)
