"""The predicted spread over networks of the per-layer variances
(glorot.standard_errors) against closed forms and brute-force Monte Carlo."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from glorot import activations, measure, propagation, standard_errors
from glorot.initializers import weight_variance

Z = stats.norm.ppf(0.9995)  # a 99.9% two-sided band: tests fail rarely by chance


def sd_with_error(values):
    """Sample sd of ``values`` per column and its standard error, from the
    variance's sqrt((m_4 - s^4) / N) by the delta method (sd = sqrt(var))."""
    centred = values - values.mean(axis=0)
    var = centred.var(axis=0, ddof=1)
    m4 = (centred**4).mean(axis=0)
    se_var = np.sqrt(np.maximum(m4 - var**2, 0.0) / len(values))
    return np.sqrt(var), se_var / (2 * np.sqrt(var))


def uniform_layers(rng, networks, widths, init, dtype=np.float64):
    """Weights of ``networks`` networks: list over layers of (N, n_i, n_{i+1})."""
    layers = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        var = weight_variance(init, n_in, n_out)
        if init == "he":
            w = rng.standard_normal((networks, n_in, n_out)) * np.sqrt(var)
        else:
            w = rng.uniform(-1, 1, (networks, n_in, n_out)) * np.sqrt(3 * var)
        layers.append(w.astype(dtype))
    return layers


def ensemble_variances(values):
    """The compare rule's per-network values (glorot.measure.ensemble_variance)
    of ``values`` (N networks, B examples, n units): pooled variance plus
    K / (K - 1) (network mean - grand mean)^2."""
    n = len(values)
    table = pd.DataFrame(
        {
            "activation": "a",
            "init": "i",
            "quantity": "q",
            "layer": 0,
            "mean": values.mean(axis=(1, 2)),
            "variance": values.var(axis=(1, 2)),
            "network": np.arange(n),
        }
    )
    return measure.ensemble_variance(table)["ensemble_variance"].to_numpy()


# --- Exact: linear networks ------------------------------------------------------


def test_one_gaussian_layer_closed_form():
    # t' = sum_j a_j^T G a_j with a_j ~ N(0, v I): Var[t'] = 2 n' v^2 tr(G^2).
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 7))
    moments = standard_errors.input_trace_moments(x)
    t, t2, u, _ = standard_errors.trace_step(moments, 11, 0.3, 3.0)
    gram = x @ x.T
    assert t == pytest.approx(11 * 0.3 * np.trace(gram))
    assert t2 - t**2 == pytest.approx(2 * 11 * 0.09 * np.sum(gram**2))


def test_gaussian_inputs_closed_form():
    # |X|^2 of B x n_0 standard normal entries: Var = 2 B n_0, so the sd of
    # the pooled second moment |X|^2 / (B n_0) is sqrt(2 / (B n_0)).
    sd = standard_errors.linear_sd([30, 4], [0.1], 3.0, examples=12)
    assert sd["activation", 0] == pytest.approx(np.sqrt(2 / (12 * 30)))


@pytest.mark.parametrize("init", ["standard", "he"])
def test_linear_exact_against_monte_carlo(init):
    # Uniform weights (kurtosis 9/5) and Gaussian ones, fixed inputs, tiny
    # widths where every 1/n term is large: the exact recursion must hold.
    rng = np.random.default_rng(1)
    widths, networks = [6, 5, 3, 4], 40000
    x = rng.standard_normal((4, widths[0]))
    var_ws = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
    sd = standard_errors.linear_sd(widths, var_ws, standard_errors.KURTOSIS[init], x=x)
    s = np.broadcast_to(x, (networks, *x.shape))
    for layer, w in enumerate(uniform_layers(rng, networks, widths, init)):
        s = s @ w
        measured, error = sd_with_error((s**2).mean(axis=(1, 2)))
        assert abs(measured - sd["preactivation", layer]) < Z * error


def test_leading_order_approaches_exact_for_linear():
    # For f(s) = s the leading-order recursion drops terms of relative order
    # sum_l 1 / n_l; at n = 400 over 3 layers that is below 3 / 400 per term.
    rng = np.random.default_rng(2)
    widths = [50, 400, 400, 400, 3]
    x = rng.uniform(0, 1, (6, widths[0]))
    var_ws = [
        weight_variance("normalized", a, b) for a, b in zip(widths[:-1], widths[1:])
    ]
    exact = standard_errors.linear_sd(widths, var_ws, 9 / 5, x=x)
    approx = standard_errors.leading_order("linear", widths, var_ws, 9 / 5, x)
    tolerance = 2 * sum(1 / n for n in widths[1:-1])
    for key, value in exact.items():
        assert approx[key] == pytest.approx(value, rel=tolerance), key


# --- Leading order: nonlinear networks ---------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_pair_expectations_match_scalar_quadrature(activation):
    f, _ = activations.get(activation)
    kernel = np.array([[1.3, 0.7], [0.7, 0.6]])
    e22, e21, e12, e11 = standard_errors.pair_expectations(
        f, kernel, np.array([[0, 1]])
    )
    c = 0.7 / np.sqrt(1.3 * 0.6)
    for value, g in [
        (e22, lambda a, b: f(a) ** 2 * f(b) ** 2),
        (e21, lambda a, b: f(a) ** 2 * f(b)),
        (e12, lambda a, b: f(a) * f(b) ** 2),
        (e11, lambda a, b: f(a) * f(b)),
    ]:
        want = propagation.gaussian_expectation_2d(g, 1.3, 0.6, c)
        # The rule of 16 x 48 nodes is good to 1e-5 of the largest expectation.
        assert value[0] == pytest.approx(want, rel=1e-5, abs=1e-8)


def forward_cells(z, layers, f, f_prime):
    """{(quantity, layer): values} of networks stacked on the first axis:
    s^i = z^i W^i, z^{i+1} = f(s^i) and f'(s^i) below the top layer."""
    cells = {}
    for layer, w in enumerate(layers):
        s = z @ w
        cells["preactivation", layer] = s
        if layer < len(layers) - 1:
            z = f(s)
            cells["activation", layer + 1] = z
            cells["activation_derivative", layer] = f_prime(s)
    return cells


def assert_spread_predicted(predicted, cells, theory_error):
    """Each cell's sd over networks of its per-network variance within the
    Monte Carlo sd's Z-sigma band plus the theory's relative error."""
    for key, values in cells.items():
        measured, error = sd_with_error(ensemble_variances(values))
        tolerance = Z * error + theory_error * measured
        assert abs(predicted[key] - measured) < tolerance, (
            key,
            predicted[key],
            measured,
        )


@pytest.mark.parametrize(
    "activation,init", [("tanh", "standard"), ("tanh", "he"), ("sigmoid", "normalized")]
)
def test_leading_order_against_monte_carlo(activation, init):
    # Brute force: networks of width 64 on 4 fixed inputs in [0, 1] (a
    # common component, as Shapeset's pixels), the compare rule's
    # per-network values. Tolerance: the Monte Carlo sd's sampling error
    # (99.9% band) plus the recursion's neglected terms, of relative order
    # sum_l 1 / n_l (here 3 / 64; we allow twice that).
    rng = np.random.default_rng(3)
    widths, networks = [48, 64, 64, 64, 5], 3000
    x = rng.uniform(0, 1, (4, widths[0]))
    var_ws = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
    predicted = standard_errors.leading_order(
        activation, widths, var_ws, standard_errors.KURTOSIS[init], x
    )
    f, f_prime = activations.get(activation)
    theory_error = 2 * sum(1 / n for n in widths[1:-1])
    z = np.broadcast_to(x, (networks, *x.shape))
    layers = uniform_layers(rng, networks, widths, init)
    assert_spread_predicted(
        predicted, forward_cells(z, layers, f, f_prime), theory_error
    )


def test_relu_derivative_is_not_predicted():
    x = np.random.default_rng(4).uniform(0, 1, (3, 10))
    out = standard_errors.leading_order("relu", [10, 20, 20, 3], [0.1] * 3, 3.0, x)
    assert not any(q == "activation_derivative" for q, _ in out)
    assert ("activation", 2) in out


def linear_experiment(widths, examples):
    return {
        "widths": widths,
        "activations": ["linear"],
        "inits": ["standard"],
        "input": "gaussian",
        "examples": examples,
    }


def test_table_judges_and_counts():
    # Two networks' worth of rows for a linear Gaussian-input experiment: the
    # table has the verdict columns and drops nothing it can judge.
    exp = linear_experiment([20, 10, 3], 5)
    rng = np.random.default_rng(5)
    rows = []
    for network in range(30):
        for quantity, layer in [("activation", 0), ("preactivation", 0)]:
            mean, variance = rng.normal(0, 0.01), 1 + rng.normal(0, 0.1)
            rows.append(
                ("linear", "standard", network, quantity, layer, mean, variance)
            )
    per = measure.ensemble_variance(
        pd.DataFrame(
            rows,
            columns=[
                "activation",
                "init",
                "network",
                "quantity",
                "layer",
                "mean",
                "variance",
            ],
        )
    )
    table = standard_errors.table(exp, per, margin=0.1)
    assert list(table.columns) == standard_errors.COLUMNS
    assert set(table["method"]) == {"exact"}
    assert table["verdict"].isin(["agree", "disagree", "inconclusive"]).all()
    counts = standard_errors.counts(table)
    assert counts["count"].sum() == len(table)


def test_networks_for_a_target_resolution():
    # 1.96 x 0.1 / 0.01 = 19.6, squared 384.1: 385 networks; never fewer than 2.
    assert standard_errors.networks_for(0.1, 0.01) == 385
    assert standard_errors.networks_for(1e-6, 0.5) == 2


def test_networks_needed_from_the_prediction():
    # A linear Gaussian-input network: the exact sd over the predicted mean.
    exp = linear_experiment([30, 20, 4], 10)
    keys = [("activation", 0), ("activation", 1), ("preactivation", 0)]
    keys += [("preactivation", 1)]
    predictions = pd.DataFrame(
        [("linear", "standard", q, i, 1.0) for q, i in keys],
        columns=["activation", "init", "quantity", "layer", "predicted_meanfield"],
    )
    table = standard_errors.networks_needed(exp, predictions, None, 0.05)
    assert list(table.columns) == standard_errors.NEEDED_COLUMNS
    first = table[(table["quantity"] == "activation") & (table["layer"] == 0)]
    # sd of |X|^2 / (B n_0) = sqrt(2 / 300) against a mean of 1.
    want = int(np.ceil((stats.norm.ppf(0.975) * np.sqrt(2 / 300) / 0.05) ** 2))
    assert first["networks_needed"].item() == want


# --- Leading order: inputs drawn per network ----------------------------------------


def test_independent_inputs_approach_exact_for_linear():
    # The `bounds` network (B / n up to 2, where the pairs of independent
    # examples carry most of the spread): within sum_l 1 / n_l of exact.
    widths, examples = [300, 400, 100, 150, 50, 10], 100
    for init in ("standard", "he"):
        var_ws = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
        kurtosis = standard_errors.KURTOSIS[init]
        exact = standard_errors.linear_sd(widths, var_ws, kurtosis, examples=examples)
        approx = standard_errors.independent_inputs(
            "linear", widths, var_ws, kurtosis, examples
        )
        tolerance = sum(1 / n for n in widths[1:-1])
        for key, value in exact.items():
            assert approx[key] == pytest.approx(value, rel=tolerance), (init, key)


@pytest.mark.parametrize(
    "activation,init", [("tanh", "standard"), ("relu", "he"), ("sigmoid", "normalized")]
)
def test_independent_inputs_against_monte_carlo(activation, init):
    # Fresh N(0, 1) inputs for every network, B / n = 20 / 64; tolerance as in
    # the fixed-input test: the Monte Carlo sd's 99.9% band plus 2 sum_l 1 / n_l.
    rng = np.random.default_rng(6)
    widths, networks, examples = [48, 64, 64, 64, 5], 3000, 20
    var_ws = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
    predicted = standard_errors.independent_inputs(
        activation, widths, var_ws, standard_errors.KURTOSIS[init], examples
    )
    f, f_prime = activations.get(activation)
    theory_error = 2 * sum(1 / n for n in widths[1:-1])
    z = rng.standard_normal((networks, examples, widths[0]))
    cells = {("activation", 0): z}
    layers = uniform_layers(rng, networks, widths, init)
    for key, values in forward_cells(z, layers, f, f_prime).items():
        if key[0] != "activation_derivative" or key in predicted:
            cells[key] = values
    assert_spread_predicted(predicted, cells, theory_error)
