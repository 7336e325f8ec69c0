import numpy as np
import pytest

from glorot import activations, initializers, jacobian, network


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "linear"])
def test_jacobian_matches_finite_differences(name):
    rng = np.random.default_rng(4)
    widths = [6, 5, 4, 3]
    weights = initializers.sample_network(rng, "normalized", widths, np.float64)
    x = rng.standard_normal((2, 6))
    f, _ = activations.get(name)
    jac = jacobian.layer_jacobians(x, weights, name)
    _, z = network.forward(x, weights, f)
    eps = 1e-6
    for i in range(len(weights) - 1):
        for b in range(2):
            numeric = np.empty((widths[i + 1], widths[i]))
            for l in range(widths[i]):
                dz = np.zeros(widths[i])
                dz[l] = eps
                up = f((z[i][b] + dz) @ weights[i])
                down = f((z[i][b] - dz) @ weights[i])
                numeric[:, l] = (up - down) / (2 * eps)
            np.testing.assert_allclose(jac[i][b], numeric, rtol=1e-6, atol=1e-9)


def test_linear_orthogonal_layers_have_unit_singular_values():
    q, _ = np.linalg.qr(np.random.default_rng(5).standard_normal((8, 8)))
    x = np.ones((3, 8))
    sv = jacobian.mean_singular_values(x, [q, q, q], "linear")
    assert sv.shape == (3, 2)
    np.testing.assert_allclose(sv, 1.0)
