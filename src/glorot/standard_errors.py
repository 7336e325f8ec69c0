"""The network-to-network spread of the main experiments' per-layer variances,
predicted at finite width and compared with the measured one
(docs/spectrum.md, section 4).

Each network k of an experiment gives per layer one number, the variance of
a quantity pooled over its n units and B examples, corrected for the spread
of the network's mean (``glorot.measure.ensemble_variance``):

    V_k = (1 / (n B)) sum_j sum_a y_ja^2 - 2 ybar (1 / (n B)) sum_j sum_a y_ja
          + (terms of order 1 / (n K) and constants),

ybar the mean over everything. The compare rule's standard error is
sd_k(V_k) / sqrt(K); this module predicts sd(V) from the widths, the inits,
the activation and the examples, and judges it against the measured sd.

Two predictions:

- ``exact``: linear networks, any inputs and any i.i.d. weights of kurtosis
  kappa. V = tr(G) / (B n) with G = P^T P, P = X W^0 ... W^l; the moments
  (E[tr G^2]... ) obey a closed linear recursion (``linear_trace_moments``).
- ``leading_order``: fixed inputs (the same examples in every network), any
  activation: given layer l the units of layer l + 1 are i.i.d. and
  Gaussian with the kernel Var[W^l] z^l z^l^T, so the covariance over
  networks of the per-example second moments M_a = |z_a|^2 / n obeys, to
  leading order in 1 / n, Cov[M'_a, M'_b] = Cov_unit[f_a^2, f_b^2] / n' +
  G'_a G'_b Cov[M_a, M_b] (``leading_order``); inputs drawn per network:
  the same for a pair of independent examples, whose off-diagonal kernel
  fluctuates around 0 (``independent_inputs``).
"""

import numpy as np
import pandas as pd
from numpy.polynomial.legendre import leggauss
from scipy import stats

from . import activations, compare, propagation, theory, verdicts
from .finite_width import variance_with_ci
from .initializers import weight_variance

# E[w^4] / E[w^2]^2 of each init's weights (uniform 9/5, Gaussian 3); the
# orthogonal init's entries are not independent and have no prediction here.
KURTOSIS = {"standard": 9.0 / 5.0, "normalized": 9.0 / 5.0, "he": 3.0}

# The quantities predicted: the forward ones (the gradients need the
# backward pass and the softmax cost of the 9-unit top layer).
QUANTITIES = ("activation", "preactivation", "activation_derivative")
# Activations whose f' takes the values 0 and 1 only: the pooled variance of
# f'(s) is then p (1 - p), p the fraction of units on, whose first-order
# fluctuation (1 - 2p) dp vanishes at p = 1/2 (relu), so its spread is a
# second-order effect this module does not predict.
BINARY_DERIVATIVE = ("relu", "linear")

# A cell and how its spread is predicted: the first columns of both tables.
CELL_COLUMNS = ["activation", "init", "quantity", "layer", "cells", "method"]

COLUMNS = [
    *CELL_COLUMNS,
    "networks",
    "measured_sd",
    "sd_low",
    "sd_high",
    "predicted_sd",
    "measured_se",
    "predicted_se",
    "ratio",
    "ratio_low",
    "ratio_high",
    "half_width",
    "verdict",
]

COUNT_COLUMNS = [
    "method",
    "cells",
    "count",
    *verdicts.VERDICTS,
    "median_half_width",
    "max_half_width",
    "median_ratio",
    "min_ratio",
    "max_ratio",
]

# Polar quadrature of the pairwise expectations: Gauss-Legendre nodes per
# angular sector (cut at the kinks u_a = 0 and u_b = 0, as
# glorot.propagation.gaussian_expectation_2d does) and on the radius [0, 12];
# within 1e-5 (relative) of 64 x 128 nodes for the paper's activations.
ANGLE_POINTS = 16
RADIUS_POINTS = 48
R_MAX = 12.0
# Pairs of examples per vectorized block (memory: PAIR_BLOCK x 5 x
# ANGLE_POINTS x RADIUS_POINTS floats per array).
PAIR_BLOCK = 64


# --- Exact: linear networks ----------------------------------------------------


def trace_step(moments, width_out, var_w, kurtosis):
    """One layer G -> W^T G W of the moments (E[t], E[t^2], E[u], E[w]) with
    t = tr G, u = tr G^2, w = sum_i G_ii^2, for W (n x width_out) with i.i.d.
    entries of variance ``var_w`` and E[W^4] = kurtosis var_w^2.

    With the columns a_j of W, G'_jk = a_j^T G a_k, and
    E[(a^T G a)^2] = v^2 (t^2 + 2u + (kappa - 3) w), E[(a^T G b)^2] = v^2 u
    (a, b independent), so
      E[t'] = n' v E[t],
      E[t'^2] = v^2 (n'^2 E[t^2] + 2 n' E[u] + n' (kappa - 3) E[w]),
      E[u'] = v^2 (n' E[t^2] + n' (n' + 1) E[u] + n' (kappa - 3) E[w]),
      E[w'] = n' v^2 (E[t^2] + 2 E[u] + (kappa - 3) E[w]).
    Exact for any law of the weights with those two moments."""
    t, t2, u, w = moments
    n, v, k = width_out, var_w, kurtosis - 3.0
    return (
        n * v * t,
        v**2 * (n**2 * t2 + 2 * n * u + n * k * w),
        v**2 * (n * t2 + n * (n + 1) * u + n * k * w),
        n * v**2 * (t2 + 2 * u + k * w),
    )


def input_trace_moments(x=None, examples=None, n_in=None):
    """(E[t], E[t^2], E[u], E[w]) of G^0 = X^T X: from the fixed inputs ``x``
    (B x n_0), or for inputs with i.i.d. N(0, 1) entries (``examples`` = B,
    ``n_in`` = n_0), one step from G = I_B."""
    if x is not None:
        x = np.asarray(x, dtype=float)
        t = float(np.sum(x**2))
        gram = x @ x.T
        return t, t**2, float(np.sum(gram**2)), float(np.sum(np.sum(x**2, axis=0) ** 2))
    b = float(examples)
    return trace_step((b, b**2, b, b), n_in, 1.0, 3.0)


def linear_sd(widths, var_ws, kurtosis, x=None, examples=None):
    """sd over networks of the pooled second moment of each layer of a linear
    network (``widths`` n_0..n_{d+1}, weight variances ``var_ws``), exact.

    Returns {(quantity, layer): sd}: activation[i] = z^i for i = 0..d (z^0
    only for random inputs) and preactivation[i] = s^i for i = 0..d."""
    b = len(x) if x is not None else examples
    state = input_trace_moments(x, examples, widths[0])
    out = {}

    def sd(state, n):
        t, t2 = state[0], state[1]
        return np.sqrt(max(t2 - t**2, 0.0)) / (b * n)

    if x is None:
        out["activation", 0] = sd(state, widths[0])
    for i, (n_out, var_w) in enumerate(zip(widths[1:], var_ws)):
        state = trace_step(state, n_out, var_w, kurtosis)
        out["preactivation", i] = sd(state, n_out)
        if i + 1 < len(widths) - 1:
            out["activation", i + 1] = out["preactivation", i]
    return out


# --- Leading order: any activation, fixed inputs ---------------------------------


def _rules():
    xa, wa = leggauss(ANGLE_POINTS)
    xr, wr = leggauss(RADIUS_POINTS)
    r = (xr + 1) * R_MAX / 2
    # Radial density of a standard 2-D Gaussian, with the 1 / (2 pi) of the angle.
    wr = wr * R_MAX / 2 * r * np.exp(-(r**2) / 2) / (2 * np.pi)
    return xa, wa, r, wr


def pair_expectations(g, kernel, pairs):
    """For each pair (a, b) of ``pairs`` (P x 2 int array), with (u_a, u_b)
    centred Gaussian of covariance ``kernel`` restricted to (a, b):
    E[g_a^2 g_b^2], E[g_a^2 g_b], E[g_a g_b^2], E[g_a g_b] (g_a = g(u_a)),
    as four arrays of length P.

    Polar coordinates as in glorot.propagation.gaussian_expectation_2d,
    vectorized over the pairs: u_a = sqrt(q_a) r cos t, u_b = sqrt(q_b) r
    cos(t - alpha), cos alpha = c; the sectors are cut at the rays where u_a
    or u_b = 0, so a kink of g at 0 (relu) lies on a sector's edge."""
    xa, wa, r, wr = _rules()
    q = np.diag(kernel)
    out = [np.empty(len(pairs)) for _ in range(4)]
    for start in range(0, len(pairs), PAIR_BLOCK):
        block = pairs[start : start + PAIR_BLOCK]
        qa, qb = q[block[:, 0]], q[block[:, 1]]
        c = np.clip(kernel[block[:, 0], block[:, 1]] / np.sqrt(qa * qb), -1.0, 1.0)
        alpha = np.arccos(c)[:, None]
        cuts = np.mod(
            np.concatenate(
                [
                    np.broadcast_to([np.pi / 2, 3 * np.pi / 2], (len(block), 2)),
                    alpha + np.pi / 2,
                    alpha + 3 * np.pi / 2,
                ],
                axis=1,
            ),
            2 * np.pi,
        )
        edges = np.sort(
            np.concatenate(
                [np.zeros((len(block), 1)), cuts, np.full((len(block), 1), 2 * np.pi)],
                axis=1,
            ),
            axis=1,
        )
        lo, hi = edges[:, :-1, None], edges[:, 1:, None]
        t = (lo + (xa + 1) * (hi - lo) / 2).reshape(len(block), -1)
        wt = (wa * (hi - lo) / 2).reshape(len(block), -1)
        ga = g(np.sqrt(qa)[:, None, None] * r[None, :, None] * np.cos(t)[:, None, :])
        gb = g(
            np.sqrt(qb)[:, None, None]
            * r[None, :, None]
            * np.cos(t - alpha)[:, None, :]
        )
        weight = wr[None, :, None] * wt[:, None, :]
        ga2, gb2 = ga**2, gb**2
        for k, product in enumerate((ga2 * gb2, ga2 * gb, ga * gb2, ga * gb)):
            out[k][start : start + len(block)] = np.sum(product * weight, axis=(1, 2))
    return out


def _pairwise(g, kernel):
    """The four pair expectations of ``pair_expectations`` as B x B matrices
    (the pairs a <= b, mirrored)."""
    b = len(kernel)
    ia, ib = np.triu_indices(b)
    values = pair_expectations(g, kernel, np.stack([ia, ib], axis=1))
    mats = []
    for k, v in enumerate(values):
        m = np.empty((b, b))
        m[ia, ib] = v
        # E[g_a^2 g_b] below the diagonal is E[g_b g_a^2] of the pair (b, a):
        # the mirror of E[g_a g_b^2].
        mirror = values[{1: 2, 2: 1}.get(k, k)]
        m[ib, ia] = mirror
        mats.append(m)
    return mats


def _one_dimensional(g, q):
    """E[g(u)^2], E[g(u)] and their derivatives in q, u ~ N(0, q) (arrays over
    q): d/dq E[h(sqrt(q) z)] = E[h(sqrt(q) z) (z^2 - 1)] / (2 q) (Stein)."""
    q = np.asarray(q, dtype=float)
    qq = q[:, None]

    def slope(h):
        return theory.gaussian_expectation(lambda s: h(s) * (s**2 / qq - 1), q) / (
            2 * q
        )

    square = lambda s: g(s) ** 2  # noqa: E731
    return (
        theory.gaussian_expectation(square, q),
        theory.gaussian_expectation(g, q),
        slope(square),
        slope(g),
    )


def _spread_of_pooled_variance(g, kernel, state, gain, units):
    """Var over networks of V = (1 / (n B)) sum_{j,a} (g_ja^2 - 2 ybar g_ja)
    for the units g_ja = g(s_ja) of a layer whose pre-activations have the
    mean-field kernel ``kernel`` = gain C (C the previous activations'
    kernel), ``state`` = Cov[C_aa, C_bb] over networks, ``units`` = n.

    Var[V] = 1^T Cov_unit[psi] 1 / (n B^2) + Phi'^T (gain^2 state) Phi' / B^2,
    psi_a = g_a^2 - 2 ybar g_a, Phi_a(q) = E[psi_a] at Var[s_a] = q.
    Returns (Var[V], pairwise expectations, 1-D expectations)."""
    b = len(kernel)
    e22, e21, e12, e11 = _pairwise(g, kernel)
    m2, m1, dm2, dm1 = _one_dimensional(g, np.diag(kernel))
    ybar = m1.mean()
    cov = (
        e22
        - np.outer(m2, m2)
        - 2 * ybar * (e21 - np.outer(m2, m1))
        - 2 * ybar * (e12 - np.outer(m1, m2))
        + 4 * ybar**2 * (e11 - np.outer(m1, m1))
    )
    slope = dm2 - 2 * ybar * dm1
    var = cov.sum() / (units * b**2) + gain**2 * slope @ state @ slope / b**2
    return var, (e22, e11), (m2, dm2)


def leading_order(activation, widths, var_ws, kurtosis, x):
    """sd over networks of each layer's pooled variance, to leading order in
    1 / n, for fixed inputs ``x`` (B x n_0) shared by every network.

    Returns {(quantity, layer): sd} for preactivation[0..d], activation[1..d]
    and activation_derivative[0..d-1] (d = len(widths) - 2; not for relu,
    ``BINARY_DERIVATIVE``).

    Per layer l (C = z^l z^l^T / n_l, its mean-field value Cbar, K = gain
    Cbar with gain = n_l Var[W^l], Sigma = Cov[C_aa, C_bb] over networks):
    - s^l: V = sum_a |s_a|^2 / (n' B), Var = (2 sum_ab K_ab^2 + (kappa - 3)
      Var[W]^2 sum_i (sum_a z_ai^2)^2) / (n' B^2) + gain^2 1^T Sigma 1 / B^2
      (the first term exact given z^l; sum_i (sum_a z_ai^2)^2 from the inputs,
      or n_l sum_ab E[f_a^2 f_b^2] of the layer below);
    - f(s^l) and f'(s^l): ``_spread_of_pooled_variance``;
    - next layer: Cbar' = E[f_a f_b], Sigma' = Cov_unit[f_a^2, f_b^2] / n'
      + gain^2 (G' G'^T) * Sigma, G(q) = E[f(sqrt(q) z)^2].
    """
    f, f_prime = activations.get(activation)
    x = np.asarray(x, dtype=float)
    b = len(x)
    d = len(widths) - 2
    cbar = x @ x.T / widths[0]
    # sum_i (sum_a z_ai^2)^2 / n_l: exact for the inputs.
    fourth = np.sum(np.sum(x**2, axis=0) ** 2) / widths[0]
    state = np.zeros((b, b))
    out = {}
    for layer in range(d + 1):
        n_in, units, var_w = widths[layer], widths[layer + 1], var_ws[layer]
        gain = n_in * var_w
        kernel = gain * cbar
        noise = 2 * np.sum(kernel**2) + (kurtosis - 3) * var_w**2 * n_in * fourth
        var = noise / (units * b**2) + gain**2 * state.sum() / b**2
        out["preactivation", layer] = np.sqrt(var)
        if layer == d:
            break
        var, (e22, e11), (m2, dm2) = _spread_of_pooled_variance(
            f, kernel, state, gain, units
        )
        out["activation", layer + 1] = np.sqrt(max(var, 0.0))
        if activation not in BINARY_DERIVATIVE:
            var_d, _, _ = _spread_of_pooled_variance(
                f_prime, kernel, state, gain, units
            )
            out["activation_derivative", layer] = np.sqrt(max(var_d, 0.0))
        state = (e22 - np.outer(m2, m2)) / units + gain**2 * np.outer(dm2, dm2) * state
        cbar, fourth = e11, e22.sum()
    return out


# --- Leading order: inputs drawn per network -------------------------------------
#
# With B i.i.d. N(0, I) inputs per network the examples are exchangeable, and
# V = (1/B) sum_a Psi_a has Var[V] = Var[Psi_a] / B + (1 - 1/B) Cov[Psi_a, Psi_b]
# (a != b). Two independent inputs have an off-diagonal kernel of mean 0 (odd
# f) that fluctuates by O(1/sqrt(n)): Cov[Psi_a, Psi_b] is O(1/n^2) per pair,
# against O(1/n) for Var[Psi_a], and weighs B/n against it. So the state is
# the 3 x 3 covariance of (C_aa, C_bb, C_ab) over networks and inputs, and the
# noise of a pair is taken to second order in the fluctuation of K_ab (Price's
# theorem: d^2/dK_ab^2 E[g(u_a) h(u_b)] = E[g''(u_a) h''(u_b)]) and in the
# fourth cross-cumulant of uniform weights, (kappa - 3) Var[W]^2 sum_i
# z_ai^2 z_bi^2 (Edgeworth, coefficient 1/4).

# Relative steps of the finite differences in K_ab and q (the quadrature of
# glorot.propagation is good to about 1e-12 for these integrands).
_CURVATURE_STEP = 1e-3
_SLOPE_STEP = 1e-4


def _pair_mean(h, q, k):
    """E[h(u_a, u_b)], (u_a, u_b) centred Gaussian, variances q, covariance k."""
    return propagation.gaussian_expectation_2d(h, q, q, k / q)


def _curvature(h, q, k):
    """d^2/dk^2 E[h(u_a, u_b)] = E[d_a^2 d_b^2 h] (Price), by central differences,
    which need no second derivative of f (relu's is a delta)."""
    d = _CURVATURE_STEP * q
    return (
        _pair_mean(h, q, k + d) - 2 * _pair_mean(h, q, k) + _pair_mean(h, q, k - d)
    ) / d**2


def _pair_slopes(h, q, k):
    """d/dk and d/dq_a of E[h(u_a, u_b)] at q_a = q_b = q, K_ab = k."""
    d = _SLOPE_STEP * q

    def at(q_a):
        return propagation.gaussian_expectation_2d(h, q_a, q, k / np.sqrt(q_a * q))

    d_k = (_pair_mean(h, q, k + d) - _pair_mean(h, q, k - d)) / (2 * d)
    d_q = (at(q + d) - at(q - d)) / (2 * d)
    return d_k, d_q


def _slope(h, q):
    """d/dq E[h(sqrt(q) z)] = E[h (z^2 - 1)] / (2q) (Stein)."""
    return theory.gaussian_expectation(lambda s: h(s) * (s**2 / q - 1), q) / (2 * q)


def independent_inputs(activation, widths, var_ws, kurtosis, examples):
    """sd over networks (and their inputs) of each layer's pooled variance, to
    leading order in 1 / n, for ``examples`` inputs with i.i.d. N(0, 1)
    entries drawn per network. Same keys as ``leading_order``, plus
    activation[0] (the inputs' own spread, sqrt(2 / (n_0 B))).

    Per layer: mean-field kernel (q, k) of the pre-activations (diagonal,
    off-diagonal), Sigma = Cov[(C_aa, C_bb, C_ab)], from Sigma^0 =
    diag(2, 2, 1) / n_0; for psi = y^2 - 2 ybar y of the cell,
      Var[Psi_a] = Var_unit[psi] / n' + gain^2 Phi'^2 Sigma_00,
      Cov[Psi_a, Psi_b] = (Cov_unit[psi_a, psi_b] + E[psi''_a psi''_b]
          (gain^2 Sigma_22 / 2 + (kappa - 3) Var[W]^2 n m4 / 4)) / n'
          + gain^2 Phi'^2 Sigma_01,
    m4 = E[z_a^2 z_b^2] of the layer below; and Sigma' = N / n' + J Sigma J^T,
    N the per-unit covariance of (f_a^2, f_b^2, f_a f_b) (its (0, 1) entry
    with the same second-order terms), J = gain d(G_a, G_b, F_ab) /
    d(K_aa, K_bb, K_ab)."""
    f, f_prime = activations.get(activation)
    b, n_0, d = examples, widths[0], len(widths) - 2
    c_diag, c_off = 1.0, 0.0
    m4_diag, m4_off = 3.0, 1.0
    state = np.diag([2.0, 2.0, 1.0]) / n_0
    out = {("activation", 0): np.sqrt(2.0 / (n_0 * b))}

    def second_order(n_in, var_w, gain):
        # The variance of K_ab and the fourth cross-cumulant, each times the
        # curvature E[psi''_a psi''_b] it multiplies.
        return (
            0.5 * gain**2 * state[2, 2]
            + 0.25 * (kurtosis - 3) * var_w**2 * n_in * m4_off
        )

    def spread(psi, q, k, slope, units, extra, gain):
        mean = theory.gaussian_expectation(psi, q)
        one = theory.gaussian_expectation(lambda s: psi(s) ** 2, q) - mean**2
        product = lambda u, v: psi(u) * psi(v)  # noqa: E731
        pair = _pair_mean(product, q, k) - mean**2 + _curvature(product, q, k) * extra
        var_one = one / units + gain**2 * slope**2 * state[0, 0]
        cov_pair = pair / units + gain**2 * slope**2 * state[0, 1]
        return np.sqrt(max(var_one / b + (1 - 1 / b) * cov_pair, 0.0))

    for layer in range(d + 1):
        n_in, units, var_w = widths[layer], widths[layer + 1], var_ws[layer]
        gain = n_in * var_w
        q, k = gain * c_diag, gain * c_off
        extra = second_order(n_in, var_w, gain)
        # s^l: psi = s^2, exact given z^l up to the kernel's fluctuation.
        one = 2 * q**2 + (kurtosis - 3) * var_w**2 * n_in * m4_diag
        pair = 2 * k**2 + 4 * extra
        var_one = one / units + gain**2 * state[0, 0]
        cov_pair = pair / units + gain**2 * state[0, 1]
        out["preactivation", layer] = np.sqrt(var_one / b + (1 - 1 / b) * cov_pair)
        if layer == d:
            break
        square = lambda s: f(s) ** 2  # noqa: E731
        ybar = theory.gaussian_expectation(f, q)
        out["activation", layer + 1] = spread(
            lambda s: f(s) ** 2 - 2 * ybar * f(s),
            q,
            k,
            _slope(square, q) - 2 * ybar * _slope(f, q),
            units,
            extra,
            gain,
        )
        if activation not in BINARY_DERIVATIVE:
            pbar = theory.gaussian_expectation(f_prime, q)
            out["activation_derivative", layer] = spread(
                lambda s: f_prime(s) ** 2 - 2 * pbar * f_prime(s),
                q,
                k,
                _slope(lambda s: f_prime(s) ** 2, q) - 2 * pbar * _slope(f_prime, q),
                units,
                extra,
                gain,
            )
        # The next layer's state, u = (f_a^2, f_b^2, f_a f_b) per unit.
        g_mean = theory.gaussian_expectation(square, q)
        cross = lambda u, v: f(u) * f(v)  # noqa: E731
        squares = lambda u, v: f(u) ** 2 * f(v) ** 2  # noqa: E731
        f_mean = _pair_mean(cross, q, k)
        e_squares = _pair_mean(squares, q, k)
        var_g = theory.gaussian_expectation(lambda s: f(s) ** 4, q) - g_mean**2
        cov_gg = e_squares - g_mean**2 + _curvature(squares, q, k) * extra
        cov_gf = _pair_mean(lambda u, v: f(u) ** 3 * f(v), q, k) - g_mean * f_mean
        noise = np.array(
            [
                [var_g, cov_gg, cov_gf],
                [cov_gg, var_g, cov_gf],
                [cov_gf, cov_gf, e_squares - f_mean**2],
            ]
        )
        f_k, f_q = _pair_slopes(cross, q, k)
        g_q = _slope(square, q)
        jacobian = gain * np.array([[g_q, 0, 0], [0, g_q, 0], [f_q, f_q, f_k]])
        state = noise / units + jacobian @ state @ jacobian.T
        m4_diag = theory.gaussian_expectation(lambda s: f(s) ** 4, q)
        m4_off = e_squares
        c_diag, c_off = g_mean, f_mean
    return out


# --- The experiment's table ------------------------------------------------------


def predicted_sd(exp, activation, init, x=None):
    """(method, {(quantity, layer): sd}) for one (activation, init) of the
    experiment ``exp``; ``x`` the fixed inputs (B x n_0) when ``exp['input']``
    is shapeset. method ``none`` with {} where nothing is predicted
    (orthogonal weights)."""
    widths = exp["widths"]
    if init not in KURTOSIS:
        return "none", {}
    var_ws = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
    kurtosis = KURTOSIS[init]
    if activation == "linear":
        if exp["input"] == "gaussian":
            return "exact", linear_sd(
                widths, var_ws, kurtosis, examples=exp["examples"]
            )
        return "exact", linear_sd(widths, var_ws, kurtosis, x=x)
    if exp["input"] == "gaussian":
        return "leading_order", independent_inputs(
            activation, widths, var_ws, kurtosis, exp["examples"]
        )
    return "leading_order", leading_order(activation, widths, var_ws, kurtosis, x)


def measured_sd(per_network, level=0.95):
    """Per (activation, init, quantity, layer): the networks, the sample sd of
    the per-network ``ensemble_variance`` and its ``level`` interval, from the
    interval of the sample variance with standard error sqrt((m_4 - s^4) / N)
    (``glorot.finite_width.variance_with_ci``; no normality assumed), square
    rooted (lower end clipped at 0)."""
    rows = []
    table = per_network[per_network["quantity"].isin(QUANTITIES)]
    for key, group in table.groupby(compare.KEYS, sort=True):
        values = group["ensemble_variance"].to_numpy()[:, None]
        var, low, high = variance_with_ci(values, level)
        rows.append(
            (
                *key,
                len(values),
                np.sqrt(var[0]),
                np.sqrt(max(low[0], 0.0)),
                np.sqrt(high[0]),
            )
        )
    return pd.DataFrame(
        rows, columns=compare.KEYS + ["networks", "measured_sd", "sd_low", "sd_high"]
    )


def table(exp, per_network, x=None, margin=0.1):
    """The standard-error table of an experiment: measured sd of each cell's
    per-network values with its 95% interval, predicted sd, the ratio
    predicted / measured with its interval, half-width and verdict
    (``glorot.verdicts``, margin ``margin``); predicted_se = predicted_sd /
    sqrt(networks) is the standard error the compare rule reports."""
    measured = measured_sd(per_network)
    predictions = {}
    for activation in exp["activations"]:
        for init in exp["inits"]:
            predictions[activation, init] = predicted_sd(exp, activation, init, x)
    method, predicted = [], []
    for a, i, q, layer in zip(
        measured["activation"],
        measured["init"],
        measured["quantity"],
        measured["layer"],
    ):
        m, values = predictions[a, i]
        value = values.get((q, int(layer)), np.nan)
        method.append(m if np.isfinite(value) else "none")
        predicted.append(value)
    out = compare.with_cell_class(measured)
    out["method"] = method
    out["predicted_sd"] = predicted
    root = np.sqrt(out["networks"])
    out["measured_se"] = out["measured_sd"] / root
    out["predicted_se"] = out["predicted_sd"] / root
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["predicted_sd"] / out["measured_sd"]
    low, high = verdicts.ratio_interval(
        out["predicted_sd"], out["sd_low"], out["sd_high"]
    )
    out["ratio_low"], out["ratio_high"] = low, high
    out["half_width"] = verdicts.half_width(low, high)
    out["verdict"] = verdicts.verdict(low, high, margin)
    # Cells with nothing to predict: the fixed inputs z^0 (sd 0 both) and a
    # measured sd of exactly 0 are left out rather than judged.
    keep = out["measured_sd"] > 0
    return out.loc[keep, COLUMNS].reset_index(drop=True)


def counts(table):
    """Verdict counts per (method, cells) with the median and largest
    half-width (the resolution) and the median, smallest and largest ratio
    predicted / measured sd: the summary the docs quote."""
    rows = []
    for key, group in table.groupby(["method", "cells"], sort=True):
        c = group["verdict"].value_counts()
        judged = group[np.isfinite(group["half_width"])]
        h, r = judged["half_width"], judged["ratio"]
        summary = (
            (h.median(), h.max(), r.median(), r.min(), r.max())
            if len(judged)
            else (np.nan,) * 5
        )
        rows.append(
            (
                *key,
                len(group),
                *(int(c.get(v, 0)) for v in verdicts.VERDICTS),
                *summary,
            )
        )
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


# --- Planning: networks for a target resolution ----------------------------------

NEEDED_COLUMNS = [
    *CELL_COLUMNS,
    "predicted_mean",
    "predicted_sd",
    "target_resolution",
    "networks_needed",
]


def networks_for(relative_sd, target, level=0.95):
    """Networks K whose mean of per-network values of relative sd
    ``relative_sd`` = sd / mean has a ``level`` interval of relative
    half-width ``target``: z sd / (mean sqrt(K)) <= target, K = ceil((z
    relative_sd / target)^2), at least 2 (the t interval needs two; with
    K >= 30 its t quantile is within 4% of z)."""
    z = stats.norm.ppf((1 + level) / 2)
    k = np.ceil((z * np.asarray(relative_sd, dtype=float) / target) ** 2)
    return np.maximum(k, 2).astype(int)


def networks_needed(exp, predictions, x, target):
    """Per (activation, init, quantity, layer) predicted before any network
    is measured: the mean-field variance (``predicted_meanfield`` of
    predictions.csv), the predicted sd over networks, and the networks that
    put the 95% interval of the cell's mean within +-``target`` of it (the
    half-width of its verdicts' ratio interval). Cells without a predicted
    sd are left out."""
    rows = []
    for activation in exp["activations"]:
        for init in exp["inits"]:
            method, sds = predicted_sd(exp, activation, init, x)
            for (quantity, layer), sd in sorted(sds.items()):
                rows.append((activation, init, quantity, layer, method, sd))
    table = pd.DataFrame(rows, columns=compare.KEYS + ["method", "predicted_sd"])
    means = predictions[compare.KEYS + ["predicted_meanfield"]].rename(
        columns={"predicted_meanfield": "predicted_mean"}
    )
    table = compare.with_cell_class(table.merge(means, on=compare.KEYS, how="inner"))
    table["target_resolution"] = target
    table["networks_needed"] = networks_for(
        table["predicted_sd"] / table["predicted_mean"], target
    )
    return table[NEEDED_COLUMNS].sort_values(compare.KEYS).reset_index(drop=True)
