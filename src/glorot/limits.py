"""Where a network's values reach the limits of its float dtype.

In a deep, narrow network the variances shrink (or grow) by a constant factor
per layer. Once the values fall below the dtype's smallest normal number
(float32: 1.2e-38) they lose precision as subnormals and then flush to exact
zeros; the measured variance is then 0 and predicted / measured is inf. (Units
that never activate, as in a dead relu layer, give exact zeros too.) Such
cells are not wrong numbers to hide but numbers to flag: this module finds
them so that the log, summary.md and the figure say which they are.

The other end cannot reach a table: a value beyond the dtype's largest number
becomes inf, inf - inf is NaN one layer later, and the measure job stops
(``OverflowInNetwork``).
"""

import numpy as np

KEYS = ["activation", "init", "quantity", "layer"]


class OverflowInNetwork(ArithmeticError):
    pass


class ValuesNotFinite(ArithmeticError, ValueError):
    """Values a computation produced are inf or NaN, found by value
    (np.isfinite): past the dtype's largest number, or inf - inf after it.
    The caller, which knows the experiment, turns it into its message
    (``overflow_error``, ``prediction_overflow_error``)."""


def require_finite(values, what):
    """ValuesNotFinite naming ``what`` unless every one of ``values`` is finite."""
    if not np.isfinite(np.asarray(values, dtype=float)).all():
        raise ValuesNotFinite(f"{what} must be finite")


def prediction_overflow_error(init, activation, what):
    """The error of a prediction whose values left float64's range."""
    top = np.finfo(np.float64).max
    return OverflowInNetwork(
        f"predictions of init {init}, activation {activation}: {what}: the "
        f"predicted variances exceeded float64's largest number ({top:.3g}) and "
        "became inf; use fewer layers or a smaller weight variance"
    )


def overflow_error(dtype, experiment, init, network, activation):
    """The error of a measure job whose values left the dtype's range."""
    top = np.finfo(np.dtype(dtype)).max
    return OverflowInNetwork(
        f"experiment {experiment}, init {init}, network {network}, activation "
        f"{activation}: values exceeded {dtype}'s largest number ({top:.3g}) and "
        f"became inf, then NaN; set experiments.{experiment}.dtype: float64 or use "
        "fewer layers"
    )


def underflow_cells(per_network, dtype, quantities=None):
    """The (activation, init, quantity, layer) cells where, in at least one
    network, the mean square of the values is below the square of the dtype's
    smallest normal number: the typical value is subnormal or zero.

    ``per_network`` has the columns of the per-network moments files. Returns
    the cells with ``networks_at_limit`` (how many networks) and
    ``networks_all_zero`` (how many have every value exactly 0).
    """
    tiny = float(np.finfo(np.dtype(dtype)).tiny)
    table = per_network
    if quantities is not None:
        table = table[table["quantity"].isin(quantities)]
    at_limit = table["mean_square"] < tiny**2
    flagged = (
        table.assign(at_limit=at_limit, all_zero=table["mean_square"] == 0)
        .groupby(KEYS, sort=True, as_index=False)[["at_limit", "all_zero"]]
        .sum()
    )
    flagged = flagged[flagged["at_limit"] > 0]
    return flagged.rename(
        columns={"at_limit": "networks_at_limit", "all_zero": "networks_all_zero"}
    ).reset_index(drop=True)


def _layer_ranges(layers):
    """[1, 2, 3, 7] -> "1-3, 7"."""
    layers = sorted(int(k) for k in layers)
    parts, start = [], None
    for k, nxt in zip(layers, layers[1:] + [None]):
        start = k if start is None else start
        if nxt != k + 1:
            parts.append(f"{start}" if start == k else f"{start}-{k}")
            start = None
    return ", ".join(parts)


def describe(cells, dtype):
    """One line per (activation, init, quantity): the layers at the limit."""
    lines = []
    for (activation, init, quantity), group in cells.groupby(KEYS[:3], sort=True):
        zero = group[group["networks_all_zero"] > 0]["layer"]
        text = (
            f"{activation}, {init}, {quantity}: layers {_layer_ranges(group['layer'])}"
        )
        if len(zero):
            text += (
                f" (all values exactly 0 in some network: layers {_layer_ranges(zero)})"
            )
        lines.append(text)
    return lines


def markdown_note(cells, dtype, networks):
    """The section summary.md gives the cells at the dtype's limits ('' if none)."""
    if cells.empty:
        return ""
    tiny = float(np.finfo(np.dtype(dtype)).tiny)
    lines = [
        "",
        f"## Cells at the limits of {dtype}",
        "",
        f"In these cells the values of at least one of the {networks} networks are "
        f"below {dtype}'s smallest normal number ({tiny:.3g}), so they are subnormal "
        "(imprecise) or exactly 0 (underflow, or units that never activate). Their "
        "measured variance is biased towards 0, and where it is 0 the ratios to it "
        "(the ratio_ columns of variance_by_layer.csv, layer_ratios.csv) hold inf "
        "or NaN and the figures leave the point out and say so: read them as "
        f'"below what {dtype} can hold", not as a measurement.',
        "",
    ]
    lines += [f"- {line}" for line in describe(cells, dtype)]
    return "\n".join(lines) + "\n"


def undrawable(table):
    """Rows of a variance_by_layer table whose measured value a log axis
    cannot show (0, negative or not finite)."""
    measured = table["measured"].to_numpy(dtype=float)
    return table[~(np.isfinite(measured) & (measured > 0))]


def note_undrawn(ax, rows, group=None):
    """Write in the panel ``ax`` the layers of ``rows`` (rows of a
    variance_by_layer table the panel could not draw), per value of the
    column ``group`` if given. Returns how many points that is."""
    if rows.empty:
        return 0
    if group is None:
        parts = [f"layers {_layer_ranges(rows['layer'])}"]
    else:
        parts = [
            f"{value}: layers {_layer_ranges(part['layer'])}"
            for value, part in rows.groupby(group, sort=False)
        ]
    ax.text(
        0.02,
        0.02,
        "not drawn (measured 0):\n" + "\n".join(parts),
        transform=ax.transAxes,
        fontsize=7,
        color="firebrick",
        va="bottom",
    )
    return len(rows)


def mark_undrawn(axes, table, activations, quantities, inits):
    """Write in each panel of the variance figure (rows: activations,
    columns: quantities) which measured points it could not draw on its log
    axis. Returns how many points that is."""
    missing = undrawable(table)
    missing = missing[missing["init"].isin(inits)]
    count = 0
    for r, activation in enumerate(activations):
        for c, quantity in enumerate(quantities):
            rows = missing[
                (missing["activation"] == activation)
                & (missing["quantity"] == quantity)
            ]
            count += note_undrawn(axes[r][c], rows, group="init")
    return count


def mark_undrawn_ratios(axes, table, pairs, quantities):
    """The same for the agreement figure (rows: (activation, init) pairs,
    columns: quantities), whose ratios predicted / measured are inf there."""
    missing = undrawable(table)
    count = 0
    for r, (activation, init) in enumerate(pairs):
        for c, quantity in enumerate(quantities):
            rows = missing[
                (missing["activation"] == activation)
                & (missing["init"] == init)
                & (missing["quantity"] == quantity)
            ]
            count += note_undrawn(axes[r][c], rows)
    return count
