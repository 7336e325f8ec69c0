"""glorot.free_probability against closed forms."""

import numpy as np
import pytest

from glorot import free_probability as fp


@pytest.mark.parametrize("depth", [1, 2, 4, 16])
def test_lambda_max_of_gaussian_linear_products_is_fuss_catalan_edge(depth):
    # Products of L square Ginibre matrices of variance 1/n: the eigenvalues of
    # J J^T follow the Fuss-Catalan law with upper edge (L+1)^(L+1) / L^L.
    law = fp.product_law("linear", "gaussian", 1.0, 1.0, depth)
    assert law.lambda_max() == pytest.approx(
        (depth + 1) ** (depth + 1) / depth**depth, rel=1e-9
    )


def test_orthogonal_linear_products_have_unit_spectrum():
    for depth in (1, 8, 64):
        assert fp.jjt_moments("linear", "orthogonal", 1.0, 1.0, depth) == (1.0, 0.0)
        law = fp.product_law("linear", "orthogonal", 1.0, 1.0, depth)
        assert law.lambda_max() == pytest.approx(1.0, abs=1e-6)


def test_quarter_circle_mean_singular_value():
    # One square Gaussian layer of variance 1/n: singular values on the
    # quarter circle on [0, 2], mean 8 / (3 pi).
    law = fp.product_law("linear", "gaussian", 1.0, 1.0, 1)
    assert fp.mean_singular_value(law) == pytest.approx(8 / (3 * np.pi), rel=2e-4)


def test_marchenko_pastur_density_in_closed_form():
    # Ratio c = n_out / n_in = 1/2, mean 1: rho(x) = sqrt((b - x)(x - a)) / (2 pi c x)
    c = 0.5
    law = fp.ProductLaw([1.0], [1.0], 1.0, 1, "gaussian", c)
    a, b = (1 - np.sqrt(c)) ** 2, (1 + np.sqrt(c)) ** 2
    assert law.lambda_max() == pytest.approx(b, rel=1e-9)
    x = np.linspace(a + 0.01, b - 0.01, 50)
    expected = np.sqrt((b - x) * (x - a)) / (2 * np.pi * c * x)
    np.testing.assert_allclose(law.density(x), expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "activation, weights, q",
    [
        ("linear", "gaussian", 1.0),
        ("relu", "gaussian", 1.0),
        ("tanh", "orthogonal", 0.5),
    ],
)
@pytest.mark.parametrize("depth", [2, 8])
def test_density_reproduces_the_moments(activation, weights, q, depth):
    # The density from the S-transform equation and the moments from the
    # additivity of normalized variances are two independent computations.
    sigma_w2, _ = fp.critical_point(activation, q)
    mean, variance = fp.jjt_moments(activation, weights, sigma_w2, q, depth)
    law = fp.product_law(activation, weights, sigma_w2, q, depth)
    x, rho = fp.singular_value_grid(law, points=3000, decades=16)
    m1 = np.trapezoid(rho * x * x, np.log(x))
    m2 = np.trapezoid(rho * x**3, np.log(x))
    assert m1 == pytest.approx(mean, rel=1e-3)
    assert m2 - m1**2 == pytest.approx(variance, rel=2e-3)


def test_linear_gaussian_moments():
    # E[tr JJ^T / n] = 1 and the second moment L + 1 (Fuss-Catalan).
    for depth in (1, 5, 64):
        mean, variance = fp.jjt_moments("linear", "gaussian", 1.0, 1.0, depth)
        assert mean == 1.0
        assert variance + mean**2 == pytest.approx(depth + 1)


def test_critical_line_is_critical():
    from glorot import theory

    _, f_prime = fp.activations.get("tanh")
    for q_star in (0.01, 0.5, 2.0):
        sigma_w2, sigma_b2 = fp.critical_point("tanh", q_star)
        chi_1 = sigma_w2 * theory.gaussian_expectation(
            lambda s: f_prime(s) ** 2, q_star
        )
        assert chi_1 == pytest.approx(1.0, rel=1e-12)
        q_next = (
            sigma_w2 * theory.gaussian_expectation(lambda s: np.tanh(s) ** 2, q_star)
            + sigma_b2
        )
        assert q_next == pytest.approx(q_star, rel=1e-12)


def test_unknown_weights_refused_by_name():
    with pytest.raises(ValueError, match="'haar'"):
        fp.product_law("linear", "haar", 1.0, 1.0, 2)


def test_eq17_prediction_of_a_square_linear_layer():
    # n Var[W] = 1/3 (standard init), linear: (8 / 3 pi) sqrt(1/3).
    value = fp.layer_mean_singular_value("linear", 500, 500, 1 / 1500, 1.0)
    assert value == pytest.approx(8 / (3 * np.pi) / np.sqrt(3), rel=2e-4)
