"""Figures of the training runs: the paper's Figures 2, 3, 4, 9, 10 and 11.

Each function takes the tidy tables the workflow writes (``glorot.training``:
curves with columns update, quantity, layer, value; histograms with update,
layer, bin_low, bin_high, count) for one run per panel, and returns a
matplotlib Figure; the rule scripts read, pick the runs and save with
``glorot.plotting.save``.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import EngFormatter

# glorot.plotting selects the Agg backend and holds the one plot style.
from .plotting import INIT_LABELS, apply_style
from .training import learning_rate_label, model_label

ACTIVATION_LABELS = {
    "tanh": "tanh",
    "softsign": "softsign",
    "sigmoid": "sigmoid",
    "relu": "relu",
    "linear": "linear",
}
UPDATES_LABEL = "updates (minibatches of 10)"


def _layer_colors(n):
    return plt.cm.viridis(np.linspace(0, 0.9, n))


def _updates_axis(ax):
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))
    ax.grid(alpha=0.3)


def load_curves(paths):
    return pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)


def selected_runs(table, selection, models, seed=None):
    """Rows of ``table`` (curves or histograms) of each model's selected
    learning rate (``selection`` as training.select_learning_rates writes it),
    and of ``seed`` if given. Returns {(activation, init): (rows, lr label)};
    a model without a selected rate (every rate diverged) maps to (None, None)."""
    out = {}
    for activation, init in models:
        sel = selection[
            (selection["activation"] == activation)
            & (selection["init"] == init)
            & selection["selected"].astype(bool)
        ]
        if not len(sel):
            out[activation, init] = (None, None)
            continue
        lr = float(sel["learning_rate"].iloc[0])
        rows = table[
            (table["activation"] == activation)
            & (table["init"] == init)
            & (table["learning_rate"].astype(float) == lr)
        ]
        if seed is not None:
            rows = rows[rows["seed"] == seed]
        out[activation, init] = (rows, learning_rate_label(lr))
    return out


def _quantity(rows, quantity):
    """update x layer table of one quantity (layers as ints: the CSV's layer
    column is read as float because of the rows without a layer)."""
    q = rows[rows["quantity"] == quantity]
    table = q.pivot_table(
        index="update", columns="layer", values="value", aggfunc="first"
    )
    table.columns = [int(k) for k in table.columns]
    return table


def _run_title(activation, init, lr):
    return (
        f"{ACTIVATION_LABELS.get(activation, activation)}, {INIT_LABELS.get(init, init)}, "
        f"learning rate {lr}"
    )


def _missing(ax, activation, init):
    ax.text(
        0.5,
        0.5,
        f"{activation} / {init}: every learning rate diverged",
        ha="center",
        va="center",
        transform=ax.transAxes,
    )


def _run_panels(runs, size, **share):
    """A column of panels, one per run: the figure and its axes. ``size`` is
    (width, height per panel, extra height), in inches; ``share``: sharex,
    sharey."""
    width, per_panel, extra = size
    fig, axes = plt.subplots(
        len(runs),
        1,
        figsize=(width, per_panel * len(runs) + extra),
        squeeze=False,
        constrained_layout=True,
        **share,
    )
    return fig, axes[:, 0]


def mean_std_figure(runs, hidden):
    """Figure 2: per hidden layer, the mean activation (line) and its standard
    deviation over units and test examples (vertical bars) during training."""
    apply_style()
    fig, axes = _run_panels(runs, (8, 3.6, 0.6))
    for ax, ((activation, init), (rows, lr)) in zip(axes, runs.items()):
        if rows is None:
            _missing(ax, activation, init)
            continue
        mean, std = _quantity(rows, "activation_mean"), _quantity(
            rows, "activation_std"
        )
        layers = list(mean.columns)
        updates = mean.index.to_numpy()
        step = (updates[-1] - updates[0]) / max(len(updates) - 1, 1)
        for j, (k, color) in enumerate(zip(layers, _layer_colors(len(layers)))):
            # Bars of neighbouring layers side by side, not on top of each other.
            x = updates + (j - (len(layers) - 1) / 2) * 0.08 * step
            ax.errorbar(
                x,
                mean[k],
                yerr=std[k],
                color=color,
                lw=1.4,
                elinewidth=0.8,
                capsize=1.5,
                label=f"layer {k}",
            )
        ax.set_title(_run_title(activation, init, lr))
        ax.set_ylabel("activation value $z^i$:\nmean (line), std (bars)")
        _updates_axis(ax)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes[-1].set_xlabel(UPDATES_LABEL)
    fig.suptitle(f"Activations during training on Shapeset-3x2, {hidden}")
    return fig


def percentile_std_figure(runs, hidden):
    """Figures 3 and 10: per hidden layer, the 98th percentile of the
    activations (markers alone) and their standard deviation (lines with
    markers) during training; one panel per run."""
    apply_style()
    fig, axes = _run_panels(runs, (7, 3.4, 0.9), sharex=True)
    for ax, ((activation, init), (rows, lr)) in zip(axes, runs.items()):
        if rows is None:
            _missing(ax, activation, init)
            continue
        p98, std = _quantity(rows, "activation_p98"), _quantity(rows, "activation_std")
        layers = list(p98.columns)
        for k, color in zip(layers, _layer_colors(len(layers))):
            ax.plot(p98.index, p98[k], ls="", marker="^", ms=4, color=color)
            ax.plot(
                std.index,
                std[k],
                ls="-",
                marker="o",
                ms=2.5,
                lw=1.3,
                color=color,
                label=f"layer {k}",
            )
        ax.set_title(_run_title(activation, init, lr))
        ax.set_ylabel("activation value $z^i$")
        ax.set_ylim(-0.02, 1.05)
        _updates_axis(ax)
    handles, labels = axes[0].get_legend_handles_labels()
    handles += [
        plt.Line2D([], [], color="grey", ls="", marker="^", label="98th percentile"),
        plt.Line2D(
            [], [], color="grey", ls="-", marker="o", ms=2.5, label="standard deviation"
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False)
    axes[-1].set_xlabel(UPDATES_LABEL)
    fig.suptitle(f"Activations during training on Shapeset-3x2, {hidden}")
    return fig


def end_histogram_figure(runs, hidden):
    """Figure 4: normalized histograms of the activations of each hidden layer
    at the end of training (last record), over units and the test examples;
    the legend gives the share of values outside the plotted range."""
    apply_style()
    fig, axes = _run_panels(runs, (8, 3.3, 0.4))
    for ax, ((activation, init), (rows, lr)) in zip(axes, runs.items()):
        if rows is None:
            _missing(ax, activation, init)
            continue
        last = rows[rows["update"] == rows["update"].max()]
        layers = sorted(last["layer"].unique())
        for k, color in zip(layers, _layer_colors(len(layers))):
            h = last[last["layer"] == k]
            total = h["count"].sum()
            inside = h[np.isfinite(h["bin_low"]) & np.isfinite(h["bin_high"])]
            centres = (inside["bin_low"].to_numpy() + inside["bin_high"].to_numpy()) / 2
            outside = 1 - inside["count"].sum() / total
            label = f"layer {k}" + (
                f" ({outside:.1%} off-axis)" if outside > 0.001 else ""
            )
            ax.plot(
                centres,
                inside["count"].to_numpy() / total,
                color=color,
                lw=1.4,
                label=label,
            )
        ax.set_title(
            _run_title(activation, init, lr)
            + f", after {int(last['update'].max()):,} updates"
        )
        ax.set_ylabel("fraction of values per bin")
        ax.set_xlabel(f"activation value $z^i$ ({activation})")
        ax.set_yscale("log")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Activations at the end of training on Shapeset-3x2, {hidden}")
    return fig


def weight_gradient_figure(runs, hidden):
    """Figure 9: standard deviation of the per-example weight gradients
    dC/dW^i of every layer during training; one panel per run, shared y."""
    apply_style()
    fig, axes = _run_panels(runs, (7, 3.3, 0.9), sharex=True, sharey=True)
    for ax, ((activation, init), (rows, lr)) in zip(axes, runs.items()):
        if rows is None:
            _missing(ax, activation, init)
            continue
        std = _quantity(rows, "weight_gradient_std")
        layers = list(std.columns)
        d = max(layers)
        for i, color in zip(layers, _layer_colors(len(layers))):
            into = "softmax" if i == d else f"layer {i + 1}"
            ax.plot(
                std.index,
                std[i],
                marker="o",
                ms=2.5,
                lw=1.3,
                color=color,
                label=f"$W^{i}$ (into {into})",
            )
        ax.set_title(_run_title(activation, init, lr))
        ax.set_ylabel(r"std of $\partial C/\partial W^i$")
        ax.set_yscale("log")
        _updates_axis(ax)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
    axes[-1].set_xlabel(UPDATES_LABEL)
    fig.suptitle(f"Weight gradients during training on Shapeset-3x2, {hidden}")
    return fig


def test_error_figure(curves, selection, models, hidden, paper=None):
    """Figure 11: test error during training of every model at its selected
    learning rate (mean over seeds; thin lines: each seed when there are
    several). Legend ordered by decreasing final error, as in the paper, with
    the final error and the paper's Table 1 value."""
    apply_style()
    fig, ax = plt.subplots(figsize=(7.5, 4.6), constrained_layout=True)
    runs = selected_runs(curves, selection, models)
    lines = []
    colors = plt.cm.tab10(np.arange(len(models)) % 10)
    for ((activation, init), (rows, lr)), color in zip(runs.items(), colors):
        label = model_label(activation, init)
        if rows is None:
            lines.append((np.inf, label + ": every learning rate diverged", None))
            continue
        err = rows[rows["quantity"] == "test_error"].pivot_table(
            index="update", columns="seed", values="value", aggfunc="first"
        )
        mean = 100 * err.mean(axis=1)
        if err.shape[1] > 1:
            for seed in err.columns:
                ax.plot(err.index, 100 * err[seed], color=color, lw=0.6, alpha=0.4)
        final = mean.iloc[-1]
        text = f"{label} (lr {lr}): {final:.1f}%"
        if paper and (activation, init) in paper:
            text += f" (paper {paper[activation, init]:.2f}%)"
        (line,) = ax.plot(mean.index, mean.to_numpy(), color=color, lw=1.6)
        lines.append((final, text, line))
    lines.sort(key=lambda t: -t[0])
    handles = [
        line if line is not None else plt.Line2D([], [], color="none")
        for _, _, line in lines
    ]
    ax.legend(
        handles,
        [text for _, text, _ in lines],
        loc="upper right",
        frameon=False,
        title="final test error",
    )
    ax.set_xlabel(UPDATES_LABEL)
    ax.set_ylabel("test error (%)")
    ax.set_title(f"Test error during online training on Shapeset-3x2, {hidden}")
    _updates_axis(ax)
    return fig


def hidden_label(hidden_widths):
    """ "5 hidden layers of 1000" or "hidden layers 200-100-..." for titles."""
    if len(set(hidden_widths)) == 1:
        return f"{len(hidden_widths)} hidden layers of {hidden_widths[0]}"
    return "hidden layers " + "-".join(str(n) for n in hidden_widths)


# The function that draws each of the paper's training Figures 2, 3, 4, 9
# and 10 (their models: glorot.paper.TRAINING_FIGURES).
TRAINING_FIGURE_PLOTS = {
    "2": mean_std_figure,
    "3": percentile_std_figure,
    "4": end_histogram_figure,
    "9": weight_gradient_figure,
    "10": percentile_std_figure,
}
