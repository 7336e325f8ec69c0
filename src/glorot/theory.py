"""Analytical predictions of the per-layer variances at initialization.

Network: widths n_0 .. n_{d+1}, weights W^i (n_i x n_{i+1}) with variance
var_w[i], i = 0..d. Every function returns one value per layer, index i as in
the paper.

Two families:

- The paper's linear regime (Section 4.2.1): f'(s) ~ 1, independent weights
  and signals. Eq. (5), (6), (7), with the product bounds of (6) and (7)
  either corrected or as printed ("The index bounds of (6) and (7)" in
  docs/derivation.md).
- Mean-field signal propagation (Poole et al. 2016; Schoenholz et al. 2017):
  the pre-activations of a layer are taken Gaussian, and second moments are
  carried through the actual nonlinearity by quadrature.

Both are applied to the inputs actually used (``InputMoments``): what
enters the derivation is the second moment E[x^2], not Var[x]
(Var[s^0] = n_0 Var[W^0] E[x^2] whatever the mean of x), and since the
per-example mean square q_0 = |x|^2 / n_0 of real data varies from example to
example while the maps below are not linear in it, every prediction is
computed per example and then averaged over the examples (Jensen).

The top gradient dC/ds^d = softmax(s^d) - onehot(y) is zero-mean (its
entries sum to 0, and the classes are exchangeable under the weight
distribution, so E[softmax(s^d)_k] = 1/C whatever the labels); its second
moment is computed from the predicted distribution of the logits
(``top_gradient_second_moment``), not from a uniform softmax.
"""

import functools
from dataclasses import dataclass

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import interpolate, special, stats

from . import activations, limits

# Gauss-Legendre nodes per half-line, on u in [0, U_MAX]; the Gaussian weight
# beyond U_MAX = 12 is below 1e-32.
QUADRATURE_POINTS = 200
U_MAX = 12.0


# --- The inputs -------------------------------------------------------------


@dataclass(frozen=True)
class InputMoments:
    """What the predictions need of the inputs x = z^0.

    ``mean_squares``: per-example mean squares q_0 = |x|^2 / n_0, with
    ``weights`` (summing to 1) giving their distribution; ``mean``: E[x]
    pooled over examples and units, as the measurement pools it. Then
    E[x^2] = sum_b weights_b q_0b and Var[x] = E[x^2] - E[x]^2.
    """

    mean_squares: np.ndarray
    weights: np.ndarray
    mean: float

    @property
    def second_moment(self):
        """E[x^2], pooled over examples and units."""
        return float(self.weights @ self.mean_squares)

    @property
    def variance(self):
        """Var[x] = E[x^2] - E[x]^2, pooled over examples and units."""
        return self.second_moment - self.mean**2

    def average(self, per_example):
        """E_b[v_b]: the average of a per-example quantity over the inputs."""
        return float(self.weights @ per_example)

    @classmethod
    def from_examples(cls, x):
        """The empirical distribution of the examples ``x`` (one per row)."""
        x = np.asarray(x)
        q0 = np.einsum("bj,bj->b", x, x, dtype=np.float64) / x.shape[1]
        weights = np.full(len(q0), 1.0 / len(q0))
        return cls(q0, weights, float(x.mean(dtype=np.float64)))

    @classmethod
    def gaussian(cls, n_in, points=1000):
        """x ~ N(0, 1) iid over n_in units: q_0 = chi^2_{n_in} / n_in, represented
        by the midpoints of ``points`` equally likely quantile bins."""
        p = (np.arange(points) + 0.5) / points
        q0 = stats.chi2.ppf(p, n_in) / n_in
        # The midpoints lose a little of the tails: rescale so E[x^2] = 1 exactly.
        q0 /= q0.mean()
        return cls(q0, np.full(points, 1.0 / points), 0.0)


# --- The linear regime: eq. (5)-(7) -----------------------------------------


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


def glorot(widths, var_w, inputs, printed=False):
    """The linear regime, eq. (5)-(7), applied to ``inputs`` (an ``InputMoments``).

    Per example b, with q_0b = |x_b|^2 / n_0 and A_i = prod_{i'<i} n_{i'} Var[W^{i'}]:
    E[(z^i)^2 | x_b] = A_i q_0b (i >= 1; z^0 = x_b itself), and the logits are
    N(0, A_{d+1} q_0b), which gives E[(dC/ds^d)^2 | x_b] = T(A_{d+1} q_0b)
    (``top_gradient_second_moment``). Averaged over the examples:

    - activation: Var[x] at i = 0 (the inputs as they are), A_i E[x^2] for i >= 1
      (eq. 5 with the second moment of x: z^i = s^{i-1} has mean 0);
    - preactivation: A_{i+1} E[x^2];
    - backprop_gradient: eq. (6) with Var[dC/ds^d] = E_b[T(A_{d+1} q_0b)];
    - weight_gradient: eq. (7) as E[(z^i)^2] Var[dC/ds^i] (E[dC/ds^i] = 0), with
      z^i and dC/ds^i independent given the example (A4) but both growing with
      q_0b, so E[x^2] Var[dC/ds^d] becomes E_b[q_0b T(A_{d+1} q_0b)].

    ``printed``: the bounds of (6) and (7) as printed; everything else the same.
    Returns a dict quantity -> array over layers i = 0..d.
    """
    d = len(widths) - 2
    a = _products(forward_factors(widths, var_w))
    ex2 = inputs.second_moment
    top = top_gradient_second_moment(a[d + 1] * inputs.mean_squares, widths[-1])
    var_top = inputs.average(top)
    x2_top = inputs.average(inputs.mean_squares * top)
    activation = ex2 * a[: d + 1]
    activation[0] = inputs.variance
    return {
        "activation": activation,
        "preactivation": ex2 * a[1:],
        "backprop_gradient": glorot_backprop_variance(widths, var_w, var_top, printed),
        "weight_gradient": glorot_weight_gradient_variance(
            widths, var_w, 1.0, x2_top, printed
        ),
    }


def uniform_softmax_top_variance(classes):
    """Var[dC/ds^d] when the softmax output is uniform (p = 1/C) and y uniform:
    dC/ds^d = p - onehot(y) has mean 0 and E[g^2] = (C - 1) / C^2. The limit of
    ``top_gradient_second_moment`` as the logit variance goes to 0."""
    return (classes - 1) / classes**2


# --- Gaussian expectations --------------------------------------------------


@functools.cache
def _half_line_rule():
    x, w = leggauss(QUADRATURE_POINTS)
    u = (x + 1) * U_MAX / 2
    return u, w * U_MAX / 2 * np.exp(-(u**2) / 2) / np.sqrt(2 * np.pi)


def gaussian_expectation(g, q):
    """E[g(sqrt(q) u)] for u ~ N(0, 1), by quadrature; ``q`` a number or an
    array (then one expectation per entry).

    The two half-lines u < 0 and u > 0 are integrated separately (Gauss-Legendre
    on [0, 12] each) rather than with one Gauss-Hermite rule: relu and
    softsign's derivative have a kink at 0, where Gauss-Hermite converges
    slowly (softsign's E[f'^2] is off by 5% at 128 nodes); on each half-line
    every integrand here is smooth.
    """
    u, w = _half_line_rule()
    q = np.asarray(q, dtype=float)
    r = np.sqrt(q)[..., None] * u
    result = g(r) @ w + g(-r) @ w
    return float(result) if result.ndim == 0 else result


# --- The top gradient -------------------------------------------------------

# Grid of the trapezoidal rule over v (below), in units of the softmax's own scale.
_V_STEP = 0.25
# Above this logit standard deviation, the Gaussian expectations of
# ``_softmax_square_mean`` are integrated over w = s - v on a grid of
# _W_STEP from _W_LOW to _W_HIGH.
_WIDE_SD = 3.0
_W_LOW, _W_HIGH, _W_STEP = -40.0, 5.0, 0.05
# Points per unit of log(q) where T is tabulated for many q at once.
_LOG_Q_POINTS = 12


def _softmax_square_mean(q, classes):
    """E[sum_k p_k^2] for p = softmax(s), s ~ N(0, q I_C), one q.

    With S = sum_k e^{s_k}, 1/S^2 = int_0^inf t e^{-t S} dt and t = e^{-v}:

        E[p_1^2] = int dv E[phi_2(s - v)] E[phi_0(s - v)]^{C-1},
        phi_2(w) = exp(2 w - e^w),  phi_0(w) = exp(-e^w),

    products of one-dimensional Gaussian expectations, integrated over v by the
    trapezoidal rule (the integrand is smooth and decays on both sides, where
    the rule converges geometrically). E[sum_k p_k^2] = C E[p_1^2].

    The expectations over s: for sd = sqrt(q) <= ``_WIDE_SD`` by the half-line
    Gauss-Legendre rule in s; for wider logits phi's own scale (about 1) is
    finer than that rule resolves, so they are integrated over w = s - v on a
    fixed grid against the Gaussian density of s instead.
    """
    sd = np.sqrt(q)
    # phi_2(w) is below 1e-17 for w < -20 and for w > 3.7; s lies within
    # +-9 sd but for a weight below 1e-18.
    # The integrand varies on the scale of phi (about 1) or of s, whichever is wider.
    step = _V_STEP * max(1.0, sd / 4)
    v = np.arange(-9 * sd - 4, 9 * sd + 20 + step, step)
    if sd <= _WIDE_SD:
        u, weights = _half_line_rule()
        s = sd * np.concatenate([u, -u])
        weights = np.concatenate([weights, weights])
        shifted = s[None, :] - v[:, None]
        e = np.exp(np.minimum(shifted, 700))
        grow = np.exp(2 * shifted - e) @ weights
        rest = np.exp(-e) @ weights
    else:
        # phi_0 is 1 below w = -40 and 0 above w = 5 (to 1e-17 and 1e-64), so
        # E[phi_0(s - v)] = P(s - v < -40) + int_{-40}^{5} phi_0(w) p(v + w) dw.
        w = np.arange(_W_LOW, _W_HIGH + _W_STEP / 2, _W_STEP)
        trapezoid = np.full(w.size, _W_STEP)
        trapezoid[[0, -1]] /= 2
        s = v[:, None] + w[None, :]
        density = np.exp(-(s**2) / (2 * q)) / np.sqrt(2 * np.pi * q)
        e = np.exp(w)
        grow = density @ (trapezoid * np.exp(2 * w - e))
        rest = special.ndtr((v + _W_LOW) / sd) + density @ (trapezoid * np.exp(-e))
    return classes * step * float(np.sum(grow * rest ** (classes - 1)))


def _top_from_square_mean(sum_p2, classes):
    # E[g^2] = E[sum_k (p_k - y_k)^2] / C = (E[sum_k p_k^2] - 2 E[p_y] + 1) / C,
    # and E[p_y] = 1/C since the classes are exchangeable under the weights.
    return (sum_p2 - 2 / classes + 1) / classes


def top_gradient_second_moment(q, classes):
    """E[(dC/ds^d_k)^2] for logits s^d ~ N(0, q I_C) and any labels y, per unit
    (the mean over the C classes); ``q`` a number or an array of them.

    E[g^2] = (E[sum_k p_k^2] - 2/C + 1) / C with p = softmax(s^d)
    (``_softmax_square_mean``, deterministic quadrature); it is (C - 1) / C^2
    for a uniform softmax (q -> 0) and grows to 2 (C - 1) / C^2 as the softmax
    becomes one-hot. For many q at once it is tabulated on a grid in log q and
    interpolated by a cubic spline (relative error below 1e-7).
    """
    q = np.asarray(q, dtype=float)
    # By value: an inf here is a variance past float64's range upstream.
    limits.require_finite(q, "logit variances")
    if not (q >= 0).all():
        raise ValueError(f"logit variances must be >= 0, got {q}")
    flat = q.ravel()
    # q = 0 (an all-zero input): the logits are 0 and the softmax uniform.
    result = np.full(flat.shape, 1.0 / classes)
    positive = flat > 0
    unique = np.unique(flat[positive])
    if 0 < unique.size <= 8:
        table = np.array([_softmax_square_mean(v, classes) for v in unique])
        result[positive] = table[np.searchsorted(unique, flat[positive])]
    elif unique.size > 8:
        lo, hi = np.log(unique[0]), np.log(unique[-1])
        nodes = np.linspace(lo, hi, max(8, int(np.ceil((hi - lo) * _LOG_Q_POINTS)) + 1))
        table = np.array([_softmax_square_mean(np.exp(v), classes) for v in nodes])
        result[positive] = interpolate.CubicSpline(nodes, table)(np.log(flat[positive]))
    top = _top_from_square_mean(result, classes).reshape(q.shape)
    return float(top) if top.ndim == 0 else top


# --- Mean-field -------------------------------------------------------------


def meanfield(widths, var_w, activation, inputs):
    """Mean-field predictions of every quantity, i = 0..d, for ``inputs`` (an
    ``InputMoments``): the maps below are run for every example's q_0 and the
    results averaged over the examples, as the measurement pools them.

    Forward (length map), per example: q^i = Var[s^i] = n_i Var[W^i] E[(z^i)^2],
    z^{i+1} = f(s^i) with s^i ~ N(0, q^i), so E[z] and E[z^2] come from
    quadrature (sigmoid's mean 1/2 and relu's factor 1/2 appear here);
    E[(z^0)^2] = q_0.
    Top: E[(dC/ds^d)^2] = T(q^d) (``top_gradient_second_moment``).
    Backward: E[(dC/ds^i)^2] = E[f'(s^i)^2] n_{i+2} Var[W^{i+1}] E[(dC/ds^{i+1})^2],
    the per-layer factor chi of Schoenholz et al. with the actual widths.
    Weight gradients: E[(z g)^2] = E[z^2] E[g^2] per example (A4; E[g] = 0).

    Pooled over examples: Var[z^i] = E_b[E[z^2]] - E_b[E[z]]^2 (Var[x] itself at
    i = 0); the zero-mean quantities have variance E_b of their second moment.
    Returns a dict quantity -> array over layers (activation_derivative holds E[f']).
    """
    f, f_prime = activations.get(activation)
    widths = list(widths)
    d = len(widths) - 2
    z_sq = [inputs.mean_squares]
    z_mean = [inputs.mean]
    q, fp_mean, fp_sq = [], [], []
    for i in range(d + 1):
        q.append(widths[i] * var_w[i] * z_sq[i])
        if i < d:
            z_mean.append(inputs.average(gaussian_expectation(f, q[i])))
            z_sq.append(gaussian_expectation(lambda s: f(s) ** 2, q[i]))
            fp_mean.append(inputs.average(gaussian_expectation(f_prime, q[i])))
            fp_sq.append(gaussian_expectation(lambda s: f_prime(s) ** 2, q[i]))
    g_sq = [None] * (d + 1)
    g_sq[d] = top_gradient_second_moment(q[d], widths[-1])
    for i in range(d - 1, -1, -1):
        g_sq[i] = fp_sq[i] * widths[i + 2] * var_w[i + 1] * g_sq[i + 1]
    mean = inputs.average
    return {
        "activation": np.array([mean(z_sq[i]) - z_mean[i] ** 2 for i in range(d + 1)]),
        "preactivation": np.array([mean(v) for v in q]),
        "backprop_gradient": np.array([mean(v) for v in g_sq]),
        "weight_gradient": np.array([mean(z_sq[i] * g_sq[i]) for i in range(d + 1)]),
        "activation_derivative": np.array(fp_mean),
    }
