"""The equivalence verdicts of glorot.verdicts on intervals whose answers are known."""

import numpy as np
import pytest

from glorot import verdicts


def test_ratio_interval_maps_the_measured_interval_through_p_over_x():
    low, high = verdicts.ratio_interval(10.0, 8.0, 12.5)
    assert low == pytest.approx(0.8) and high == pytest.approx(1.25)


def test_ratio_interval_of_negative_measurements_is_ordered():
    low, high = verdicts.ratio_interval(-1.0, -2.0, -0.5)
    assert (low, high) == (pytest.approx(0.5), pytest.approx(2.0))


def test_ratio_interval_is_unbounded_when_the_measurement_holds_zero():
    low, high = verdicts.ratio_interval(1.0, -0.1, 0.2)
    assert low == -np.inf and high == np.inf
    assert verdicts.verdict(low, high) == verdicts.INCONCLUSIVE


@pytest.mark.parametrize(
    "low, high, expected",
    [
        (0.99, 1.01, "agree"),
        (0.98, 1.02, "agree"),  # the band is closed
        (0.97, 1.01, "inconclusive"),
        (1.01, 1.03, "inconclusive"),
        (1.021, 1.05, "disagree"),
        (0.90, 0.979, "disagree"),
        (0.5, 1.5, "inconclusive"),
        (np.nan, np.nan, "inconclusive"),
    ],
)
def test_verdict_against_a_two_percent_band(low, high, expected):
    assert verdicts.verdict(low, high, 0.02) == expected


def test_verdict_refuses_a_margin_outside_zero_one():
    with pytest.raises(ValueError, match="margin"):
        verdicts.verdict(0.99, 1.01, 0.0)


def test_half_width():
    assert verdicts.half_width(0.98, 1.04) == pytest.approx(0.03)


def test_relative_half_width_does_not_grow_with_the_ratio():
    low, high = verdicts.ratio_interval(np.array([1.0, 1000.0]), 0.99, 1.01)
    h = verdicts.relative_half_width(low, high)
    assert h[0] == pytest.approx(h[1]) == pytest.approx(0.01)
    assert verdicts.half_width(low, high)[1] == pytest.approx(1000 * h[0], rel=1e-3)
    assert verdicts.relative_half_width(-np.inf, np.inf) == np.inf
