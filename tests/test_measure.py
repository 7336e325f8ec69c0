import numpy as np
import pytest

from glorot import activations, initializers, inputs, measure, network, seeding

WIDTHS = [12, 10, 8, 3]
RANGES = {"activation": (-1, 1), "backprop_gradient": (-0.2, 0.2), "weight_gradient": (-0.1, 0.1)}


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
    moments, hists = measure.measure_network(weights, source, activation, 7, RANGES, 20, 9)
    s, z, g = full_pass(weights, source, activation)
    for i in range(len(weights)):
        for quantity, arrays in [("activation", z), ("preactivation", s), ("backprop_gradient", g)]:
            full = arrays[i].astype(np.float64)
            assert moments[quantity, i].variance == pytest.approx(full.var(), rel=1e-10)
            assert moments[quantity, i].mean == pytest.approx(full.mean(), rel=1e-9, abs=1e-15)
        wg = network.weight_gradient(z[i].astype(np.float64), g[i].astype(np.float64))
        assert moments["weight_gradient", i].variance == pytest.approx(wg.var(), rel=1e-9)
        # Histograms against numpy.histogram on the full data.
        for quantity, values in [("activation", z[i]), ("backprop_gradient", g[i]),
                                 ("weight_gradient", network.weight_gradient(z[i][:9], g[i][:9]))]:
            counts, _ = np.histogram(values.astype(np.float64), 20, RANGES[quantity])
            np.testing.assert_array_equal(hists[quantity, i].counts, counts)
            assert hists[quantity, i].counts.sum() + hists[quantity, i].underflow + hists[
                quantity, i
            ].overflow == values.size


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
