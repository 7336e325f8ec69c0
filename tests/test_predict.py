"""The predictions against what the measurement estimates.

Statistical tests simulate many small networks with the measure stage's own
code (``measure.measure_network`` and ``measure.ensemble_variance``), so a
prediction is checked against exactly the estimate the workflow reports. Each
test checks a family of cells (quantity x layer) of one activation and init;
its tolerance is the Student-t quantile of the per-cell two-sided level
``FAMILY_LEVEL / cells`` (Bonferroni), 3.7-3.8 standard errors here: a correct
prediction fails a family with probability below 1%, whatever the seed.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from glorot import initializers, inputs, measure, predict, shapeset, theory

FAMILY_LEVEL = 0.01
CELL_QUANTITIES = (
    "activation",
    "preactivation",
    "backprop_gradient",
    "weight_gradient",
)


def varying_inputs(n_in, examples, classes, seed=1, mean=0.5):
    """Inputs with a mean and a mean square that varies from example to example:
    x_b = c_b (mean + N(0, I)), c_b log-uniform in [0.1, 1.5], so |x_b|^2 / n_0
    spans about 0.01 to 3 (Shapeset-3x2's runs from 0.01 to 0.97)."""
    rng = np.random.default_rng(seed)
    scale = np.exp(rng.uniform(np.log(0.1), np.log(1.5), examples))[:, None]
    x = scale * (mean + rng.standard_normal((examples, n_in)))
    return x, rng.integers(0, classes, examples)


def simulate(widths, init, activation, x, y, networks, seed=0):
    """Measured variance (mean over networks of ``ensemble_variance``) and its
    standard error per (quantity, layer), from ``networks`` sampled networks."""
    source = inputs.ArrayInputs(x, y, np.float64)
    tables = []
    for k in range(networks):
        rng = np.random.default_rng([seed, k])
        weights = initializers.sample_network(rng, init, widths, np.float64)
        moments, _ = measure.measure_network(weights, source, activation, len(x))
        table = measure.moments_table(moments)
        tables.append(table.assign(activation=activation, init=init, network=k))
    per_network = measure.ensemble_variance(pd.concat(tables))
    values = per_network[per_network["quantity"].isin(CELL_QUANTITIES)]
    g = values.groupby(["quantity", "layer"])["ensemble_variance"]
    return pd.DataFrame({"measured": g.mean(), "se": g.std(ddof=1) / np.sqrt(networks)})


def misses(measured, predicted, networks):
    """Cells where ``predicted`` (quantity -> array over layers) is outside the
    family-wise tolerance, as a list of (quantity, layer, t, ratio)."""
    # The input layer is the data itself: its measurement has no spread, and
    # the prediction is its exact variance (checked in a unit test).
    cells = measured.drop(("activation", 0))
    tolerance = stats.t.ppf(1 - FAMILY_LEVEL / (2 * len(cells)), networks - 1)
    out = []
    for (quantity, layer), row in cells.iterrows():
        p = predicted[quantity][layer]
        t = (p - row.measured) / row.se
        if abs(t) > tolerance:
            out.append((quantity, layer, round(t, 1), round(p / row.measured, 3)))
    return out


# --- eq. (5)-(7), corrected, on linear networks ------------------------------

LINEAR_WIDTHS = [80, 240, 160, 200, 9]  # unequal; 9 classes as Shapeset-3x2


@pytest.mark.parametrize("init", ["standard", "normalized", "he"])
def test_corrected_linear_regime_on_linear_networks(init):
    # In a linear network f' = 1 exactly, so eq. (5)-(7) hold up to the
    # independence of weights and back-propagated gradients (O(1/n) at these
    # widths, below the tolerance). The inputs have mean 0.5 and a mean square
    # that varies about 200-fold; under normalized and He inits the logit
    # variance is 1.02 and 16 times q_0, far from a uniform softmax for most
    # examples.
    networks = 40
    x, y = varying_inputs(LINEAR_WIDTHS[0], 200, LINEAR_WIDTHS[-1])
    moments = theory.InputMoments.from_examples(x)
    var_w = predict.weight_variances(LINEAR_WIDTHS, init)
    measured = simulate(LINEAR_WIDTHS, init, "linear", x, y, networks)
    corrected = theory.glorot(LINEAR_WIDTHS, var_w, moments)
    assert misses(measured, corrected, networks) == []
    # The same test rejects the shortcuts the paper's data breaks: Var[x] for
    # E[x^2] (eq. 5) and a uniform softmax for Var[dC/ds^d] (eq. 6, 7).
    var_x = moments.variance
    top = theory.uniform_softmax_top_variance(LINEAR_WIDTHS[-1])
    shortcut = {
        "activation": theory.glorot_activation_variance(LINEAR_WIDTHS, var_w, var_x),
        "preactivation": theory.glorot_preactivation_variance(
            LINEAR_WIDTHS, var_w, var_x
        ),
        "backprop_gradient": theory.glorot_backprop_variance(LINEAR_WIDTHS, var_w, top),
        "weight_gradient": theory.glorot_weight_gradient_variance(
            LINEAR_WIDTHS, var_w, var_x, top
        ),
    }
    missed = {quantity for quantity, *_ in misses(measured, shortcut, networks)}
    assert {"preactivation", "weight_gradient"} <= missed
    if init != "standard":
        assert "backprop_gradient" in missed


# --- mean-field against simulation, every activation -------------------------

MEANFIELD_WIDTHS = [64, 200, 200, 9]


@pytest.mark.parametrize("init", ["normalized", "he"])
@pytest.mark.parametrize(
    "activation", ["tanh", "softsign", "sigmoid", "relu", "linear"]
)
def test_meanfield_against_simulation(activation, init):
    networks = 24
    x, y = varying_inputs(MEANFIELD_WIDTHS[0], 200, MEANFIELD_WIDTHS[-1])
    moments = theory.InputMoments.from_examples(x)
    var_w = predict.weight_variances(MEANFIELD_WIDTHS, init)
    measured = simulate(MEANFIELD_WIDTHS, init, activation, x, y, networks)
    predicted = theory.meanfield(MEANFIELD_WIDTHS, var_w, activation, moments)
    assert misses(measured, predicted, networks) == []
    # Run at the pooled E[x^2] instead of per example, the maps miss (Jensen):
    # the nonlinear f, and for every f the softmax at the top.
    pooled = theory.InputMoments(
        np.array([moments.second_moment]), np.array([1.0]), moments.mean
    )
    assert misses(
        measured,
        theory.meanfield(MEANFIELD_WIDTHS, var_w, activation, pooled),
        networks,
    )


# --- on Shapeset-3x2 itself ---------------------------------------------------

SHAPESET_WIDTHS = [1024, 200, 200, 9]


@pytest.mark.parametrize(
    "activation, init, pixels",
    [
        ("tanh", "standard", "unit"),
        ("softsign", "normalized", "unit"),
        ("tanh", "he", "neg"),
        ("linear", "he", "unit"),
    ],
)
def test_predictions_on_shapeset_images(activation, init, pixels):
    # The paper's data: per-image mean squares from about 0.01 to 1 with
    # pixels in [0, 1] (E[x^2] / Var[x] about 4), the same images for every
    # network as in the workflow.
    networks = 24
    x, y = shapeset.generate(np.random.default_rng(7), 200, neg=pixels == "neg")
    moments = theory.InputMoments.from_examples(x)
    var_w = predict.weight_variances(SHAPESET_WIDTHS, init)
    measured = simulate(SHAPESET_WIDTHS, init, activation, x, y, networks)
    predicted = theory.meanfield(SHAPESET_WIDTHS, var_w, activation, moments)
    assert misses(measured, predicted, networks) == []
    if activation == "linear":
        corrected = theory.glorot(SHAPESET_WIDTHS, var_w, moments)
        assert misses(measured, corrected, networks) == []
        # Var[x] in place of E[x^2] (every q_0 scaled by Var[x] / E[x^2]) misses.
        centred = moments.variance / moments.second_moment
        as_if_centred = theory.InputMoments(
            moments.mean_squares * centred, moments.weights, 0.0
        )
        shortcut = theory.glorot(SHAPESET_WIDTHS, var_w, as_if_centred)
        assert misses(measured, shortcut, networks)
    else:
        # The maps run once at the pooled E[x^2] miss (Jensen).
        pooled = theory.InputMoments(
            np.array([moments.second_moment]), np.array([1.0]), moments.mean
        )
        pooled_prediction = theory.meanfield(SHAPESET_WIDTHS, var_w, activation, pooled)
        assert misses(measured, pooled_prediction, networks)


# --- unit tests ------------------------------------------------------------------


def test_input_moments_from_examples():
    x, _ = varying_inputs(30, 50, 9)
    m = theory.InputMoments.from_examples(x)
    np.testing.assert_allclose(m.mean_squares, (x**2).mean(axis=1))
    assert m.mean == pytest.approx(x.mean())
    assert m.second_moment == pytest.approx((x**2).mean())
    assert m.variance == pytest.approx(x.var())
    assert m.average(np.arange(50.0)) == pytest.approx(24.5)


def test_gaussian_input_moments_are_chi_square():
    m = theory.InputMoments.gaussian(300)
    assert m.second_moment == pytest.approx(1.0, rel=1e-12)
    assert m.variance == pytest.approx(1.0, rel=1e-12)
    # Var[chi^2_n / n] = 2 / n; the quantile midpoints miss a little of the tails.
    assert m.weights @ (m.mean_squares - 1) ** 2 == pytest.approx(2 / 300, rel=0.02)


def test_glorot_at_one_input_is_the_product_formulas():
    widths = [7, 3, 11, 5, 4]
    var_w = [0.1, 0.2, 0.05, 0.3]
    one = theory.InputMoments(np.array([1.0]), np.array([1.0]), 0.0)
    logits = np.prod(theory.forward_factors(widths, var_w))
    top = theory.top_gradient_second_moment(logits, widths[-1])
    for printed in (False, True):
        p = theory.glorot(widths, var_w, one, printed)
        np.testing.assert_allclose(
            p["activation"], theory.glorot_activation_variance(widths, var_w, 1.0)
        )
        np.testing.assert_allclose(
            p["backprop_gradient"],
            theory.glorot_backprop_variance(widths, var_w, top, printed),
        )
        np.testing.assert_allclose(
            p["weight_gradient"],
            theory.glorot_weight_gradient_variance(widths, var_w, 1.0, top, printed),
        )


def test_glorot_uses_the_second_moment_and_per_example_top():
    # Pixels in [0, 1]: E[x^2] / Var[x] is far from 1.
    x = (
        np.random.default_rng(2).uniform(0, 1, (40, 16))
        * np.linspace(0.1, 1, 40)[:, None]
    )
    m = theory.InputMoments.from_examples(x)
    widths = [16, 20, 30, 9]
    var_w = predict.weight_variances(widths, "he")
    p = theory.glorot(widths, var_w, m)
    a = theory.forward_factors(widths, var_w)
    assert p["activation"][0] == pytest.approx(x.var())
    assert p["activation"][1] == pytest.approx(a[0] * (x**2).mean())
    assert p["preactivation"][0] == pytest.approx(a[0] * (x**2).mean())
    q_top = np.prod(a) * (x**2).mean(axis=1)
    top = theory.top_gradient_second_moment(q_top, 9)
    assert p["backprop_gradient"][-1] == pytest.approx(top.mean())
    # The weight gradient of W^0: E_b[|x_b|^2 / n_0 E[(dC/ds^0)^2 | x_b]].
    b = theory.backward_factors(widths, var_w)
    expected = np.mean((x**2).mean(axis=1) * top) * b[1] * b[2]
    assert p["weight_gradient"][0] == pytest.approx(expected)


def test_prediction_table_rows_and_columns():
    widths = [16, 12, 10, 9]
    m = theory.InputMoments.from_examples(varying_inputs(16, 30, 9)[0])
    table = predict.prediction_table(widths, ["standard", "he"], ["tanh", "linear"], m)
    assert list(table.columns) == predict.COLUMNS
    assert len(table) == 2 * 2 * 4 * 3
    assert table.notna().all().all()
    # The linear regime ignores f, so its columns repeat over the activations,
    # and mean-field of a linear network is the linear regime.
    tanh = table[table["activation"] == "tanh"].reset_index(drop=True)
    linear = table[table["activation"] == "linear"].reset_index(drop=True)
    for column in ("predicted_glorot", "predicted_glorot_printed"):
        np.testing.assert_array_equal(tanh[column], linear[column])
    np.testing.assert_allclose(
        linear["predicted_meanfield"], linear["predicted_glorot"], rtol=1e-12
    )


def test_ensemble_variance_adds_the_spread_of_the_network_means():
    per_network = pd.DataFrame(
        {
            "activation": "tanh",
            "init": "he",
            "quantity": "preactivation",
            "layer": 5,
            "network": [0, 1, 2],
            "mean": [1.0, 2.0, 6.0],
            "variance": [0.5, 1.0, 1.5],
        }
    )
    v = measure.ensemble_variance(per_network)["ensemble_variance"]
    # mean of the within-network variances + unbiased variance of the means
    assert v.mean() == pytest.approx(1.0 + np.var([1.0, 2.0, 6.0], ddof=1))


def test_ensemble_variance_is_unbiased_where_the_pooled_one_is_not():
    # Each "network" draws 9 unit offsets, shared by all its examples (as the
    # 9 logits of a network are): the variance pooled within a network misses
    # 1/9 of the spread of the offsets; the ensemble estimate does not.
    rng = np.random.default_rng(4)
    networks, units, examples = 2000, 9, 20
    offsets = rng.standard_normal((networks, 1, units))
    values = offsets + 0.5 * rng.standard_normal((networks, examples, units))
    truth = 1.0 + 0.25
    per_network = pd.DataFrame(
        {
            "activation": "linear",
            "init": "he",
            "quantity": "preactivation",
            "layer": 0,
            "network": np.arange(networks),
            "mean": values.mean(axis=(1, 2)),
            "variance": values.var(axis=(1, 2)),
        }
    )
    v = measure.ensemble_variance(per_network)
    for column, unbiased in [("ensemble_variance", True), ("variance", False)]:
        estimate = v[column].mean()
        se = v[column].std(ddof=1) / np.sqrt(networks)
        assert (abs(estimate - truth) <= 4 * se) == unbiased, (column, estimate, se)
