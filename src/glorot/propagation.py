"""Mean-field signal propagation in depth: the length and correlation maps,
their fixed points, the per-layer gradient factor chi_1 and the depth scales
(Poole et al. 2016; Schoenholz et al. 2017, Section 3; docs/propagation.md).

Weights W^l_ij ~ N(0, sigma_w2 / n_in), biases b^l_i ~ N(0, sigma_b2),
pre-activations h^l = W^l phi(h^{l-1}) + b^l (h^1 = W^1 x + b^1). For two
inputs a, b the per-layer second moments q_aa^l = E[(h_a^l)^2],
q_ab^l = E[h_a^l h_b^l] and the correlation c^l = q_ab / sqrt(q_aa q_bb).

Gaussian integrals by quadrature, with kinks of phi at 0 (relu, softsign')
put on the boundaries of the pieces so every piece is smooth: one
dimension by ``glorot.theory.gaussian_expectation`` (half-lines), two by
``gaussian_expectation_2d`` (polar sectors cut at the kink angles).
"""

import functools

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import optimize

from . import activations
from .theory import gaussian_expectation

# Polar quadrature of ``gaussian_expectation_2d``: Gauss-Legendre nodes per
# angular sector and on the radius r in [0, R_MAX] (weight beyond 12 below 1e-31).
ANGLE_POINTS = 48
RADIUS_POINTS = 96
R_MAX = 12.0

# q below which the maps are evaluated at Q_TINY instead: at q* = 0 (sigma_b2 = 0
# in the ordered phase) chi_1 is the limit q -> 0 of sigma_w2 E[phi'^2], which
# is not phi'(0)^2 for relu (phi'(0) = 0 but E[phi'(sqrt(q) z)^2] = 1/2).
Q_TINY = 1e-12
# Above this q the length map is taken to diverge (relu, linear in the chaotic phase).
Q_HUGE = 1e12


@functools.cache
def _radius_rule():
    x, w = leggauss(RADIUS_POINTS)
    r = (x + 1) * R_MAX / 2
    # The radial density of a standard 2D Gaussian, with the 1 / (2 pi) of the angle.
    return r, w * R_MAX / 2 * r * np.exp(-(r**2) / 2) / (2 * np.pi)


@functools.cache
def _angle_nodes():
    return leggauss(ANGLE_POINTS)


def gaussian_expectation_2d(g, q_a, q_b, c):
    """E[g(u_a, u_b)] for (u_a, u_b) centred Gaussian with variances q_a, q_b and
    correlation c: u_a = sqrt(q_a) z_1, u_b = sqrt(q_b) (c z_1 + sqrt(1-c^2) z_2).

    In polar coordinates z = r (cos t, sin t), u_b = sqrt(q_b) r cos(t - alpha)
    with cos alpha = c, so the kinks of g at u_a = 0 or u_b = 0 lie on the four
    rays t = pi/2, 3pi/2, alpha + pi/2, alpha + 3pi/2: Gauss-Legendre on each
    sector between them, and on r in [0, 12].
    """
    c = float(np.clip(c, -1.0, 1.0))
    alpha = np.arccos(c)
    cuts = np.mod(
        [np.pi / 2, 3 * np.pi / 2, alpha + np.pi / 2, alpha + 3 * np.pi / 2], 2 * np.pi
    )
    edges = np.unique(np.concatenate([[0.0, 2 * np.pi], cuts]))
    x, w = _angle_nodes()
    lo, hi = edges[:-1, None], edges[1:, None]
    t = (lo + (x + 1) * (hi - lo) / 2).ravel()
    wt = (w * (hi - lo) / 2).ravel()
    r, wr = _radius_rule()
    u_a = np.sqrt(q_a) * np.outer(r, np.cos(t))
    u_b = np.sqrt(q_b) * np.outer(r, np.cos(t - alpha))
    return float(wr @ g(u_a, u_b) @ wt)


# --- The maps ---------------------------------------------------------------


def length_map(q, sigma_w2, sigma_b2, activation):
    """q^l = sigma_w2 E[phi(sqrt(q^{l-1}) z)^2] + sigma_b2 (Poole et al. eq. 3;
    Glorot & Bengio eq. 5 carried through phi instead of phi'(0) = 1)."""
    phi, _ = activations.get(activation)
    return sigma_w2 * gaussian_expectation(lambda s: phi(s) ** 2, q) + sigma_b2


def covariance_map(q_a, q_b, c, sigma_w2, sigma_b2, activation):
    """q_ab^l = sigma_w2 E[phi(u_a) phi(u_b)] + sigma_b2 with (u_a, u_b) of
    variances q_a^{l-1}, q_b^{l-1} and correlation c^{l-1} (Poole et al. eq. 5)."""
    phi, _ = activations.get(activation)
    return (
        sigma_w2 * gaussian_expectation_2d(lambda a, b: phi(a) * phi(b), q_a, q_b, c)
        + sigma_b2
    )


def correlation_map(c, q, sigma_w2, sigma_b2, activation):
    """c^l = q_ab^l / q for two inputs at the same length q (= q*): the
    correlation map of Schoenholz et al. eq. (4)."""
    return covariance_map(q, q, c, sigma_w2, sigma_b2, activation) / length_map(
        q, sigma_w2, sigma_b2, activation
    )


def two_input_maps(q_a, q_b, q_ab, depth, sigma_w2, sigma_b2, activation):
    """Predicted q_aa^l, q_bb^l and c^l for l = 1..depth, from the inputs'
    mean squares q_a = |x_a|^2 / n_0, q_b and q_ab = x_a . x_b / n_0.

    Layer 1 is exact in expectation over the weights: q^1 = sigma_w2 q_x + sigma_b2.
    Returns three arrays of length ``depth`` (q_aa, q_bb, c).
    """
    qa = sigma_w2 * q_a + sigma_b2
    qb = sigma_w2 * q_b + sigma_b2
    qab = sigma_w2 * q_ab + sigma_b2
    out = np.empty((3, depth))
    for layer in range(depth):
        if not (np.isfinite(qa) and np.isfinite(qb) and qa < Q_HUGE and qb < Q_HUGE):
            out[:, layer:] = np.nan
            break
        c = qab / np.sqrt(qa * qb)
        out[:, layer] = qa, qb, c
        qab = covariance_map(qa, qb, c, sigma_w2, sigma_b2, activation)
        qa = length_map(qa, sigma_w2, sigma_b2, activation)
        qb = length_map(qb, sigma_w2, sigma_b2, activation)
    return out[0], out[1], out[2]


# --- Fixed points -----------------------------------------------------------


def q_star(sigma_w2, sigma_b2, activation):
    """The fixed point q* = length_map(q*) reached from q > 0: the largest root
    of L(q) - q, 0 when there is none above 0 (sigma_b2 = 0, ordered), inf when
    L(q) > q up to Q_HUGE (relu or linear with sigma_w2 E[phi^2]/q >= 1)."""

    def excess(log_q):
        # L(q) / q - 1 in log q: one scale from Q_TINY to Q_HUGE.
        q = np.exp(log_q)
        return length_map(q, sigma_w2, sigma_b2, activation) / q - 1

    low, high = np.log(Q_TINY), np.log(Q_HUGE)
    if excess(high) >= 0:
        return np.inf
    if excess(low) <= 0:
        return 0.0
    return float(np.exp(optimize.brentq(excess, low, high, xtol=1e-13, rtol=1e-14)))


def _at(q):
    return max(q, Q_TINY)


def chi_1(sigma_w2, q, activation):
    """chi_1 = sigma_w2 E[phi'(sqrt(q) z)^2] (Schoenholz et al. eq. 6): the slope
    of the correlation map at c = 1, and the factor by which the
    back-propagated gradient's variance changes per layer (Glorot & Bengio
    eq. 7's factor n_{i+1} Var[W^i], times E[phi'^2])."""
    _, phi_prime = activations.get(activation)
    return sigma_w2 * gaussian_expectation(lambda s: phi_prime(s) ** 2, _at(q))


def chi_c(c, q, sigma_w2, activation):
    """chi_c = sigma_w2 E[phi'(u_a) phi'(u_b)] at correlation c, length q: the
    slope of the correlation map at c (Schoenholz et al. eq. 9 at c = c*)."""
    _, phi_prime = activations.get(activation)
    return sigma_w2 * gaussian_expectation_2d(
        lambda a, b: phi_prime(a) * phi_prime(b), _at(q), _at(q), c
    )


def length_map_slope(q, sigma_w2, activation):
    """dq^l / dq^{l-1} = chi_1 + sigma_w2 E[phi'' phi] (Schoenholz et al. eq. 8),
    written by Gaussian integration by parts as sigma_w2 E[z phi(sqrt(q) z)
    phi'(sqrt(q) z)] / sqrt(q), which needs no phi''."""
    phi, phi_prime = activations.get(activation)
    q = _at(q)
    root = np.sqrt(q)
    return (
        sigma_w2
        * gaussian_expectation(lambda s: (s / root) * phi(s) * phi_prime(s), q)
        / root
    )


def c_star(sigma_w2, sigma_b2, activation, q=None, iterations=2000, tol=1e-13):
    """The stable fixed point c* of the correlation map at q = q*: 1 in the
    ordered phase (chi_1 <= 1), else the root below 1 reached from c = 0."""
    q = q_star(sigma_w2, sigma_b2, activation) if q is None else q
    if chi_1(sigma_w2, q, activation) <= 1:
        return 1.0

    def excess(c):
        return correlation_map(c, _at(q), sigma_w2, sigma_b2, activation) - c

    # c = 1 is a fixed point too; the stable one lies where the excess changes
    # sign below it (at c = 0 when sigma_b2 = 0 and phi is odd).
    top = 1 - 1e-9
    if excess(top) >= 0:
        return 1.0
    low = 0.0 if excess(0.0) >= 0 else -1.0
    return optimize.brentq(excess, low, top, xtol=tol)


def depth_scale(slope):
    """xi = -1 / log(slope) for a per-layer contraction factor 0 < slope < 1
    (Schoenholz et al. eq. 8-9); inf at slope >= 1 (no exponential approach)."""
    slope = float(slope)
    if not slope > 0:
        return 0.0
    return np.inf if slope >= 1 else -1.0 / np.log(slope)


def fixed_point_summary(sigma_w2, sigma_b2, activation):
    """{q_star, chi1, c_star, xi_q, xi_c} predicted at one (sigma_w2, sigma_b2)."""
    q_fixed = q_star(sigma_w2, sigma_b2, activation)
    # q* = inf (relu or linear, chaotic): the maps are taken at q = Q_HUGE,
    # where a scale-free phi gives their limit (sigma_b2 / q -> 0).
    q = q_fixed if np.isfinite(q_fixed) else Q_HUGE
    chi = chi_1(sigma_w2, q, activation)
    c = c_star(sigma_w2, sigma_b2, activation, q)
    slope_c = chi if c == 1.0 else chi_c(c, q, sigma_w2, activation)
    return dict(
        q_star=q_fixed,
        chi1=chi,
        c_star=c,
        xi_q=depth_scale(length_map_slope(q, sigma_w2, activation)),
        xi_c=depth_scale(slope_c),
    )


def critical_sigma_w2(sigma_b2, activation, low=0.05, high=50.0):
    """The sigma_w2 where chi_1(sigma_w2, q*(sigma_w2, sigma_b2)) = 1: the
    order-to-chaos transition at this sigma_b2 (NaN if not in [low, high])."""

    def excess(sigma_w2):
        q = q_star(sigma_w2, sigma_b2, activation)
        return (chi_1(sigma_w2, q, activation) if np.isfinite(q) else 2.0) - 1

    if excess(low) * excess(high) > 0:
        return np.nan
    return optimize.brentq(excess, low, high, xtol=1e-10)
