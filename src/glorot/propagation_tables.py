"""From per-network measurements to the judged tables of the depth study
(docs/propagation.md): propagation.csv (q^l and c^l per layer),
depth_scales.csv (q*, chi_1, c*, xi_q, xi_c) and critical_line.csv.

Intervals: a mean over independent networks has the Student-t interval of
``glorot.compare.mean_with_ci``; a depth scale, fitted to the network-averaged
curve, has a percentile bootstrap interval over networks (resampled with a
stream keyed on the point, so it is the same whatever the job order).

Verdicts by ``glorot.verdicts`` on the ratio predicted / measured, except
where that ratio is ill-posed:

- c (per layer and c*) is judged on 1 + c = E[(h_a + h_b)^2] / (2 q), the
  length of the sum of the two inputs' pre-activations: c* = 0 (odd phi,
  sigma_b2 = 0, chaotic phase) makes the ratio of c itself undefined, while
  1 + c lies in [1, 2] wherever c* >= 0;
- q* = 0 (sigma_b2 = 0, ordered) or inf (relu, chaotic) has no ratio: the
  row is ``inconclusive`` with the prediction written as is.
"""

import re

import numpy as np
import pandas as pd

from . import propagation, seeding, verdicts
from . import propagation_measure as measure
from .compare import mean_with_ci

POINT = measure.POINT
QUANTITIES = ("q_star", "chi1", "c_star", "xi_q", "xi_c")
# The share of the deepest layers taken as the plateau (fixed point reached).
PLATEAU_SHARE = 4
# A depth scale is fitted where the deviation from the fixed point is below
# this share of its value at layer 1 (the approach is exponential only near
# the fixed point) and above NOISE_SE standard errors of itself.
FIT_UPPER = 0.25
NOISE_SE = 4.0
LINEAR_SHARE = 0.1
# The 2D quadrature is exact to about 1e-14: a predicted 1 - c or step below
# this carries no digits.
TRAJECTORY_FLOOR = 1e-10
MIN_FIT_LAYERS = 3
BOOTSTRAP_LEVEL = 0.95


def judge(predicted, ci_low, ci_high, margin=verdicts.DEFAULT_MARGIN, shift=0.0):
    """(ratio_low, ratio_high, half_width, verdict) of ``predicted`` against the
    measured interval, on the quantity shifted by ``shift`` (1 for c)."""
    low, high = verdicts.ratio_interval(
        np.asarray(predicted, dtype=float) + shift,
        np.asarray(ci_low, dtype=float) + shift,
        np.asarray(ci_high, dtype=float) + shift,
    )
    return (
        low,
        high,
        verdicts.half_width(low, high),
        verdicts.verdict(low, high, margin),
    )


def mean_interval(values):
    """(mean, ci_low, ci_high) over networks (rows), NaN if any is missing."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    out = np.full((3, values.shape[1]), np.nan)
    for j in range(values.shape[1]):
        column = values[:, j]
        if np.isfinite(column).all():
            out[:, j] = mean_with_ci(column)[:3]
    return out


def plateau(curves):
    """Per network, the mean of its deepest 1/PLATEAU_SHARE layers."""
    curves = np.asarray(curves, dtype=float)
    return curves[:, -max(1, curves.shape[1] // PLATEAU_SHARE) :].mean(axis=1)


def approach(curves, fixed_point=None):
    """(deviation, standard error) per layer of the network-averaged curve's
    approach to its fixed point: |mean^l - fixed_point| when the fixed point
    is known exactly (c* = 1), else the step |mean^l - mean^{l+1}|, which
    decays at the same rate (A r^l (1 - r)) and needs no estimate of the
    fixed point (a plateau average would carry the approach's own tail)."""
    curves = np.asarray(curves, dtype=float)
    values = (
        curves - fixed_point
        if fixed_point is not None
        else curves[:, :-1] - curves[:, 1:]
    )
    n = values.shape[0]
    mean = np.abs(values.mean(axis=0))
    if n < 2:  # one curve (the maps' trajectory): no standard error
        return mean, np.full(mean.shape, np.nan)
    return mean, values.std(axis=0, ddof=1) / np.sqrt(n)


def fit_window(curves, fixed_point=None, scale=None):
    """Layers (0-based) where the approach is fitted: from where the mean is
    near its fixed point (within FIT_UPPER of its first deviation, and,
    when the fixed point is estimated by the plateau, within LINEAR_SHARE of
    it: the exponential approach holds only where the map is linear; further
    out a concave length map is left faster than its slope at q* says) to
    before the step comes within NOISE_SE standard errors of 0. Empty if
    fewer than MIN_FIT_LAYERS. ``scale``: what LINEAR_SHARE is a share of
    (|fixed point| when not given; 1 for a correlation)."""
    curves = np.asarray(curves, dtype=float)
    step, se = approach(curves, fixed_point)
    star = plateau(curves).mean() if fixed_point is None else fixed_point
    scale = abs(star) if scale is None else scale
    deviation = np.abs(curves.mean(axis=0) - star)
    near = (deviation <= FIT_UPPER * deviation[0]) & (deviation <= LINEAR_SHARE * scale)
    layers = []
    for layer in range(step.size):
        if step[layer] <= NOISE_SE * se[layer] or step[layer] == 0:
            break
        if near[layer]:
            layers.append(layer)
    return np.array(layers if len(layers) >= MIN_FIT_LAYERS else [], dtype=int)


def decay_rate(curves, layers, fixed_point=None):
    """1 / xi: minus the least-squares slope of log(deviation) over ``layers``
    (Schoenholz et al.: |q^l - q*| ~ exp(-l / xi_q), same for c)."""
    deviation = approach(curves, fixed_point)[0][layers]
    if layers.size < MIN_FIT_LAYERS or not (deviation > 0).all():
        return np.nan
    return -np.polyfit(layers.astype(float), np.log(deviation), 1)[0]


def fit_depth_scale(curves, rng, fixed_point=None, scale=None, resamples=200):
    """(xi, ci_low, ci_high, layers) fitted to per-network ``curves``
    (networks, layers).

    The window ``layers`` is chosen once on all networks; the interval is the
    percentile bootstrap over networks of the rate 1/xi, mapped to xi (a rate
    interval reaching 0 or below gives ci_high = inf).
    """
    curves = np.asarray(curves, dtype=float)
    none = np.array([], dtype=int)
    if not np.isfinite(curves).all():
        return np.nan, np.nan, np.nan, none
    layers = fit_window(curves, fixed_point, scale)
    rate = decay_rate(curves, layers, fixed_point)
    if not np.isfinite(rate) or rate <= 0:
        return np.nan, np.nan, np.nan, none
    n = curves.shape[0]
    rates = np.array(
        [
            decay_rate(curves[rng.integers(0, n, n)], layers, fixed_point)
            for _ in range(resamples)
        ]
    )
    tail = (1 - BOOTSTRAP_LEVEL) / 2 * 100
    low, high = np.nanpercentile(rates, [tail, 100 - tail])
    return 1 / rate, 1 / high, (1 / low if low > 0 else np.inf), layers


def trajectory_depth_scale(curve, layers, fixed_point=None):
    """The same fit on one predicted trajectory (the maps run from the same
    inputs) over the same ``layers``: what the estimator gives where the
    theory holds exactly, pre-asymptotic layers included. Layers where the
    trajectory's deviation is below TRAJECTORY_FLOOR are left out (the
    quadrature's digits end there); NaN if fewer than MIN_FIT_LAYERS remain."""
    curve = np.asarray(curve, dtype=float)[None, :]
    deviation = approach(curve, fixed_point)[0]
    layers = layers[deviation[layers] > TRAJECTORY_FLOOR]
    rate = decay_rate(curve, layers, fixed_point)
    return 1 / rate if np.isfinite(rate) and rate > 0 else np.nan


def depth_scale_interval(slope, ci_low, ci_high):
    """(xi, ci_low, ci_high) of xi = -1 / log(slope) from a per-layer factor
    and its interval (Schoenholz et al.: |q^l - q*| ~ slope^l). Increasing in
    the slope on (0, 1): an end at or above 1 maps to inf (no decay resolved),
    a slope at or above 1 to NaN (no fixed point approached)."""

    def xi(r):
        if not np.isfinite(r):
            return np.nan
        if r >= 1:
            return np.inf
        return -1 / np.log(r) if r > 0 else 0.0

    value = xi(slope) if np.isfinite(slope) and slope < 1 else np.nan
    return value, xi(ci_low), xi(ci_high)


def bootstrap_generator(seed, activation, sigma_w2, sigma_b2, quantity):
    return np.random.default_rng(
        seeding.seed_sequence(
            seed,
            "propagation-bootstrap",
            activation,
            str(sigma_w2),
            str(sigma_b2),
            quantity,
        )
    )


# --- The per-network records --------------------------------------------------

RECORD_COLUMNS = measure.RECORD_COLUMNS
RECORD_DTYPES = measure.RECORD_DTYPES


# The network jobs' files: <activation>_w<sigma_w2>_b<sigma_b2>_g<group>.csv.
_NETWORK_FILE = re.compile(r"(?P<a>[^/]+)_w(?P<w>[^/_]+)_b(?P<b>[^/_]+)_g\d+\.csv$")


def files_by_point(paths):
    """[(point, [paths])] with point = (activation, sigma_w2, sigma_b2) as
    written in the file names, in the order the tables sort points (as text)."""
    points = {}
    for path in paths:
        match = _NETWORK_FILE.search(str(path))
        if match is None:
            raise ValueError(f"not a network file of the depth study: {path}")
        points.setdefault((match["a"], match["w"], match["b"]), []).append(path)
    return sorted(points.items())


def curves(records, value, pairs):
    """(networks, layers) array of ``value``, averaged over ``pairs``, for the
    records of one point; networks in index order."""
    chosen = records[records["pair"].isin(pairs)]
    table = chosen.pivot_table(
        index="network", columns="layer", values=value, aggfunc="mean", dropna=False
    )
    return table.sort_index().to_numpy(dtype=float)


def _points(records):
    return records[POINT].drop_duplicates().itertuples(index=False, name=None)


def _of(records, point):
    a, w, b = point
    return records[
        (records["activation"] == a)
        & (records["sigma_w2"] == w)
        & (records["sigma_b2"] == b)
    ]


# --- propagation.csv ------------------------------------------------------------


def propagation_table(records, moments, margin=verdicts.DEFAULT_MARGIN):
    """Per (point, pair, layer): measured q and c (means over networks with
    95% intervals) and their predictions by the length and correlation maps
    from the pair's own input moments ``moments[pair] = (q_a, q_b, q_ab)``."""
    rows = []
    for point in _points(records):
        sub = _of(records, point)
        activation, sigma_w2, sigma_b2 = point
        for pair in sorted(sub["pair"].unique()):
            q = curves(sub, "q", [pair])
            c = 1 - curves(sub, "one_minus_c", [pair])
            depth = q.shape[1]
            q_aa, q_bb, c_pred = propagation.two_input_maps(
                *moments[pair], depth, float(sigma_w2), float(sigma_b2), activation
            )
            table = {"layer": np.arange(1, depth + 1)}
            for name, values, predicted, shift in (
                ("q", q, (q_aa + q_bb) / 2, 0.0),
                ("c", c, c_pred, 1.0),
            ):
                mean, low, high = mean_interval(values)
                r_low, r_high, half, verdict = judge(
                    predicted, low, high, margin, shift
                )
                table.update(
                    {
                        f"{name}_predicted": predicted,
                        f"{name}_measured": mean,
                        f"{name}_ci_low": low,
                        f"{name}_ci_high": high,
                        f"{name}_half_width": half,
                        f"{name}_verdict": verdict,
                    }
                )
            frame = pd.DataFrame(table)
            frame.insert(0, "pair", pair)
            for i, key in enumerate(POINT):
                frame.insert(i, key, point[i])
            frame.insert(len(POINT) + 1, "networks", q.shape[0])
            rows.append(frame)
    return pd.concat(rows, ignore_index=True)


# --- depth_scales.csv -----------------------------------------------------------


def measured_fixed_points(records, pairs, moments, seed, resamples=200):
    """{quantity: (measured, ci_low, ci_high)} at one point from the records
    of the Gaussian ``pairs`` (inputs of mean square 1 and chosen correlation).

    q*, c*: per network the plateau (deepest quarter) of q^l and c^l, then
    the t interval over networks. chi_1: per network the mean gradient factor
    over the deepest half of the layers (q^l at its fixed point), t interval.
    xi_q: the same for the length factor dq^{l+1} / dq^l (the slope of the
    length map at q*, exp(-1 / xi_q)), whose interval is mapped through
    xi = -1 / log(slope) (``depth_scale_interval``): the slope is measured
    layer by layer, where a fit of q^l's approach would have one or two
    layers above the noise when xi_q is a layer or two. xi_c: fit of
    1 - c^l's decay to 0 unless the measured chi_1 is above 1 (then c^l's
    approach to its plateau), on the pair whose start is farthest from it.

    Also ``xi_c_maps``: the same fit, over the same layers, of the
    trajectory the maps predict from the same inputs
    (``moments[pair] = (q_a, q_b, q_ab)``).
    """
    activation, sigma_w2, sigma_b2 = records[POINT].iloc[0]
    q = curves(records, "q", pairs)
    one_minus_c = {p: curves(records, "one_minus_c", [p]) for p in pairs}
    factor = curves(records, "gradient_factor", pairs[:1])[:, :-1]
    length = curves(records, "length_factor", pairs[:1])[:, :-1]
    depth = q.shape[1]
    out = {
        "q_star": tuple(mean_interval(plateau(q))[:, 0]),
        "c_star": tuple(
            mean_interval(plateau(1 - np.mean(list(one_minus_c.values()), axis=0)))[
                :, 0
            ]
        ),
        "chi1": tuple(mean_interval(factor[:, depth // 2 :].mean(axis=1))[:, 0]),
        "xi_q": depth_scale_interval(
            *mean_interval(length[:, depth // 2 :].mean(axis=1))[:, 0]
        ),
    }

    def rng(quantity):
        return bootstrap_generator(seed, activation, sigma_w2, sigma_b2, quantity)

    point = (float(sigma_w2), float(sigma_b2), activation)
    predicted = {
        p: propagation.two_input_maps(*moments[p], depth, *point) for p in pairs
    }
    chaotic = out["chi1"][1] > 1
    star = 1 - out["c_star"][0]
    pair = max(pairs, key=lambda p: abs(np.mean(one_minus_c[p][:, 0]) - star))
    c_maps = predicted[pair][2]
    if chaotic:
        *out["xi_c"], layers = fit_depth_scale(
            1 - one_minus_c[pair], rng("xi_c"), scale=1.0, resamples=resamples
        )
        out["xi_c_maps"] = trajectory_depth_scale(c_maps, layers)
    else:
        *out["xi_c"], layers = fit_depth_scale(
            one_minus_c[pair],
            rng("xi_c"),
            fixed_point=0.0,
            scale=1.0,
            resamples=resamples,
        )
        out["xi_c_maps"] = trajectory_depth_scale(1 - c_maps, layers, 0.0)
    return out


def judged_prediction(quantity, predicted, predicted_fit, depth):
    """(value judged, shift, label): what a depth_scales row compares.

    c* on 1 + c* (see the module docstring). xi_q, measured from the slope
    of the length map at the plateau, on ``predicted`` itself. xi_c on
    ``predicted_fit``, the same fit over the same layers of the maps'
    predicted trajectory: Schoenholz et al.'s xi is the asymptotic rate,
    which a network of finite depth shows only after its pre-asymptotic
    layers (tanh at sigma_w2 = 1.5, sigma_b2 = 0.05: xi_c = 15.8, while the
    exact maps' trajectory fitted on layers 5-20 gives 10.8); this compares
    like with like. Not judged (NaN, so inconclusive, the reason in the
    label): a prediction of 0 or inf (q* at sigma_b2 = 0, ordered; relu
    chaotic), and a depth scale predicted beyond half the depth (no
    exponential regime inside the network: on the critical line the approach
    is a power law). Where the trajectory's fit has too few layers above
    TRAJECTORY_FLOOR (xi below 1: the asymptote is reached at once), the
    depth scale is judged on ``predicted`` itself.
    """
    if quantity == "c_star":
        return predicted, 1.0, "1+c"
    if not (np.isfinite(predicted) and predicted > 0):
        return np.nan, 0.0, "not judged: predicted 0 or inf"
    if quantity.startswith("xi"):
        if predicted > depth / 2:
            return np.nan, 0.0, "not judged: predicted xi > depth/2"
        if quantity == "xi_q":
            return predicted, 0.0, "ratio, measured from the length factor"
        if np.isfinite(predicted_fit):
            return predicted_fit, 0.0, "ratio to predicted_fit"
    return predicted, 0.0, "ratio"


def depth_scales_table(
    records, pairs, moments, seed, resamples=200, margin=verdicts.DEFAULT_MARGIN
):
    """One row per (point, quantity in QUANTITIES): predicted (mean field at
    the fixed point), predicted_fit (depth scales only: the same fit on the
    maps' trajectory), measured with its interval, ratio interval,
    resolution and verdict of what ``judged_prediction`` says is compared."""
    rows = []
    for point in _points(records):
        theory = propagation.fixed_point_summary(
            float(point[1]), float(point[2]), point[0]
        )
        measured = measured_fixed_points(
            _of(records, point), pairs, moments, seed, resamples
        )
        networks = _of(records, point)["network"].nunique()
        depth = int(_of(records, point)["layer"].max())
        for quantity in QUANTITIES:
            predicted = theory[quantity]
            value, low, high = measured[quantity]
            predicted_fit = measured.get(f"{quantity}_maps", np.nan)
            judged, shift, judged_on = judged_prediction(
                quantity, predicted, predicted_fit, depth
            )
            r_low, r_high, half, verdict = judge(judged, low, high, margin, shift)
            rows.append(
                (
                    *point,
                    quantity,
                    predicted,
                    predicted_fit,
                    value,
                    low,
                    high,
                    float(r_low),
                    float(r_high),
                    float(half),
                    str(verdict),
                    judged_on,
                    networks,
                )
            )
    return pd.DataFrame(
        rows,
        columns=POINT
        + [
            "quantity",
            "predicted",
            "predicted_fit",
            "measured",
            "ci_low",
            "ci_high",
            "ratio_low",
            "ratio_high",
            "half_width",
            "verdict",
            "judged_on",
            "networks",
        ],
    )


# --- critical_line.csv ----------------------------------------------------------


def crossing(x, y, level=1.0):
    """The x where the piecewise-linear y(x) first crosses ``level`` upward
    (NaN if it does not within the grid)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    for i in range(len(x) - 1):
        if np.isfinite(y[i : i + 2]).all() and y[i] < level <= y[i + 1]:
            return x[i] + (level - y[i]) * (x[i + 1] - x[i]) / (y[i + 1] - y[i])
    return np.nan


def critical_line_table(depth_scales, margin=verdicts.DEFAULT_MARGIN):
    """Per (activation, sigma_b2): the predicted critical sigma_w2 (chi_1 = 1)
    and the measured one, where the measured chi_1 crosses 1 along the
    sigma_w2 grid (linear interpolation), with the interval between the
    crossings of the upper and the lower ends of the chi_1 intervals.

    Judged against ``predicted_grid_sigma_w2``, the crossing of the
    predicted chi_1 interpolated on the same grid: chi_1 is not linear in
    sigma_w2, so the interpolation alone moves the crossing (softsign,
    sigma_b2 = 0.05, grid points 2.5 and 4.0: 3.26 against the exact 3.14),
    and comparing like with like leaves the theory's error alone."""
    chi = depth_scales[depth_scales["quantity"] == "chi1"]
    rows = []
    for (activation, sigma_b2), group in chi.groupby(
        ["activation", "sigma_b2"], sort=True
    ):
        group = group.assign(w=group["sigma_w2"].astype(float)).sort_values("w")
        measured = crossing(group["w"], group["measured"])
        low = crossing(group["w"], group["ci_high"])
        high = crossing(group["w"], group["ci_low"])
        predicted = propagation.critical_sigma_w2(float(sigma_b2), activation)
        on_grid = crossing(group["w"], group["predicted"])
        r_low, r_high, half, verdict = judge(on_grid, low, high, margin)
        rows.append(
            (
                activation,
                sigma_b2,
                predicted,
                measured,
                low,
                high,
                on_grid,
                float(r_low),
                float(r_high),
                float(half),
                str(verdict),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "activation",
            "sigma_b2",
            "predicted_sigma_w2",
            "measured_sigma_w2",
            "ci_low",
            "ci_high",
            "predicted_grid_sigma_w2",
            "ratio_low",
            "ratio_high",
            "half_width",
            "verdict",
        ],
    )
