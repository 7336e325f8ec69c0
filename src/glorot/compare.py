"""Measured means over networks with confidence intervals, joined with the
predictions, and the criterion that says whether a prediction agrees with a
measurement (``agrees``; the constants AGREE_*), with its coverage tables."""

import numpy as np
import pandas as pd
from scipy import stats

from .quantities import VARIANCE_QUANTITIES

KEYS = ["activation", "init", "quantity", "layer"]
QUANTITIES = VARIANCE_QUANTITIES
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
        rows,
        columns=KEYS + ["measured", "ci_low", "ci_high", "standard_error", "networks"],
    )


# --- The agreement criterion: the one place it is defined --------------------
#
# A prediction agrees with a measured cell (activation, init, quantity, layer)
# when
#
#     |predicted - measured| <= AGREE_STANDARD_ERRORS * standard_error
#                               + AGREE_RELATIVE * |measured|.
#
# The first term is the sampling error of the measured mean over networks
# (3 standard errors: with 8 networks a correct prediction fails it about 2%
# of the time, P(|t_7| > 3), less with the floor). The second is a floor for
# cells measured so precisely that effects the theory leaves out on purpose
# (finite width, 1/n corrections) exceed their standard error: a prediction
# within 2% is counted as right.
#
# The input layer's activations, when every network sees the same images,
# are measured without sampling error and "predicted" from those same images:
# such a cell tests nothing and is left out of the coverage (``tested``).
# Every other cell counts, a cell measured as exactly 0 (float32 underflow)
# included.
AGREE_STANDARD_ERRORS = 3.0
AGREE_RELATIVE = 0.02
CRITERION_TEXT = (
    f"a prediction agrees with a cell when |predicted - measured| <= "
    f"{AGREE_STANDARD_ERRORS:g} standard errors + {AGREE_RELATIVE:.0%} of measured"
)


def tested(table):
    """The cells that count in the coverage: all but the input layer's
    activations when they were measured without sampling error."""
    fixed_input = (
        (table["quantity"] == "activation")
        & (table["layer"] == 0)
        & (table["standard_error"] == 0)
    )
    return table[~fixed_input]


def tolerance(measured, standard_error):
    """The largest |predicted - measured| that still agrees (see CRITERION_TEXT)."""
    return AGREE_STANDARD_ERRORS * np.asarray(standard_error) + AGREE_RELATIVE * np.abs(
        measured
    )


def agrees(predicted, measured, standard_error):
    """True where the prediction agrees with the measurement by the criterion
    above; False where it does not or where the prediction is missing (NaN)."""
    predicted = np.asarray(predicted, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.abs(predicted - measured) <= tolerance(measured, standard_error)


def prediction_name(column):
    """'predicted_glorot' -> 'glorot': the suffix of the ratio_, agrees_ and
    error_se_ columns and the name in agreement.csv."""
    return column.removeprefix("predicted_")


def with_agreement(table, predictions=PREDICTIONS):
    """Per prediction, add ratio_<name> = predicted / measured, error_se_<name> =
    (predicted - measured) / standard_error and agrees_<name> (the criterion)."""
    table = table.copy()
    for column in predictions:
        name = prediction_name(column)
        table[f"ratio_{name}"] = table[column] / table["measured"]
        se = table["standard_error"].where(table["standard_error"] > 0)
        table[f"error_se_{name}"] = (table[column] - table["measured"]) / se
        table[f"agrees_{name}"] = agrees(
            table[column], table["measured"], table["standard_error"]
        )
    return table


def join_predictions(summary, predictions):
    """Attach the prediction columns and, per prediction, the ratio, the error in
    standard errors and the agreement flag; rows without a prediction get NaN
    (and do not agree)."""
    table = summary.merge(predictions, on=KEYS, how="left", validate="one_to_one")
    return with_agreement(table)


def _worst(values, cells):
    """The entry of ``values`` largest in absolute value (NaN ignored), and its cell."""
    values = np.asarray(values, dtype=float)
    if not np.isfinite(values).any():
        return np.nan, ""
    k = int(np.nanargmax(np.abs(values)))
    return values[k], cells[k]


AGREEMENT_COLUMNS = [
    "prediction",
    "activation",
    "init",
    "cells",
    "agree",
    "share",
    "worst_error_se",
    "worst_error_se_cell",
    "worst_ratio",
    "worst_ratio_cell",
]


def coverage(table, by=("activation", "init"), predictions=PREDICTIONS):
    """One row per prediction and group (default: activation and init): the
    number of cells, how many agree, their share, the largest miss in standard
    errors (signed: predicted - measured) and the ratio predicted / measured
    furthest from 1 (in log), each with its cell "quantity[layer]". Only the
    ``tested`` cells count.
    """
    table = tested(table)
    rows = []
    for column in predictions:
        name = prediction_name(column)
        for key, group in table.groupby(list(by), sort=True):
            cells = [f"{q}[{i}]" for q, i in zip(group["quantity"], group["layer"])]
            n_agree = int(group[f"agrees_{name}"].sum())
            error_se, error_cell = _worst(group[f"error_se_{name}"], cells)
            ratio = group[f"ratio_{name}"].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                log_ratio = np.log(np.where(ratio > 0, ratio, np.nan))
            _, ratio_cell = _worst(log_ratio, cells)
            worst_ratio = ratio[cells.index(ratio_cell)] if ratio_cell else np.nan
            key = key if isinstance(key, tuple) else (key,)
            rows.append(
                (
                    name,
                    *key,
                    len(group),
                    n_agree,
                    n_agree / len(group),
                    error_se,
                    error_cell,
                    worst_ratio,
                    ratio_cell,
                )
            )
    return pd.DataFrame(rows, columns=["prediction", *by] + AGREEMENT_COLUMNS[3:])


def _share(agree, cells):
    return f"{agree}/{cells} ({agree / cells:.0%})"


def markdown_summary(table, experiment):
    """summary.md: the criterion, then per prediction the share of agreeing
    cells per activation and init with the worst misses, then per quantity."""
    cov = coverage(table)
    lines = [
        f"# Prediction versus measurement: experiment `{experiment}`",
        "",
        f"Criterion: {CRITERION_TEXT} (standard error of the mean over networks; "
        "`src/glorot/compare.py`). A cell is one (quantity, layer) of one "
        "activation and init; `agrees_*` in `variance_by_layer.csv` flags each. "
        "The input layer's activations are not counted when every network sees "
        "the same images (no sampling error, and the predictions are computed "
        "from those images).",
        "",
        "## Share of cells that agree",
        "",
        "Worst misses: the largest |predicted - measured| in standard errors "
        "(signed) and the ratio predicted / measured furthest from 1, with their "
        "cell `quantity[layer]`.",
        "",
        "| prediction | activation | init | agree | worst miss (SE) | worst ratio |",
        "|---|---|---|---|---|---|",
    ]
    for row in cov.itertuples(index=False):
        lines.append(
            f"| {row.prediction} | {row.activation} | {row.init} | {_share(row.agree, row.cells)} "
            f"| {row.worst_error_se:+.3g} ({row.worst_error_se_cell}) "
            f"| {row.worst_ratio:.3g} ({row.worst_ratio_cell}) |"
        )
    totals = coverage(table, by=("activation",))
    lines += [
        "",
        "Per prediction and activation, all inits together:",
        "",
        "| prediction | activation | agree |",
        "|---|---|---|",
    ]
    for row in totals.itertuples(index=False):
        lines.append(
            f"| {row.prediction} | {row.activation} | {_share(row.agree, row.cells)} |"
        )
    lines += [
        "",
        "## Per quantity",
        "",
        "Layers that agree, per activation, init and quantity.",
        "",
        "| activation | init | quantity | "
        + " | ".join(prediction_name(c) for c in PREDICTIONS)
        + " |",
        "|---|---|---|" + "---|" * len(PREDICTIONS),
    ]
    for (activation, init, quantity), group in tested(table).groupby(
        ["activation", "init", "quantity"], sort=True
    ):
        counts = [
            f"{int(group[f'agrees_{prediction_name(c)}'].sum())}/{len(group)}"
            for c in PREDICTIONS
        ]
        lines.append(
            f"| {activation} | {init} | {quantity} | " + " | ".join(counts) + " |"
        )
    return "\n".join(lines) + "\n"


def layer_ratios(per_network, predictions):
    """Layer-to-layer ratios Var[q^i] / Var[q^{i+1}], i = 0..d-1, per quantity q.

    A ratio cancels whatever the layers share, e.g. the top gradient
    Var[dC/ds^d] that every layer of eq. (6) and (7) inherits, so it tests the
    per-layer factor of an equation alone (corrected eq. 6: n_{i+2} Var[W^{i+1}];
    as printed: n_{i+1} Var[W^i]). Measured: the ratio within each network,
    then its mean over networks with a 95% interval (the two layers of one
    network are not independent, so the ratio of the two means would not do).
    Predicted: the ratio of the predicted variances. One row per (activation,
    init, quantity, layer i), with the agreement columns of ``with_agreement``.

    The per-network variance is the one pooled within the network (column
    ``variance``). It misses the spread of the network's pooled mean
    (``glorot.measure.ensemble_variance``): nothing for the top gradient,
    whose mean over the classes is exactly 0 for every example, and a
    fraction of order 1/n_i in a layer of n_i units whose expected mean is 0
    (the gradients below the top, the units of odd activations), negligible
    at the paper's widths; for the few logits of a classifier it is biased
    low, so the ratios of `preactivation` at the top layer are not a test of
    the theory. The mean of per-network ratios is not the ratio of the
    expected variances either (Jensen), by a relative amount of the order of
    the squared relative spread of the per-network variance, which is small
    wherever a layer pools many units and examples.
    """
    variances = per_network[per_network["quantity"].isin(QUANTITIES)]
    rows = []
    for key, group in variances.groupby(["activation", "init", "quantity"], sort=True):
        by_layer = group.pivot(
            index="network", columns="layer", values="variance"
        ).sort_index(axis=1)
        layers = by_layer.columns.to_numpy()
        for i, j in zip(layers[:-1], layers[1:]):
            mean, low, high, se = mean_with_ci((by_layer[i] / by_layer[j]).to_numpy())
            rows.append((*key, i, mean, low, high, se, len(by_layer)))
    table = pd.DataFrame(
        rows,
        columns=KEYS + ["measured", "ci_low", "ci_high", "standard_error", "networks"],
    )
    up = predictions.assign(layer=predictions["layer"] - 1)
    ratio = predictions.merge(up, on=KEYS, suffixes=("", "_up"), validate="one_to_one")
    for column in PREDICTIONS:
        ratio[column] = ratio[column] / ratio[f"{column}_up"]
    table = table.merge(
        ratio[KEYS + PREDICTIONS], on=KEYS, how="left", validate="one_to_one"
    )
    return with_agreement(table)


def mean_over_networks(per_network, column):
    """Per (activation, init, layer), sorted: the mean over the networks of
    ``column`` (one value per network), its 95% CI and standard error
    (``mean_with_ci``) and the number of networks."""
    keys = ["activation", "init", "layer"]
    rows = []
    for key, group in per_network.groupby(keys, sort=True):
        rows.append((*key, *mean_with_ci(group[column].to_numpy()), len(group)))
    return pd.DataFrame(
        rows,
        columns=[*keys, column, "ci_low", "ci_high", "standard_error", "networks"],
    )


def summarise_jacobian(per_network):
    """Mean over networks of the per-network average singular value, with 95% CI."""
    table = mean_over_networks(per_network, "mean_singular_value")
    return table.drop(columns="standard_error")
