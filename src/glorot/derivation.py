"""Markdown pieces of docs/derivation.md, computed from the workflow's tables."""

from .assumptions import bounds_verdict


def _g(x):
    return f"{x:.3g}"


def bounds_markdown(table, quantity):
    """Per (init, layer): measured [95% CI], corrected and printed predictions
    with their distance from the measurement in standard errors."""
    t = table[table["quantity"] == quantity].sort_values(["init", "layer"])
    lines = [
        "| init | layer $i$ | measured [95% CI] | corrected | $z$ | as printed | $z$ |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in t.itertuples(index=False):
        z_c = (row.predicted_glorot - row.measured) / row.standard_error
        z_p = (row.predicted_glorot_printed - row.measured) / row.standard_error
        lines.append(
            f"| {row.init} | {row.layer} | {_g(row.measured)} [{_g(row.ci_low)}, {_g(row.ci_high)}] "
            f"| {_g(row.predicted_glorot)} | {z_c:+.1f} | {_g(row.predicted_glorot_printed)} | {z_p:+.1f} |"
        )
    return "\n".join(lines)


def verdict_text(table, quantity):
    layers, verdict = bounds_verdict(table, quantity)
    n = len(layers)
    if verdict == "undecided":
        return f"undecided ({n} layers where the readings differ by more than 1.5x)"
    return (
        f"the {verdict} bounds are nearer the measurement in all {n} layers "
        f"(init x layer) where the two readings differ by more than 1.5x"
    )


ASSUMPTION_COLUMNS = [
    ("mean_f_prime", "$E[f']$"),
    ("mean_f_prime_squared", "$E[f'^2]$"),
    ("activation_mean_share", "$E[z]^2/E[z^2]$"),
    ("forward_independence", "fwd. indep."),
    ("backward_independence", "bwd. indep."),
    ("square_independence", "$E[z^2g^2]/E[z^2]E[g^2]$"),
    ("weight_gradient_product", "$\\mathrm{Var}[zg]/\\mathrm{Var}[z]\\mathrm{Var}[g]$"),
]


def assumptions_markdown(assumptions, activation):
    """One row per (init, layer), one column per assumption (ideal values in the header)."""
    a = assumptions[assumptions["activation"] == activation]
    header = "| init | layer | " + " | ".join(
        f"{label} (ideal {a[a['assumption'] == name]['ideal'].iloc[0]:g})"
        for name, label in ASSUMPTION_COLUMNS
    ) + " |"
    lines = [header, "|---|---|" + "---|" * len(ASSUMPTION_COLUMNS)]
    for (init, layer), group in a.groupby(["init", "layer"], sort=True):
        values = dict(zip(group["assumption"], group["measured"]))
        cells = [f"{values[name]:.3g}" if name in values else "" for name, _ in ASSUMPTION_COLUMNS]
        lines.append(f"| {init} | {layer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def eq14_text(table, activation, init, layers, label):
    """One sentence on how much the weight-gradient variance varies across layers,
    measured and as the corrected eq. (7) predicts."""
    t = table[(table["quantity"] == "weight_gradient") & (table["activation"] == activation)
              & (table["init"] == init) & (table["layer"].isin(layers))].sort_values("layer")
    measured = t["measured"].to_numpy()
    predicted = t["predicted_glorot"].to_numpy()
    back = table[(table["quantity"] == "backprop_gradient") & (table["activation"] == activation)
                 & (table["init"] == init) & (table["layer"].isin(layers))]["measured"].to_numpy()
    return (
        f"{label} ({activation}, {init} init, layers {layers[0]}-{layers[-1]}): the measured "
        f"weight-gradient variance varies by a factor {measured.max() / measured.min():.3g} "
        f"across these layers (corrected eq. 7 predicts {predicted.max() / predicted.min():.3g}), "
        f"while the back-propagated gradient variance varies by a factor "
        f"{back.max() / back.min():.3g}."
    )


def widths_text(widths):
    return "[" + ", ".join(str(int(n)) for n in widths) + "]"




def top_gradient_text(table):
    """How far the assumed Var[dC/ds^d] is from the measured one, per init."""
    d = table["layer"].max()
    top = table[(table["quantity"] == "backprop_gradient") & (table["layer"] == d)]
    parts = [
        f"{row.init} init: measured {_g(row.measured)} [{_g(row.ci_low)}, {_g(row.ci_high)}], "
        f"assumed {_g(row.predicted_glorot)}, ratio {row.measured / row.predicted_glorot:.3g}"
        for row in top.sort_values("init").itertuples(index=False)
    ]
    return "; ".join(parts)
