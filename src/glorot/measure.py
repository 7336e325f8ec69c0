"""Per-layer statistics of one sampled network at initialization.

Quantities, with the paper's layer index i:

- ``activation``: z^i, i = 0..d (z^0 = x)
- ``preactivation``: s^i, i = 0..d (s^d = logits)
- ``backprop_gradient``: dC/ds^i, i = 0..d, eq. (2)
- ``weight_gradient``: per-example dC/dW^i_{l,k} = z^i_l dC/ds^i_k, i = 0..d, eq. (3)
- ``activation_derivative``: f'(s^i), i = 0..d-1, the factor eq. (4) sets to 1
- ``backward_example_ratio``: per example, |dC/ds^i|^2 / (|f'(s^i)|^2
  |dC/ds^{i+1}|^2), i = 0..d-1: the two sides of the backward step of eq. (2)
  within one example, up to the factor Var[W^{i+1}] (glorot.assumptions)
"""

import numpy as np
import pandas as pd

from . import activations, limits, network
from .quantities import HISTOGRAM_QUANTITIES, MEASURED_QUANTITIES
from .moments import Histogram, Moments, moments_2d, weight_gradient_moments_from_sums


def measure_network(
    weights,
    inputs,
    activation,
    chunk_size,
    histogram_ranges=None,
    bins=100,
    weight_gradient_histogram_examples=0,
):
    """Stream ``inputs`` through the network ``weights`` with nonlinearity ``activation``.

    Returns (moments, histograms): dicts keyed by (quantity, layer). Histograms
    (fixed bins, ``histogram_ranges[quantity] = (low, high)``) are kept for the
    quantities in ``histogram_ranges``; weight-gradient histograms use only the
    first ``weight_gradient_histogram_examples`` examples, since each example
    has n_i x n_{i+1} of them.

    Each chunk is pushed forward and backward into buffers allocated once
    (``network.forward_backward``); its statistics are float64 reductions that never copy
    more than one layer of one chunk (``moments.moments_2d``), and the
    histograms bin the float32 values exactly without a float64 copy. Memory
    is flat in the number of examples.
    """
    activations.get(activation)  # an unknown name fails before any work
    d = len(weights) - 1
    moments = {}
    histograms = {}
    for quantity, (low, high) in (histogram_ranges or {}).items():
        for i in range(d + 1):
            histograms[quantity, i] = Histogram(low, high, bins)

    def add(quantity, i, chunk_moments):
        # By value: a value past the dtype's largest number is inf, and NaN
        # (inf - inf) one layer later; either makes the float64 mean or m2
        # of the chunk non-finite (limits.ValuesNotFinite).
        limits.require_finite(
            (chunk_moments.mean, chunk_moments.m2), f"{quantity} of layer {i}"
        )
        moments[quantity, i] = moments.get((quantity, i), Moments()).merge(
            chunk_moments
        )

    buffers = None
    seen = 0
    for x, y in inputs.chunks(chunk_size):
        s, z, f_prime, dcost_ds, buffers = network.forward_backward(
            x, y, weights, activation, buffers
        )
        rows = len(x)
        take = max(0, min(weight_gradient_histogram_examples - seen, rows))
        g_squares_by_layer, fp_squares_by_layer = [], []
        for i in range(d + 1):
            z_moments, z_sums, z_squares = moments_2d(z[i], row_sums=True)
            g_moments, g_sums, g_squares = moments_2d(dcost_ds[i], row_sums=True)
            g_squares_by_layer.append(g_squares)
            add("activation", i, z_moments)
            add("preactivation", i, moments_2d(s[i]))
            add("backprop_gradient", i, g_moments)
            count = rows * z[i].shape[1] * dcost_ds[i].shape[1]
            add(
                "weight_gradient",
                i,
                weight_gradient_moments_from_sums(
                    count, z_sums, z_squares, g_sums, g_squares
                ),
            )
            if i < d:
                fp_moments, _, fp_squares = moments_2d(f_prime[i], row_sums=True)
                add("activation_derivative", i, fp_moments)
                fp_squares_by_layer.append(fp_squares)
            if ("activation", i) in histograms:
                histograms["activation", i].add(z[i])
            if ("backprop_gradient", i) in histograms:
                histograms["backprop_gradient", i].add(dcost_ds[i])
            if take and ("weight_gradient", i) in histograms:
                # The per-example weight gradients network.weight_gradient
                # would return, binned block by block.
                histograms["weight_gradient", i].add_outer(
                    z[i][:take], dcost_ds[i][:take]
                )
        for i in range(d):
            add(
                "backward_example_ratio",
                i,
                moments_2d(
                    backward_example_ratio(
                        g_squares_by_layer[i],
                        fp_squares_by_layer[i],
                        g_squares_by_layer[i + 1],
                    )[:, None]
                ),
            )
        seen += rows
        # Let go of this chunk before the source draws the next one.
        del x, y, s, z, f_prime, dcost_ds
    return moments, histograms


def backward_example_ratio(g_squares, fp_squares, g_up_squares):
    """Per example, |dC/ds^i|^2 / (|f'(s^i)|^2 |dC/ds^{i+1}|^2) from the sums
    of squares over the units of each example (float64 arrays, one entry per
    example). Eq. (2) squared and averaged over the weights, with
    dC/ds^{i+1} and f'(s^i) independent of W^{i+1} (the gradient-independence
    approximation), makes its expectation 1 / Var[W^{i+1}] (the unit counts
    cancel: |dC/ds^i|^2 sums n_{i+1} units, |f'|^2 as many, and each unit of
    dC/ds^i sums n_{i+2} products). Taken within each example, it leaves out
    the example-to-example covariance of f'(s)^2 and (dC/ds)^2 that the
    pooled ratio (``backward_independence``) includes.

    An example whose f'(s^i) or dC/ds^{i+1} is 0 in every unit (float
    underflow, or relu units all off) has no ratio: it is left out, and the
    moments' count says how many examples have one."""
    denominator = fp_squares * g_up_squares
    defined = denominator > 0
    return g_squares[defined] / denominator[defined]


def _ordered(keys):
    return sorted(keys, key=lambda key: (MEASURED_QUANTITIES.index(key[0]), key[1]))


def moments_table(moments):
    """Rows (quantity, layer, count, mean, variance, mean_square) of a moments dict."""
    rows = []
    for quantity, layer in _ordered(moments):
        m = moments[quantity, layer]
        # No values (a per-example ratio no example has): count 0, and 0
        # for the moments rather than NaN, which would read as an overflow.
        variance = m.variance if m.count else 0.0
        rows.append((quantity, layer, m.count, m.mean, variance, variance + m.mean**2))
    return pd.DataFrame(
        rows, columns=["quantity", "layer", "count", "mean", "variance", "mean_square"]
    )


def histogram_table(histograms):
    """Rows (quantity, layer, bin_low, bin_high, count) of a histograms dict; the
    values outside the range are the rows with bin_low = -inf and bin_high = inf."""
    rows = []
    for quantity, layer in _ordered(histograms):
        h = histograms[quantity, layer]
        edges = h.edges
        rows.append((quantity, layer, -np.inf, h.low, h.underflow))
        rows.extend(
            (quantity, layer, lo, hi, int(c))
            for lo, hi, c in zip(edges[:-1], edges[1:], h.counts)
        )
        rows.append((quantity, layer, h.high, np.inf, h.overflow))
    return pd.DataFrame(
        rows, columns=["quantity", "layer", "bin_low", "bin_high", "count"]
    )


def ensemble_variance(per_network):
    """Per-network estimates whose mean over the networks is an unbiased
    estimate of the variance the theory predicts.

    The theory's Var[X] is taken over everything random: the weights, the
    examples and the units. The variance pooled within one network (the
    ``variance`` column) is taken around that network's own mean, which
    misses the spread of that mean from network to network: its expectation
    is Var[X] - Var[mean_k]. That gap is not small where few values share one
    mean: when the examples share a large common component (Shapeset-3x2
    pixels in [0, 1]), the 9 logits of a network are nearly constant across
    examples at initialization, so their within-network variance has
    expectation close to 8/9 of Var[s^d]. The estimate returned here adds the
    spread back:

        v_k = variance_k + K / (K - 1) (mean_k - mean)^2,   k = 1..K networks,

    whose average over k is mean_k(variance_k) + the unbiased sample variance
    of the K network means, an unbiased estimate of Var[X] (within-network
    plus between-network variance).

    ``per_network``: the rows of the measure tables (activation, init,
    network, quantity, layer, mean, variance, ...). Returns a copy with a
    column ``ensemble_variance``.
    """
    table = per_network.copy()
    keys = ["activation", "init", "quantity", "layer"]
    grouped = table.groupby(keys, sort=False)["mean"]
    networks = grouped.transform("size")
    spread = (table["mean"] - grouped.transform("mean")) ** 2
    table["ensemble_variance"] = table["variance"] + networks / (networks - 1) * spread
    return table
