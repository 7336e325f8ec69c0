"""Two-input propagation measured on sampled deep networks (docs/propagation.md).

A network of ``depth`` hidden layers of ``width`` units, weights
N(0, sigma_w2 / n_in) and biases N(0, sigma_b2), reads a batch of input
pairs; per layer l = 1..depth it records for every pair (a, b)

- q^l: the mean over units of (h_a^2 + h_b^2) / 2, the measured length;
- 1 - c^l with c^l = h_a . h_b / (|h_a| |h_b|), computed as
  |h_a/|h_a| - h_b/|h_b||^2 / 2, which keeps its digits when c^l -> 1;

the per-layer gradient factor |delta^l|^2 / |delta^{l+1}|^2 of a
random top gradient back-propagated (delta^l = phi'(h^l) * W^{l+1}^T
delta^{l+1}), whose mean-field value is chi_1; and the per-layer length
factor dq^{l+1} / dq^l of a radial perturbation of layer l, h^l -> (1 + eps)
h^l: (h^{l+1} . W^{l+1} (phi'(h^l) h^l)) / (h^l . h^l), the slope of the
network's own length map at its current length. Given layer l its numerator's
mean is sigma_w^2 sum phi(h) phi'(h) h (the bias is independent of W), so its
mean-field value is sigma_w^2 E[h phi(h) phi'(h)] / q = L'(q^l), and at q*
exp(-1 / xi_q). The perturbation is restarted at every layer, like the
gradient factor: a tangent carried from the input instead is swamped, after
a few layers, by its component across h (which grows by chi_1 per layer,
faster than L'(q*)^2).
"""

import numpy as np
import pandas as pd

from . import activations, seeding

POINT = ["activation", "sigma_w2", "sigma_b2"]

# Every input pair has this many entries (Shapeset-3x2's 32 x 32 pixels), so the
# Gaussian and the image pairs go through the same first layer.
N_IN = 1024


def input_pairs(correlations, images, seed):
    """(labels, x): the Gaussian pairs of the chosen ``correlations`` (labels
    ``gaussian_c<c>``, c as written in the config) then the image pairs
    (``shapeset_<k>``: images 2k and 2k+1 of ``images``, one per row), as the
    columns of x (N_IN, 2 * pairs), float64."""
    labels = [f"gaussian_c{c}" for c in correlations]
    columns = [gaussian_pairs([float(c) for c in correlations], N_IN, seed)]
    images = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    if len(images):
        if images.shape[1] != N_IN:
            raise ValueError(f"image pairs need {N_IN} pixels, got {images.shape[1]}")
        labels += [f"shapeset_{k}" for k in range(len(images) // 2)]
        columns.append(images[: 2 * (len(images) // 2)].T)
    return labels, np.concatenate(columns, axis=1)


def gaussian_pairs(correlations, n_in, seed):
    """Input pairs (x_a, x_b) of n_in entries with |x|^2 / n_in = 1 exactly and
    x_a . x_b / n_in = c exactly, one pair per correlation c; returned as
    columns (n_in, 2 * pairs), pair k in columns 2k, 2k+1."""
    rng = np.random.default_rng(seeding.seed_sequence(seed, "propagation-inputs", n_in))
    columns = []
    for c in correlations:
        u, v = rng.standard_normal((2, n_in))
        u /= np.linalg.norm(u)
        v -= (v @ u) * u
        v /= np.linalg.norm(v)
        scale = np.sqrt(n_in)
        columns += [scale * u, scale * (c * u + np.sqrt(1 - c * c) * v)]
    return np.stack(columns, axis=1)


def pair_moments(x):
    """(q_a, q_b, q_ab) per pair of the columns of ``x``: the inputs' mean
    squares |x_a|^2 / n_0, |x_b|^2 / n_0 and x_a . x_b / n_0."""
    x = np.asarray(x, dtype=np.float64)
    n_in = x.shape[0]
    a, b = x[:, 0::2], x[:, 1::2]
    return (
        np.einsum("ij,ij->j", a, a) / n_in,
        np.einsum("ij,ij->j", b, b) / n_in,
        np.einsum("ij,ij->j", a, b) / n_in,
    )


def network_generator(seed, activation, sigma_w2, sigma_b2, depth, width, network):
    """The random stream of one network, keyed on its identity. The sigmas are
    keyed by their text as written in the config, so 1 and 1.0 are one point."""
    return np.random.default_rng(
        seeding.seed_sequence(
            seed,
            "propagation",
            activation,
            str(sigma_w2),
            str(sigma_b2),
            depth,
            width,
            network,
        )
    )


def _one_minus_c(h_a, h_b):
    with np.errstate(invalid="ignore", divide="ignore"):
        u = h_a / np.linalg.norm(h_a, axis=0)
        v = h_b / np.linalg.norm(h_b, axis=0)
    return np.einsum("ij,ij->j", u - v, u - v) / 2


def measure_network(x, rng, width, depth, sigma_w2, sigma_b2, activation):
    """One sampled network on the input pairs ``x`` (n_0, 2 * pairs), float64.

    Returns (q, one_minus_c, gradient_factor, length_factor): q and 1 - c of
    shape (depth, pairs), layers 1..depth; the gradient factor
    |delta^l|^2 / |delta^{l+1}|^2 and the length factor
    (h^{l+1} . W^{l+1} (phi'(h^l) h^l)) / (h^l . h^l) of shape (depth - 1,),
    layers 1..depth-1, numerator and denominator each summed over the batch's
    columns. Entries are NaN from the first layer where a value overflows
    (detected by value). The length factor draws no random numbers: q, c and
    the gradient factor do not depend on it.
    """
    phi, phi_prime = activations.get(activation)
    x = np.asarray(x, dtype=np.float64)
    pairs = x.shape[1] // 2
    q = np.full((depth, pairs), np.nan)
    one_minus_c = np.full((depth, pairs), np.nan)
    length_factor = np.full(depth - 1, np.nan)
    weights, slopes = [], []
    z, n_in = x, x.shape[0]
    radial = None  # phi'(h^{l-1}) h^{l-1}: where a radial perturbation goes
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            w = rng.standard_normal((width, n_in)) * np.sqrt(sigma_w2 / n_in)
            b = rng.standard_normal(width) * np.sqrt(sigma_b2)
            h = w @ z + b[:, None]
            if not np.isfinite(h).all():
                break
            if radial is not None:
                length_factor[layer - 1] = np.sum(h * (w @ radial)) / np.sum(h_below**2)
            h_a, h_b = h[:, 0::2], h[:, 1::2]
            q[layer] = (
                np.einsum("ij,ij->j", h_a, h_a) + np.einsum("ij,ij->j", h_b, h_b)
            ) / (2 * width)
            one_minus_c[layer] = _one_minus_c(h_a, h_b)
            weights.append(w)
            slopes.append(phi_prime(h))
            z, n_in = phi(h), width
            radial, h_below = slopes[-1] * h, h
        gradient_factor = np.full(depth - 1, np.nan)
        if len(weights) == depth:
            delta = rng.standard_normal((width, x.shape[1]))
            norm_above = np.sum(delta**2)
            for layer in range(depth - 2, -1, -1):
                delta = slopes[layer] * (weights[layer + 1].T @ delta)
                norm = np.sum(delta**2)
                gradient_factor[layer] = norm / norm_above
                norm_above = norm
    gradient_factor[~np.isfinite(gradient_factor)] = np.nan
    length_factor[~np.isfinite(length_factor)] = np.nan
    return q, one_minus_c, gradient_factor, length_factor


# --- The per-network records --------------------------------------------------

RECORD_COLUMNS = POINT + [
    "network",
    "pair",
    "layer",
    "q",
    "one_minus_c",
    "gradient_factor",
    "length_factor",
]
# Read back as text: a sigma is written as the config wrote it.
RECORD_DTYPES = {"sigma_w2": str, "sigma_b2": str, "pair": str}


def network_records(
    point, network, labels, q, one_minus_c, gradient_factor, length_factor
):
    """The long table of one network: a row per (pair, layer 1..depth); the
    gradient factor of layer l (|delta^l|^2 / |delta^{l+1}|^2) and its length
    factor (dq^{l+1} / dq^l) on every pair's row, NaN at the top layer."""
    depth, pairs = q.shape
    factor = np.append(gradient_factor, np.nan)
    length = np.append(length_factor, np.nan)
    return pd.DataFrame(
        {
            "activation": point[0],
            "sigma_w2": point[1],
            "sigma_b2": point[2],
            "network": network,
            "pair": np.repeat(labels, depth),
            "layer": np.tile(np.arange(1, depth + 1), pairs),
            "q": q.T.ravel(),
            "one_minus_c": one_minus_c.T.ravel(),
            "gradient_factor": np.tile(factor, pairs),
            "length_factor": np.tile(length, pairs),
        },
        columns=RECORD_COLUMNS,
    )
