import numpy as np
import pytest

from glorot import activations, theory


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("q", [0.05, 1.0, 4.0])
def test_quadrature_matches_monte_carlo(name, q):
    f, f_prime = activations.get(name)
    u = np.random.default_rng(3).standard_normal(400_000)
    for g in (f, lambda s: f(s) ** 2, lambda s: f_prime(s) ** 2):
        samples = g(np.sqrt(q) * u)
        se = samples.std() / np.sqrt(samples.size)
        assert abs(theory.gaussian_expectation(g, q) - samples.mean()) <= 4 * se + 1e-12


def test_relu_second_moments_are_exact():
    # He et al. 2015: E[relu(s)^2] = Var[s] / 2, and f'^2 is 1 half of the time.
    f, f_prime = activations.get("relu")
    assert theory.gaussian_expectation(lambda s: f(s) ** 2, 2.5) == pytest.approx(1.25, rel=1e-12)
    assert theory.gaussian_expectation(lambda s: f_prime(s) ** 2, 2.5) == pytest.approx(0.5, rel=1e-12)


def equal_widths(n=100, d=4, classes=None):
    return [n] * (d + 1) + [classes or n]


def test_eq13_and_eq14_with_equal_widths():
    widths = equal_widths()
    d = len(widths) - 2
    var_w = [0.7 / 100] * (d + 1)  # n Var[W] = 0.7 everywhere
    var_x, var_top = 2.0, 0.3
    back = theory.glorot_backprop_variance(widths, var_w, var_top)
    # eq. (13): [n Var[W]]^(d-i) Var[dC/ds^d]
    np.testing.assert_allclose(back, [0.7 ** (d - i) * var_top for i in range(d + 1)])
    wg = theory.glorot_weight_gradient_variance(widths, var_w, var_x, var_top)
    # eq. (14): [n Var[W]]^d Var[x] Var[dC/ds^d], the same for every layer
    np.testing.assert_allclose(wg, 0.7**d * var_x * var_top)
    # With equal widths and one variance, printed (7) agrees with the corrected form,
    # and printed (6) carries exactly one extra factor n Var[W].
    printed_wg = theory.glorot_weight_gradient_variance(widths, var_w, var_x, var_top, printed=True)
    np.testing.assert_allclose(printed_wg, wg)
    printed_back = theory.glorot_backprop_variance(widths, var_w, var_top, printed=True)
    np.testing.assert_allclose(printed_back, back * 0.7)


def test_corrected_bounds_against_explicit_products():
    widths = [7, 3, 11, 5, 2]
    var_w = [0.1, 0.2, 0.05, 0.3]
    a = [widths[i] * var_w[i] for i in range(4)]  # n_i Var[W^i]
    b = [widths[i + 1] * var_w[i] for i in range(4)]  # n_{i+1} Var[W^i]
    # layer 1 of a d = 3 network, written out by hand
    assert theory.glorot_activation_variance(widths, var_w, 1.0)[1] == pytest.approx(a[0])
    assert theory.glorot_backprop_variance(widths, var_w, 1.0)[1] == pytest.approx(b[2] * b[3])
    assert theory.glorot_backprop_variance(widths, var_w, 1.0, printed=True)[1] == pytest.approx(
        b[1] * b[2] * b[3]
    )
    assert theory.glorot_weight_gradient_variance(widths, var_w, 1.0, 1.0)[1] == pytest.approx(
        a[0] * b[2] * b[3]
    )
    assert theory.glorot_weight_gradient_variance(widths, var_w, 1.0, 1.0, printed=True)[
        1
    ] == pytest.approx(a[0] * b[1] * b[2])


def test_meanfield_reduces_to_linear_regime_for_linear_networks():
    widths = [7, 3, 11, 5, 2]
    var_w = [0.1, 0.2, 0.05, 0.3]
    mf = theory.meanfield(widths, var_w, "linear", x_mean=0.0, x_var=1.5)
    np.testing.assert_allclose(mf["activation"], theory.glorot_activation_variance(widths, var_w, 1.5))
    top = mf["backprop_gradient"][-1]
    np.testing.assert_allclose(
        mf["backprop_gradient"], theory.glorot_backprop_variance(widths, var_w, top)
    )


def test_top_gradient_for_near_uniform_softmax():
    assert theory.uniform_softmax_top_variance(9) == pytest.approx(8 / 81)
    assert theory.softmax_top_second_moment(1e-8, 9) == pytest.approx(8 / 81, rel=1e-6)
    # Spread-out logits make the softmax confident and the top gradient larger.
    assert theory.softmax_top_second_moment(4.0, 9) > 8 / 81
