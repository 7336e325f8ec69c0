import numpy as np
import pytest

from glorot import activations, initializers, inputs, measure, network, seeding

WIDTHS = [12, 10, 8, 3]
RANGES = {
    "activation": (-1, 1),
    "backprop_gradient": (-0.2, 0.2),
    "weight_gradient": (-0.1, 0.1),
}


def setup(examples=50, dtype=np.float64):
    """A small network; float64 by default, so that chunked and whole-batch
    matrix products agree to rounding in the 16th digit."""
    weights = initializers.sample_network(
        seeding.weights_generator(1, "t", "normalized", 0), "normalized", WIDTHS, dtype
    )
    source = inputs.GaussianInputs(
        seeding.inputs_seed_sequence(1, "t", 0), examples, 12, 3, dtype
    )
    return weights, source


def full_pass(weights, source, activation):
    x, y = next(source.chunks(10**9))
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f)
    return s, z, network.backward(s, weights, f_prime, y)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_streamed_statistics_match_full_arrays(activation):
    weights, source = setup()
    moments, hists = measure.measure_network(
        weights, source, activation, 7, RANGES, 20, 9
    )
    s, z, g = full_pass(weights, source, activation)
    for i in range(len(weights)):
        for quantity, arrays in [
            ("activation", z),
            ("preactivation", s),
            ("backprop_gradient", g),
        ]:
            full = arrays[i].astype(np.float64)
            assert moments[quantity, i].variance == pytest.approx(full.var(), rel=1e-10)
            assert moments[quantity, i].mean == pytest.approx(
                full.mean(), rel=1e-9, abs=1e-15
            )
        wg = network.weight_gradient(z[i].astype(np.float64), g[i].astype(np.float64))
        assert moments["weight_gradient", i].variance == pytest.approx(
            wg.var(), rel=1e-9
        )
        # Histograms against numpy.histogram on the full data.
        for quantity, values in [
            ("activation", z[i]),
            ("backprop_gradient", g[i]),
            ("weight_gradient", network.weight_gradient(z[i][:9], g[i][:9])),
        ]:
            counts, _ = np.histogram(values.astype(np.float64), 20, RANGES[quantity])
            np.testing.assert_array_equal(hists[quantity, i].counts, counts)
            assert (
                hists[quantity, i].counts.sum()
                + hists[quantity, i].underflow
                + hists[quantity, i].overflow
                == values.size
            )


def test_chunk_size_changes_nothing_but_rounding():
    # float32: BLAS rounds products of different batch shapes differently
    # (relative 1e-7 per value), which moves a variance by far less than 1e-5.
    weights, source = setup(dtype=np.float32)
    a, _ = measure.measure_network(weights, source, "tanh", 50)
    b, _ = measure.measure_network(weights, source, "tanh", 3)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].count == b[key].count
        assert b[key].variance == pytest.approx(a[key].variance, rel=1e-5)


def test_every_pass_sees_the_same_inputs():
    _, source = setup()
    first = np.concatenate([x for x, _ in source.chunks(7)])
    again = np.concatenate([x for x, _ in source.chunks(50)])
    labels = np.concatenate([y for _, y in source.chunks(11)])
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(labels, next(source.chunks(50))[1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "activation", ["linear", "tanh", "softsign", "sigmoid", "relu"]
)
def test_buffered_pass_gives_the_bits_of_forward_and_backward(activation, dtype):
    weights, source = setup(dtype=dtype)
    x, y = next(source.chunks(50))
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f)
    g = network.backward(s, weights, f_prime, y)
    s2, z2, fp2, g2, _ = network.forward_backward(x, y, weights, activation)
    for i in range(len(weights)):
        np.testing.assert_array_equal(s2[i], s[i])
        np.testing.assert_array_equal(z2[i], z[i])
        np.testing.assert_array_equal(g2[i], g[i])
        if i < len(weights) - 1:
            np.testing.assert_array_equal(fp2[i], f_prime(s[i]))


def test_weight_gradient_histogram_in_blocks_matches_full_products():
    from glorot.moments import Histogram

    rng = np.random.default_rng(9)
    z = rng.standard_normal((7, 300)).astype(np.float32)
    g = (0.05 * rng.standard_normal((7, 40))).astype(np.float32)
    blocked, full = Histogram(-0.1, 0.1, 37), Histogram(-0.1, 0.1, 37)
    blocked.add_outer(z, g)
    full.add(network.weight_gradient(z, g))
    np.testing.assert_array_equal(blocked.counts, full.counts)
    assert (blocked.underflow, blocked.overflow) == (full.underflow, full.overflow)


def test_histogram_with_many_values_on_edges_and_nan():
    from glorot.moments import Histogram

    edges = np.linspace(-1, 1, 11)
    values = np.concatenate([np.repeat(edges, 5000), np.zeros(70_000)]).astype(
        np.float32
    )
    h = Histogram(-1.0, 1.0, 10)
    h.add(values)
    counts, _ = np.histogram(values.astype(np.float64), 10, (-1.0, 1.0))
    np.testing.assert_array_equal(h.counts, counts)
    with pytest.raises(ValueError, match="NaN"):
        h.add(np.array([0.1, np.nan], dtype=np.float32))


def test_backward_example_ratio_is_per_example_and_leaves_out_zero_gradients():
    """|g|^2 / (|f'|^2 |g_up|^2) example by example: two examples whose pooled
    ratio differs from the mean of their own ratios."""
    from glorot.measure import backward_example_ratio

    g = np.array([4.0, 1.0])
    fp = np.array([1.0, 2.0])
    g_up = np.array([2.0, 1.0])
    ratio = backward_example_ratio(g, fp, g_up)
    np.testing.assert_allclose(ratio, [2.0, 0.5])
    pooled = g.mean() / (fp.mean() * g_up.mean())  # 2.5 / 2.25
    assert ratio.mean() != pytest.approx(pooled)
    # an example whose f' is 0 in every unit has no ratio
    np.testing.assert_allclose(
        backward_example_ratio(g, np.array([1.0, 0.0]), g_up), [2.0]
    )
