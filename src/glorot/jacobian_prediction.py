"""Eq. (17) predicted: the average singular value of each layer Jacobian
J^i = diag(f'(s^i)) W^i^T from the widths, Var[W^i] and the law of f'(s^i)
(glorot.free_probability.layer_mean_singular_value), beside the measured one,
judged by glorot.verdicts. docs/spectrum.md derives it and names what is
approximated.
"""

import numpy as np
import pandas as pd

from . import compare, free_probability, verdicts
from .initializers import weight_variance

PREDICTION_COLUMNS = ["activation", "init", "layer", "q", "predicted"]


def predict_layers(exp, predictions):
    """One row per (activation, init, layer i = 0..d-1): the mean-field
    Var[s^i] = q^i (``predictions``: the experiment's predictions.csv, column
    predicted_meanfield of quantity preactivation) and the predicted average
    singular value of J^i with s^i ~ N(0, q^i).

    Orthogonal weights (columns orthonormal, n_i >= n_{i+1}) make W^T W the
    identity times n_i Var[W]; with n_i < n_{i+1} the prediction is NaN (not
    derived)."""
    widths = exp["widths"]
    q = predictions[predictions["quantity"] == "preactivation"].set_index(
        ["activation", "init", "layer"]
    )["predicted_meanfield"]
    rows = []
    for activation in exp["activations"]:
        for init in exp["inits"]:
            for i in range(len(widths) - 2):
                n_in, n_out = widths[i], widths[i + 1]
                q_i = float(q[(activation, init, i)])
                var_w = weight_variance(init, n_in, n_out)
                if init == "orthogonal":
                    value = _orthogonal_layer(activation, n_in, n_out, var_w, q_i)
                else:
                    value = free_probability.layer_mean_singular_value(
                        activation, n_in, n_out, var_w, q_i
                    )
                rows.append((activation, init, i, q_i, value))
    return pd.DataFrame(rows, columns=PREDICTION_COLUMNS)


def _orthogonal_layer(activation, n_in, n_out, var_w, q):
    """W^T W = n_in Var[W] I when n_in >= n_out: J J^T = n_in Var[W] D^2, whose
    average singular value is sqrt(n_in Var[W]) E[|f'(s)|]."""
    if n_in < n_out:
        return np.nan
    t, p = free_probability.derivative_square_law(activation, q)
    return float(np.sqrt(n_in * var_w) * (p @ np.sqrt(t)))


def summarise(per_network, layer_predictions, margin=verdicts.DEFAULT_MARGIN):
    """jacobian.csv: the measured mean over networks with its 95% interval
    (compare.summarise_jacobian), the prediction, and the verdict with its
    ratio interval and resolution (half-width)."""
    table = compare.summarise_jacobian(per_network)
    keys = ["activation", "init", "layer"]
    table = table.merge(layer_predictions[keys + ["predicted"]], on=keys, how="left")
    low, high = verdicts.ratio_interval(
        table["predicted"], table["ci_low"], table["ci_high"]
    )
    table["ratio_low"], table["ratio_high"] = low, high
    table["resolution"] = verdicts.half_width(low, high)
    table["verdict"] = verdicts.verdict(low, high, margin)
    return table
