"""Numbers as the lecture prints them: truncated toward zero, never rounded up."""

import pytest

from nnsim.core.formatting import number, truncate


@pytest.mark.parametrize(("value", "precision", "text"), [
    (0.89953, 3, "0.899"),          # sigmoid(2.192): rounding would say 0.900
    (0.5065, 3, "0.506"),
    (-0.12335, 3, "-0.123"),        # toward zero, not toward minus infinity
    (-0.9999999, 3, "-0.999"),
    (2.192, 3, "2.192"),
    (0.3, 3, "0.300"),              # binary 0.29999... is not shown as 0.299
    (0.1 + 0.2, 3, "0.300"),
    (2.675, 2, "2.67"),
    (123.4567, 1, "123.4"),
    (0.89953, 5, "0.89953"),
    (0.89953, 0, "0"),
    (-0.0004, 3, "0.000"),          # no "-0.000"
    (-0.4, 0, "0"),
    (-2.0, 3, "-2.000"),
    (1e-12, 3, "0.000"),
])
def test_truncate(value, precision, text):
    assert truncate(value, precision) == text


def test_default_precision_is_three():
    assert truncate(0.123456) == "0.123"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_values_are_named(value):
    assert truncate(value) == str(value)


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (1, "1"), (1.0, "1"), (-2.0, "-2"), (0.899529, "0.899"), (-0.5, "-0.500"),
])
def test_number_writes_whole_numbers_as_the_lecture_writes_inputs(value, text):
    assert number(value) == text


def test_number_passes_the_precision_on():
    assert number(0.899529, 5) == "0.89952"
    assert number(0.899529, 1) == "0.8"
