import numpy as np
import pytest

from glorot import activations, initializers, network


def small_network(seed=0, widths=(5, 4, 3, 4)):
    rng = np.random.default_rng(seed)
    weights = initializers.sample_network(rng, "normalized", list(widths), np.float64)
    x = rng.standard_normal((6, widths[0]))
    y = rng.integers(0, widths[-1], size=6)
    return weights, x, y


def total_cost(weights, x, y, f):
    s, _ = network.forward(x, weights, f)
    return network.nll_cost(s[-1], y).sum()


# relu is left out: finite differences are unreliable at its kink.
@pytest.mark.parametrize("name", ["linear", "tanh", "softsign", "sigmoid"])
def test_backward_matches_finite_differences(name):
    f, f_prime = activations.get(name)
    weights, x, y = small_network()
    s, z = network.forward(x, weights, f)
    dcost_ds = network.backward(s, weights, f_prime, y)
    eps = 1e-6
    for i, w in enumerate(weights):
        # eq. (3), summed over examples, is dC/dW^i of the total cost.
        analytic = network.weight_gradient(z[i], dcost_ds[i]).sum(axis=0)
        numeric = np.zeros_like(w)
        for index in np.ndindex(w.shape):
            w[index] += eps
            up = total_cost(weights, x, y, f)
            w[index] -= 2 * eps
            down = total_cost(weights, x, y, f)
            w[index] += eps
            numeric[index] = (up - down) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    f, f_prime = activations.get(name)
    s = np.linspace(-4, 4, 81) + 0.013  # avoid relu's kink at 0
    numeric = (f(s + 1e-6) - f(s - 1e-6)) / 2e-6
    np.testing.assert_allclose(f_prime(s), numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = activations.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


def test_top_gradient_is_softmax_minus_onehot():
    logits = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    g = network.dcost_dlogits(logits, np.array([0, 2]))
    np.testing.assert_allclose(g.sum(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(g[0], [1 / 3 - 1, 1 / 3, 1 / 3])


def test_shapes_follow_paper_indexing():
    weights, x, y = small_network(widths=(5, 4, 3, 4))
    s, z = network.forward(x, weights, np.tanh)
    d = len(weights) - 1
    assert len(s) == len(z) == d + 1
    assert [a.shape[1] for a in z] == [5, 4, 3]
    assert [a.shape[1] for a in s] == [4, 3, 4]
