"""Streaming statistics: moments merged over chunks, and fixed-bin histograms.

Chunks are reduced in float64 whatever the dtype of the network, and merged
with the pairwise update of Chan, Golub & LeVeque (1979), so the variance of a
quantity with a large mean (sigmoid activations) keeps its precision.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    """count, mean and m2 = sum of squared deviations of a set of values."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @property
    def variance(self):
        """Population variance m2 / count (the pooled variance over units and examples)."""
        return self.m2 / self.count if self.count else float("nan")

    def merge(self, other):
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        count = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta**2 * self.count * other.count / count
        return Moments(count, mean, m2)


def array_moments(a):
    """Moments of all entries of ``a``, computed in float64."""
    a = np.asarray(a, dtype=np.float64).ravel()
    if a.size == 0:
        return Moments()
    mean = a.sum() / a.size
    centred = a - mean
    return Moments(a.size, float(mean), float(centred @ centred))


def weight_gradient_moments(z_i, dcost_ds_i):
    """Moments of the per-example weight gradients z^i_l dC/ds^i_k over all
    examples b and entries (l, k), eq. (3), without forming the
    examples x n_i x n_{i+1} tensor:

        sum_{b,l,k} z_bl g_bk   = sum_b (sum_l z_bl)   (sum_k g_bk)
        sum_{b,l,k} z_bl^2 g_bk^2 = sum_b (sum_l z_bl^2) (sum_k g_bk^2)
    """
    z = np.asarray(z_i, dtype=np.float64)
    g = np.asarray(dcost_ds_i, dtype=np.float64)
    count = z.shape[0] * z.shape[1] * g.shape[1]
    if count == 0:
        return Moments()
    total = z.sum(axis=1) @ g.sum(axis=1)
    total_sq = (z * z).sum(axis=1) @ (g * g).sum(axis=1)
    mean = total / count
    # Clipped at 0: rounding can make it a hair negative when the variance is ~0.
    m2 = max(total_sq - count * mean**2, 0.0)
    return Moments(count, float(mean), float(m2))


@dataclass
class Histogram:
    """Counts in fixed, equal-width bins over [low, high], binned exactly as
    ``numpy.histogram(values, bins, (low, high))`` does (last bin closed), plus
    the values below (``underflow``) and above (``overflow``) the range."""

    low: float
    high: float
    bins: int

    def __post_init__(self):
        if not self.high > self.low or self.bins < 1:
            raise ValueError(
                f"histogram needs low < high and bins >= 1, got "
                f"low={self.low}, high={self.high}, bins={self.bins}"
            )
        self.counts = np.zeros(self.bins, dtype=np.int64)
        self.underflow = 0
        self.overflow = 0

    @property
    def edges(self):
        return np.linspace(self.low, self.high, self.bins + 1)

    def add(self, values):
        v = np.asarray(values, dtype=np.float64).ravel()
        below = v < self.low
        above = v > self.high
        self.underflow += int(below.sum())
        self.overflow += int(above.sum())
        inside = v[~(below | above)]
        edges = self.edges
        index = ((inside - self.low) * (self.bins / (self.high - self.low))).astype(
            np.intp
        )
        index[index == self.bins] -= 1
        # The same edge corrections as numpy.histogram, so counts agree exactly.
        index[inside < edges[index]] -= 1
        index[(inside >= edges[index + 1]) & (index != self.bins - 1)] += 1
        self.counts += np.bincount(index, minlength=self.bins)
