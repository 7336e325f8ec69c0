"""glorot.spectrum and glorot.finite_width: batched measurement, exact
predictions, agreement within the sampling error, config errors."""

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import special

from glorot import finite_width as fw
from glorot import seeding, spectrum
from glorot.config import ConfigError, check

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
SWEEP = {"width": 16, "depths": [1, 3, 6], "batch": 4}


@pytest.mark.parametrize("weights", ["gaussian", "orthogonal"])
def test_spectrum_numbers_do_not_depend_on_the_batch(weights):
    a = spectrum.measure(SWEEP, 3, "s", "tanh", weights, 0.5, range(7))
    b = spectrum.measure(dict(SWEEP, batch=3), 3, "s", "tanh", weights, 0.5, range(7))
    c = spectrum.measure(dict(SWEEP, batch=1), 3, "s", "tanh", weights, 0.5, [5])
    for depth in SWEEP["depths"]:
        np.testing.assert_array_equal(a[depth], b[depth])
        np.testing.assert_array_equal(a[depth][5], c[depth][0])


def test_orthogonal_linear_networks_are_isometries():
    eig = spectrum.measure(SWEEP, 1, "s", "linear", "orthogonal", 1.0, range(3))
    for depth in SWEEP["depths"]:
        np.testing.assert_allclose(eig[depth], 1.0, rtol=1e-12)


def test_spectrum_eigenvalues_are_those_of_the_full_jacobian():
    # The Gram route against an SVD of the explicitly built J.
    rng = spectrum.network_generator(1, "s", "relu", "gaussian", 1.0, 0)
    w, b = spectrum.sample_layers(rng, "gaussian", 8, 3, 2.0, 0.0)
    x = spectrum.sample_input(rng, 8, 0.5)
    eig = spectrum.jacobian_eigenvalues(w[None], b[None], x[None], "relu", [3])[3][0]
    z, jac = x, np.eye(8)
    for layer in range(3):
        h = w[layer] @ z + b[layer]
        jac = ((h > 0)[:, None] * w[layer]) @ jac
        z = np.maximum(h, 0)
    sv = np.linalg.svd(jac, compute_uv=False)
    np.testing.assert_allclose(np.sort(eig), np.sort(sv**2), atol=1e-12)


def test_linear_gaussian_mean_eigenvalue_is_one_within_sampling_error():
    # E[tr JJ^T / n] = 1 exactly at every width for Gaussian linear layers.
    eig = spectrum.measure(
        {"width": 32, "depths": [4], "batch": 8},
        2,
        "s",
        "linear",
        "gaussian",
        1.0,
        range(64),
    )
    means = eig[4].mean(axis=1)
    se = means.std(ddof=1) / np.sqrt(len(means))
    assert abs(means.mean() - 1) < 4 * se


def test_spectrum_summary_judges_exact_zero_predictions():
    eig = spectrum.measure(SWEEP, 1, "s", "linear", "orthogonal", 1.0, range(3))
    table = spectrum.network_table(eig, range(3))
    out = spectrum.summarise(
        {("linear", "orthogonal", spectrum.NO_Q_STAR): table}, dict(SWEEP), 0.02
    )
    assert set(out["verdict"]) == {"agree"}
    assert list(out["q_star"].unique()) == [""]


# --- finite width -----------------------------------------------------------


def generator(activation, weights, width):
    return lambda k: np.random.default_rng(
        seeding.seed_sequence(7, "t", activation, weights, width, k)
    )


@pytest.mark.parametrize(
    "weights, full_draw",
    [("uniform", False), ("gaussian", False), ("gaussian", True)],
)
def test_finite_width_numbers_do_not_depend_on_the_batch(weights, full_draw):
    gen = generator("tanh", weights, 6)
    a = fw.measure(gen, weights, 6, 4, "tanh", range(9), 4, full_draw)
    b = fw.measure(gen, weights, 6, 4, "tanh", range(9), 9, full_draw)
    c = fw.measure(gen, weights, 6, 4, "tanh", [5], 1, full_draw)
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x[5], z[0])


@pytest.mark.parametrize("weights", ["uniform", "gaussian"])
def test_full_draws_do_not_depend_on_the_layers_per_call(weights, monkeypatch):
    # Width 6, depth 5: all 5 layers in one call by default, one per call
    # with FULL_DRAW_NUMBERS = 1; 3 per call (a partial last call) with 108.
    gen = generator("relu", weights, 6)
    a = fw.measure(gen, weights, 6, 5, "relu", range(4), 3, True)
    for numbers in (1, 108):
        monkeypatch.setattr(fw, "FULL_DRAW_NUMBERS", numbers)
        b = fw.measure(gen, weights, 6, 5, "relu", range(4), 3, True)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


# The exact low-rank draw of (W z, W v) for Gaussian weights.


def gram(z, v):
    return np.array([[z @ z, z @ v], [z @ v, v @ v]])


@pytest.mark.parametrize(
    "case", ["generic", "parallel", "antiparallel", "z zero", "v zero", "both zero"]
)
def test_gram_factor_is_a_square_root_of_the_gram_matrix(case):
    rng = np.random.default_rng(3)
    z, v = rng.standard_normal(12), rng.standard_normal(12)
    z, v = {
        "generic": (z, v),
        "parallel": (z, 2.5 * z),
        "antiparallel": (z, -0.3 * z),
        "z zero": (0 * z, v),
        "v zero": (z, 0 * v),
        "both zero": (0 * z, 0 * v),
    }[case]
    a, c, d = (t[0] for t in fw.gram_factor(z[None], v[None]))
    factor = np.array([[a, 0.0], [c, d]])
    np.testing.assert_allclose(factor @ factor.T, gram(z, v), atol=1e-12)
    if case in ("parallel", "antiparallel"):
        assert d < 1e-12 * np.linalg.norm(v)


def pair_moments(h, y):
    """E[h^2], E[h y], E[y^2], E[h^2 y^2] over i.i.d. rows, with their
    standard errors."""
    h, y = h.ravel(), y.ravel()
    terms = np.stack([h * h, h * y, y * y, h * h * y * y])
    return terms.mean(axis=1), terms.std(axis=1, ddof=1) / np.sqrt(h.size)


@pytest.mark.parametrize("case", ["generic", "nearly parallel", "parallel", "z zero"])
def test_low_rank_pair_has_the_law_of_the_full_draw(case):
    # The rows of (W z, W v) are i.i.d.; both draws against the exact Gaussian
    # moments s G (s = sigma_w^2 / n) and s^2 (G11 G22 + 2 G12^2) (Isserlis),
    # and against each other, within 4 standard errors. 40,000 rows each.
    n, rows, sigma_w2 = 16, 40_000, 2.0
    rng = np.random.default_rng(11)
    z, v = rng.standard_normal(n), rng.standard_normal(n)
    z, v = {
        "generic": (z, v),
        "nearly parallel": (z, z + 1e-3 * v),
        "parallel": (z, -2 * z),
        "z zero": (0 * z, v),
    }[case]
    g = rng.standard_normal((1, rows, 2))
    low = pair_moments(*fw.low_rank_products(g, z[None], v[None], sigma_w2))
    w = rng.standard_normal((1, rows, n))
    full = pair_moments(*fw.gaussian_products(w, z[None], v[None], sigma_w2))
    s, gm = sigma_w2 / n, gram(z, v)
    exact = [
        s * gm[0, 0],
        s * gm[0, 1],
        s * gm[1, 1],
        s**2 * (gm[0, 0] * gm[1, 1] + 2 * gm[0, 1] ** 2),
    ]
    for (mean, se), name in ((low, "low rank"), (full, "full draw")):
        assert np.all(np.abs(mean - exact) <= 4 * se + 1e-12), name
    assert np.all(np.abs(low[0] - full[0]) <= 4 * np.hypot(low[1], full[1]) + 1e-12)


def test_uniform_products_are_the_full_product():
    rng = np.random.default_rng(5)
    u01 = rng.random((3, 7, 5))
    z, v = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    w = np.sqrt(3 * 2.0 / 5) * (2 * u01 - 1)
    h, y = fw.uniform_products(u01, z, v, 2.0)
    np.testing.assert_allclose(h, np.einsum("bij,bj->bi", w, z), atol=1e-13)
    np.testing.assert_allclose(y, np.einsum("bij,bj->bi", w, v), atol=1e-13)


@pytest.mark.parametrize("full_draw", [False, True])
def test_relu_dead_fraction_is_exact_at_width_1(full_draw):
    # Width 1: z and v are always parallel (rank 1) and a relu unit dies with
    # probability 1/2 per layer, after which z = v = 0 (rank 0). P(J^l u != 0)
    # = 2^-l, within 4 binomial standard errors; M = 0 exactly when J = 0.
    networks, depth = 4000, 3
    m, log_j = fw.measure(
        generator("relu", "gaussian", 1),
        "gaussian",
        1,
        depth,
        "relu",
        range(networks),
        256,
        full_draw,
    )
    alive = np.isfinite(log_j).mean(axis=0)
    p = 0.5 ** np.arange(1, depth + 1)
    assert np.all(np.abs(alive - p) < 4 * np.sqrt(p * (1 - p) / networks))
    np.testing.assert_array_equal(m == 0, ~np.isfinite(log_j))


def test_exact_predictions_closed_forms():
    n, depth = 16, 5
    layers = np.arange(1, depth + 1)
    np.testing.assert_allclose(
        fw.exact_second_moment_ratio("relu", n, depth), (1 + 5 / n) ** layers
    )
    np.testing.assert_allclose(
        fw.exact_second_moment_ratio("linear", n, depth), (1 + 2 / n) ** layers
    )
    np.testing.assert_allclose(
        fw.exact_log_jacobian_variance("linear", n, depth),
        layers * special.polygamma(1, n / 2),
    )


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_leading_order_reduces_to_the_exact_products(activation):
    ratio, log_var, mean = fw.leading_order(activation, "gaussian", 24, 6)
    exact = fw.predicted(activation, "gaussian", 24, 6)
    np.testing.assert_allclose(ratio, exact["length_second_moment_ratio"], rtol=1e-6)
    np.testing.assert_allclose(log_var, exact["log_jacobian_variance"], rtol=1e-6)
    np.testing.assert_allclose(mean, 1.0, rtol=1e-6)


@pytest.mark.parametrize("full_draw", [False, True])
@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_exact_predictions_within_sampling_error(activation, full_draw):
    # 3000 Gaussian networks of width 16, depth 3, drawn low-rank and in
    # full: the exact ratio (1 + 5/n)^l, (1 + 2/n)^l and log-variance inside
    # 4 standard errors (delta method; variance's SE).
    width, depth = 16, 3
    m, log_j = fw.measure(
        generator(activation, "gaussian", width),
        "gaussian",
        width,
        depth,
        activation,
        range(3000),
        500,
        full_draw,
    )
    p = fw.predicted(activation, "gaussian", width, depth)
    ratio, low, high = fw.second_moment_ratio(m)
    se = (high - low) / (2 * 1.96)
    assert np.all(np.abs(ratio - p["length_second_moment_ratio"]) < 4 * se)
    alive = np.all(np.isfinite(log_j), axis=1)
    var, low, high = fw.variance_with_ci(log_j[alive])
    se = (high - low) / (2 * 1.96)
    assert np.all(np.abs(var - p["log_jacobian_variance"]) < 4 * se)


def exact_ratio_standard_error(activation, width, depth, networks):
    """The sampling error of the delta-method ratio from the exact moments:
    the influence M^2 / b^2 - 2 a M / b^3 (a = E[M^2], b = E[M]) has variance
    (E[M^4] - a^2) / b^4 - 4 a (E[M^3] - a b) / b^5 + 4 a^2 (a - b^2) / b^6."""
    b, a, m3, m4 = (
        fw.exact_length_moments(activation, width, depth, k) for k in (1, 2, 3, 4)
    )
    var = (
        (m4 - a**2) / b**4 - 4 * a * (m3 - a * b) / b**5 + 4 * a**2 * (a - b**2) / b**6
    )
    return np.sqrt(var / networks)


def test_exact_length_moments_closed_forms():
    np.testing.assert_allclose(fw.exact_length_moments("relu", 16, 4, 1), 1.0)
    np.testing.assert_allclose(
        fw.exact_length_moments("linear", 16, 4, 2),
        fw.exact_second_moment_ratio("linear", 16, 4),
    )
    # E[(chi^2_n / n)^3] = (1 + 2/n)(1 + 4/n) per linear layer.
    np.testing.assert_allclose(
        fw.exact_length_moments("linear", 16, 3, 3),
        ((1 + 2 / 16) * (1 + 4 / 16)) ** np.arange(1, 4),
    )


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_low_rank_deep_ratio_is_exact(activation):
    # The low-rank draw is exact at every layer: 20,000 networks of width 32,
    # depth 8, against the exact E[M_l] = 1 and (1 + a/n)^l, within 4.5
    # exact standard errors (from E[M^k], k <= 4: the estimated ones are
    # themselves noisy when M is heavy-tailed). 4.5: a two-sided normal
    # p of 7e-6 per cell, so about 1e-4 over the 16 cells.
    width, depth, networks = 32, 8, 20_000
    m, _ = fw.measure(
        generator(activation, "gaussian", width),
        "gaussian",
        width,
        depth,
        activation,
        range(networks),
        256,
    )
    ratio, _, _ = fw.second_moment_ratio(m)
    exact = fw.exact_second_moment_ratio(activation, width, depth)
    se = exact_ratio_standard_error(activation, width, depth, networks)
    assert np.all(np.abs(ratio - exact) < 4.5 * se)
    mean_se = np.sqrt((exact - 1) / networks)
    assert np.all(np.abs(m.mean(axis=0) - 1) < 4.5 * mean_se)


def test_batch_size_caps_memory():
    # Full draws: one (n, n) layer per network, at most 4 MB.
    assert fw.batch_size({"depth": 50, "batch": 10**6}, 256, "uniform") == 8
    assert fw.batch_size({"depth": 50, "batch": 10**6}, 256, "gaussian", True) == 8
    # Low rank: the (L, n, 2) normals of each network, at most 64 MB.
    assert fw.batch_size({"depth": 50, "batch": 10**6}, 256, "gaussian") == 327
    assert fw.batch_size({"depth": 4, "batch": 3}, 8, "uniform") == 3


# --- config -----------------------------------------------------------------


def default_config():
    with open(ROOT / "config" / "config.yaml") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize(
    "section, edit, words",
    [
        (
            "spectrum",
            lambda s: s.update(weights=["uniform"]),
            ["spectrum.spectrum.weights[0]", "'uniform'"],
        ),
        ("spectrum", lambda s: s.update(q_star=[0]), ["q_star[0]", "0"]),
        (
            "spectrum",
            lambda s: s.update(range=[1.0, -1.0]),
            ["spectrum.spectrum.range", "low < high"],
        ),
        (
            "finite_width",
            lambda s: s.update(widths=[1]),
            ["finite_width.finite_width.widths[0]", "1"],
        ),
        (
            "finite_width",
            lambda s: s.update(activations=["sigmoid"]),
            ["activations[0]", "'sigmoid'"],
        ),
        ("finite_width", lambda s: s.update(margin=1.5), ["margin", "1.5"]),
    ],
)
def test_bad_sweep_values_name_key_and_value(section, edit, words):
    config = default_config()
    edit(config[section][section])
    with pytest.raises(ConfigError) as error:
        check(config, SCHEMA)
    for word in words:
        assert word in str(error.value)


def test_sweep_name_clash_refused():
    config = default_config()
    config["spectrum"]["paper"] = copy.deepcopy(config["spectrum"]["spectrum"])
    with pytest.raises(ConfigError, match="spectrum.paper.*results/paper/"):
        check(config, SCHEMA)


# --- eq. (17) predicted -----------------------------------------------------


def test_eq17_prediction_table_and_verdicts():
    import pandas as pd

    from glorot import jacobian_prediction

    exp = {
        "widths": [30, 20, 20, 5],
        "activations": ["linear"],
        "inits": ["orthogonal", "standard"],
    }
    predictions = pd.DataFrame(
        [
            ("linear", i, "preactivation", layer, 1.0)
            for i in exp["inits"]
            for layer in range(3)
        ],
        columns=["activation", "init", "quantity", "layer", "predicted_meanfield"],
    )
    table = jacobian_prediction.predict_layers(exp, predictions)
    orth = table[table["init"] == "orthogonal"].set_index("layer")["predicted"]
    # Orthonormal columns: every singular value is sqrt(n_in Var[W]) = 1.
    np.testing.assert_allclose(orth, 1.0, rtol=1e-12)
    per_network = pd.DataFrame(
        [
            ("linear", "orthogonal", k, layer, 1.0 + 0.001 * (-1) ** k)
            for k in range(4)
            for layer in range(2)
        ],
        columns=["activation", "init", "network", "layer", "mean_singular_value"],
    )
    out = jacobian_prediction.summarise(per_network, table)
    assert list(out["verdict"]) == ["agree", "agree"]
    assert (out["resolution"] < 0.02).all()
