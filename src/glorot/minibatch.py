"""The minibatch average of the per-example weight gradients at initialization.

Eq. (3)/(7) describe one example's gradient dC/dW^i_{lk} = z^i_l dC/ds^i_k.
SGD applies the average over a minibatch of B examples,
G^i_{lk} = (1/B) sum_b z^i_{b,l} dC_b/ds^i_{b,k}. If the B per-example
gradients were independent, Var[G^i] would be Var[dC/dW^i] / B; they are not,
since every example goes through the same weights. This module measures

    ratio^i = B Var[G^i] / Var[dC/dW^i]     (1 for independent examples)

for one network, both variances pooled over the entries (l, k) and over the
examples (or minibatches) of that network, as the per-network moments are.
Neither needs the n_i x n_{i+1} gradient matrices: with g = dC/ds^i,

    sum_{l,k} (z_l g_k)^2          = |z|^2 |g|^2
    sum_{l,k} (sum_b z_bl g_bk)^2  = sum_{b,b'} (z_b . z_b') (g_b . g_b')
    sum_{l,k} z_l g_k              = (sum_l z_l) (sum_k g_k).
"""

import numpy as np
import pandas as pd

from . import activations, blocks, network, paper
from .compare import mean_over_networks

# The paper's minibatch size (glorot.paper), used when the config trains
# nothing (otherwise training.batch_size).
PAPER_MINIBATCH = paper.MINIBATCH


def minibatch_moments(z, g, batch_size):
    """Pooled (variance per example, variance of the minibatch average) of the
    weight gradients z^T g of one layer; ``z`` (examples x n_i) and ``g``
    (examples x n_{i+1}) in example order, cut into consecutive minibatches
    of ``batch_size`` (examples beyond the last whole minibatch are dropped)."""
    batches = len(z) // batch_size
    if batches < 1:
        raise ValueError(
            f"need at least one minibatch of {batch_size} examples, got {len(z)}"
        )
    z = np.asarray(z[: batches * batch_size], dtype=np.float64)
    g = np.asarray(g[: batches * batch_size], dtype=np.float64)
    entries = z.shape[1] * g.shape[1]
    sum_z, sum_g = z.sum(axis=1), g.sum(axis=1)
    sq_z, sq_g = np.einsum("bl,bl->b", z, z), np.einsum("bk,bk->b", g, g)
    mean = np.mean(sum_z * sum_g) / entries
    per_example = np.mean(sq_z * sq_g) / entries - mean**2
    zb = z.reshape(batches, batch_size, -1)
    gb = g.reshape(batches, batch_size, -1)
    gram = np.einsum("jbl,jcl->jbc", zb, zb) * np.einsum("jbk,jck->jbc", gb, gb)
    minibatch = gram.sum(axis=(1, 2)).mean() / (batch_size**2 * entries) - mean**2
    return per_example, minibatch


def network_table(weights, x, y, activation, batch_size):
    """One row per layer i of one network: per-example and minibatch variances
    of dC/dW^i and their ratio B Var[G^i] / Var[dC/dW^i]."""
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f)
    g = network.backward(s, weights, f_prime, y)
    rows = []
    for i in range(len(weights)):
        per_example, minibatch = minibatch_moments(z[i], g[i], batch_size)
        rows.append((i, per_example, minibatch, batch_size * minibatch / per_example))
    return pd.DataFrame(rows, columns=["layer", "per_example", "minibatch", "ratio"])


def summarise(per_network, experiment):
    """Mean over networks of the ratio with its 95% interval, per (activation,
    init, layer). Every (activation, init, layer) of the ``experiment`` config
    must come with one finite ratio per network, or the table is refused."""
    d = len(experiment["widths"]) - 2
    expected = {
        (a, i, layer, k)
        for a in experiment["activations"]
        for i in experiment["inits"]
        for layer in range(d + 1)
        for k in range(blocks.first_networks(experiment, "minibatch_networks"))
    }
    found = list(
        zip(
            per_network["activation"],
            per_network["init"],
            per_network["layer"],
            per_network["network"],
        )
    )
    if len(found) != len(expected) or set(found) != expected:
        raise ValueError(
            "minibatch: the per-network files do not hold one row per "
            "(activation, init, layer, network) of the config; rerun rule minibatch"
        )
    if not np.isfinite(per_network["ratio"]).all():
        raise ValueError("minibatch: a non-finite ratio in the per-network files")
    table = mean_over_networks(per_network, "ratio")
    # One minibatch size per cell (the readers refuse a file with two).
    sizes = per_network.groupby(["activation", "init", "layer"], sort=True)
    table.insert(3, "batch_size", sizes["batch_size"].first().to_numpy())
    return table
