"""Markdown pieces of docs/derivation.md and docs/agreement.md, computed from
the workflow's tables: every number those documents state about how well a
prediction does comes from here."""

import fcntl

import numpy as np

from . import verdicts
from .compare import ALL, PREDICTIONS, percent, prediction_name, verdict_text
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


def _mark(verdict):
    """A verdict as a table shows it: agree, **disagree**, *inconclusive*."""
    return {
        verdicts.AGREE: "agree",
        verdicts.DISAGREE: "**disagree**",
        verdicts.INCONCLUSIVE: "*inconclusive*",
    }[verdict]


def _ratio_ci(row, name):
    """'ratio [low, high]' of prediction ``name`` in a table row."""
    return (
        f"{_g(getattr(row, f'ratio_{name}'))} [{_g(getattr(row, f'ratio_low_{name}'))}, "
        f"{_g(getattr(row, f'ratio_high_{name}'))}]"
    )


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


def criterion_text(margin=verdicts.DEFAULT_MARGIN):
    """The verdict rule in words, for margin ``margin``."""
    return (
        "the whole 95% interval of the ratio predicted / measured lies in "
        f"$[{1 - margin:g}, {1 + margin:g}]$ (margin {margin:.0%}); it "
        "**disagrees** when the whole interval lies outside, and the verdict is "
        "**inconclusive** when the interval straddles a bound"
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


def backward_text(assumptions, name="backward_independence"):
    """Per activation: the range of the backward-independence ratio ``name``
    (pooled over examples, or ``backward_independence_per_example``) over
    inits and layers, and where it is furthest from 1."""
    parts = []
    for activation in sorted(assumptions["activation"].unique()):
        a = _select(assumptions, assumption=name, activation=activation)
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
        "| init | $i$ | measured ratio [95% CI] | corrected | verdict | as printed | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in t.itertuples(index=False):
        lines.append(
            f"| {row.init} | {row.layer} | {_ci(row)} | {_g(row.predicted_glorot)} "
            f"| {_mark(row.verdict_glorot)} | {_g(row.predicted_glorot_printed)} "
            f"| {_mark(row.verdict_glorot_printed)} |"
        )
    return "\n".join(lines)


def ratio_verdict(ratios, quantity):
    """How the layer-to-layer ratios judge each reading, and which reading
    stands: the one no ratio disagrees with, when some ratio disagrees with
    the other."""
    t = ratios[ratios["quantity"] == quantity]
    n = len(t)
    counts = {
        p: {
            v: int((t[f"verdict_{p}"] == v).sum())
            for v in (verdicts.AGREE, verdicts.DISAGREE)
        }
        for p in ("glorot", "glorot_printed")
    }
    corrected, printed = counts["glorot"], counts["glorot_printed"]
    h = np.concatenate(
        [
            verdicts.relative_half_width(t[f"ratio_low_{p}"], t[f"ratio_high_{p}"])
            for p in ("glorot", "glorot_printed")
        ]
    )
    rejected = {p: c[verdicts.DISAGREE] > 0 for p, c in counts.items()}
    if rejected["glorot_printed"] and not rejected["glorot"]:
        verdict = "corrected"
    elif rejected["glorot"] and not rejected["glorot_printed"]:
        verdict = "printed"
    elif rejected["glorot"]:
        verdict = "neither reading"
    else:
        verdict = "the ratios cannot tell the readings apart"
    return (
        f"the corrected reading agrees with {corrected['agree']} of the {n} "
        f"measured ratios and disagrees with {corrected['disagree']}, the printed "
        f"one agrees with {printed['agree']} and disagrees with "
        f"{printed['disagree']} (median half-width {percent(float(np.median(h)))}): "
        f"{verdict}"
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
    with its ratio to the measurement [95% interval] and its verdict."""
    t = table[table["quantity"] == quantity].sort_values(["init", "layer"])
    lines = [
        "| init | $i$ | measured [95% CI] | corrected | ratio [95% CI] | verdict "
        "| as printed | ratio [95% CI] | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in t.itertuples(index=False):
        lines.append(
            f"| {row.init} | {row.layer} | {_ci(row)} "
            f"| {_g(row.predicted_glorot)} | {_ratio_ci(row, 'glorot')} "
            f"| {_mark(row.verdict_glorot)} "
            f"| {_g(row.predicted_glorot_printed)} | {_ratio_ci(row, 'glorot_printed')} "
            f"| {_mark(row.verdict_glorot_printed)} |"
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
        "measured [95% CI] | uniform softmax | linear regime | verdict | mean-field | verdict |",
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
            f"| {_g(top.predicted_glorot)} | {_mark(top.verdict_glorot)} "
            f"| {_g(top.predicted_meanfield)} | {_mark(top.verdict_meanfield)} |"
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


def coverage_markdown(agreement, cells="hidden"):
    """One row per (activation, init), one column per prediction: of the
    cells of class ``cells``, how many agree, with the median half-width of
    their ratio intervals, and where not all agree the ratio furthest from 1."""
    names = [prediction_name(c) for c in PREDICTIONS]
    lines = [
        "| activation | init | "
        + " | ".join(PREDICTION_LABELS[n] for n in names)
        + " |",
        "|---|---|" + "---|" * len(names),
    ]
    rows = agreement[
        (agreement["cells"] == cells)
        & (agreement["activation"] != ALL)
        & (agreement["init"] != ALL)
    ]
    for (activation, init), group in rows.groupby(["activation", "init"], sort=True):
        entries = []
        for name in names:
            row = next(group[group["prediction"] == name].itertuples(index=False))
            text = f"{row.agree}/{row.count} (±{percent(row.median_half_width)})"
            if row.agree < row.count:
                text += (
                    f", {row.disagree} disagree, worst {_g(row.worst_ratio)} "
                    f"{row.worst_ratio_cell}"
                )
            entries.append(text)
        lines.append(f"| {activation} | {init} | " + " | ".join(entries) + " |")
    return "\n".join(lines)


def _row(agreement, prediction, cells="hidden", activation=ALL, init=ALL):
    rows = _select(
        agreement,
        prediction=prediction,
        cells=cells,
        activation=activation,
        init=init,
    )
    if len(rows) != 1:
        raise ValueError(
            f"agreement.csv: expected one row for {prediction}, {cells}, "
            f"{activation}, {init}; found {len(rows)}"
        )
    return next(rows.itertuples(index=False))


def share(agreement, prediction, margin, cells="hidden", activation=ALL):
    """The verdict sentence (``glorot.compare.verdict_text``) of one prediction
    over the cells of class ``cells`` of one activation (default: all)."""
    return verdict_text(_row(agreement, prediction, cells, activation), margin)


def count(agreement, prediction, cells="hidden", activation=ALL):
    """'agree/cells' of one prediction over the cells selected."""
    row = _row(agreement, prediction, cells, activation)
    return f"{row.agree}/{row.count}"


def resolution(agreement, cells="hidden", activation=ALL):
    """(median, largest) half-width of the ratio intervals of the mean-field
    prediction (near 1, so the measurement's relative precision) over the
    cells selected."""
    row = _row(agreement, "meanfield", cells, activation)
    return percent(row.median_half_width), percent(row.max_half_width)


def coverage_context(agreement, margin=verdicts.DEFAULT_MARGIN):
    """Numbers for sentences about one experiment's verdicts."""
    context = {"criterion": criterion_text(margin), "margin": f"{margin:.0%}"}
    activations = sorted(set(agreement["activation"]) - {ALL})
    for prediction in sorted(agreement["prediction"].unique()):
        for cells in ("hidden", "exact", "output"):
            suffix = "" if cells == "hidden" else f"_{cells}"
            context[f"share_{prediction}{suffix}"] = share(
                agreement, prediction, margin, cells
            )
        context[f"by_activation_{prediction}"] = {
            activation: {
                "count": count(agreement, prediction, activation=activation),
                "share": share(agreement, prediction, margin, activation=activation),
            }
            for activation in activations
        }
    context["resolution"] = {
        activation: resolution(agreement, activation=activation)
        for activation in activations
    }
    context["table"] = coverage_markdown(agreement)
    context["table_output"] = coverage_markdown(agreement, "output")
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


def splice_file(path, blocks):
    """Rewrite the blocks of the page ``path``: ``blocks`` maps (begin, end)
    markers to the text between them (``splice``). The page is read and
    written under an exclusive lock, so that two jobs rewriting different
    blocks of one page (the README's) at once do not lose one's. Returns
    whether the page changed."""
    with open(path, "r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        text = handle.read()
        spliced = text
        for (begin, end), block in blocks.items():
            spliced = splice(spliced, block, begin, end)
        if spliced != text:
            handle.seek(0)
            handle.write(spliced)
            handle.truncate()
        return spliced != text


def ratio_counts(ratios, quantities=("backprop_gradient", "weight_gradient")):
    """('k/n', 'k/n', r): layer-to-layer ratios where the corrected and the
    printed reading agree, and the median half-width of their intervals."""
    t = ratios[ratios["quantity"].isin(quantities)]
    n = len(t)
    h = verdicts.half_width(t["ratio_low_glorot"], t["ratio_high_glorot"])
    return (
        f"{int((t['verdict_glorot'] == verdicts.AGREE).sum())}/{n}",
        f"{int((t['verdict_glorot_printed'] == verdicts.AGREE).sum())}/{n}",
        percent(float(np.median(h))),
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
