"""The figure of the standard errors: predicted / measured spread over
networks of each forward cell's variance (glorot.standard_errors)."""

import numpy as np

from .plotting import INIT_COLORS, INIT_LABELS, apply_style, error_bars, plt

QUANTITY_MARKERS = {
    "activation": "o",
    "preactivation": "s",
    "activation_derivative": "^",
}
QUANTITY_NAMES = {
    "activation": "$z^i$",
    "preactivation": "$s^i$",
    "activation_derivative": "$f'(s^i)$",
}


def standard_error_figure(table, experiment, activations, inits, margin):
    """Per activation (panels), the ratio predicted / measured sd over networks
    with its 95% interval against the layer, per init (colour) and quantity
    (marker, offset along the layer), and the margin band [1 - m, 1 + m];
    cells without a prediction are not drawn."""
    apply_style()
    fig, axes = plt.subplots(
        1,
        len(activations),
        figsize=(max(3.6 * len(activations), 7.0), 3.6),
        squeeze=False,
        sharey=True,
        constrained_layout=True,
    )
    judged = table[np.isfinite(table["ratio"])]
    quantities = [q for q in QUANTITY_MARKERS if (judged["quantity"] == q).any()]
    for ax, activation in zip(axes[0], activations):
        ax.axhspan(1 - margin, 1 + margin, color="0.9", zorder=0)
        ax.axhline(1.0, color="0.4", lw=0.8)
        for k, init in enumerate(inits):
            for j, quantity in enumerate(quantities):
                rows = judged[
                    (judged["activation"] == activation)
                    & (judged["init"] == init)
                    & (judged["quantity"] == quantity)
                ]
                if rows.empty:
                    continue
                # Side by side within a layer: init, then quantity.
                shift = (k * len(quantities) + j) / (len(inits) * len(quantities))
                x = rows["layer"] + 0.7 * (shift - 0.5)
                err = error_bars(rows["ratio"], rows["ratio_low"], rows["ratio_high"])
                ax.errorbar(
                    x,
                    rows["ratio"],
                    yerr=err,
                    fmt=QUANTITY_MARKERS[quantity],
                    color=INIT_COLORS.get(init, "black"),
                    ms=3.5,
                    lw=0.8,
                    capsize=0,
                )
        ax.set_title(activation)
        ax.set_xlabel("layer $i$")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("predicted / measured sd over networks")
    for init in inits:
        axes[0, -1].plot(
            [],
            [],
            "-",
            color=INIT_COLORS.get(init, "black"),
            label=INIT_LABELS.get(init, init),
        )
    for quantity in quantities:
        axes[0, -1].plot(
            [],
            [],
            QUANTITY_MARKERS[quantity],
            color="0.3",
            label=QUANTITY_NAMES[quantity],
        )
    axes[0, -1].fill_between([], [], color="0.9", label=f"margin ±{margin:g}")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", frameon=False)
    fig.suptitle(
        f"Spread over networks, predicted against measured: experiment {experiment}"
    )
    return fig
