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


def svd_mean_singular_values(x, weights, activation):
    """The definition: full SVDs of the Jacobians, in float64."""
    return np.stack(
        [
            np.linalg.svd(j.astype(np.float64), compute_uv=False).mean(axis=1)
            for j in jacobian.layer_jacobians(x, weights, activation)
        ],
        axis=1,
    )


# Widths where J^i is wide, tall and square, so both Gram forms are used.
@pytest.mark.parametrize("widths", [[40, 30, 50, 50, 20, 5], [20, 60, 10, 10, 70, 3]])
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "linear", "softsign"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mean_singular_values_match_full_svd(widths, name, dtype):
    rng = np.random.default_rng(6)
    weights = initializers.sample_network(rng, "standard", widths, dtype)
    x = rng.standard_normal((4, widths[0])).astype(dtype)
    got = jacobian.mean_singular_values(x, weights, name)
    want = svd_mean_singular_values(x, weights, name)
    # J^i is float32-rounded in the reference but not in the Gram matrix:
    # entries differ by up to 2^-24 relative, and so do the singular values.
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0)


def test_dead_relu_units_are_zero_singular_values():
    w = np.random.default_rng(7).standard_normal((6, 6))
    x = np.array([[1.0, -1.0, 2.0, -2.0, 0.5, -0.5]])
    # Identity first layer: s^0 = x, J^0 = diag(1, 0, 1, 0, 1, 0), whose
    # singular values are 1, 1, 1, 0, 0, 0.
    assert jacobian.mean_singular_values(x, [np.eye(6), w, w], "relu")[0, 0] == 0.5
    # Every unit dead: J^0 = 0.
    assert (
        jacobian.mean_singular_values(-np.abs(x), [np.eye(6), w, w], "relu")[0, 0] == 0
    )
