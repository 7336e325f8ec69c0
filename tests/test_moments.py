import numpy as np
import pytest

from glorot import network
from glorot.moments import Histogram, array_moments, weight_gradient_moments


def test_streamed_moments_match_numpy():
    rng = np.random.default_rng(0)
    # A large mean makes the naive sum-of-squares formula lose digits.
    data = (1e4 + rng.standard_normal((1000, 37))).astype(np.float32)
    total = array_moments(data[:0])
    for start in range(0, 1000, 97):
        total = total.merge(array_moments(data[start : start + 97]))
    full = data.astype(np.float64)
    assert total.count == data.size
    assert total.mean == pytest.approx(full.mean(), rel=1e-14)
    assert total.variance == pytest.approx(full.var(), rel=1e-10)


def test_weight_gradient_moments_match_full_tensor():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((13, 7)) + 0.3
    g = rng.standard_normal((13, 5)) - 0.1
    full = network.weight_gradient(z, g)
    m = weight_gradient_moments(z[:6], g[:6]).merge(
        weight_gradient_moments(z[6:], g[6:])
    )
    assert m.count == full.size
    assert m.mean == pytest.approx(full.mean(), rel=1e-12)
    assert m.variance == pytest.approx(full.var(), rel=1e-12)


@pytest.mark.parametrize("bins", [1, 7, 100])
def test_histogram_matches_numpy_histogram(bins):
    rng = np.random.default_rng(2)
    values = rng.standard_normal(20_000) * 0.6
    # Values exactly on the edges, and outside the range on both sides.
    values[:50] = np.linspace(-1, 1, bins + 1).repeat(50)[:50]
    h = Histogram(-1.0, 1.0, bins)
    for part in np.array_split(values, 9):
        h.add(part.astype(np.float32))
    f32 = values.astype(np.float32).astype(np.float64)
    counts, edges = np.histogram(f32, bins, (-1.0, 1.0))
    np.testing.assert_array_equal(h.counts, counts)
    np.testing.assert_array_equal(h.edges, edges)
    assert h.underflow == (f32 < -1).sum()
    assert h.overflow == (f32 > 1).sum()
    assert h.counts.sum() + h.underflow + h.overflow == values.size


def test_histogram_rejects_empty_range():
    with pytest.raises(ValueError, match="low < high"):
        Histogram(1.0, 1.0, 10)
