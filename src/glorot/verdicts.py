"""Equivalence verdicts: is a prediction within a margin m of what was measured,
as far as the measurement's interval can tell?

A measurement is a mean with a confidence interval [ci_low, ci_high] for the
true value mu. The prediction p is a number without error, so
{p / x : x in [ci_low, ci_high]} is an interval for p / mu at the same level
(the map x -> p / x is monotone on an interval that excludes 0). The verdict
compares that ratio interval with the margin band [1 - m, 1 + m]:

- ``agree``: the whole ratio interval lies inside the band;
- ``disagree``: the whole ratio interval lies outside it (on one side);
- ``inconclusive``: it straddles a bound (or the measured interval holds 0).

The half-width h of the ratio interval is the resolution of a verdict: a
cell can be called ``agree`` only when h <= m, and when the interval covers
the true ratio (95% of the time) a prediction wrong by more than m + 2h is
called ``disagree``.
"""

import numpy as np

AGREE = "agree"
DISAGREE = "disagree"
INCONCLUSIVE = "inconclusive"
VERDICTS = (AGREE, DISAGREE, INCONCLUSIVE)

# The margin of the config key `agreement_margin` when it is not given.
DEFAULT_MARGIN = 0.02


def ratio_interval(predicted, ci_low, ci_high):
    """The interval (low, high) of predicted / true value, from the measured
    interval [ci_low, ci_high] of the true value. Arrays broadcast.

    Where the measured interval holds 0 (or an input is NaN) the ratio is
    unbounded: (-inf, inf), or NaN for a NaN input.
    """
    p = np.asarray(predicted, dtype=float)
    lo = np.asarray(ci_low, dtype=float)
    hi = np.asarray(ci_high, dtype=float)
    excludes_zero = (lo > 0) | (hi < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = p / lo, p / hi
    low = np.where(excludes_zero, np.minimum(a, b), -np.inf)
    high = np.where(excludes_zero, np.maximum(a, b), np.inf)
    missing = np.isnan(p) | np.isnan(lo) | np.isnan(hi)
    return np.where(missing, np.nan, low), np.where(missing, np.nan, high)


def verdict(ratio_low, ratio_high, margin=DEFAULT_MARGIN):
    """``agree``, ``disagree`` or ``inconclusive`` per ratio interval (arrays
    broadcast; returns an array of str). A missing interval (NaN) is
    ``inconclusive``."""
    if not 0 < margin < 1:
        raise ValueError(f"the agreement margin must be in (0, 1), got {margin!r}")
    low = np.asarray(ratio_low, dtype=float)
    high = np.asarray(ratio_high, dtype=float)
    inside = (low >= 1 - margin) & (high <= 1 + margin)
    outside = (high < 1 - margin) | (low > 1 + margin)
    return np.where(inside, AGREE, np.where(outside, DISAGREE, INCONCLUSIVE))


def half_width(ratio_low, ratio_high):
    """The resolution of a verdict: half the width of its ratio interval."""
    return (
        np.asarray(ratio_high, dtype=float) - np.asarray(ratio_low, dtype=float)
    ) / 2


def relative_half_width(ratio_low, ratio_high):
    """The half-width of a ratio interval relative to its midpoint,
    (high - low) / (high + low): the measurement's relative precision, the
    same for every prediction of a cell (p / [lo, hi] scales with p). For a
    ratio near 1 it is the ``half_width``; for a prediction far off, the
    half-width in ratio units grows with the ratio and this does not."""
    low = np.asarray(ratio_low, dtype=float)
    high = np.asarray(ratio_high, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            np.isfinite(low) & np.isfinite(high), (high - low) / (high + low), np.inf
        )
