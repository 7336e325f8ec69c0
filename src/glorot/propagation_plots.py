"""The figures of the depth study (docs/propagation.md): the order-to-chaos
phase diagram, xi_c against sigma_w2, and c^l against depth. Each function
takes the tables the workflow writes and returns a matplotlib Figure."""

import numpy as np

from . import initializers, propagation
from .plotting import apply_style, error_bars, plt

ACTIVATION_COLORS = {
    "tanh": "tab:blue",
    "relu": "tab:red",
    "softsign": "tab:green",
    "sigmoid": "tab:purple",
    "linear": "tab:gray",
}
# Points of the predicted curves.
CURVE_POINTS = 60


def init_sigma_w2(init, width=1000):
    """sigma_w2 = n_in Var[W] of an init at equal widths (standard 1/3,
    normalized 1, He 2), from glorot.initializers, the one home of the inits."""
    return width * initializers.weight_variance(init, width, width)


def _mark_inits(ax, y):
    # Inits of the same scale (normalized and orthogonal: 1) share one mark.
    names = {}
    for init in initializers.INITS:
        names.setdefault(round(init_sigma_w2(init), 9), []).append(init)
    for x, inits in names.items():
        ax.axvline(x, color="0.6", lw=0.8, ls=":", zorder=0)
        names_text = "\n".join(inits)
        ax.annotate(
            f"{names_text}\n$\\sigma_w^2$={x:.3g}",
            (x, y),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=7,
            color="0.35",
            va="top",
        )


def phase_diagram_figure(critical_line, sigma_b2_max):
    """Predicted critical line chi_1 = 1 per activation in the (sigma_w2,
    sigma_b2) plane, the measured crossings with 95% intervals, and the
    inits of the paper (standard, normalized) and He's at sigma_b2 = 0."""
    apply_style()
    fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    # Denser near sigma_b2 = 0, where the line leaves its sigma_b2 = 0 point steeply.
    grid = sigma_b2_max * np.linspace(0, 1, CURVE_POINTS // 2) ** 2
    for activation, rows in critical_line.groupby("activation", sort=False):
        color = ACTIVATION_COLORS.get(activation, "k")
        line = [propagation.critical_sigma_w2(b, activation) for b in grid]
        ax.plot(line, grid, color=color, label=f"{activation}: predicted $\\chi_1 = 1$")
        b = rows["sigma_b2"].astype(float).to_numpy()
        m = rows["measured_sigma_w2"].to_numpy()
        err = error_bars(m, rows["ci_low"], rows["ci_high"])
        ok = np.isfinite(m) & np.isfinite(err).all(axis=0)
        ax.errorbar(
            m[ok],
            b[ok],
            xerr=err[:, ok],
            fmt="o",
            color=color,
            ms=5,
            capsize=3,
            label=f"{activation}: measured (95%)",
        )
        # What the measurement is judged against: the predicted chi_1 crossing
        # 1 when interpolated on the same grid.
        ax.plot(rows["predicted_grid_sigma_w2"], b, "x", color=color, ms=7, mew=1.5)
    _mark_inits(ax, sigma_b2_max)
    ax.set_xlabel(r"$\sigma_w^2 = n_{in}\,\mathrm{Var}[W]$")
    ax.set_ylabel(r"$\sigma_b^2$")
    ax.set_ylim(0, sigma_b2_max * 1.05)
    ax.text(0.03, 0.62, "ordered\n($\\chi_1<1$)", transform=ax.transAxes, fontsize=9)
    ax.text(0.8, 0.5, "chaotic\n($\\chi_1>1$)", transform=ax.transAxes, fontsize=9)
    ax.plot([], [], "kx", label="predicted, interpolated on the grid")
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title("Order-to-chaos phase diagram")
    return fig


def xi_c_figure(depth_scales, depth):
    """The depth scales against sigma_w2 per activation and sigma_b2:
    predicted curves of xi_c (solid) and xi_q (dotted), measured xi_c (fits,
    95% bootstrap intervals; only xi_c well below the depth can be fitted)
    and measured xi_q (from the length factor, 95% t intervals)."""
    apply_style()
    rows = depth_scales[depth_scales["quantity"].isin(["xi_c", "xi_q"])]
    activations = list(dict.fromkeys(rows["activation"]))
    fig, axes = plt.subplots(
        1,
        len(activations),
        figsize=(4 * len(activations), 3.6),
        layout="constrained",
        squeeze=False,
    )
    w = rows["sigma_w2"].astype(float)
    grid = np.linspace(0.1, w.max() * 1.1, CURVE_POINTS)
    styles = {"xi_c": ("-", "o", r"\xi_c"), "xi_q": (":", "s", r"\xi_q")}
    for ax, activation in zip(axes[0], activations):
        sub = rows[rows["activation"] == activation]
        for k, (sigma_b2, by_bias) in enumerate(sub.groupby("sigma_b2", sort=False)):
            color = f"C{k}"
            theory = [
                propagation.fixed_point_summary(x, float(sigma_b2), activation)
                for x in grid
            ]
            for quantity, (line, marker, symbol) in styles.items():
                group = by_bias[by_bias["quantity"] == quantity]
                ax.plot(
                    grid,
                    [t[quantity] for t in theory],
                    line,
                    color=color,
                    label=f"${symbol}$ predicted, $\\sigma_b^2$={sigma_b2}",
                )
                _measured_points(ax, group, marker, color, f"${symbol}$ measured (95%)")
        ax.axhline(depth, color="0.5", ls="--", lw=0.8)
        ax.annotate("depth", (grid[0], depth), fontsize=7, color="0.4", va="bottom")
        ax.set_yscale("log")
        ax.set_ylim(0.3, 20 * depth)
        ax.set_xlabel(r"$\sigma_w^2$")
        ax.set_title(activation)
        ax.legend(fontsize=6)
    axes[0, 0].set_ylabel("depth scale (layers)")
    return fig


def _measured_points(ax, group, marker, color, label):
    x = group["sigma_w2"].astype(float).to_numpy()
    m = group["measured"].to_numpy()
    high = np.where(np.isfinite(group["ci_high"]), group["ci_high"], 1e6)
    err = error_bars(m, group["ci_low"], high)
    ok = np.isfinite(m)
    ax.errorbar(
        x[ok],
        m[ok],
        yerr=err[:, ok],
        fmt=marker,
        color=color,
        mfc="white" if marker == "s" else color,
        capsize=3,
        label=label,
    )


def correlation_depth_figure(propagation_table, pair, sigma_b2):
    """c^l against layer l for every sigma_w2 of the grid, one panel per
    activation: measured means with 95% intervals, predicted by the
    correlation map (lines)."""
    apply_style()
    rows = propagation_table[
        (propagation_table["pair"] == pair)
        & (propagation_table["sigma_b2"] == sigma_b2)
    ]
    activations = list(dict.fromkeys(rows["activation"]))
    fig, axes = plt.subplots(
        1,
        len(activations),
        figsize=(4 * len(activations), 3.6),
        layout="constrained",
        squeeze=False,
        sharey=True,
    )
    for ax, activation in zip(axes[0], activations):
        sub = rows[rows["activation"] == activation]
        order = sorted(sub["sigma_w2"].unique(), key=float)
        for k, sigma_w2 in enumerate(order):
            g = sub[sub["sigma_w2"] == sigma_w2]
            color = plt.cm.viridis(k / max(1, len(order) - 1))
            ax.plot(g["layer"], g["c_predicted"], color=color, lw=1)
            err = error_bars(g["c_measured"], g["c_ci_low"], g["c_ci_high"])
            ax.errorbar(
                g["layer"],
                g["c_measured"],
                yerr=err,
                fmt=".",
                ms=3,
                color=color,
                elinewidth=0.6,
                label=f"$\\sigma_w^2$={sigma_w2}",
            )
        ax.set_xlabel("layer $l$")
        ax.set_title(activation)
    axes[0, 0].set_ylabel(f"correlation $c^l$ ({pair}, $\\sigma_b^2$={sigma_b2})")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside right center",
        frameon=False,
        title="points: measured (95%)\nlines: correlation map",
    )
    return fig


def trainability_figure(table, activation, sigma_b2, ks=(3, 6)):
    """Training error after a short SGD run per (sigma_w2, depth), as a
    heatmap (cells on the grid's points), with the curves depth = k xi_c
    predicted at (activation, sigma_b2); Schoenholz et al. found training
    fails beyond about 6 xi_c."""
    apply_style()
    w_values = sorted(table["sigma_w2"].unique(), key=float)
    depths = sorted(table["depth"].unique())
    grid = table.pivot(index="depth", columns="sigma_w2", values="train_error")
    grid = grid.reindex(index=depths, columns=w_values)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    mesh = ax.imshow(
        grid.to_numpy(dtype=float),
        origin="lower",
        aspect="auto",
        cmap="viridis_r",
        vmin=0,
        vmax=float(table["train_chance_error"].iloc[0]),
        extent=(-0.5, len(w_values) - 0.5, -0.5, len(depths) - 0.5),
    )
    fig.colorbar(mesh, ax=ax, label="training error (top: chance)")
    # The k xi_c curves on the same axes: x by position among the grid's
    # sigma_w2 (interpolated), y by position among the depths.
    x = np.linspace(0, len(w_values) - 1, CURVE_POINTS * 2)
    w = np.interp(x, np.arange(len(w_values)), [float(v) for v in w_values])
    xi = np.array(
        [
            propagation.fixed_point_summary(v, float(sigma_b2), activation)["xi_c"]
            for v in w
        ]
    )
    for k, style in zip(ks, ("--", "-")):
        y = np.interp(
            k * xi, depths, np.arange(len(depths)), left=-1, right=len(depths)
        )
        ax.plot(x, y, "w" + style, lw=1.5, label=f"depth = {k} $\\xi_c$")
    ax.set_xticks(range(len(w_values)), w_values)
    ax.set_yticks(range(len(depths)), depths)
    ax.set_ylim(-0.5, len(depths) - 0.5)
    ax.set_xlabel(r"$\sigma_w^2$")
    ax.set_ylabel("depth (hidden layers)")
    ax.set_title(f"Trainability: {activation}, $\\sigma_b^2$ = {sigma_b2}")
    ax.legend(loc="upper left", fontsize=7, facecolor="0.3", labelcolor="w")
    return fig
