"""The depth study's theory (glorot.propagation) against closed forms, and its
measurement (glorot.propagation_measure, glorot.propagation_tables) against
exact finite-width distributions."""

import numpy as np
import pandas as pd
import pytest

from glorot import propagation as P
from glorot import propagation_measure as M
from glorot import propagation_tables as T


def relu(a):
    return np.maximum(a, 0)


def arccos_kernel(q_a, q_b, c):
    """E[relu(u_a) relu(u_b)] (Cho & Saul 2009, degree 1)."""
    theta = np.arccos(c)
    return np.sqrt(q_a * q_b) / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * c)


@pytest.mark.parametrize("c", [-0.95, -0.3, 0.0, 0.4, 0.9, 1 - 1e-8, 1.0])
def test_quadrature_2d_closed_forms(c):
    q_a, q_b = 1.7, 0.4
    got = P.gaussian_expectation_2d(lambda a, b: relu(a) * relu(b), q_a, q_b, c)
    assert got == pytest.approx(arccos_kernel(q_a, q_b, c), rel=1e-10)
    # Degree 0: P(u_a > 0, u_b > 0) = (pi - arccos c) / (2 pi).
    step = P.gaussian_expectation_2d(lambda a, b: (a > 0) * (b > 0) * 1.0, q_a, q_b, c)
    assert step == pytest.approx((np.pi - np.arccos(c)) / (2 * np.pi), rel=1e-10)
    linear = P.gaussian_expectation_2d(lambda a, b: a * b, q_a, q_b, c)
    assert linear == pytest.approx(c * np.sqrt(q_a * q_b), abs=1e-12)


def test_relu_and_linear_maps_closed_forms():
    for q in [0.01, 1.0, 30.0]:
        assert P.length_map(q, 1.5, 0.1, "relu") == pytest.approx(
            0.75 * q + 0.1, rel=1e-12
        )
        assert P.length_map(q, 0.7, 0.2, "linear") == pytest.approx(
            0.7 * q + 0.2, rel=1e-12
        )
    assert P.covariance_map(1.0, 2.0, 0.3, 2.0, 0.1, "relu") == pytest.approx(
        2 * arccos_kernel(1.0, 2.0, 0.3) + 0.1, rel=1e-10
    )
    # relu: q* = sigma_b2 / (1 - sigma_w2 / 2), chi_1 = dq'/dq = sigma_w2 / 2.
    s = P.fixed_point_summary(1.5, 0.05, "relu")
    assert s["q_star"] == pytest.approx(0.2, rel=1e-10)
    assert s["chi1"] == pytest.approx(0.75, rel=1e-10)
    assert s["c_star"] == 1.0
    assert s["xi_q"] == pytest.approx(-1 / np.log(0.75), rel=1e-8)
    assert s["xi_c"] == pytest.approx(-1 / np.log(0.75), rel=1e-8)
    assert P.fixed_point_summary(3.0, 0.05, "relu")["q_star"] == np.inf


@pytest.mark.parametrize("sigma_b2", [0.0, 0.05, 0.3])
def test_relu_critical_line_is_sigma_w2_2(sigma_b2):
    assert P.critical_sigma_w2(sigma_b2, "relu") == pytest.approx(2.0, abs=1e-8)


def test_tanh_critical_point_at_zero_bias():
    # tanh, sigma_b2 = 0: q* = 0 for sigma_w2 <= 1, chi_1 = sigma_w2 tanh'(0)^2.
    assert P.critical_sigma_w2(0.0, "tanh") == pytest.approx(1.0, abs=1e-5)
    assert P.q_star(0.9, 0.0, "tanh") == 0.0
    assert P.chi_1(0.9, 0.0, "tanh") == pytest.approx(0.9, rel=1e-9)
    assert P.q_star(1.2, 0.0, "tanh") > 0
    # Bias moves the transition to larger sigma_w2 (Schoenholz et al. Fig. 1).
    assert P.critical_sigma_w2(0.05, "tanh") > 1.5


def test_chaotic_odd_phi_without_bias_decorrelates():
    assert P.c_star(3.0, 0.0, "tanh") == pytest.approx(0.0, abs=1e-9)
    assert 0 < P.c_star(3.0, 0.05, "tanh") < 1
    assert P.c_star(0.8, 0.05, "tanh") == 1.0


@pytest.mark.parametrize(
    "activation,sigma_w2", [("tanh", 2.2), ("softsign", 2.2), ("relu", 1.5)]
)
def test_chi1_and_xi_q_are_the_slopes_of_the_maps(activation, sigma_w2):
    # At the fixed point q* (the correlation map is defined there).
    sigma_b2 = 0.1
    q = P.q_star(sigma_w2, sigma_b2, activation)
    h = 1e-5
    # chi_1: slope of the correlation map at c = 1.
    slope_c = (1 - P.correlation_map(1 - h, q, sigma_w2, sigma_b2, activation)) / h
    assert slope_c == pytest.approx(P.chi_1(sigma_w2, q, activation), rel=1e-3)
    # The length map's slope (eq. 8 of Schoenholz et al., by parts).
    slope_q = (
        P.length_map(q + h, sigma_w2, sigma_b2, activation)
        - P.length_map(q - h, sigma_w2, sigma_b2, activation)
    ) / (2 * h)
    assert slope_q == pytest.approx(
        P.length_map_slope(q, sigma_w2, activation), rel=1e-6
    )


def test_two_input_maps_layer_one_and_identical_inputs():
    q_a, q_b, c = P.two_input_maps(1.0, 1.0, 1.0, 5, 1.5, 0.05, "tanh")
    assert q_a[0] == pytest.approx(1.55)
    np.testing.assert_allclose(c, 1.0, atol=1e-12)
    np.testing.assert_allclose(q_a, q_b)


def test_gaussian_pairs_exact_moments():
    x = M.gaussian_pairs([0.0, 0.5, -0.9], 64, seed=3)
    q_a, q_b, q_ab = M.pair_moments(x)
    np.testing.assert_allclose(q_a, 1.0)
    np.testing.assert_allclose(q_b, 1.0)
    np.testing.assert_allclose(q_ab, [0.0, 0.5, -0.9], atol=1e-12)


def _network(
    network, activation="tanh", sigma_w2=1.5, sigma_b2=0.05, depth=6, width=64
):
    x = M.gaussian_pairs([0.2, 1.0], 32, seed=1)
    rng = M.network_generator(1, activation, sigma_w2, sigma_b2, depth, width, network)
    return M.measure_network(x, rng, width, depth, sigma_w2, sigma_b2, activation)


def test_network_is_keyed_on_identity():
    a, b = _network(0), _network(0)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], _network(1)[0])
    # Identical inputs stay identical: 1 - c = 0 to rounding.
    np.testing.assert_allclose(a[1][:, 1], 0.0, atol=1e-14)


def test_layer_one_length_and_linear_gradient_factor_exact_in_distribution():
    # Layer 1: h_i ~ N(0, s2) iid with s2 = sigma_w2 q_x + sigma_b2, so the mean
    # over N networks of q^1 (pairs averaged) is s2 chi^2_{2 n N} / (2 n N)
    # (the 2 inputs of a pair with c = 0.2 are correlated: tolerance from 1 n N).
    # Linear net: |W^T d|^2 / |d|^2 = sigma_w2 chi^2_{n B} / (n B) per layer, B = 4 columns.
    networks, width = 40, 64
    q1, factors = [], []
    for n in range(networks):
        q, _, g, _ = _network(n, activation="linear", sigma_w2=0.8, width=width)
        q1.append(q[0, 0])
        factors.append(g)
    s2 = 0.8 + 0.05
    sd = s2 * np.sqrt(2 / (width * networks))
    assert abs(np.mean(q1) - s2) < 5 * sd
    factors = np.concatenate(factors)
    sd_g = 0.8 * np.sqrt(2 / (width * 4 * factors.size))
    assert abs(factors.mean() - 0.8) < 5 * sd_g


def test_overflow_is_nan_not_inf():
    q, one_minus_c, g, length = _network(0, activation="relu", sigma_w2=1e200, depth=4)
    assert np.isnan(q[-1]).all() and np.isnan(g).all() and np.isnan(length[-1])


def test_length_factor_of_a_linear_network_is_the_lengths_ratio():
    # phi(h) = h, no bias: W^{l+1} (phi'(h^l) h^l) = h^{l+1}, so the factor
    # is |h^{l+1}|^2 / |h^l|^2 summed over the columns, exactly.
    q, _, _, length = _network(0, activation="linear", sigma_w2=0.8, sigma_b2=0.0)
    np.testing.assert_allclose(length, q[1:].sum(axis=1) / q[:-1].sum(axis=1))
    # A bias does not scale with the perturbation: the factor is the slope
    # sigma_w2 of q -> sigma_w2 q + sigma_b2, not the ratio q^{l+1} / q^l.
    q, _, _, length = _network(0, activation="linear", sigma_w2=0.8, sigma_b2=0.5)
    assert not np.allclose(length, q[1:].sum(axis=1) / q[:-1].sum(axis=1))


@pytest.mark.parametrize(
    "activation, sigma_w2", [("tanh", 0.333), ("tanh", 2.5), ("softsign", 1.5)]
)
def test_length_factor_measures_the_length_maps_slope(activation, sigma_w2):
    # At the plateau the factor's mean-field value is L'(q*) = exp(-1/xi_q).
    # Per network the mean over the deepest half; tolerance: 4 standard
    # errors over networks plus the O(1/n) finite-width bias (1/n here).
    networks, width, depth = 12, 256, 16
    x = M.gaussian_pairs([0.0, 0.5], M.N_IN, seed=2)
    per_network = []
    for n in range(networks):
        rng = M.network_generator(2, activation, sigma_w2, 0.05, depth, width, n)
        length = M.measure_network(x, rng, width, depth, sigma_w2, 0.05, activation)[3]
        per_network.append(length[depth // 2 :].mean())
    slope = P.length_map_slope(
        P.fixed_point_summary(sigma_w2, 0.05, activation)["q_star"],
        sigma_w2,
        activation,
    )
    se = np.std(per_network, ddof=1) / np.sqrt(networks)
    assert abs(np.mean(per_network) - slope) < 4 * se + slope / width
    # And the factor is not chi_1 (which would pass a weaker test).
    chi1 = P.fixed_point_summary(sigma_w2, 0.05, activation)["chi1"]
    assert abs(chi1 - slope) > 4 * se + slope / width


def test_depth_scale_interval_maps_the_slope():
    xi, low, high = T.depth_scale_interval(np.exp(-1 / 2), np.exp(-1 / 1.5), 1.0)
    assert (xi, low) == pytest.approx((2.0, 1.5)) and high == np.inf
    assert np.isnan(T.depth_scale_interval(1.2, 1.1, 1.3)[0])


def test_fit_depth_scale_recovers_xi():
    rng = np.random.default_rng(0)
    layers = np.arange(40)
    xi = 4.0
    curves = 0.5 + 2 * np.exp(-layers / xi) * (1 + 0.01 * rng.standard_normal((30, 40)))
    fitted, low, high, window = T.fit_depth_scale(curves, np.random.default_rng(1))
    # The bootstrap interval's half-width is 1.96 standard errors: 5 of them.
    assert abs(fitted - xi) < 5 * (high - low) / (2 * 1.96)
    assert (high - low) / xi < 0.01
    # The maps' exact trajectory over the same layers gives xi itself.
    exact = 0.5 + 2 * np.exp(-layers / xi)
    assert T.trajectory_depth_scale(exact, window) == pytest.approx(xi, rel=1e-9)
    # Flat curves have no approach to fit.
    assert np.isnan(T.fit_depth_scale(np.ones((10, 40)), np.random.default_rng(1))[0])


def test_crossing():
    assert T.crossing([1, 2, 3], [0.5, 0.9, 1.3]) == pytest.approx(2.25)
    assert np.isnan(T.crossing([1, 2], [0.5, 0.9]))


def test_tables_keep_sigmas_verbatim_and_judge():
    labels = ["gaussian_c0.2", "gaussian_c1.0"]
    x = M.gaussian_pairs([0.2, 1.0], 32, seed=1)
    moments = dict(zip(labels, zip(*M.pair_moments(x))))
    records = []
    for sigma_w2 in ["1.0", "3"]:
        for n in range(4):
            rng = M.network_generator(1, "tanh", sigma_w2, "0.05", 8, 64, n)
            result = M.measure_network(x, rng, 64, 8, float(sigma_w2), 0.05, "tanh")
            records.append(
                M.network_records(("tanh", sigma_w2, "0.05"), n, labels, *result)
            )
    records = pd.concat(records, ignore_index=True)
    prop = T.propagation_table(records, moments)
    assert set(prop["sigma_w2"]) == {"1.0", "3"}
    assert len(prop) == 2 * 2 * 8
    assert set(prop["q_verdict"]) <= {"agree", "disagree", "inconclusive"}
    scales = T.depth_scales_table(records, labels, moments, seed=1)
    assert list(scales["quantity"][:5]) == list(T.QUANTITIES)
    xi_q = scales[scales["quantity"] == "xi_q"]
    assert np.isfinite(xi_q["measured"]).all()
    assert (xi_q["ci_low"] <= xi_q["measured"]).all()
    assert (xi_q["measured"] <= xi_q["ci_high"]).all()
    line = T.critical_line_table(scales)
    assert line["predicted_sigma_w2"].iloc[0] == pytest.approx(
        P.critical_sigma_w2(0.05, "tanh")
    )
