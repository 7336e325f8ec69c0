"""The SGD kernel: the network of ``glorot.network`` with biases, its initial
parameters, the minibatch gradients and one in-place SGD update.

s^i = z^i W^i + b^i, z^{i+1} = f(s^i), softmax on s^d, cost -log P(y | x)
averaged over the minibatch (Sections 2.3, 3 of the paper)."""

import numpy as np
from scipy.linalg.blas import get_blas_funcs

from .. import activations, initializers, network, seeding


def initial_parameters(run):
    """Weights W^0..W^d from ``init`` and zero biases b^0..b^d.

    The weights come from the stream (seed, "train", "weights", init, run seed):
    it names neither the activation nor the learning rate, so every activation
    and learning rate of an init starts from the same weights (paired
    comparisons, as in the measure stage)."""
    rng = np.random.default_rng(
        seeding.seed_sequence(run.seed, "train", "weights", run.init, run.run_seed)
    )
    dtype = np.dtype(run.dtype)
    weights = initializers.sample_network(rng, run.init, list(run.widths), dtype)
    biases = [np.zeros(n, dtype) for n in run.widths[1:]]
    return weights, biases


def gradients(x, y, weights, biases, activation):
    """Mean minibatch cost (1/B) sum_b -log P(y_b | x_b) and its gradients
    with respect to every W^i and b^i.

    The back-propagated gradients dC/ds^i are ``network.backward``'s (eq. 2),
    which do not involve the biases; dC/dW^i is eq. (3) averaged over the
    minibatch and dC/db^i the mean of dC/ds^i.
    """
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f, biases)
    cost = network.nll_cost(s[-1], y).mean(dtype=np.float64)
    dcost_ds = network.backward(s, weights, f_prime, y)
    n = len(x)
    dw = [z_i.T @ g / n for z_i, g in zip(z, dcost_ds)]
    db = [g.sum(axis=0) / n for g in dcost_ds]
    return float(cost), dw, db


def _add_outer(w, alpha, z_i, g, gemm=None):
    """W += alpha z_i^T g in place, one BLAS gemm with beta = 1 (no temporary
    n_i x n_{i+1} gradient matrix), written on W^T, which is Fortran-ordered.
    ``gemm``: the BLAS function of W's dtype, if the caller has it already."""
    w_t = w.T
    if not (w_t.flags.f_contiguous and w.dtype in (np.float32, np.float64)):
        w += alpha * (z_i.T @ g)
        return
    if gemm is None:
        gemm = get_blas_funcs("gemm", dtype=w.dtype)
    a = np.asarray(g, dtype=w.dtype).T  # (n_{i+1}, B), Fortran-ordered
    b = np.asarray(z_i, dtype=w.dtype).T  # (n_i, B), Fortran-ordered
    out = gemm(alpha, a, b, beta=1.0, c=w_t, trans_b=1, overwrite_c=1)
    if not np.shares_memory(out, w):  # pragma: no cover - BLAS wrapper copied
        w_t[...] = out


def sgd_step(x, y, weights, biases, activation, learning_rate):
    """One SGD update on the minibatch (x, y), in place:

        W^i -= learning_rate * dC/dW^i,  b^i -= learning_rate * dC/db^i

    with C the mean cost over the minibatch (``gradients``). Returns the
    minibatch's mean cost before the update.

    The back-propagated gradients are those of ``network.backward`` (eq. 2,
    from ``network.dcost_dlogits`` down), computed in the same order, but
    each W^i is updated as soon as dC/ds^{i-1} has been computed from it,
    while W^i is still in the cache: for the paper's 5 x 1000 network this
    is about 13% faster than computing every gradient first (the weights do
    not fit in the cache, so the step is bound by memory traffic). The tests
    check the step against ``gradients``, which calls ``network.backward``.
    """
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f, biases)
    cost = network.nll_cost(s[-1], y).mean(dtype=np.float64)
    alpha = -learning_rate / len(x)
    g = network.dcost_dlogits(s[-1], y)
    for i in range(len(weights) - 1, -1, -1):
        # dC/ds^{i-1} from the weights before their update, eq. (2).
        below = f_prime(s[i - 1]) * (g @ weights[i].T) if i > 0 else None
        _add_outer(weights[i], alpha, z[i], g)
        biases[i] += alpha * g.sum(axis=0)
        g = below
    return float(cost)


class SGDStep:
    """``sgd_step`` for one activation, minibatch size and network widths,
    with its arrays allocated once: the same operations in the same order on
    the same values, so the same bits (the tests compare the two), for about
    a third less Python per update.

    What it saves: s^i, z^i, f'(s^i) and dC/ds^i are written into buffers
    (``np.matmul(..., out=)``, ufuncs with ``out=``); f'(s) of tanh and
    sigmoid comes from the stored z = f(s) where that is the very arithmetic
    of ``activations`` (``network.F_PRIME_FROM_OUTPUT``); the cost and
    dC/ds^d share the softmax's shifted logits and exponentials, which
    ``network.nll_cost`` and ``network.dcost_dlogits`` each compute alike;
    the BLAS ``gemm`` of the update is looked up once. A minibatch of another
    size or dtype goes to ``sgd_step``.
    """

    def __init__(self, widths, batch_size, activation, dtype=np.float32):
        self.activation = activation
        self.batch_size = batch_size
        self.dtype = np.dtype(dtype)
        self.f, self.f_prime = activations.get(activation)
        self.f_into = network.F_INTO.get(activation)
        self.prime_from_output = network.F_PRIME_FROM_OUTPUT.get(activation)
        rows = lambda n: np.empty((batch_size, n), self.dtype)  # noqa: E731
        self.s = [rows(n) for n in widths[1:]]
        self.z = [rows(n) for n in widths[1:-1]]
        self.f_prime_s = [rows(n) for n in widths[1:-1]]
        self.dcost_ds = [rows(n) for n in widths[1:-1]]
        self.examples = np.arange(batch_size)
        self.gemm = get_blas_funcs("gemm", dtype=self.dtype)

    def __call__(self, x, y, weights, biases, learning_rate):
        """``sgd_step(x, y, weights, biases, activation, learning_rate)``."""
        if len(x) != self.batch_size or x.dtype != self.dtype:
            return sgd_step(x, y, weights, biases, self.activation, learning_rate)
        d = len(weights) - 1
        # network.forward with biases.
        z = [x]
        for i, w in enumerate(weights):
            s_i = np.matmul(z[i], w, out=self.s[i])
            s_i += biases[i]
            if i < d:
                if self.f_into is not None:
                    z.append(self.f_into(s_i, self.z[i]))
                else:
                    z.append(self.f(s_i))
        # network.nll_cost(...).mean() and network.dcost_dlogits, one softmax.
        logits = self.s[d]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        log_p = shifted - np.log(total)
        cost = (-log_p[self.examples, y]).mean(dtype=np.float64)
        g = e / total
        g[self.examples, y] -= 1
        # sgd_step's backward pass and update, layer by layer.
        alpha = -learning_rate / len(x)
        for i in range(d, -1, -1):
            below = None
            if i > 0:
                below = np.matmul(g, weights[i].T, out=self.dcost_ds[i - 1])
                if self.prime_from_output is not None:
                    f_prime_s = self.prime_from_output(z[i], self.f_prime_s[i - 1])
                else:
                    f_prime_s = self.f_prime(self.s[i - 1])
                np.multiply(f_prime_s, below, out=below)
            _add_outer(weights[i], alpha, z[i], g, self.gemm)
            biases[i] += alpha * g.sum(axis=0)
            g = below
        return float(cost)
