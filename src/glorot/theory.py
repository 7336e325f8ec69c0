"""Analytical predictions of the per-layer variances at initialization.

Network: widths n_0 .. n_{d+1}, weights W^i (n_i x n_{i+1}) with variance
var_w[i], i = 0..d. Every function returns one value per layer, index i as in
the paper.

Two families:

- The paper's linear regime (Section 4.2.1): f'(s) ~ 1, zero means,
  independent weights and signals. Eq. (5), (6), (7), with the product bounds
  of (6) and (7) either corrected or as printed (``../shared/paper-notes.md``,
  "The index bounds of (6) and (7)").
- Mean-field signal propagation (Poole et al. 2016; Schoenholz et al. 2017):
  the pre-activations of a layer are taken Gaussian, and second moments are
  carried through the actual nonlinearity by quadrature.
"""

import numpy as np
from numpy.polynomial.legendre import leggauss

from . import activations

# Gauss-Legendre nodes per half-line, on u in [0, U_MAX]; the Gaussian weight
# beyond U_MAX = 12 is below 1e-32.
QUADRATURE_POINTS = 200
U_MAX = 12.0


def _products(factors):
    """prefix[i] = prod(factors[:i]), for i = 0..len(factors)."""
    return np.concatenate([[1.0], np.cumprod(factors)])


def forward_factors(widths, var_w):
    """n_i Var[W^i], i = 0..d: the per-layer factor of eq. (5) (eq. 10 sets it to 1)."""
    return np.asarray(widths[:-1], dtype=float) * np.asarray(var_w, dtype=float)


def backward_factors(widths, var_w):
    """n_{i+1} Var[W^i], i = 0..d: the per-layer factor of eq. (6) (eq. 11 sets it to 1)."""
    return np.asarray(widths[1:], dtype=float) * np.asarray(var_w, dtype=float)


def glorot_activation_variance(widths, var_w, var_x):
    """Eq. (5): Var[z^i] = Var[x] prod_{i'=0}^{i-1} n_{i'} Var[W^{i'}], i = 0..d."""
    return var_x * _products(forward_factors(widths, var_w))[:-1]


def glorot_preactivation_variance(widths, var_w, var_x):
    """Var[s^i] = n_i Var[W^i] Var[z^i], i = 0..d (eq. 5 one step further)."""
    return var_x * _products(forward_factors(widths, var_w))[1:]


def glorot_backprop_variance(widths, var_w, var_top, printed=False):
    """Eq. (6): Var[dC/ds^i] for i = 0..d, from Var[dC/ds^d] = ``var_top``.

    Corrected: prod_{i'=i+1}^{d} n_{i'+1} Var[W^{i'}] (d - i factors, as eq. 13).
    Printed:   prod_{i'=i}^{d}   n_{i'+1} Var[W^{i'}] (one factor more).
    """
    b = backward_factors(widths, var_w)
    d = len(b) - 1
    skip = 0 if printed else 1
    return np.array([var_top * np.prod(b[i + skip : d + 1]) for i in range(d + 1)])


def glorot_weight_gradient_variance(widths, var_w, var_x, var_top, printed=False):
    """Eq. (7): Var[dC/dw^i], i = 0..d.

    Corrected: Var[z^i] Var[dC/ds^i], i.e. eq. (5) times corrected eq. (6):
        prod_{i'=0}^{i-1} n_{i'} Var[W^{i'}] prod_{i'=i+1}^{d} n_{i'+1} Var[W^{i'}] Var[x] Var[dC/ds^d]
    Printed: the second product over i' = i .. d-1 instead.
    """
    a = forward_factors(widths, var_w)
    b = backward_factors(widths, var_w)
    d = len(b) - 1
    lo, hi = (0, d) if printed else (1, d + 1)
    return np.array(
        [
            var_x * var_top * np.prod(a[:i]) * np.prod(b[i + lo : hi])
            for i in range(d + 1)
        ]
    )


def uniform_softmax_top_variance(classes):
    """Var[dC/ds^d] when the softmax output is uniform (p = 1/C) and y uniform:
    dC/ds^d = p - onehot(y) has mean 0 and E[g^2] = (C - 1) / C^2."""
    return (classes - 1) / classes**2


def _half_line_rule():
    x, w = leggauss(QUADRATURE_POINTS)
    u = (x + 1) * U_MAX / 2
    return u, w * U_MAX / 2 * np.exp(-(u**2) / 2) / np.sqrt(2 * np.pi)


def gaussian_expectation(g, q):
    """E[g(sqrt(q) u)] for u ~ N(0, 1), by quadrature.

    The two half-lines u < 0 and u > 0 are integrated separately (Gauss-Legendre
    on [0, 12] each) rather than with one Gauss-Hermite rule: relu and
    softsign's derivative have a kink at 0, where Gauss-Hermite converges
    slowly (softsign's E[f'^2] is off by 5% at 128 nodes); on each half-line
    every integrand here is smooth.
    """
    u, w = _half_line_rule()
    r = np.sqrt(q) * u
    return float(w @ g(r) + w @ g(-r))


def softmax_top_second_moment(q, classes, samples=200_000, seed=0):
    """E[(dC/ds^d_k)^2] for logits s^d ~ N(0, q) iid and y uniform.

    With p = softmax(s^d): E[g^2] = (E[sum_k p_k^2] - 2/C + 1) / C, since by
    symmetry E[p_y] = 1/C. E[sum_k p_k^2] is a C-dimensional Gaussian integral,
    so it is estimated by Monte Carlo with a fixed seed (deterministic;
    relative error about 1e-3 at the default sample count).
    """
    rng = np.random.default_rng(seed)
    logits = np.sqrt(q) * rng.standard_normal((samples, classes))
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    sum_p2 = float(np.mean(np.sum(p**2, axis=1)))
    return (sum_p2 - 2 / classes + 1) / classes


def meanfield(widths, var_w, activation, x_mean, x_var):
    """Mean-field predictions of every quantity, i = 0..d.

    Forward (length map): q^i = Var[s^i] = n_i Var[W^i] E[(z^i)^2], and
    z^{i+1} = f(s^i) with s^i ~ N(0, q^i), so E[z] and E[z^2] come from quadrature
    (sigmoid's mean 1/2 and relu's factor 1/2 appear here).
    Backward: E[(dC/ds^i)^2] = E[f'(s^i)^2] n_{i+2} Var[W^{i+1}] E[(dC/ds^{i+1})^2],
    the per-layer factor chi of Schoenholz et al. with the actual widths.
    Weight gradients: E[(z g)^2] = E[z^2] E[g^2] with E[g] = 0.

    Returns a dict quantity -> array over layers (activation_derivative holds E[f']).
    """
    f, f_prime = activations.get(activation)
    widths = list(widths)
    d = len(widths) - 2
    z_mean = [x_mean]
    z_sq = [x_var + x_mean**2]
    q = []
    fp_mean, fp_sq = [], []
    for i in range(d + 1):
        q.append(widths[i] * var_w[i] * z_sq[i])
        if i < d:
            z_mean.append(gaussian_expectation(f, q[i]))
            z_sq.append(gaussian_expectation(lambda s: f(s) ** 2, q[i]))
            fp_mean.append(gaussian_expectation(f_prime, q[i]))
            fp_sq.append(gaussian_expectation(lambda s: f_prime(s) ** 2, q[i]))
    g_sq = [0.0] * (d + 1)
    g_sq[d] = softmax_top_second_moment(q[d], widths[-1])
    for i in range(d - 1, -1, -1):
        g_sq[i] = fp_sq[i] * widths[i + 2] * var_w[i + 1] * g_sq[i + 1]
    z_var = np.array(z_sq) - np.array(z_mean) ** 2
    return {
        "activation": z_var,
        "preactivation": np.array(q),
        "backprop_gradient": np.array(g_sq),
        "weight_gradient": np.array(z_sq) * np.array(g_sq),
        "activation_derivative": np.array(fp_mean),
    }
