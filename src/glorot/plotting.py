"""The figures: the paper's Figures 6-8, the variance by layer, the Jacobian.

Each function takes tidy tables (as written by the workflow) and returns a
matplotlib Figure; the rule scripts only read, call and save.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import compare, provenance, verdicts  # noqa: E402
from .quantities import HISTOGRAM_QUANTITIES, VARIANCE_QUANTITIES  # noqa: E402

INIT_COLORS = {
    "standard": "tab:red",
    "normalized": "tab:blue",
    "he": "tab:green",
    "orthogonal": "tab:purple",
}
# The one name of each init in every figure.
INIT_LABELS = {
    "standard": "standard init (eq. 1)",
    "normalized": "normalized init (eq. 16)",
    "he": "He init",
    "orthogonal": "orthogonal init",
}
QUANTITY_LABELS = {
    "activation": "activations $z^i$",
    "preactivation": "pre-activations $s^i$",
    "backprop_gradient": r"back-propagated gradients $\partial C/\partial s^i$",
    "weight_gradient": r"weight gradients $\partial C/\partial W^i$",
}
PREDICTION_STYLES = {
    "predicted_glorot": ("-", "linear regime, corrected bounds"),
    "predicted_meanfield": ("--", "mean-field"),
    "predicted_glorot_printed": (":", "linear regime, bounds as printed"),
}

# Figures 6-8 label hidden layer k = 1..d. Its activations are z^k; the gradient
# on its pre-activations is dC/ds^{k-1}; the weights feeding it are W^{k-1}.
HIDDEN_LAYER_OFFSET = {"activation": 0, "backprop_gradient": 1, "weight_gradient": 1}


def error_bars(center, low, high):
    """The (2, n) ``yerr`` of matplotlib's errorbar for values ``center`` with
    interval [``low``, ``high``]."""
    center = np.asarray(center, dtype=float)
    return np.abs(
        np.vstack([center - np.asarray(low, float), np.asarray(high, float) - center])
    )


def apply_style():
    """The one style of every figure (this module and glorot.training_plots)."""
    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "legend.fontsize": 8})


def layer_histogram_figure(histograms, quantity, activation, title):
    """Figures 6-8: normalized histograms of ``quantity`` per hidden layer,
    standard init on top, normalized init below, with a shared x-axis.

    Each curve is the fraction of the values of that layer (pooled over
    networks and examples) falling in each bin; values outside the plotted
    range are counted in the total and reported in the legend.
    """
    apply_style()
    h = histograms[
        (histograms["activation"] == activation) & (histograms["quantity"] == quantity)
    ]
    layers = sorted(h["layer"].unique())
    d = max(layers)
    offset = HIDDEN_LAYER_OFFSET[quantity]
    hidden = range(1, d + 1)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(hidden)))
    fig, axes = plt.subplots(
        2, 1, figsize=(7, 6.5), sharex=True, constrained_layout=True
    )
    for ax, init in zip(axes, ["standard", "normalized"]):
        for k, color in zip(hidden, colors):
            rows = h[(h["init"] == init) & (h["layer"] == k - offset)]
            inside = rows[np.isfinite(rows["bin_low"]) & np.isfinite(rows["bin_high"])]
            total = rows["count"].sum()
            centres = (inside["bin_low"].to_numpy() + inside["bin_high"].to_numpy()) / 2
            fraction = inside["count"].to_numpy() / total
            outside = 1 - inside["count"].sum() / total
            label = f"Layer {k}" + (
                f" ({outside:.1%} off-axis)" if outside > 0.001 else ""
            )
            ax.plot(centres, fraction, color=color, lw=1.4, label=label)
        ax.set_title(INIT_LABELS[init])
        ax.set_ylabel("fraction of values per bin")
        ax.legend(loc="upper right", frameon=False)
        ax.grid(alpha=0.3)
    axes[1].set_xlabel(f"{QUANTITY_LABELS[quantity]} ({activation})")
    fig.suptitle(title)
    return fig


def variance_by_layer_figure(
    table,
    experiment,
    activations,
    inits,
    quantities=HISTOGRAM_QUANTITIES,
):
    """Grid: one column per quantity, one row per activation (in the order given);
    measured means with 95% intervals as markers per init, predictions as lines
    (solid: corrected linear regime; dashed: mean-field; dotted: printed bounds)."""
    apply_style()
    fig, axes = plt.subplots(
        len(activations),
        len(quantities),
        figsize=(4.2 * len(quantities), 3.0 * len(activations) + 0.8),
        squeeze=False,
        constrained_layout=True,
    )
    for r, activation in enumerate(activations):
        for c, quantity in enumerate(quantities):
            ax = axes[r, c]
            for j, init in enumerate(inits):
                rows = table[
                    (table["activation"] == activation)
                    & (table["init"] == init)
                    & (table["quantity"] == quantity)
                ].sort_values("layer")
                x = rows["layer"].to_numpy() + (j - (len(inits) - 1) / 2) * 0.08
                color = INIT_COLORS.get(init, "black")
                for column, (style, _) in PREDICTION_STYLES.items():
                    ax.plot(
                        rows["layer"],
                        rows[column],
                        style,
                        color=color,
                        lw=1.2,
                        alpha=0.8,
                    )
                err = error_bars(rows["measured"], rows["ci_low"], rows["ci_high"])
                ax.errorbar(
                    x,
                    rows["measured"],
                    yerr=err,
                    fmt="o",
                    ms=4,
                    color=color,
                    capsize=2,
                    lw=1,
                )
            ax.set_yscale("log")
            ax.grid(alpha=0.3, which="both", lw=0.5)
            ax.set_xticks(sorted(table["layer"].unique()))
            if r == 0:
                ax.set_title(QUANTITY_LABELS[quantity])
            if c == 0:
                ax.set_ylabel(f"{activation}\nvariance")
            if r == len(activations) - 1:
                ax.set_xlabel("layer $i$")
    handles = [
        plt.Line2D(
            [],
            [],
            color=INIT_COLORS.get(i, "black"),
            marker="o",
            ls="",
            label=f"{INIT_LABELS.get(i, i)}: measured, 95% CI",
        )
        for i in inits
    ]
    handles += [
        plt.Line2D([], [], color="grey", ls=style, label=label)
        for style, label in PREDICTION_STYLES.values()
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    fig.suptitle(f"Variance by layer at initialization: experiment {experiment}")
    return fig


# The agreement figure: one colour and marker per prediction.
AGREEMENT_STYLES = {
    "predicted_glorot": ("tab:blue", "o", "linear regime, corrected bounds"),
    "predicted_glorot_printed": ("tab:orange", "s", "linear regime, bounds as printed"),
    "predicted_meanfield": ("tab:green", "D", "mean-field"),
}
AGREEMENT_SHORT = {
    "predicted_glorot": "corrected",
    "predicted_glorot_printed": "printed",
    "predicted_meanfield": "mean-field",
}
# The y range of the agreement figure (linear): wide enough for a 10% miss,
# narrow enough that a 2% margin band and a 1% interval are plain to see;
# ratios outside are drawn on the edge with their value written.
AGREEMENT_YLIM = (0.9, 1.1)
# Marker fill per verdict: agree filled, disagree hollow, inconclusive half.
VERDICT_FILL = {
    verdicts.AGREE: "full",
    verdicts.DISAGREE: "none",
    verdicts.INCONCLUSIVE: "bottom",
}


def _compact(r):
    """A ratio off the agreement figure's scale, short: 0.36, 40, 1e+05."""
    return (
        f"{r:.2g}"
        if 0.01 <= r < 100
        else f"{r:.0e}".replace("e+0", "e").replace("e-0", "e-")
    )


def _agreement_panel(ax, rows, predictions, margin):
    """One panel: the margin band [1 - m, 1 + m] and, per layer and
    prediction, predicted / measured with its 95% interval (the verdict's
    resolution), the marker filled, hollow or half-filled as the verdict is
    agree, disagree or inconclusive."""
    ax.axhspan(1 - margin, 1 + margin, color="0.85", zorder=0, lw=0)
    ax.axhline(1, color="black", lw=0.6, zorder=1)
    low, high = AGREEMENT_YLIM
    if rows.empty:
        ax.set_ylim(low, high)
        return
    layers = rows["layer"].to_numpy()
    width = 0.6 / max(len(predictions), 1)
    ratios = {
        c: rows[f"ratio_{compare.prediction_name(c)}"].to_numpy(dtype=float)
        for c in predictions
    }
    for j, column in enumerate(predictions):
        name = compare.prediction_name(column)
        color, marker, _ = AGREEMENT_STYLES[column]
        x = layers + (j - (len(predictions) - 1) / 2) * width
        ratio = ratios[column]
        # An unbounded interval (the measured one holds 0) is drawn to the
        # panel's edges.
        r_low = np.clip(rows[f"ratio_low_{name}"].to_numpy(dtype=float), low - 1, None)
        r_high = np.clip(
            rows[f"ratio_high_{name}"].to_numpy(dtype=float), None, high + 1
        )
        verdict = rows[f"verdict_{name}"].to_numpy()
        inside = (ratio >= low) & (ratio <= high)
        ax.errorbar(
            x[inside],
            ratio[inside],
            yerr=[ratio[inside] - r_low[inside], r_high[inside] - ratio[inside]],
            fmt="none",
            ecolor=color,
            elinewidth=1.0,
            capsize=1.5,
            zorder=2,
        )
        for v, fill in VERDICT_FILL.items():
            keep = inside & (verdict == v)
            ax.plot(
                x[keep],
                ratio[keep],
                marker,
                ms=4,
                color=color,
                ls="",
                fillstyle=fill,
                mfc=color if fill == "full" else "white",
                mfcalt="white",
                mew=1.0,
                zorder=3,
            )
        for k in np.flatnonzero(~inside & np.isfinite(ratio)):
            r = ratio[k]
            edge, arrow = (high, "^") if r > high else (low, "v")
            ax.plot(
                [x[k]],
                [edge],
                arrow,
                ms=5,
                color=color,
                mfc="white",
                mew=1.2,
                clip_on=False,
                zorder=3,
            )
            # One label per value: an earlier prediction with the same ratio
            # (the two linear-regime readings share eq. 5) already wrote it.
            if any(np.isclose(ratios[c][k], r, rtol=1e-6) for c in predictions[:j]):
                continue
            same = sum(np.isclose(ratios[c][k], r, rtol=1e-6) for c in predictions) > 1
            step = 7 + 8 * (j % 2)  # stagger neighbours' labels
            ax.annotate(
                _compact(r),
                (layers[k], edge),
                xytext=(0, -step if r > high else step),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=6.5,
                color="0.25" if same else color,
            )
    ax.set_ylim(low, high)
    ax.set_xlim(layers.min() - 0.6, layers.max() + 0.6)
    ax.set_xticks(layers)
    ax.grid(axis="y", alpha=0.3, lw=0.5)


def agreement_figure(
    table,
    experiment,
    activations,
    inits,
    margin=verdicts.DEFAULT_MARGIN,
    quantities=VARIANCE_QUANTITIES,
    predictions=tuple(AGREEMENT_STYLES),
):
    """Prediction / measurement per layer on a linear axis, one row per
    (activation, init) and one column per quantity, each with its 95%
    interval and its verdict against the margin band [1 - m, 1 + m]
    (``glorot.verdicts``). Each row's label counts, per prediction, the
    hidden-layer cells that agree, with the median half-width of their
    intervals."""
    apply_style()
    pairs = [(a, i) for a in activations for i in inits]
    fig, axes = plt.subplots(
        len(pairs),
        len(quantities),
        figsize=(3.2 * len(quantities) + 2.4, 1.75 * len(pairs) + 1.2),
        squeeze=False,
        sharey=True,
        constrained_layout=True,
    )
    for r, (activation, init) in enumerate(pairs):
        sub = table[(table["activation"] == activation) & (table["init"] == init)]
        for c, quantity in enumerate(quantities):
            ax = axes[r, c]
            _agreement_panel(
                ax,
                sub[sub["quantity"] == quantity].sort_values("layer"),
                predictions,
                margin,
            )
            if r == 0:
                ax.set_title(QUANTITY_LABELS[quantity], fontsize=10)
            if r == len(pairs) - 1:
                ax.set_xlabel("layer $i$")
        axes[r, 0].set_ylabel(f"{activation}, {init}\npredicted / measured", fontsize=9)
        hidden = sub[sub["cells"] == "hidden"]
        lines = []
        for c in predictions:
            name = compare.prediction_name(c)
            agree = int((hidden[f"verdict_{name}"] == verdicts.AGREE).sum())
            lines.append(f"{AGREEMENT_SHORT[c]}: {agree}/{len(hidden)}")
        h = verdicts.half_width(
            hidden["ratio_low_meanfield"], hidden["ratio_high_meanfield"]
        )
        axes[r, -1].text(
            1.04,
            0.5,
            f"hidden cells within {margin:.0%}\n"
            + "\n".join(lines)
            + f"\nmedian half-width\n{compare.percent(float(np.median(h)))}",
            transform=axes[r, -1].transAxes,
            va="center",
            ha="left",
            fontsize=7.5,
        )
    handles = [
        plt.Line2D([], [], color=color, marker=marker, ls="", label=label)
        for color, marker, label in (AGREEMENT_STYLES[c] for c in predictions)
    ]
    handles += [
        plt.Line2D(
            [],
            [],
            color="0.3",
            marker="o",
            fillstyle=fill,
            mfc="0.3" if fill == "full" else "white",
            mfcalt="white",
            ls="",
            label=v,
        )
        for v, fill in VERDICT_FILL.items()
    ]
    handles += [
        plt.Line2D([], [], color="0.3", marker="|", ls="", label="ratio, 95% interval"),
        matplotlib.patches.Patch(
            color="0.85", label=f"margin: within {margin:.0%} of 1"
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False)
    fig.suptitle(f"Prediction / measurement at initialization: experiment {experiment}")
    return fig


def jacobian_figure(table, experiment, activations, inits, paper_values=None):
    """Average singular value of J^i = dz^{i+1}/dz^i per layer (eq. 17), per
    activation and init, with 95% intervals; the free-probability prediction
    as crosses where the table has one; the paper's tanh values as lines."""
    apply_style()
    fig, axes = plt.subplots(
        1,
        len(activations),
        figsize=(max(3.6 * len(activations), 7.0), 3.4),
        squeeze=False,
        sharey=True,
        constrained_layout=True,
    )
    for ax, activation in zip(axes[0], activations):
        for init in inits:
            rows = table[(table["activation"] == activation) & (table["init"] == init)]
            err = error_bars(
                rows["mean_singular_value"], rows["ci_low"], rows["ci_high"]
            )
            ax.errorbar(
                rows["layer"],
                rows["mean_singular_value"],
                yerr=err,
                fmt="o-",
                color=INIT_COLORS.get(init, "black"),
                ms=4,
                capsize=2,
                label=INIT_LABELS.get(init, init),
            )
            if "predicted" in rows:
                # Eq. (17) predicted by free probability (glorot.jacobian_prediction).
                ax.plot(
                    rows["layer"],
                    rows["predicted"],
                    "x",
                    color=INIT_COLORS.get(init, "black"),
                    ms=7,
                    label="predicted" if init == inits[0] else None,
                )
            if paper_values and activation == "tanh" and init in paper_values:
                ax.axhline(
                    paper_values[init],
                    color=INIT_COLORS.get(init, "black"),
                    ls=":",
                    lw=1,
                    label=f"paper, {init} (tanh)",
                )
        ax.set_title(activation)
        ax.set_xlabel(r"layer $i$ of $J^i = \partial z^{i+1}/\partial z^i$")
        ax.set_xticks(sorted(rows["layer"].unique()))
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("average singular value")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", frameon=False)
    fig.suptitle(f"Jacobian singular values (eq. 17): experiment {experiment}")
    return fig


def save(fig, png, pdf):
    fig.savefig(png, dpi=150)
    # A fixed creation date keeps the PDF bytes the same from run to run.
    fig.savefig(pdf, metadata={"CreationDate": None})
    plt.close(fig)
    # Their provenance records (within a workflow job; glorot.provenance).
    provenance.seal(png)
    provenance.seal(pdf)
