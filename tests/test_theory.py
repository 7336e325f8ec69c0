import numpy as np
import pytest

from glorot import activations, network, theory


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
    assert theory.gaussian_expectation(lambda s: f(s) ** 2, 2.5) == pytest.approx(
        1.25, rel=1e-12
    )
    assert theory.gaussian_expectation(lambda s: f_prime(s) ** 2, 2.5) == pytest.approx(
        0.5, rel=1e-12
    )


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
    printed_wg = theory.glorot_weight_gradient_variance(
        widths, var_w, var_x, var_top, printed=True
    )
    np.testing.assert_allclose(printed_wg, wg)
    printed_back = theory.glorot_backprop_variance(widths, var_w, var_top, printed=True)
    np.testing.assert_allclose(printed_back, back * 0.7)


def test_corrected_bounds_against_explicit_products():
    widths = [7, 3, 11, 5, 2]
    var_w = [0.1, 0.2, 0.05, 0.3]
    a = [widths[i] * var_w[i] for i in range(4)]  # n_i Var[W^i]
    b = [widths[i + 1] * var_w[i] for i in range(4)]  # n_{i+1} Var[W^i]
    # layer 1 of a d = 3 network, written out by hand
    assert theory.glorot_activation_variance(widths, var_w, 1.0)[1] == pytest.approx(
        a[0]
    )
    assert theory.glorot_backprop_variance(widths, var_w, 1.0)[1] == pytest.approx(
        b[2] * b[3]
    )
    assert theory.glorot_backprop_variance(widths, var_w, 1.0, printed=True)[
        1
    ] == pytest.approx(b[1] * b[2] * b[3])
    assert theory.glorot_weight_gradient_variance(widths, var_w, 1.0, 1.0)[
        1
    ] == pytest.approx(a[0] * b[2] * b[3])
    assert theory.glorot_weight_gradient_variance(
        widths, var_w, 1.0, 1.0, printed=True
    )[1] == pytest.approx(a[0] * b[1] * b[2])


def test_meanfield_reduces_to_linear_regime_for_linear_networks():
    widths = [7, 3, 11, 5, 2]
    var_w = [0.1, 0.2, 0.05, 0.3]
    # Inputs with a mean and a mean square that varies from example to example.
    inputs = theory.InputMoments(
        np.array([0.5, 1.0, 3.0]), np.array([0.2, 0.5, 0.3]), 0.4
    )
    mf = theory.meanfield(widths, var_w, "linear", inputs)
    glorot = theory.glorot(widths, var_w, inputs)
    for quantity, values in glorot.items():
        np.testing.assert_allclose(mf[quantity], values, rtol=1e-12)


def test_top_gradient_for_near_uniform_softmax():
    assert theory.uniform_softmax_top_variance(9) == pytest.approx(8 / 81)
    assert theory.top_gradient_second_moment(1e-8, 9) == pytest.approx(8 / 81, rel=1e-6)
    # Spread-out logits make the softmax confident and the top gradient larger,
    # up to 2 (C - 1) / C^2 for a one-hot softmax.
    top = theory.top_gradient_second_moment(np.array([0.1, 1.0, 10.0, 100.0]), 9)
    assert (np.diff(top) > 0).all() and 8 / 81 < top[0] and top[-1] < 16 / 81


@pytest.mark.parametrize("q", [0.3, 3.0, 30.0, 300.0, 1e4, 1e5])
def test_top_gradient_against_monte_carlo(q):
    classes = 9
    rng = np.random.default_rng(5)
    g_sq = []
    for _ in range(4):
        logits = np.sqrt(q) * rng.standard_normal((100_000, classes))
        y = rng.integers(0, classes, len(logits))
        g = network.dcost_dlogits(logits, y)
        g_sq.append(np.mean(g**2, axis=1))
    g_sq = np.concatenate(g_sq)
    se = g_sq.std() / np.sqrt(g_sq.size)
    assert abs(theory.top_gradient_second_moment(q, classes) - g_sq.mean()) <= 4 * se


def test_top_gradient_many_at_once_matches_one_at_a_time():
    q = np.exp(np.random.default_rng(0).uniform(np.log(1e-3), np.log(50.0), 300))
    many = theory.top_gradient_second_moment(q, 9)
    one = [theory.top_gradient_second_moment(v, 9) for v in q[:5]]
    np.testing.assert_allclose(many[:5], one, rtol=1e-7)


def test_top_gradient_at_zero_logit_variance_and_bad_input():
    q = np.concatenate([[0.0], np.linspace(0.1, 2.0, 20)])
    top = theory.top_gradient_second_moment(q, 9)
    assert top[0] == pytest.approx(8 / 81, rel=1e-12)
    assert theory.top_gradient_second_moment(0.0, 9) == pytest.approx(8 / 81, rel=1e-12)
    with pytest.raises(ValueError, match="logit variances"):
        theory.top_gradient_second_moment(np.array([1.0, np.nan]), 9)
