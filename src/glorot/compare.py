"""Measured means over networks with confidence intervals, joined with the
predictions and judged by the equivalence verdicts of ``glorot.verdicts``
(agree, disagree, inconclusive, with the resolution of each), and the tables
that count them."""

import numpy as np
import pandas as pd
from scipy import stats

from . import verdicts
from .quantities import VARIANCE_QUANTITIES

KEYS = ["activation", "init", "quantity", "layer"]
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
    variances = per_network[per_network["quantity"].isin(VARIANCE_QUANTITIES)]
    for key, group in variances.groupby(KEYS, sort=True):
        mean, low, high, se = mean_with_ci(group[value].to_numpy())
        rows.append((*key, mean, low, high, se, len(group)))
    return pd.DataFrame(
        rows,
        columns=KEYS + ["measured", "ci_low", "ci_high", "standard_error", "networks"],
    )


# --- The verdicts: glorot.verdicts applied to every cell -----------------------
#
# A cell (activation, init, quantity, layer) is measured as a mean over
# networks with a 95% Student-t interval; a prediction p of it is judged by
# the interval of p / measured (glorot.verdicts.ratio_interval) against the
# margin band [1 - m, 1 + m]: agree, disagree or inconclusive. The half-width
# of the ratio interval is the verdict's resolution.
#
# Cells fall in three classes, counted separately, since they do not test the
# theory equally:
#
# - ``exact``: the inputs z^0 and the first pre-activations s^0 = z^0 W^0,
#   which every prediction gets exactly from the inputs and Var[W^0] (their
#   verdicts test the sampling of the weights, not a theory);
# - ``output``: the logits s^d and the top gradient dC/ds^d, a handful of
#   units (the classes) measured with a wide interval;
# - ``hidden``: every other cell, the layers the theories are about.
CELL_CLASSES = ("hidden", "exact", "output")


def cell_class(quantity, layer, depth):
    """``hidden``, ``exact`` or ``output`` (see above) of the cell
    ``quantity[layer]`` of a network whose top layer is ``depth`` = d."""
    if layer == 0 and quantity in ("activation", "preactivation"):
        return "exact"
    if layer == depth and quantity in ("preactivation", "backprop_gradient"):
        return "output"
    return "hidden"


def with_cell_class(table):
    """``table`` with a column ``cells``: the class of each row's cell; d is
    the largest layer of the row's (activation, init)."""
    table = table.copy()
    depth = table.groupby(["activation", "init"])["layer"].transform("max")
    table["cells"] = [
        cell_class(q, int(i), int(d))
        for q, i, d in zip(table["quantity"], table["layer"], depth)
    ]
    return table


def prediction_name(column):
    """'predicted_glorot' -> 'glorot': the suffix of the ratio_, ratio_low_,
    ratio_high_ and verdict_ columns and the name in agreement.csv."""
    return column.removeprefix("predicted_")


def with_verdicts(table, margin=verdicts.DEFAULT_MARGIN, predictions=PREDICTIONS):
    """Per prediction, add ratio_<name> = predicted / measured, the 95%
    interval of that ratio (ratio_low_<name>, ratio_high_<name>, from the
    measured interval) and verdict_<name> against the margin ``margin``."""
    table = table.copy()
    for column in predictions:
        name = prediction_name(column)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[f"ratio_{name}"] = table[column] / table["measured"]
        low, high = verdicts.ratio_interval(
            table[column], table["ci_low"], table["ci_high"]
        )
        # A measured interval of width 0 (the shared inputs z^0) gives a
        # ratio interval of width 0.
        table[f"ratio_low_{name}"] = low
        table[f"ratio_high_{name}"] = high
        table[f"verdict_{name}"] = verdicts.verdict(low, high, margin)
    return table


def join_predictions(summary, predictions, margin=verdicts.DEFAULT_MARGIN):
    """Attach the prediction columns, the class of each cell and, per
    prediction, the ratio, its interval and the verdict; rows without a
    prediction get NaN (and are inconclusive)."""
    table = summary.merge(predictions, on=KEYS, how="left", validate="one_to_one")
    return with_verdicts(with_cell_class(table), margin)


def _worst_ratio(ratio, cells):
    """The ratio furthest from 1 (in log; non-positive and NaN ignored) and its cell."""
    ratio = np.asarray(ratio, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log(np.where(ratio > 0, ratio, np.nan)))
    if not np.isfinite(distance).any():
        return np.nan, ""
    k = int(np.nanargmax(distance))
    return ratio[k], cells[k]


AGREEMENT_COLUMNS = [
    "prediction",
    "activation",
    "init",
    "cells",
    "count",
    *verdicts.VERDICTS,
    "median_half_width",
    "max_half_width",
    "worst_ratio",
    "worst_ratio_cell",
]


ALL = "all"


def _agreement_rows(table, by, predictions):
    rows = []
    for column in predictions:
        name = prediction_name(column)
        for key, group in table.groupby([*by, "cells"], sort=True):
            cells = [f"{q}[{i}]" for q, i in zip(group["quantity"], group["layer"])]
            counts = group[f"verdict_{name}"].value_counts()
            h = verdicts.relative_half_width(
                group[f"ratio_low_{name}"], group[f"ratio_high_{name}"]
            )
            worst, worst_cell = _worst_ratio(group[f"ratio_{name}"], cells)
            rows.append(
                (
                    name,
                    *key[:-1],
                    *([ALL] * (2 - len(by))),
                    key[-1],
                    len(group),
                    *(int(counts.get(v, 0)) for v in verdicts.VERDICTS),
                    float(np.median(h)),
                    float(np.max(h)),
                    worst,
                    worst_cell,
                )
            )
    return rows


def agreement(table, predictions=PREDICTIONS):
    """One row per prediction, (activation, init) and class of cells: how
    many cells, how many of them agree, disagree and are inconclusive, the
    median and largest half-width of their ratio intervals (the resolution
    of these verdicts) and the ratio predicted / measured furthest from 1
    (in log) with its cell "quantity[layer]". Then the same per activation
    over every init (init "all") and over everything (both "all")."""
    rows = []
    for by in (("activation", "init"), ("activation",), ()):
        rows += _agreement_rows(table, by, predictions)
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def percent(x):
    """A half-width (a fraction) as a percentage: 0.0043 -> '0.43%'; an
    unbounded one (a measured interval that holds 0) as 'unbounded'."""
    if not np.isfinite(x):
        return "unbounded"
    return f"{100 * x:.2g}%" if x < 0.1 else f"{100 * x:.0f}%"


def verdict_text(row, margin):
    """'agrees within 2% in N of M cells (disagrees in D, inconclusive in
    I); median half-width r, largest R' of one row of ``agreement``."""
    return (
        f"agrees within {margin:.0%} in {row.agree} of {row.count} cells "
        f"(disagrees in {row.disagree}, inconclusive in {row.inconclusive}); "
        f"median half-width {percent(row.median_half_width)}, largest "
        f"{percent(row.max_half_width)}"
    )


def markdown_summary(table, experiment, margin=verdicts.DEFAULT_MARGIN):
    """summary.md: the verdict and its resolution, then per prediction and
    class of cells the verdicts with their resolution, per activation and
    init, then per quantity."""
    cov = agreement(table)
    overall = cov[(cov["activation"] == ALL) & (cov["init"] == ALL)]
    cov = cov[(cov["activation"] != ALL) & (cov["init"] != ALL)]
    lines = [
        f"# Prediction versus measurement: experiment `{experiment}`",
        "",
        "Verdict (`src/glorot/verdicts.py`): the ratio predicted / measured "
        "has a 95% interval from the measured mean's (Student-t over the "
        "networks). A prediction **agrees** with a cell when that whole "
        f"interval lies in [{1 - margin:g}, {1 + margin:g}] (margin "
        f"{margin:.0%}, the config key `agreement_margin`), **disagrees** when "
        "it lies wholly outside, and is **inconclusive** otherwise. The "
        "half-width of the interval is the resolution: the verdict cannot "
        "tell apart predictions closer than that. Cells are counted in three "
        "classes: `hidden` (every cell but the following), `exact` (the inputs "
        "z^0 and s^0 = z^0 W^0, predicted exactly from the inputs by every "
        "theory) and `output` (the logits s^d and the top gradient dC/ds^d). "
        "`verdict_*` in `variance_by_layer.csv` gives each cell's verdict.",
        "",
        "## All cells of a class",
        "",
        "| prediction | cells | verdict |",
        "|---|---|---|",
    ]
    for row in overall.itertuples(index=False):
        lines.append(
            f"| {row.prediction} | {row.cells} | {verdict_text(row, margin)} |"
        )
    lines += [
        "",
        "## Per activation and init",
        "",
        "Counts agree / disagree / inconclusive of the cells, the median and "
        "largest half-width of their ratio intervals, and the ratio furthest "
        "from 1 with its cell `quantity[layer]`.",
        "",
        "| prediction | activation | init | cells | agree / disagree / inconclusive "
        "| half-width median, largest | worst ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in cov.itertuples(index=False):
        lines.append(
            f"| {row.prediction} | {row.activation} | {row.init} | {row.cells} "
            f"| {row.agree} / {row.disagree} / {row.inconclusive} of {row.count} "
            f"| {percent(row.median_half_width)}, {percent(row.max_half_width)} "
            f"| {row.worst_ratio:.3g} ({row.worst_ratio_cell}) |"
        )
    lines += [
        "",
        "## Per quantity",
        "",
        "Layers that agree / are inconclusive / disagree, per activation, init "
        "and quantity (every class).",
        "",
        "| activation | init | quantity | "
        + " | ".join(prediction_name(c) for c in PREDICTIONS)
        + " |",
        "|---|---|---|" + "---|" * len(PREDICTIONS),
    ]
    for (activation, init, quantity), group in table.groupby(
        ["activation", "init", "quantity"], sort=True
    ):
        counts = []
        for c in PREDICTIONS:
            v = group[f"verdict_{prediction_name(c)}"]
            counts.append(
                f"{int((v == verdicts.AGREE).sum())}/"
                f"{int((v == verdicts.INCONCLUSIVE).sum())}/"
                f"{int((v == verdicts.DISAGREE).sum())}"
            )
        lines.append(
            f"| {activation} | {init} | {quantity} | " + " | ".join(counts) + " |"
        )
    return "\n".join(lines) + "\n"


def layer_ratios(per_network, predictions, margin=verdicts.DEFAULT_MARGIN):
    """Layer-to-layer ratios Var[q^i] / Var[q^{i+1}], i = 0..d-1, per quantity q.

    A ratio cancels whatever the layers share, e.g. the top gradient
    Var[dC/ds^d] that every layer of eq. (6) and (7) inherits, so it tests the
    per-layer factor of an equation alone (corrected eq. 6: n_{i+2} Var[W^{i+1}];
    as printed: n_{i+1} Var[W^i]). Measured: the ratio within each network,
    then its mean over networks with a 95% interval (the two layers of one
    network are not independent, so the ratio of the two means would not do).
    Predicted: the ratio of the predicted variances. One row per (activation,
    init, quantity, layer i), with the verdict columns of ``with_verdicts``.

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
    variances = per_network[per_network["quantity"].isin(VARIANCE_QUANTITIES)]
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
    return with_verdicts(table, margin)


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
