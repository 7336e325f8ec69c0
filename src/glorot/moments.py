"""Streaming statistics: moments merged over chunks, and fixed-bin histograms.

Chunks are reduced in float64 whatever the dtype of the network, and merged
with the pairwise update of Chan, Golub & LeVeque (1979), so the variance of a
quantity with a large mean (sigmoid activations) keeps its precision. The one
exception is the per-example weight gradient, whose moments come from
per-example sums in one pass (see ``weight_gradient_moments_from_sums``).
"""

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    """count, mean and m2 = sum of squared deviations of a set of values."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @property
    def variance(self):
        """Population variance m2 / count (the pooled variance over units and examples)."""
        return self.m2 / self.count if self.count else float("nan")

    def merge(self, other):
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        count = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta**2 * self.count * other.count / count
        return Moments(count, mean, m2)


# Entries reduced per float64 pass: one chunk of the paper's network
# (1000 examples x 1024 units) in one go, larger arrays block by block.
_REDUCE_BLOCK = 1 << 20
_scratch = threading.local()


def _float64_scratch(size):
    """This thread's float64 scratch of at least ``size`` entries, reused so
    that no chunk allocates (and page-faults in) a fresh float64 copy."""
    buffer = getattr(_scratch, "float64", None)
    if buffer is None or buffer.size < size:
        buffer = np.empty(size, np.float64)
        _scratch.float64 = buffer
    return buffer[:size]


def _ones(n):
    """A float64 vector of n ones: row sums as a matrix-vector product (BLAS
    dgemv, a float64 accumulation) instead of a pairwise-sum ufunc pass."""
    ones = getattr(_scratch, "ones", None)
    if ones is None or ones.size < n:
        ones = np.ones(max(n, 1024), np.float64)
        _scratch.ones = ones
    return ones[:n]


def _as_float(a):
    a = np.asarray(a)
    return a if a.dtype == np.float32 or a.dtype == np.float64 else a.astype(np.float64)


def _block_moments(a, row_sums):
    """Two-pass float64 moments of the 2-d block ``a`` (mean first, then the
    squared deviations from it), and if ``row_sums`` its per-row sums and
    sums of squares. The block is cast once into the float64 scratch."""
    rows, n = a.shape
    buffer = _float64_scratch(a.size).reshape(rows, n)
    np.copyto(buffer, a)
    ones = _ones(n)
    sums = buffer @ ones
    mean = sums.sum() / a.size
    np.subtract(buffer, mean, out=buffer)
    if row_sums:
        np.multiply(buffer, buffer, out=buffer)
        centred = buffer @ ones
        m2 = centred.sum()
        # sum_l x_l^2 = sum_l (x_l - mean)^2 + mean (2 sum_l x_l - n mean)
        squares = centred + mean * (2 * sums - n * mean)
    else:
        flat = buffer.ravel()
        m2 = flat @ flat
        squares = None
    return Moments(a.size, float(mean), float(m2)), sums, squares


def moments_2d(a, row_sums=False):
    """Moments of all entries of the 2-d array ``a`` in float64 (two passes
    per block of rows, blocks merged), and if ``row_sums`` the float64 sums
    and sums of squares of each row. Memory: one float64 block."""
    a = _as_float(a)
    rows, n = a.shape
    if a.size == 0:
        empty = np.zeros(rows)
        return (Moments(), empty, empty) if row_sums else Moments()
    step = max(1, _REDUCE_BLOCK // n)
    moments, sums, squares = Moments(), [], []
    for start in range(0, rows, step):
        m, s, q = _block_moments(a[start : start + step], row_sums)
        moments = moments.merge(m)
        sums.append(s)
        squares.append(q)
    if not row_sums:
        return moments
    if len(sums) == 1:
        return moments, sums[0], squares[0]
    return moments, np.concatenate(sums), np.concatenate(squares)


def array_moments(a):
    """Moments of all entries of ``a``, computed in float64 (mean, then the
    squared deviations from it, per block of about a million entries)."""
    a = _as_float(a).ravel()
    whole = a.size - a.size % _REDUCE_BLOCK
    moments = Moments()
    if whole:
        moments = moments_2d(a[:whole].reshape(-1, _REDUCE_BLOCK))
    if whole < a.size:
        moments = moments.merge(moments_2d(a[whole:][None, :]))
    return moments


def weight_gradient_moments_from_sums(count, z_sums, z_squares, g_sums, g_squares):
    """Moments of the per-example products z_bl g_bk from per-example sums.

    One pass: m2 = sum (z g)^2 - count mean^2, whose relative error is about
    1e-16 mean^2 / variance. At initialization the products have a mean far
    below their standard deviation (the weights are zero-mean, and dC/ds^d
    sums to 0 over the classes), so this loses nothing that matters; for a
    product with |mean| >> std it would.
    """
    if count == 0:
        return Moments()
    total = z_sums @ g_sums
    total_sq = z_squares @ g_squares
    mean = total / count
    # Clipped at 0: rounding can make it a hair negative when the variance is ~0.
    m2 = max(total_sq - count * mean**2, 0.0)
    return Moments(count, float(mean), float(m2))


def weight_gradient_moments(z_i, dcost_ds_i):
    """Moments of the per-example weight gradients z^i_l dC/ds^i_k over all
    examples b and entries (l, k), eq. (3), without forming the
    examples x n_i x n_{i+1} tensor:

        sum_{b,l,k} z_bl g_bk   = sum_b (sum_l z_bl)   (sum_k g_bk)
        sum_{b,l,k} z_bl^2 g_bk^2 = sum_b (sum_l z_bl^2) (sum_k g_bk^2)

    The per-example sums are float64.
    """
    z, g = _as_float(z_i), _as_float(dcost_ds_i)
    count = z.shape[0] * z.shape[1] * g.shape[1]
    if count == 0:
        return Moments()
    _, z_sums, z_squares = moments_2d(z, row_sums=True)
    _, g_sums, g_squares = moments_2d(g, row_sums=True)
    return weight_gradient_moments_from_sums(
        count, z_sums, z_squares, g_sums, g_squares
    )


# Values binned per pass of Histogram.add: the scratch arrays of one block stay
# in the L2 cache, and no temporary grows with the number of values.
_BLOCK = 1 << 16


def _scratch_arrays(dtype):
    """This thread's scratch for one block of ``dtype`` values: scaled values
    (then thresholds), fine and coarse bin indices, pair indices, a mask.
    Reused by every call, so no call allocates (and page-faults in) them."""
    key = "block_" + np.dtype(dtype).char
    arrays = getattr(_scratch, key, None)
    if arrays is None:
        arrays = (
            np.empty(_BLOCK, dtype),
            np.empty(_BLOCK, np.int32),
            np.empty(_BLOCK, np.intp),
            np.empty(_BLOCK // 2, np.intp),
            np.empty(_BLOCK, np.bool_),
        )
        setattr(_scratch, key, arrays)
    return arrays


def _ceil_to(values, dtype):
    """For each float64 of ``values``, the smallest number of ``dtype`` >= it."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        rounded = values.astype(dtype)
    below = rounded.astype(np.float64) < values
    rounded[below] = np.nextafter(rounded[below], dtype.type(np.inf))
    return rounded


class _BinPlan:
    """Exact binning of values of one float dtype into a Histogram's bins.

    Bins are numbered with the outside of the range included: 0 = below
    ``low``, 1..bins = the histogram's bins, bins + 1 = above ``high``. The
    bin of v is the number of thresholds t[j] <= v, where t[j] (j < bins) is
    the smallest ``dtype`` number >= edge j and t[bins] the smallest one
    > high. For a ``dtype`` value v, v >= t[j] exactly when v >= edge j (as
    float64), so this is numpy.histogram's binning of float64(v).

    Fast path: phi(v) = v * a + c, monotone in v, scaled so that a bin spans
    ``sub`` sub-bins and threshold t[j] falls in the middle of sub-bin
    (j + 1) * sub. Rounding moves phi by less than 1/8 of a sub-bin (``sub``
    is chosen small enough for that), so a value whose sub-bin is not a
    multiple of ``sub`` is in bin floor(phi / sub) for sure; a value in
    sub-bin (j + 1) * sub is in bin j + 1 or j, decided by comparing it with
    t[j]. Those values are about 1 / sub of all.
    """

    def __init__(self, low, high, bins, dtype):
        self.dtype = dtype = np.dtype(dtype)
        self.bins = bins
        edges = np.linspace(low, high, bins + 1)
        self.thresholds = np.append(
            _ceil_to(edges[:-1], dtype), _ceil_to(np.nextafter(high, np.inf), dtype)
        )
        max_abs = max(abs(low), abs(high))
        width = (high - low) / bins
        sub = 0
        if np.isfinite(max_abs) and np.isfinite(width) and width > 0:
            ulp = float(np.spacing(dtype.type(max_abs)))
            # phi stays below 2**16 (its own rounding ~2**-8 sub-bins in
            # float32), and a sub-bin spans >= 64 ulps of the largest edge.
            limit = min(2**16 / (bins + 2), width / (64 * ulp))
            if limit >= 2:
                sub = 1 << int(np.floor(np.log2(limit)))
        self.fast = False
        if sub >= 2:
            scale = bins * sub / (high - low)
            with np.errstate(over="ignore"):
                self.a = dtype.type(scale)
                self.c = dtype.type(sub + 0.5 - low * scale)
            # Otherwise (a range of a few hundred ulps at the edge of the
            # dtype's range) every value takes the exact path.
            self.fast = bool(np.isfinite(self.a) and np.isfinite(self.c))
            self.shift = sub.bit_length() - 1
            self.sub_mask = sub - 1
            self.top = dtype.type((bins + 2) * sub - 1)
            # below[c]: the threshold under which a value of coarse bin c
            # belongs to bin c - 1 (none for bin 0: nothing is below it).
            self.below = np.append(dtype.type(-np.inf), self.thresholds)

    def count(self, v):
        """Counts of the extended bins 0..bins+1 of the 1-d array ``v``."""
        size = self.bins + 2
        if not self.fast:
            if np.isnan(v).any():
                raise ValueError("histogram values contain NaN")
            index = np.searchsorted(self.thresholds, v, side="right")
            return np.bincount(index, minlength=size).astype(np.int64)
        phi_all, fine_all, coarse_all, pair_all, mask_all = _scratch_arrays(self.dtype)
        # Values are counted in pairs (bin of the j-th value of a block, bin
        # of the (j + half)-th) in a size x size table: half as many scattered
        # increments, the cost that dominates. ufunc.at is faster than
        # bincount here; a NaN becomes a large negative index, out of bounds,
        # never a wrapped one.
        pairs = np.zeros(size * size, dtype=np.int64)
        single = np.zeros(size, dtype=np.int64)
        lowered = []
        # Overflow to +-inf is harmless: clipped like any value far out.
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, v.size, _BLOCK):
                block = v[start : start + _BLOCK]
                n = block.size
                half = n // 2
                phi, fine, mask = phi_all[:n], fine_all[:n], mask_all[:n]
                coarse, pair = coarse_all[:n], pair_all[:half]
                np.multiply(block, self.a, out=phi)
                np.add(phi, self.c, out=phi)
                np.clip(phi, 1, self.top, out=phi)
                np.copyto(fine, phi, casting="unsafe")  # NaN: caught below
                np.right_shift(fine, self.shift, out=coarse)
                np.multiply(coarse[:half], size, out=pair)
                np.add(pair, coarse[half : 2 * half], out=pair)
                try:
                    np.add.at(pairs, pair, 1)
                    if n % 2:
                        np.add.at(single, coarse[n - 1 :], 1)
                except IndexError:
                    raise ValueError("histogram values contain NaN") from None
                # Values in a sub-bin that holds a threshold: in the bin
                # counted, or the one below if under that threshold.
                np.bitwise_and(fine, self.sub_mask, out=fine)
                np.equal(fine, 0, out=mask)
                near = np.count_nonzero(mask)
                if near == 0:
                    continue
                if near <= n // 16:
                    index = np.flatnonzero(mask)
                    values, upper = block[index], coarse[index]
                    if np.isnan(values).any():
                        raise ValueError("histogram values contain NaN")
                    lowered.append(upper[values < self.thresholds[upper - 1]])
                else:
                    # Many values on a threshold (the exact zeros of relu):
                    # one comparison for the whole block is cheaper.
                    if np.isnan(block).any():
                        raise ValueError("histogram values contain NaN")
                    np.take(self.below, coarse, out=phi)
                    np.less(block, phi, out=fine, casting="unsafe")
                    np.logical_and(mask, fine, out=mask)
                    lowered.append(coarse[mask])
        pairs = pairs.reshape(size, size)
        counts = single + pairs.sum(axis=0) + pairs.sum(axis=1)
        if lowered:
            lower = np.concatenate(lowered)
            counts -= np.bincount(lower, minlength=size)
            counts += np.bincount(lower - 1, minlength=size)
        return counts


@dataclass
class Histogram:
    """Counts in fixed, equal-width bins over [low, high], binned exactly as
    ``numpy.histogram(values, bins, (low, high))`` does (last bin closed), plus
    the values below (``underflow``) and above (``overflow``) the range.

    The values are compared with the float64 edges, whatever their dtype;
    float32 values are binned in float32 (see ``_BinPlan``), without a float64
    copy. NaN raises ValueError.
    """

    low: float
    high: float
    bins: int

    def __post_init__(self):
        if not self.high > self.low or self.bins < 1:
            raise ValueError(
                f"histogram needs low < high and bins >= 1, got "
                f"low={self.low}, high={self.high}, bins={self.bins}"
            )
        self.counts = np.zeros(self.bins, dtype=np.int64)
        self.underflow = 0
        self.overflow = 0
        self._plans = {}

    @property
    def edges(self):
        return np.linspace(self.low, self.high, self.bins + 1)

    def _plan(self, dtype):
        plan = self._plans.get(dtype)
        if plan is None:
            plan = self._plans[dtype] = _BinPlan(self.low, self.high, self.bins, dtype)
        return plan

    def _add_counts(self, counts):
        self.underflow += int(counts[0])
        self.counts += counts[1:-1]
        self.overflow += int(counts[-1])

    def add(self, values):
        v = np.asarray(values)
        if v.dtype != np.float32 and v.dtype != np.float64:
            v = v.astype(np.float64)
        v = v.ravel()
        self._add_counts(self._plan(v.dtype).count(v))

    def add_outer(self, a, b):
        """Add the per-example products a[e, l] * b[e, k] for all e, l, k, as
        ``add(a[:, :, None] * b[:, None, :])`` would, block by block instead
        of forming the examples x p x q tensor. ``a`` is (examples, p) and
        ``b`` (examples, q), or one example each as 1-d arrays."""
        a, b = np.asarray(a), np.asarray(b)
        if a.ndim == 1 and b.ndim == 1:
            a, b = a[None], b[None]
        if a.ndim != 2 or b.ndim != 2 or len(a) != len(b):
            raise ValueError(
                f"add_outer needs (e, p) and (e, q) arrays, got {a.shape}, {b.shape}"
            )
        dtype = np.result_type(a, b)
        if dtype != np.float32 and dtype != np.float64:
            return self.add(a[:, :, None] * b[:, None, :])
        examples, p = a.shape
        q = b.shape[1]
        if examples * p * q == 0:
            return
        rows = max(1, _BLOCK // q)
        key = "outer_" + dtype.char
        buffer = getattr(_scratch, key, None)
        if buffer is None or buffer.size < rows * q:
            buffer = np.empty(max(_BLOCK, rows * q), dtype)
            setattr(_scratch, key, buffer)
        plan = self._plan(dtype)
        total = np.zeros(self.bins + 2, dtype=np.int64)
        for e in range(examples):
            for start in range(0, p, rows):
                part = a[e, start : start + rows]
                products = buffer[: part.size * q].reshape(part.size, q)
                np.multiply(part[:, None], b[e, None, :], out=products)
                total += plan.count(products.ravel())
        self._add_counts(total)
