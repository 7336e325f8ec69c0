"""Free-probability predictions of Jacobian spectra (docs/spectrum.md).

Pennington, Schoenholz & Ganguli 2017 ("Resurrecting the sigmoid in deep
learning through dynamical isometry") and 2018 ("The emergence of spectral
universality in deep networks"). For J = D^L W^L ... D^1 W^1, in the limit
of large widths, the eigenvalue law of J J^T is the free multiplicative
convolution of the laws of the layers' W^T W and D^2 = diag(f'(h)^2):
S-transforms multiply,

    S_{JJ^T}(z) = prod_l S_{W^T W}(z) S_{D^2}(z).

- W^T W of an n_out x n_out Wishart with n_in rows of i.i.d. entries of
  variance v (Gaussian or uniform): Marchenko-Pastur with mean sigma^2 =
  n_in v and ratio c = n_out / n_in, S(z) = 1 / (sigma^2 (1 + c z)).
- Scaled orthogonal W (Saxe et al. 2014): every eigenvalue sigma^2, S = 1/sigma^2.
- D^2: the law of f'(sqrt(q) u)^2, u ~ N(0, 1), held as quadrature atoms
  (t_j, p_j) (Gauss-Hermite): the only approximation of the density below
  besides the numerical root finding; the tests bound both.

Notation: psi(w) = sum_k m_k w^k = E[w x / (1 - w x)] the moment generating
function, chi its inverse, S(z) = chi(z) (1 + z) / z.
"""

import functools

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from . import activations, theory

WEIGHTS = ("gaussian", "orthogonal")
# Gauss-Hermite nodes of the law of f'(h)^2 (the atoms t_j, p_j). With 48
# nodes tanh's average singular value of eq. (17) is within 3e-4 of 96
# nodes' at q <= 3 (cost grows linearly with the nodes).
ATOMS = 48


# --- The law of D^2 = diag(f'(h)^2), h ~ N(0, q) -----------------------------


@functools.cache
def _hermite_rule():
    u, w = hermegauss(ATOMS)
    return u, w / np.sqrt(2 * np.pi)


def derivative_square_law(activation, q):
    """Atoms (t_j, p_j) of the law of f'(sqrt(q) u)^2, u ~ N(0, 1).

    relu's f'^2 is 0 or 1 with probability 1/2 each (the even rule's nodes
    split evenly); linear's is 1. Atoms at 0 (dead relu units) are kept: they
    are the zero eigenvalues of J J^T.
    """
    if activation == "linear":
        return np.ones(1), np.ones(1)
    if activation == "relu":
        return np.array([0.0, 1.0]), np.array([0.5, 0.5])
    _, f_prime = activations.get(activation)
    u, p = _hermite_rule()
    return f_prime(np.sqrt(q) * u) ** 2, p


def derivative_moments(activation, q):
    """mu_1 = E[f'(h)^2] and mu_2 = E[f'(h)^4], h ~ N(0, q) (Pennington et al.
    2017, eq. 9), by the quadrature of glorot.theory."""
    _, f_prime = activations.get(activation)
    if activation == "linear":
        # Exactly, not to quadrature rounding: the orthogonal linear spectrum's
        # variance is then exactly 0.
        return 1.0, 1.0
    mu_1 = theory.gaussian_expectation(lambda s: f_prime(s) ** 2, q)
    mu_2 = theory.gaussian_expectation(lambda s: f_prime(s) ** 4, q)
    return mu_1, mu_2


# --- The critical line -------------------------------------------------------


def critical_point(activation, q_star):
    """(sigma_w^2, sigma_b^2) on the critical line chi_1 = 1 with fixed point q*:
    sigma_w^2 = 1 / E[f'(h)^2], sigma_b^2 = q* - sigma_w^2 E[f(h)^2], h ~ N(0, q*)
    (Schoenholz et al. 2017; Pennington et al. 2017, Section 2.2).

    linear (sigma_w^2 = 1) and relu (2) are critical at every scale, with no
    bias; q* only scales their inputs. Raises ValueError where the critical
    line needs sigma_b^2 < 0.
    """
    f, f_prime = activations.get(activation)
    if activation in ("linear", "relu"):
        return (1.0 if activation == "linear" else 2.0), 0.0
    mu_1 = theory.gaussian_expectation(lambda s: f_prime(s) ** 2, q_star)
    sigma_w2 = 1.0 / mu_1
    sigma_b2 = q_star - sigma_w2 * theory.gaussian_expectation(
        lambda s: f(s) ** 2, q_star
    )
    if sigma_b2 < -1e-12 * q_star:
        raise ValueError(
            f"q_star {q_star!r}: {activation} has no critical point with "
            f"sigma_b^2 >= 0 there (sigma_b^2 = {sigma_b2:.3g})"
        )
    return sigma_w2, max(sigma_b2, 0.0)


# --- Moments of J J^T --------------------------------------------------------


def weights_normalized_variance(weights, ratio=1.0):
    """Var / mean^2 of the eigenvalues of W^T W: the ratio c = n_out / n_in for
    i.i.d. entries (Marchenko-Pastur), 0 for orthogonal (s_1 = -1 and 0 in
    Pennington et al. 2017, eq. 12)."""
    if weights == "gaussian":
        return float(ratio)
    if weights == "orthogonal":
        return 0.0
    raise ValueError(f"unknown weights {weights!r}; expected one of {list(WEIGHTS)}")


def jjt_moments(activation, weights, sigma_w2, q, depth):
    """(mean, variance) of the eigenvalues of J J^T for ``depth`` equal square
    layers at a fixed point q (Pennington et al. 2017, eqs. 11-12).

    mean = (sigma_w^2 mu_1)^L. Under free multiplicative convolution the
    normalized variances Var / mean^2 add (from m_2(AB) = m_2(A) m_1(B)^2 +
    m_1(A)^2 m_2(B) - m_1(A)^2 m_1(B)^2), so
    variance = mean^2 L (mu_2 / mu_1^2 - 1 + c_W): at criticality
    L (mu_2 / mu_1^2 - 1 - s_1), their eq. (12).
    """
    mu_1, mu_2 = derivative_moments(activation, q)
    mean = (sigma_w2 * mu_1) ** depth
    nu = mu_2 / mu_1**2 - 1 + weights_normalized_variance(weights)
    return mean, mean**2 * depth * nu


# --- The S-transform equation, solved for the density -----------------------


class ProductLaw:
    """The law of J J^T for ``depth`` layers, each contributing W^T W (mean
    ``sigma2``, ratio ``ratio`` = n_out / n_in, ``weights`` gaussian or
    orthogonal) and D^2 with atoms (t, p).

    The unknown of the S-transform equation is y = chi_{D^2}(z): then
    z = psi_{D^2}(y) = sum_j p_j t_j y / (1 - t_j y) is explicit, so is
    S_{D^2}(z) = y (1 + z) / z, and chi_{JJ^T}(z) = 1 / x reads

        Phi(y) = log(z / (1 + z)) + L log(S_W(z) y (1 + z) / z) + log x = 0.
    """

    def __init__(self, t, p, sigma2, depth, weights="gaussian", ratio=1.0):
        weights_normalized_variance(weights, ratio)  # refuses an unknown name
        self.t = np.asarray(t, dtype=float)
        self.p = np.asarray(p, dtype=float)
        self.sigma2 = float(sigma2)
        self.depth = int(depth)
        self.c = float(ratio) if weights == "gaussian" else 0.0

    def _z(self, y):
        """z = psi_{D^2}(y) and dz/dy; ``y`` an array, one value per point."""
        ty = y[..., None] * self.t
        z = np.sum(self.p * ty / (1 - ty), axis=-1)
        dz = np.sum(self.p * self.t / (1 - ty) ** 2, axis=-1)
        return z, dz

    def phi(self, y, x):
        """Phi(y) and its derivative in y at eigenvalue x (arrays, complex allowed)."""
        z, dz = self._z(y)
        c, depth = self.c, self.depth
        base = y * (1 + z) / (z * self.sigma2 * (1 + c * z))
        value = np.log(z / (1 + z)) + depth * np.log(base) + np.log(x)
        d_log_base = 1 / y + dz * (1 / (1 + z) - 1 / z - c / (1 + c * z))
        derivative = dz * (1 / z - 1 / (1 + z)) + depth * d_log_base
        return value, derivative

    def chi_real(self, y):
        """chi_{JJ^T}(psi_{D^2}(y)) for real y in (0, 1 / max t): 1 / x."""
        value, _ = self.phi(np.atleast_1d(np.asarray(y, dtype=float)), 1.0)
        return np.exp(value)

    def lambda_max(self):
        """The upper edge of the support, 1 / max chi(y) over real y in
        (0, 1 / max t) (psi increases on (0, 1 / lambda_max), so its inverse
        chi reaches 1 / lambda_max at its maximum)."""
        y = (1 - np.logspace(-12, 0, 4000, endpoint=False)) / self.t.max()
        chi = self.chi_real(y)
        k = int(np.argmax(chi))
        lo, hi = y[min(k + 1, len(y) - 1)], y[max(k - 1, 0)]
        # Golden-section search for the maximum in [lo, hi].
        g = (np.sqrt(5) - 1) / 2
        for _ in range(100):
            a, b = hi - g * (hi - lo), lo + g * (hi - lo)
            if self.chi_real(a)[0] > self.chi_real(b)[0]:
                hi = b
            else:
                lo = a
        return float(1 / self.chi_real((lo + hi) / 2)[0])

    def density(self, x, eps=1e-10, steps=25):
        """Density of the eigenvalues of J J^T at the points ``x`` (> 0), the
        continuous part: rho(x) = -Im G(x + i0) / pi with G(x) = (1 + z) / x,
        z = psi_{JJ^T}(1 / x).

        Every point is solved by Newton's method in y along a path x + i eta,
        eta from far above the spectrum (where z ~ m_1 / x) down to
        eps * lambda_max: the path stays in the upper half plane, where z is
        analytic, so it never jumps to another branch of the equation.
        """
        x = np.asarray(x, dtype=float)
        edge = self.lambda_max()
        m_1 = self.sigma2**self.depth * float(self.p @ self.t) ** self.depth
        etas = edge * np.logspace(np.log10(100.0), np.log10(eps), steps)
        xc = x + 1j * etas[0]
        y = m_1 / (xc * float(self.p @ self.t))
        for eta in etas:
            xc = x + 1j * eta
            y = self._newton(y, xc)
        z, _ = self._z(y)
        return np.maximum(-np.imag(z) / (np.pi * x), 0.0)

    def _newton(self, y, x):
        y = np.array(y, dtype=complex)
        for _ in range(100):
            value, derivative = self.phi(y, x)
            step = value / derivative
            # Damped, so that no t_j y jumps across the poles at 1.
            big = np.abs(step) > 0.5 * np.abs(y)
            step[big] *= 0.5 * np.abs(y[big]) / np.abs(step[big])
            y = y - step
            # Near the edge Phi'(y) -> 0, so a residual at rounding level
            # (1e-12) ends the iteration as well as a step below 1e-11 |y|.
            if np.all((np.abs(value) < 1e-12) | (np.abs(step) <= 1e-11 * np.abs(y))):
                break
        return y


def product_law(activation, weights, sigma_w2, q, depth, ratio=1.0):
    """The ProductLaw of ``depth`` equal layers of ``activation`` at fixed point q."""
    t, p = derivative_square_law(activation, q)
    return ProductLaw(t, p, sigma_w2, depth, weights, ratio)


def singular_value_grid(law, points=1500, decades=12):
    """Log-spaced eigenvalues below the upper edge, dense near it: (x, rho(x))."""
    edge = law.lambda_max()
    x = edge * np.concatenate(
        [
            np.logspace(-decades, -0.05, points // 2, endpoint=False),
            1 - np.logspace(np.log10(1 - 10**-0.05), -9, points - points // 2),
        ]
    )
    return x, law.density(x)


def mean_singular_value(law, points=2000, decades=12):
    """E[sqrt(lambda)] over the eigenvalues of J J^T (zeros included): the
    average singular value of eq. (17) when J J^T is the smaller Gram side.
    Trapezoid rule in log x on ``singular_value_grid``."""
    x, rho = singular_value_grid(law, points, decades)
    integrand = np.sqrt(x) * rho * x
    return float(np.trapezoid(integrand, np.log(x)))


# --- Eq. (17): one layer's average singular value ----------------------------


def layer_mean_singular_value(activation, n_in, n_out, var_w, q):
    """Predicted average singular value of J^i = diag(f'(s^i)) W^i^T (eq. 17),
    W^i of shape n_in x n_out with i.i.d. entries of variance ``var_w`` and
    s^i ~ N(0, q): the free product of Marchenko-Pastur (mean n_in var_w,
    ratio n_out / n_in) with the law of f'(s)^2, on the n_out x n_out side
    J J^T, averaged over the min(n_in, n_out) singular values of J.

    Approximated: s^i Gaussian with the mean-field variance q, D free of W
    (the same W^i makes both), n -> infinity (no finite-width correction).
    """
    law = product_law(activation, "gaussian", n_in * var_w, q, 1, n_out / n_in)
    return mean_singular_value(law) * n_out / min(n_in, n_out)
