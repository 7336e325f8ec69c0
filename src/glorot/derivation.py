"""Markdown pieces of docs/derivation.md and docs/agreement.md, computed from
the workflow's tables: every number those documents state about how well a
prediction does comes from here."""

import numpy as np

from .compare import AGREE_RELATIVE, AGREE_STANDARD_ERRORS, PREDICTIONS, prediction_name
from .theory import uniform_softmax_top_variance

PREDICTION_LABELS = {
    "glorot": "linear regime, corrected bounds",
    "glorot_printed": "linear regime, bounds as printed",
    "meanfield": "mean-field",
}


def _g(x):
    return f"{x:.3g}"


def _ci(row):
    """'measured [ci_low, ci_high]' of a table row."""
    return f"{_g(row.measured)} [{_g(row.ci_low)}, {_g(row.ci_high)}]"


def _mark(flag):
    return "yes" if bool(flag) else "**no**"


def _range(values):
    values = np.asarray(values, dtype=float)
    lo, hi = np.nanmin(values), np.nanmax(values)
    return _g(lo) if _g(lo) == _g(hi) else f"{_g(lo)}-{_g(hi)}"


# The config's `pixels` values in words (glorot.shapeset.render: [0, 1], or
# [-1, 1] with neg).
PIXELS_TEXT = {"unit": "pixels in [0, 1]", "neg": "pixels in [-1, 1]"}


INPUT_TEXT = {"gaussian": "Gaussian inputs", "shapeset": "Shapeset-3x2"}


def input_text(experiment):
    """'Gaussian inputs' or 'Shapeset-3x2, pixels in [0, 1]' for an experiment's config."""
    if experiment["input"] == "shapeset":
        return f"Shapeset-3x2, {PIXELS_TEXT[experiment['pixels']]}"
    return INPUT_TEXT[experiment["input"]]


def widths_text(widths):
    return "[" + ", ".join(str(int(n)) for n in widths) + "]"


def criterion_text():
    return (
        f"$|\\text{{predicted}} - \\text{{measured}}| \\le {AGREE_STANDARD_ERRORS:g}\\,\\mathrm{{SE}}"
        f" + {AGREE_RELATIVE * 100:g}\\%\\,|\\text{{measured}}|$"
    )


def _select(table, **keys):
    mask = np.ones(len(table), dtype=bool)
    for column, value in keys.items():
        mask &= (table[column] == value).to_numpy()
    return table[mask]


def _one(table, **keys):
    rows = _select(table, **keys)
    if len(rows) != 1:
        raise ValueError(f"expected one row for {keys}, found {len(rows)}")
    return next(rows.itertuples(index=False))


# --- the inputs -------------------------------------------------------------


def input_second_moment_ratio(assumptions, activation):
    """E[x^2] / Var[x] of the input, from the measured share E[x]^2 / E[x^2]
    at layer 0 (the same for every init: the inputs do not depend on it)."""
    share = _select(
        assumptions, activation=activation, assumption="activation_mean_share", layer=0
    )
    return float(1 / (1 - share["measured"].mean()))


# --- A1 -----------------------------------------------------------------------


def f_prime_markdown(assumptions):
    """Measured E[f'(s^i)] per activation, init and layer i = 0..d-1."""
    a = assumptions[assumptions["assumption"] == "mean_f_prime"]
    layers = sorted(a["layer"].unique())
    lines = [
        "| activation | init | " + " | ".join(f"$i = {i}$" for i in layers) + " |",
        "|---|---|" + "---|" * len(layers),
    ]
    for (activation, init), group in a.groupby(["activation", "init"], sort=True):
        values = dict(zip(group["layer"], group["measured"]))
        lines.append(
            f"| {activation} | {init} | "
            + " | ".join(f"{values[i]:.3f}" for i in layers)
            + " |"
        )
    return "\n".join(lines)


def assumption_range(assumptions, name, **keys):
    """'lo-hi' of the measured means of one assumption over the rows selected."""
    return _range(_select(assumptions, assumption=name, **keys)["measured"])


def ideal_inside_text(assumptions, name):
    """'its 95% interval contains the ideal value in k of n cells' for one assumption."""
    a = assumptions[assumptions["assumption"] == name]
    inside = int(((a["ci_low"] <= a["ideal"]) & (a["ideal"] <= a["ci_high"])).sum())
    return f"{inside} of {len(a)}"


def assumption_max(assumptions, name, **keys):
    return _g(_select(assumptions, assumption=name, **keys)["measured"].max())


def backward_text(assumptions):
    """Per activation: the range of the backward-independence ratio over inits
    and layers, and where it is furthest from 1."""
    parts = []
    for activation in sorted(assumptions["activation"].unique()):
        a = _select(
            assumptions, assumption="backward_independence", activation=activation
        )
        worst = a.loc[(a["measured"] - 1).abs().idxmax()]
        parts.append(
            f"{_range(a['measured'])} for {activation} (furthest from 1: "
            f"{worst['init']} init, layer {worst['layer']})"
        )
    return "; ".join(parts) + " (all inits and layers)"


def minibatch_range(minibatch):
    """'lo-hi' of the measured minibatch ratios (means over networks)."""
    return _range(minibatch["ratio"])


def minibatch_layer_spread(minibatch):
    """The largest factor by which the minibatch ratio varies across the layers
    of one activation and init, with that (activation, init): how far the
    factor could bend the layer-to-layer profile of (7)."""
    spread = minibatch.groupby(["activation", "init"], sort=True)["ratio"].agg(
        lambda r: r.max() / r.min()
    )
    activation, init = spread.idxmax()
    return f"{_g(spread.max())} ({activation}, {init} init)"


def minibatch_markdown(minibatch, activation):
    """Per (init, layer): the measured minibatch ratio with its 95% interval."""
    t = minibatch[minibatch["activation"] == activation]
    layers = sorted(t["layer"].unique())
    lines = [
        "| init | " + " | ".join(f"$i = {i}$" for i in layers) + " |",
        "|---|" + "---|" * len(layers),
    ]
    for init, group in t.groupby("init", sort=True):
        rows = {row.layer: row for row in group.itertuples(index=False)}
        cells = [
            f"{_g(rows[i].ratio)} [{_g(rows[i].ci_low)}, {_g(rows[i].ci_high)}]"
            for i in layers
        ]
        lines.append(f"| {init} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the layer-to-layer ratios: the bounds verdict ------------------------------


def ratio_markdown(ratios, quantity):
    """Per (init, layer i): the measured ratio Var[q^i]/Var[q^{i+1}] with its
    95% interval, and each reading's predicted ratio with its agreement."""
    t = ratios[ratios["quantity"] == quantity].sort_values(["init", "layer"])
    lines = [
        "| init | $i$ | measured ratio [95% CI] | corrected | agrees | as printed | agrees |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in t.itertuples(index=False):
        lines.append(
            f"| {row.init} | {row.layer} | {_ci(row)} | {_g(row.predicted_glorot)} "
            f"| {_mark(row.agrees_glorot)} | {_g(row.predicted_glorot_printed)} "
            f"| {_mark(row.agrees_glorot_printed)} |"
        )
    return "\n".join(lines)


def ratio_verdict(ratios, quantity):
    """How many layer-to-layer ratios each reading gets right, and the verdict."""
    t = ratios[ratios["quantity"] == quantity]
    n = len(t)
    corrected, printed = int(t["agrees_glorot"].sum()), int(
        t["agrees_glorot_printed"].sum()
    )
    if corrected == n and printed < n:
        verdict = "corrected"
    elif printed == n and corrected < n:
        verdict = "printed"
    else:
        verdict = "neither reading in every ratio"
    return (
        f"the corrected reading agrees with {corrected} of the {n} measured ratios, "
        f"the printed one with {printed}: {verdict}"
    )


def readings_differ_text(table, quantity, factor=2.0):
    """In how many cells (init x layer) the two readings differ by ``factor`` or more."""
    t = table[table["quantity"] == quantity]
    ratio = t["predicted_glorot_printed"] / t["predicted_glorot"]
    n = int((np.abs(np.log(ratio)) >= np.log(factor) - 1e-12).sum())
    return f"{n} of {len(t)}"


def nearer_text(table, quantities=("backprop_gradient", "weight_gradient")):
    """On the variances themselves: in how many cells the printed reading is
    nearer the measurement than the corrected one, per init."""
    t = table[table["quantity"].isin(quantities)]
    nearer = np.abs(t["predicted_glorot_printed"] - t["measured"]) < np.abs(
        t["predicted_glorot"] - t["measured"]
    )
    parts = [
        f"{int(nearer[t['init'] == init].sum())} of {int((t['init'] == init).sum())} ({init})"
        for init in sorted(t["init"].unique())
    ]
    return ", ".join(parts)


def bounds_markdown(table, quantity):
    """Per (init, layer): measured variance [95% CI], each reading's prediction
    with its distance in standard errors and its agreement."""
    t = table[table["quantity"] == quantity].sort_values(["init", "layer"])
    lines = [
        "| init | $i$ | measured [95% CI] | corrected | SE | agrees | as printed | SE | agrees |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in t.itertuples(index=False):
        lines.append(
            f"| {row.init} | {row.layer} | {_ci(row)} "
            f"| {_g(row.predicted_glorot)} | {row.error_se_glorot:+.1f} | {_mark(row.agrees_glorot)} "
            f"| {_g(row.predicted_glorot_printed)} | {row.error_se_glorot_printed:+.1f} "
            f"| {_mark(row.agrees_glorot_printed)} |"
        )
    return "\n".join(lines)


# --- the top layer ----------------------------------------------------------------


def top_layer_markdown(table, activation, classes):
    """Per init: the measured logit variance Var[s^d], the measured top gradient
    Var[dC/ds^d] against the uniform-softmax value for ``classes`` outputs and
    the two predictions."""
    d = int(table["layer"].max())
    lines = [
        "| init | $\\mathrm{Var}[s^d]$ measured [95% CI] | $\\mathrm{Var}[\\partial C/\\partial s^d]$ "
        "measured [95% CI] | uniform softmax | linear regime | agrees | mean-field | agrees |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for init in sorted(table["init"].unique()):
        logits = _one(
            table, activation=activation, init=init, quantity="preactivation", layer=d
        )
        top = _one(
            table,
            activation=activation,
            init=init,
            quantity="backprop_gradient",
            layer=d,
        )
        lines.append(
            f"| {init} | {_ci(logits)} | {_ci(top)} | {_g(uniform_softmax_top_variance(classes))} "
            f"| {_g(top.predicted_glorot)} | {_mark(top.agrees_glorot)} "
            f"| {_g(top.predicted_meanfield)} | {_mark(top.agrees_meanfield)} |"
        )
    return "\n".join(lines)


def last_weight_gradient_markdown(ratios, activation):
    """Per init: Var[dC/dW^d] / Var[dC/dW^{d-1}], measured (inverse of the
    layer ratio d-1 over d, interval inverted) and as the linear regime and
    mean-field predict it."""
    t = ratios[
        (ratios["quantity"] == "weight_gradient") & (ratios["activation"] == activation)
    ]
    d_minus_1 = int(t["layer"].max())
    lines = [
        "| init | measured [95% CI] | linear regime | mean-field |",
        "|---|---|---|---|",
    ]
    for row in t[t["layer"] == d_minus_1].sort_values("init").itertuples(index=False):
        lines.append(
            f"| {row.init} | {_g(1 / row.measured)} [{_g(1 / row.ci_high)}, {_g(1 / row.ci_low)}] "
            f"| {_g(1 / row.predicted_glorot)} | {_g(1 / row.predicted_meanfield)} |"
        )
    return "\n".join(lines)


# --- assumptions, eq. (14) --------------------------------------------------------

ASSUMPTION_COLUMNS = [
    ("mean_f_prime", "$E[f']$"),
    ("mean_f_prime_squared", "$E[f'^2]$"),
    ("activation_mean_share", "$E[z]^2/E[z^2]$"),
    ("forward_independence", "fwd. A3"),
    ("backward_independence", "bwd. A3"),
    ("square_independence", "$E[z^2g^2]/E[z^2]E[g^2]$"),
    ("weight_gradient_product", "$\\mathrm{Var}[zg]/\\mathrm{Var}[z]\\mathrm{Var}[g]$"),
]


def assumptions_markdown(assumptions, activation):
    """One row per (init, layer), one column per assumption (ideal values in the header)."""
    a = assumptions[assumptions["activation"] == activation]
    columns = [
        (name, label)
        for name, label in ASSUMPTION_COLUMNS
        if name in set(a["assumption"])
    ]
    header = (
        "| init | $i$ | "
        + " | ".join(
            f"{label} (ideal {a[a['assumption'] == name]['ideal'].iloc[0]:g})"
            for name, label in columns
        )
        + " |"
    )
    lines = [header, "|---|---|" + "---|" * len(columns)]
    for (init, layer), group in a.groupby(["init", "layer"], sort=True):
        values = dict(zip(group["assumption"], group["measured"]))
        cells = [f"{values[name]:.3g}" if name in values else "" for name, _ in columns]
        lines.append(f"| {init} | {layer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def eq14_text(table, activation, init, layers, label):
    """How much the weight-gradient variance varies across ``layers``, measured
    and as the corrected eq. (7) predicts, against the back-propagated one."""
    t = _select(table, quantity="weight_gradient", activation=activation, init=init)
    t = t[t["layer"].isin(layers)].sort_values("layer")
    measured = t["measured"].to_numpy()
    predicted = t["predicted_glorot"].to_numpy()
    back = _select(
        table, quantity="backprop_gradient", activation=activation, init=init
    )
    back = back[back["layer"].isin(layers)]["measured"].to_numpy()
    return (
        f"{label} ({activation}, {init} init, layers {layers[0]}-{layers[-1]}): the measured "
        f"weight-gradient variance varies by a factor {measured.max() / measured.min():.3g} "
        f"across these layers (corrected eq. 7 predicts {predicted.max() / predicted.min():.3g}), "
        f"while the back-propagated gradient variance varies by a factor "
        f"{back.max() / back.min():.3g}."
    )


# --- coverage ----------------------------------------------------------------------


def coverage_markdown(agreement):
    """One row per (activation, init), one column per prediction: cells that
    agree, with the worst ratio of the ones that do not."""
    names = [prediction_name(c) for c in PREDICTIONS]
    lines = [
        "| activation | init | "
        + " | ".join(PREDICTION_LABELS[n] for n in names)
        + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for (activation, init), group in agreement.groupby(
        ["activation", "init"], sort=True
    ):
        cells = []
        for name in names:
            row = next(group[group["prediction"] == name].itertuples(index=False))
            text = f"{row.agree}/{row.cells}"
            if row.agree < row.cells:
                text += f" (worst {_g(row.worst_ratio)}, {row.worst_ratio_cell})"
            cells.append(text)
        lines.append(f"| {activation} | {init} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def share(agreement, prediction, **keys):
    """'agree/cells (pct%)' of one prediction over the rows selected by ``keys``."""
    rows = _select(agreement[agreement["prediction"] == prediction], **keys)
    agree, cells = int(rows["agree"].sum()), int(rows["cells"].sum())
    return f"{agree}/{cells} ({agree / cells:.0%})"


def share_range(agreement, prediction, **keys):
    """'lo-hi%' of the per-(activation, init) shares of one prediction."""
    rows = _select(agreement[agreement["prediction"] == prediction], **keys)
    lo, hi = rows["share"].min(), rows["share"].max()
    return f"{lo:.0%}" if lo == hi else f"{lo:.0%}-{hi:.0%}"


def worst_miss_text(agreement, prediction, **keys):
    """The largest miss in standard errors among the rows selected, with its cell."""
    rows = _select(agreement[agreement["prediction"] == prediction], **keys)
    row = rows.loc[rows["worst_error_se"].abs().idxmax()]
    return (
        f"{row['worst_error_se']:+.3g} standard errors ({row['activation']}, {row['init']}, "
        f"{row['worst_error_se_cell']})"
    )


def coverage_context(agreement):
    """Numbers for sentences about one experiment's coverage."""
    context = {"criterion": criterion_text()}
    for prediction in sorted(agreement["prediction"].unique()):
        context[f"share_{prediction}"] = share(agreement, prediction)
        context[f"worst_{prediction}"] = worst_miss_text(agreement, prediction)
        by_activation = {}
        for activation in sorted(agreement["activation"].unique()):
            rows = _select(
                agreement[agreement["prediction"] == prediction], activation=activation
            )
            by_activation[activation] = {
                "count": f"{int(rows['agree'].sum())}/{int(rows['cells'].sum())}",
                "share": share(agreement, prediction, activation=activation),
                "range": share_range(agreement, prediction, activation=activation),
            }
        context[f"by_activation_{prediction}"] = by_activation
    context["table"] = coverage_markdown(agreement)
    return context


# --- the README block ---------------------------------------------------------------

README_BEGIN = "<!-- generated by the rule agreement_doc: begin -->"
README_END = "<!-- generated by the rule agreement_doc: end -->"


def splice(text, block, begin=README_BEGIN, end=README_END):
    """``text`` with what lies between the lines ``begin`` and ``end`` replaced
    by ``block``; both markers must be there, once each."""
    if text.count(begin) != 1 or text.count(end) != 1:
        raise ValueError(f"expected one {begin!r} and one {end!r}")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{block.strip()}\n{end}{tail}"


def ratio_counts(ratios, quantities=("backprop_gradient", "weight_gradient")):
    """('k/n', 'k/n'): layer-to-layer ratios where the corrected and the printed
    reading agree."""
    t = ratios[ratios["quantity"].isin(quantities)]
    n = len(t)
    return (
        f"{int(t['agrees_glorot'].sum())}/{n}",
        f"{int(t['agrees_glorot_printed'].sum())}/{n}",
    )


def weight_gradient_spread(table, activation, init, layers):
    """(max/min of the measured weight-gradient variance, of the back-propagated
    one) over ``layers``."""
    out = []
    for quantity in ("weight_gradient", "backprop_gradient"):
        t = _select(table, quantity=quantity, activation=activation, init=init)
        v = t[t["layer"].isin(layers)]["measured"]
        out.append(_g(v.max() / v.min()))
    return tuple(out)
