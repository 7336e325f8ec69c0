"""Measured means over networks with confidence intervals, joined with predictions."""

import numpy as np
import pandas as pd
from scipy import stats

KEYS = ["activation", "init", "quantity", "layer"]
QUANTITIES = ["activation", "preactivation", "backprop_gradient", "weight_gradient"]
PREDICTIONS = ["predicted_glorot", "predicted_glorot_printed", "predicted_meanfield"]


def mean_with_ci(values, level=0.95):
    """Mean of ``values`` (one per network) and the Student-t interval of that mean.

    The networks are independent draws, so the interval is
    mean +- t_{(1+level)/2, n-1} sd / sqrt(n); it needs n >= 2.
    Returns (mean, ci_low, ci_high, standard_error).
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    if n < 2:
        raise ValueError(f"a confidence interval needs at least 2 networks, got {n}")
    mean = v.mean()
    se = v.std(ddof=1) / np.sqrt(n)
    half = stats.t.ppf((1 + level) / 2, n - 1) * se
    return mean, mean - half, mean + half, se


def summarise_networks(per_network, value="variance"):
    """One row per (activation, init, quantity, layer): mean over networks of
    ``value`` with its 95% interval, standard error and the network count."""
    rows = []
    variances = per_network[per_network["quantity"].isin(QUANTITIES)]
    for key, group in variances.groupby(KEYS, sort=True):
        mean, low, high, se = mean_with_ci(group[value].to_numpy())
        rows.append((*key, mean, low, high, se, len(group)))
    return pd.DataFrame(
        rows, columns=KEYS + ["measured", "ci_low", "ci_high", "standard_error", "networks"]
    )


def join_predictions(summary, predictions):
    """Attach the prediction columns; rows without a prediction get NaN."""
    table = summary.merge(predictions, on=KEYS, how="left", validate="one_to_one")
    for column in PREDICTIONS:
        ratio = table[column] / table["measured"]
        table[column.replace("predicted_", "ratio_")] = ratio
    return table


def markdown_summary(table, experiment):
    """Per (activation, init) and prediction: how many layers fall inside the 95%
    interval, and the largest miss as a ratio predicted / measured."""
    lines = [
        f"# Prediction versus measurement: experiment `{experiment}`",
        "",
        "Per activation, init and quantity: layers whose 95% interval over networks "
        "contains the prediction, and the worst ratio predicted / measured among "
        "the others (1 = exact).",
        "",
        "| activation | init | quantity | prediction | inside CI | worst ratio (layer) |",
        "|---|---|---|---|---|---|",
    ]
    for (activation, init, quantity), group in table.groupby(
        ["activation", "init", "quantity"], sort=True
    ):
        for column in PREDICTIONS:
            predicted = group[column].to_numpy()
            inside = (predicted >= group["ci_low"]) & (predicted <= group["ci_high"])
            ratio = predicted / group["measured"].to_numpy()
            outside = ~inside.to_numpy()
            if outside.any():
                log_miss = np.abs(np.log(ratio[outside]))
                worst = np.argmax(log_miss)
                miss = (
                    f"{ratio[outside][worst]:.3g} "
                    f"(layer {group['layer'].to_numpy()[outside][worst]})"
                )
            else:
                miss = "-"
            lines.append(
                f"| {activation} | {init} | {quantity} | {column.removeprefix('predicted_')} "
                f"| {int(inside.sum())}/{len(group)} | {miss} |"
            )
    return "\n".join(lines) + "\n"


def summarise_jacobian(per_network):
    """Mean over networks of the per-network average singular value, with 95% CI."""
    rows = []
    for key, group in per_network.groupby(["activation", "init", "layer"], sort=True):
        mean, low, high, _ = mean_with_ci(group["mean_singular_value"].to_numpy())
        rows.append((*key, mean, low, high, len(group)))
    return pd.DataFrame(
        rows,
        columns=["activation", "init", "layer", "mean_singular_value", "ci_low", "ci_high", "networks"],
    )
