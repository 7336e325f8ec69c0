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


def test_finite_width_numbers_do_not_depend_on_the_batch():
    gen = generator("tanh", "uniform", 6)
    a = fw.measure(gen, "uniform", 6, 4, "tanh", range(9), 4)
    b = fw.measure(gen, "uniform", 6, 4, "tanh", range(9), 9)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


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


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_exact_predictions_within_sampling_error(activation):
    # 3000 Gaussian networks of width 16, depth 3: the exact ratio and
    # log-variance inside 4 standard errors (delta method; variance's SE).
    width, depth = 16, 3
    m, log_j = fw.measure(
        generator(activation, "gaussian", width),
        "gaussian",
        width,
        depth,
        activation,
        range(3000),
        500,
    )
    p = fw.predicted(activation, "gaussian", width, depth)
    ratio, low, high = fw.second_moment_ratio(m)
    se = (high - low) / (2 * 1.96)
    assert np.all(np.abs(ratio - p["length_second_moment_ratio"]) < 4 * se)
    alive = np.all(np.isfinite(log_j), axis=1)
    var, low, high = fw.variance_with_ci(log_j[alive])
    se = (high - low) / (2 * 1.96)
    assert np.all(np.abs(var - p["log_jacobian_variance"]) < 4 * se)


def test_batch_size_caps_memory():
    assert fw.batch_size({"depth": 50, "batch": 10**6}, 256) == 2
    assert fw.batch_size({"depth": 4, "batch": 3}, 8) == 3


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
