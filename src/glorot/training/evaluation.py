"""What a run records of its network: classification error and cost on a
set, and the per-layer statistics of activations and weight gradients."""

import math

import numpy as np

from .. import activations, network
from ..moments import Histogram, array_moments, weight_gradient_moments

# EVAL_CHUNK: rows of the validation and test sets pushed through the network
# at a time (in glorot.resources, which sizes the job's memory from it).
from ..resources import EVAL_CHUNK


def error_and_cost(x, y, weights, biases, activation):
    """Classification error (fraction of (x, y) whose most probable class is
    not y) and mean cost -log P(y | x) over (x, y)."""
    f, _ = activations.get(activation)
    wrong, cost = 0, 0.0
    for start in range(0, len(x), EVAL_CHUNK):
        s, _ = network.forward(x[start : start + EVAL_CHUNK], weights, f, biases)
        y_chunk = y[start : start + EVAL_CHUNK]
        wrong += int(np.count_nonzero(s[-1].argmax(axis=1) != y_chunk))
        cost += float(network.nll_cost(s[-1], y_chunk).sum(dtype=np.float64))
    return wrong / len(x), cost / len(x)


def layer_statistics(x, y, weights, biases, activation, histogram_range, bins):
    """Per hidden layer i = 1..d: (mean, std, 98th percentile) of the
    activations z^i over units and examples, and the histogram counts
    [below range, bins..., above range]; per W^i, i = 0..d, the standard
    deviation of the per-example weight gradients z^i_l dC/ds^i_k (eq. 3)
    over examples and entries. Returns (stats, counts, finite): stats maps
    (quantity, layer) to a float; finite is False if any value is NaN/inf."""
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f, biases)
    stats, counts = {}, []
    if not all(np.isfinite(a).all() for a in s):
        return stats, counts, False
    dcost_ds = network.backward(s, weights, f_prime, y)
    low, high = histogram_range
    for i in range(1, len(weights)):
        m = array_moments(z[i])
        stats["activation_mean", i] = m.mean
        stats["activation_std", i] = math.sqrt(m.variance)
        stats["activation_p98", i] = float(np.percentile(z[i].astype(np.float64), 98))
        h = Histogram(low, high, bins)
        h.add(z[i])
        counts.append(np.concatenate([[h.underflow], h.counts, [h.overflow]]))
    for i, g in enumerate(dcost_ds):
        stats["weight_gradient_std", i] = math.sqrt(
            weight_gradient_moments(z[i], g).variance
        )
    return stats, counts, True
