"""Figures of the Jacobian spectrum and of the finite-width spread
(docs/spectrum.md): tidy tables in, a matplotlib Figure out."""

import matplotlib.pyplot as plt
import numpy as np

from .plotting import apply_style, error_bars

WEIGHT_COLORS = {
    "gaussian": "tab:red",
    "orthogonal": "tab:blue",
    "uniform": "tab:green",
}


def _run_label(activation, q_star):
    return f"{activation}, q*={q_star}" if q_star != "" else activation


def _runs(table):
    keys = table[["activation", "q_star"]].drop_duplicates()
    return list(keys.itertuples(index=False, name=None))


def histograms_figure(table):
    """One panel per (activation[, q*]) row and depth column: the density of
    log10 of the singular values of J, measured (steps, per weights) and
    predicted by free probability (lines)."""
    apply_style()
    runs = _runs(table)
    depths = sorted(table["depth"].unique())
    fig, axes = plt.subplots(
        len(runs),
        len(depths),
        figsize=(2.6 * len(depths) + 0.6, 1.9 * len(runs) + 0.6),
        squeeze=False,
        sharex=True,
        constrained_layout=True,
    )
    for r, (activation, q_star) in enumerate(runs):
        for c, depth in enumerate(depths):
            ax = axes[r][c]
            for weights, color in WEIGHT_COLORS.items():
                rows = table[
                    (table["activation"] == activation)
                    & (table["q_star"] == q_star)
                    & (table["weights"] == weights)
                    & (table["depth"] == depth)
                ]
                if rows.empty:
                    continue
                width = (rows["high"] - rows["low"]).to_numpy()
                edges = np.append(rows["low"].to_numpy(), rows["high"].iloc[-1])
                ax.stairs(
                    rows["measured"] / width, edges, color=color, alpha=0.5, fill=True
                )
                ax.plot(
                    (rows["low"] + rows["high"]) / 2,
                    rows["predicted"] / width,
                    color=color,
                    lw=1.2,
                    label=weights,
                )
            if r == 0:
                ax.set_title(f"depth L = {depth}")
            if c == 0:
                ax.set_ylabel(_run_label(activation, q_star) + "\ndensity", fontsize=8)
            if r == len(runs) - 1:
                ax.set_xlabel(r"$\log_{10}$ singular value of $J$")
    axes[0][0].legend(loc="upper left", fontsize=7)
    fig.suptitle(
        "Singular values of the input-output Jacobian: measured (filled) and "
        "free-probability prediction (lines)",
        fontsize=10,
    )
    return fig


def variance_figure(table):
    """The variance of the eigenvalues of J J^T against depth: measured mean over
    networks with its 95% interval (points), predicted (lines), per weights;
    one panel per (activation[, q*])."""
    apply_style()
    runs = _runs(table)
    cols = min(len(runs), 4)
    rows_n = int(np.ceil(len(runs) / cols))
    fig, axes = plt.subplots(
        rows_n,
        cols,
        figsize=(3.2 * cols, 2.8 * rows_n + 0.4),
        squeeze=False,
        constrained_layout=True,
    )
    variance = table[table["quantity"] == "variance"]
    for ax, (activation, q_star) in zip(axes.ravel(), runs):
        for weights, color in WEIGHT_COLORS.items():
            rows = variance[
                (variance["activation"] == activation)
                & (variance["q_star"] == q_star)
                & (variance["weights"] == weights)
            ].sort_values("depth")
            if rows.empty:
                continue
            ax.plot(
                rows["depth"],
                rows["predicted"],
                color=color,
                lw=1.2,
                label=f"{weights}, predicted",
            )
            # A variance is >= 0: the t-interval's end below 0 is drawn at 0.
            err = error_bars(
                rows["measured"], rows["ci_low"].clip(lower=0), rows["ci_high"]
            )
            ax.errorbar(
                rows["depth"],
                rows["measured"],
                yerr=err,
                fmt="o",
                color=color,
                ms=4,
                capsize=2,
                label=f"{weights}, measured",
            )
        ax.set_xscale("log", base=2)
        # symlog: the variance spans decades, and is 0 for linear orthogonal.
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(bottom=0)
        ax.set_title(_run_label(activation, q_star))
        ax.set_xlabel("depth L")
        ax.set_ylabel(r"Var of the eigenvalues of $JJ^T$")
    for ax in axes.ravel()[len(runs) :]:
        ax.set_visible(False)
    axes[0][0].legend(fontsize=7)
    return fig


def finite_width_figure(table):
    """Per quantity (rows) and activation (columns): measured (points with 95%
    intervals) and predicted (lines) against layer, one color per width,
    Gaussian weights solid, uniform dashed."""
    apply_style()
    quantities = ["length_second_moment_ratio", "log_jacobian_variance", "length_mean"]
    labels = {
        "length_second_moment_ratio": r"$E[M^2]/E[M]^2$",
        "log_jacobian_variance": r"Var$[\log|Ju|^2]$",
        "length_mean": r"$E[M]$",
    }
    activations = list(dict.fromkeys(table["activation"]))
    widths = sorted(table["width"].unique())
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(widths)))
    fig, axes = plt.subplots(
        len(quantities),
        len(activations),
        figsize=(3.4 * len(activations), 2.7 * len(quantities)),
        squeeze=False,
        constrained_layout=True,
    )
    for r, quantity in enumerate(quantities):
        for c, activation in enumerate(activations):
            ax = axes[r][c]
            for width, color in zip(widths, colors):
                for weights, style in (("gaussian", "-"), ("uniform", "--")):
                    rows = table[
                        (table["activation"] == activation)
                        & (table["quantity"] == quantity)
                        & (table["width"] == width)
                        & (table["weights"] == weights)
                    ]
                    if rows.empty:
                        continue
                    ax.plot(rows["layer"], rows["predicted"], style, color=color, lw=1)
                    ax.errorbar(
                        rows["layer"],
                        rows["measured"],
                        yerr=error_bars(
                            rows["measured"], rows["ci_low"], rows["ci_high"]
                        ),
                        fmt="o" if weights == "gaussian" else "s",
                        mfc="none" if weights == "uniform" else color,
                        color=color,
                        ms=3,
                        capsize=1,
                        label=f"n={width}, {weights}",
                    )
            if quantity == "length_second_moment_ratio":
                ax.set_yscale("log")
            if r == 0:
                ax.set_title(activation)
            if c == 0:
                ax.set_ylabel(labels[quantity])
            if r == len(quantities) - 1:
                ax.set_xlabel("layer l")
    axes[0][0].legend(fontsize=6, ncol=2)
    return fig
