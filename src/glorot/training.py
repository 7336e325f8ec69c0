"""Training by stochastic gradient descent, as in the paper (Sections 2.3, 3, 4.3).

The network of ``glorot.network`` with biases: s^i = z^i W^i + b^i,
z^{i+1} = f(s^i), softmax on s^d, cost -log P(y | x). Plain SGD on minibatches
of ``batch_size`` examples, the cost averaged over the minibatch; weights from
``initializers.sample_network``, biases start at 0 and are trained.

Data, as in the paper: a fresh Shapeset-3x2 stream for training, generated on
the fly in blocks of ``block_size`` examples, block b from the stream
(seed, "shapeset", "train", run seed, b); fixed validation and test sets. Minibatch
u holds examples u * batch_size .. (u + 1) * batch_size - 1 of the stream, so a
resumed run regenerates exactly the examples it would have seen.

Every ``eval_every`` updates (and at 0 and at the end) the run records, on the
first ``test_examples`` examples of the test set, per hidden layer the mean,
standard deviation and 98th percentile of the activations z^i and their
histogram, per weight matrix W^i the standard deviation of the per-example
weight gradients z^i_l dC/ds^i_k (eq. 3), and the classification error on the
whole validation and test sets, plus the mean minibatch cost since the
previous record. Rows are tidy: one (update, quantity, layer, value) each.

Every ``checkpoint_every`` updates the whole state (weights, biases, update
count, stream position, the rows so far) is written to a checkpoint with
``np.savez`` into a temporary file and ``os.replace`` (atomic), so a killed run
restarted with the same checkpoint path resumes from there and ends with the
same bytes as an uninterrupted run. A minibatch cost that is NaN, infinite or
above ``MAX_COST`` stops the run with a row of status ``diverged``.
"""

import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.linalg.blas import get_blas_funcs

from . import activations, initializers, network, seeding, shapeset
from .moments import Histogram, array_moments, weight_gradient_moments
from .workflow_io import write_table

# Shapeset-3x2: 32 x 32 inputs, 9 classes.
N_INPUTS = shapeset.N_PIXELS
N_CLASSES = len(shapeset.CLASS_NAMES)

# Quantities of the curves table, in the order they are recorded.
QUANTITIES = (
    "activation_mean",
    "activation_std",
    "activation_p98",
    "weight_gradient_std",
    "train_cost",
    "validation_error",
    "validation_cost",
    "test_error",
)
STATUSES = ("ok", "diverged")
CURVE_COLUMNS = ["activation", "init", "learning_rate", "seed", "update", "status",
                 "quantity", "layer", "value"]
HISTOGRAM_COLUMNS = ["activation", "init", "learning_rate", "seed", "update", "layer",
                     "bin_low", "bin_high", "count"]

# Rows of the validation and test sets pushed through the network at a time.
EVAL_CHUNK = 1000
# Version of the checkpoint layout; a checkpoint of another version is ignored.
CHECKPOINT_VERSION = 1
# A minibatch cost above this counts as divergence, like NaN and inf: the
# cost starts near ln 9 = 2.2, and a network that gives the right class a
# probability of e^-1000 on average has left any useful regime. With a
# bounded activation (tanh) and a huge learning rate the cost grows like the
# learning rate but may stay finite for a long time.
MAX_COST = 1e3


def learning_rate_label(learning_rate):
    """The learning rate as written in file names and tables: the shortest
    decimal that reads back as the same float (``repr``), e.g. "0.01", "1e-05"."""
    return repr(float(learning_rate))


@dataclass(frozen=True)
class Run:
    """Everything that determines one training run's numbers."""

    activation: str
    init: str
    learning_rate: float
    seed: int  # the config's root seed
    run_seed: int  # the run's own key under it (config ``training.seeds``)
    widths: tuple  # n_0 = 1024 .. n_{d+1} = 9
    updates: int
    batch_size: int = 10
    eval_every: int = 1000
    checkpoint_every: int = 10000
    test_examples: int = 300
    block_size: int = 10000
    pixels: str = "unit"
    dtype: str = "float32"
    histogram_bins: int = 100
    histogram_range: tuple = field(default=(-1.0, 1.0))

    def __post_init__(self):
        activations.get(self.activation)
        initializers.weight_variance(self.init, 1, 1)
        for name in ("updates", "batch_size", "eval_every", "checkpoint_every",
                     "test_examples", "block_size", "histogram_bins"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.widths[0] != N_INPUTS or self.widths[-1] != N_CLASSES:
            raise ValueError(
                f"widths {list(self.widths)}: Shapeset-3x2 needs {N_INPUTS} inputs "
                f"and {N_CLASSES} classes"
            )

    @property
    def depth(self):
        """d, the number of hidden layers."""
        return len(self.widths) - 2

    def identity(self):
        return {
            "activation": self.activation,
            "init": self.init,
            "learning_rate": learning_rate_label(self.learning_rate),
            "seed": self.run_seed,
        }

    def fingerprint(self):
        return json.dumps(asdict(self), sort_keys=True)


def check_config(training):
    """Rules between keys of the ``training`` config that the schema cannot
    express; raises ValueError naming the key and the value."""
    if training["test_examples"] > training["test_size"]:
        raise ValueError(
            f"config key training.test_examples = {training['test_examples']}: more than "
            f"the test set (training.test_size = {training['test_size']})"
        )
    low, high = training["histograms"]["range"]
    if not low < high:
        raise ValueError(
            f"config key training.histograms.range = {[low, high]}: the range needs low < high"
        )
    models = [(m["activation"], m["init"]) for m in training["models"]]
    for model in models:
        if models.count(model) > 1:
            raise ValueError(f"config key training.models: {model} appears more than once")


def run_from_config(training, seed, activation, init, learning_rate, run_seed):
    """The Run of (activation, init, learning_rate, run_seed) under the
    ``training`` section of the config (defaults filled in) and root ``seed``."""
    hist = training["histograms"]
    return Run(
        activation=activation,
        init=init,
        learning_rate=float(learning_rate),
        seed=int(seed),
        run_seed=int(run_seed),
        widths=tuple([N_INPUTS, *training["hidden_widths"], N_CLASSES]),
        updates=int(training["updates"]),
        batch_size=int(training["batch_size"]),
        eval_every=int(training["eval_every"]),
        checkpoint_every=int(training["checkpoint_every"]),
        test_examples=int(training["test_examples"]),
        block_size=int(training["block_size"]),
        pixels=training["pixels"],
        dtype=training["dtype"],
        histogram_bins=int(hist["bins"]),
        histogram_range=tuple(float(v) for v in hist["range"]),
    )


# --- The network with biases -------------------------------------------------


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


def _add_outer(w, alpha, z_i, g):
    """W += alpha z_i^T g in place, one BLAS gemm with beta = 1 (no temporary
    n_i x n_{i+1} gradient matrix), written on W^T, which is Fortran-ordered."""
    w_t = w.T
    if not (w_t.flags.f_contiguous and w.dtype in (np.float32, np.float64)):
        w += alpha * (z_i.T @ g)
        return
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


# --- Data ---------------------------------------------------------------------


class TrainingStream:
    """The fresh Shapeset-3x2 training stream of a run: example e is example
    e % block_size of block e // block_size, and block b is drawn from the
    stream (seed, "shapeset", "train", run_seed, b), so any block can be
    regenerated on its own (a resumed run sees the same examples)."""

    def __init__(self, seed, run_seed, block_size, pixels="unit", dtype=np.float32):
        self.seed, self.run_seed = seed, run_seed
        self.block_size = block_size
        self.neg = pixels == "neg"
        self.dtype = np.dtype(dtype)
        self._cache = {}

    def block(self, b):
        if b not in self._cache:
            rng = np.random.default_rng(
                seeding.seed_sequence(self.seed, "shapeset", "train", self.run_seed, b)
            )
            # Keep the newest two blocks: a minibatch straddles at most two.
            for old in sorted(self._cache)[:-1]:
                del self._cache[old]
            self._cache[b] = shapeset.generate(rng, self.block_size, self.neg, self.dtype)
        return self._cache[b]

    def examples(self, start, count):
        """Examples start .. start + count - 1 of the stream: (x, y)."""
        parts_x, parts_y = [], []
        e = start
        while e < start + count:
            b, offset = divmod(e, self.block_size)
            take = min(self.block_size - offset, start + count - e)
            x, y = self.block(b)
            parts_x.append(x[offset : offset + take])
            parts_y.append(y[offset : offset + take])
            e += take
        if len(parts_x) == 1:
            return parts_x[0], parts_y[0]
        return np.concatenate(parts_x), np.concatenate(parts_y)


# --- Evaluation -----------------------------------------------------------------


def error_and_cost(x, y, weights, biases, activation):
    """Classification error (fraction of (x, y) whose most probable class is
    not y) and mean cost -log P(y | x) over (x, y)."""
    f, _ = activations.get(activation)
    wrong, cost = 0, 0.0
    for start in range(0, len(x), EVAL_CHUNK):
        s, _ = network.forward(x[start : start + EVAL_CHUNK], weights, f, biases)
        y_chunk = y[start : start + EVAL_CHUNK]
        wrong += int(np.count_nonzero(s[-1].argmax(axis=1) != y_chunk))
        cost += float(network.nll_cost(s[-1], y_chunk).sum(dtype=np.float64))
    return wrong / len(x), cost / len(x)


def layer_statistics(x, y, weights, biases, activation, histogram_range, bins):
    """Per hidden layer i = 1..d: (mean, std, 98th percentile) of the
    activations z^i over units and examples, and the histogram counts
    [below range, bins..., above range]; per W^i, i = 0..d, the standard
    deviation of the per-example weight gradients z^i_l dC/ds^i_k (eq. 3)
    over examples and entries. Returns (stats, counts, finite): stats maps
    (quantity, layer) to a float; finite is False if any value is NaN/inf."""
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f, biases)
    stats, counts = {}, []
    if not all(np.isfinite(a).all() for a in s):
        return stats, counts, False
    dcost_ds = network.backward(s, weights, f_prime, y)
    low, high = histogram_range
    for i in range(1, len(weights)):
        m = array_moments(z[i])
        stats["activation_mean", i] = m.mean
        stats["activation_std", i] = math.sqrt(m.variance)
        stats["activation_p98", i] = float(np.percentile(z[i].astype(np.float64), 98))
        h = Histogram(low, high, bins)
        h.add(z[i])
        counts.append(np.concatenate([[h.underflow], h.counts, [h.overflow]]))
    for i, g in enumerate(dcost_ds):
        stats["weight_gradient_std", i] = math.sqrt(weight_gradient_moments(z[i], g).variance)
    return stats, counts, True


# --- The run --------------------------------------------------------------------


class _Record:
    """The rows recorded so far, as columns of numbers (what a checkpoint holds)."""

    def __init__(self, d, bins):
        self.update, self.status, self.quantity, self.layer, self.value = [], [], [], [], []
        self.hist_update = []
        self.hist_counts = np.zeros((0, d, bins + 2), np.int64)

    def add(self, update, quantity, layer, value, status="ok"):
        self.update.append(int(update))
        self.status.append(STATUSES.index(status))
        self.quantity.append(QUANTITIES.index(quantity))
        self.layer.append(-1 if layer is None else int(layer))
        self.value.append(float(value))

    def add_histograms(self, update, counts):
        self.hist_update.append(int(update))
        self.hist_counts = np.concatenate([self.hist_counts, np.asarray(counts)[None]])

    def arrays(self):
        return {
            "rows_update": np.array(self.update, np.int64),
            "rows_status": np.array(self.status, np.int64),
            "rows_quantity": np.array(self.quantity, np.int64),
            "rows_layer": np.array(self.layer, np.int64),
            "rows_value": np.array(self.value, np.float64),
            "hist_update": np.array(self.hist_update, np.int64),
            "hist_counts": self.hist_counts,
        }

    @classmethod
    def from_arrays(cls, arrays, d, bins):
        record = cls(d, bins)
        record.update = arrays["rows_update"].tolist()
        record.status = arrays["rows_status"].tolist()
        record.quantity = arrays["rows_quantity"].tolist()
        record.layer = arrays["rows_layer"].tolist()
        record.value = arrays["rows_value"].tolist()
        record.hist_update = arrays["hist_update"].tolist()
        record.hist_counts = np.array(arrays["hist_counts"], np.int64)
        return record


@dataclass
class Result:
    """The outcome of a run: ``status`` ("completed" or "diverged"), the
    ``curves`` and ``histograms`` tables, and the updates done."""

    status: str
    updates: int
    curves: pd.DataFrame
    histograms: pd.DataFrame

    def write(self, curves_path, histograms_path):
        write_table(self.curves, curves_path)
        write_table(self.histograms, histograms_path)


def save_checkpoint(path, run, update, weights, biases, record, cost_sum, cost_count):
    """Write the state atomically: np.savez into ``path``.tmp, fsync, os.replace."""
    arrays = {f"weights_{i}": w for i, w in enumerate(weights)}
    arrays.update({f"biases_{i}": b for i, b in enumerate(biases)})
    arrays.update(record.arrays())
    examples = update * run.batch_size
    arrays.update(
        version=np.int64(CHECKPOINT_VERSION),
        fingerprint=np.array(run.fingerprint()),
        update=np.int64(update),
        examples_seen=np.int64(examples),
        block=np.int64(examples // run.block_size),
        block_offset=np.int64(examples % run.block_size),
        cost_sum=np.float64(cost_sum),
        cost_count=np.int64(cost_count),
    )
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def load_checkpoint(path, run):
    """The state saved at ``path`` for ``run``, or None if there is no
    checkpoint or it belongs to another run (other config) or version."""
    if path is None or not os.path.exists(path):
        return None
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    if int(arrays["version"]) != CHECKPOINT_VERSION or str(arrays["fingerprint"]) != run.fingerprint():
        return None
    update = int(arrays["update"])
    examples = update * run.batch_size
    if int(arrays["examples_seen"]) != examples or int(arrays["block"]) != examples // run.block_size:
        raise ValueError(f"checkpoint {path}: inconsistent stream position")
    d = run.depth
    weights = [arrays[f"weights_{i}"] for i in range(d + 1)]
    biases = [arrays[f"biases_{i}"] for i in range(d + 1)]
    record = _Record.from_arrays(arrays, d, run.histogram_bins)
    return update, weights, biases, record, float(arrays["cost_sum"]), int(arrays["cost_count"])


def _format_seconds(seconds):
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def train(run, validation, test, checkpoint=None, stop_after=None, log=None):
    """Train ``run`` and return its Result.

    ``validation`` and ``test`` are (x, y) arrays; the statistics use the first
    ``run.test_examples`` of ``test``. With ``checkpoint`` (a path), the state
    is saved there every ``run.checkpoint_every`` updates and, if a checkpoint
    of the same run exists, training resumes from it; the checkpoint is
    removed when the run ends. ``stop_after`` stops after that many updates
    without finishing (returns None), leaving the checkpoint as a killed run
    would: for tests.
    """
    log = log or logging.getLogger("glorot.training")
    dtype = np.dtype(run.dtype)
    x_val, y_val = np.asarray(validation[0], dtype), np.asarray(validation[1])
    x_test, y_test = np.asarray(test[0], dtype), np.asarray(test[1])
    if len(x_test) < run.test_examples:
        raise ValueError(
            f"test set has {len(x_test)} examples, fewer than test_examples = {run.test_examples}"
        )
    x_stats, y_stats = x_test[: run.test_examples], y_test[: run.test_examples]
    d = run.depth
    stream = TrainingStream(run.seed, run.run_seed, run.block_size, run.pixels, dtype)

    state = load_checkpoint(checkpoint, run)
    if state is None:
        if checkpoint is not None and os.path.exists(checkpoint):
            log.warning("checkpoint %s is of another run or version; starting afresh", checkpoint)
        update, (weights, biases) = 0, initial_parameters(run)
        record = _Record(d, run.histogram_bins)
        cost_sum, cost_count = 0.0, 0
    else:
        update, weights, biases, record, cost_sum, cost_count = state
        log.info("resuming from checkpoint %s at update %d", checkpoint, update)

    def evaluate(u):
        """Record the statistics at update u; False if the network diverged."""
        stats, counts, finite = layer_statistics(
            x_stats, y_stats, weights, biases, run.activation, run.histogram_range,
            run.histogram_bins,
        )
        if not finite:
            return False
        for (quantity, layer), value in stats.items():
            record.add(u, quantity, layer, value)
        if cost_count:
            record.add(u, "train_cost", None, cost_sum / cost_count)
        validation_error, validation_cost = error_and_cost(
            x_val, y_val, weights, biases, run.activation
        )
        test_error, _ = error_and_cost(x_test, y_test, weights, biases, run.activation)
        record.add(u, "validation_error", None, validation_error)
        record.add(u, "validation_cost", None, validation_cost)
        record.add(u, "test_error", None, test_error)
        record.add_histograms(u, counts)
        return validation_error, test_error

    status = "completed"
    if update == 0 and not record.update and not evaluate(0):
        record.add(0, "train_cost", None, math.nan, status="diverged")
        log.error("DIVERGED before training: non-finite activations on the test examples")
        status = "diverged"
    started, start_update = time.perf_counter(), update
    while status == "completed" and update < run.updates:
        if stop_after is not None and update >= stop_after:
            return None
        x, y = stream.examples(update * run.batch_size, run.batch_size)
        with np.errstate(all="ignore"):
            cost = sgd_step(x, y, weights, biases, run.activation, run.learning_rate)
        update += 1
        if not cost <= MAX_COST:  # NaN, inf or too large
            record.add(update, "train_cost", None, cost, status="diverged")
            log.error(
                "DIVERGED at update %d: minibatch cost %s (NaN, infinite or above %g) with "
                "learning rate %s; stopping. The table ends with a row of status 'diverged'.",
                update, cost, MAX_COST, learning_rate_label(run.learning_rate),
            )
            status = "diverged"
            break
        cost_sum += cost
        cost_count += 1
        if update % run.eval_every == 0 or update == run.updates:
            with np.errstate(all="ignore"):
                errors = evaluate(update)
            if not errors:
                record.add(update, "train_cost", None, math.nan, status="diverged")
                log.error(
                    "DIVERGED at update %d: non-finite activations on the test examples "
                    "with learning rate %s; stopping.",
                    update, learning_rate_label(run.learning_rate),
                )
                status = "diverged"
                break
            cost_sum, cost_count = 0.0, 0
            elapsed = time.perf_counter() - started
            rate = (update - start_update) / elapsed if elapsed > 0 else math.nan
            left = (run.updates - update) / rate if rate > 0 else math.nan
            log.info(
                "update %d/%d (%.0f%%): %.0f updates/s, about %s left; "
                "validation error %.4f, test error %.4f",
                update, run.updates, 100 * update / run.updates, rate,
                _format_seconds(left), *errors,
            )
        if checkpoint is not None and update % run.checkpoint_every == 0 and update < run.updates:
            save_checkpoint(checkpoint, run, update, weights, biases, record, cost_sum, cost_count)
            log.info("checkpoint at update %d: %s", update, checkpoint)

    result = Result(status, update, *_tables(run, record))
    if checkpoint is not None and os.path.exists(checkpoint):
        os.remove(checkpoint)
    return result


def _tables(run, record):
    identity = run.identity()
    curves = pd.DataFrame(
        {
            "update": np.array(record.update, np.int64),
            "status": [STATUSES[k] for k in record.status],
            "quantity": [QUANTITIES[k] for k in record.quantity],
            "layer": pd.array([None if k < 0 else k for k in record.layer], dtype="Int64"),
            "value": np.array(record.value, np.float64),
        }
    )
    curves = curves.assign(**identity)[CURVE_COLUMNS]
    low, high = run.histogram_range
    edges = np.linspace(low, high, run.histogram_bins + 1)
    bin_low = np.concatenate([[-np.inf], edges[:-1], [high]])
    bin_high = np.concatenate([[low], edges[1:], [np.inf]])
    n_u = len(record.hist_update)
    layers = np.arange(1, run.depth + 1)
    nb = run.histogram_bins + 2
    histograms = pd.DataFrame(
        {
            "update": np.repeat(np.array(record.hist_update, np.int64), run.depth * nb),
            "layer": np.tile(np.repeat(layers, nb), n_u),
            "bin_low": np.tile(bin_low, n_u * run.depth),
            "bin_high": np.tile(bin_high, n_u * run.depth),
            "count": record.hist_counts.reshape(-1),
        }
    )
    histograms = histograms.assign(**identity)[HISTOGRAM_COLUMNS]
    return curves, histograms


# --- Learning-rate selection and Table 1 ------------------------------------------


def final_values(curves):
    """Per run (activation, init, learning_rate, seed): its status, the last
    update, and the validation error and cost and the test error at the last
    record (NaN for a diverged run)."""
    keys = ["activation", "init", "learning_rate", "seed"]
    rows = []
    for key, run in curves.groupby(keys, sort=True):
        diverged = (run["status"] == "diverged").any()
        last = run["update"].max()
        at_last = run[run["update"] == last]

        def value(quantity):
            v = at_last.loc[at_last["quantity"] == quantity, "value"]
            return float(v.iloc[-1]) if len(v) and not diverged else math.nan

        rows.append(dict(zip(keys, key), status="diverged" if diverged else "completed",
                         updates=int(last), validation_error=value("validation_error"),
                         validation_cost=value("validation_cost"),
                         test_error=value("test_error")))
    return pd.DataFrame(rows)


def select_learning_rates(finals):
    """The paper's choice: per model (activation, init), the learning rate of
    the grid with the lowest final validation error (mean over seeds; a grid
    point with a diverged seed is never chosen). Ties, as when every rate is
    stuck predicting the commonest class, go to the lower validation cost,
    then to the smaller rate.

    ``finals`` is ``final_values``' table. Returns one row per (activation,
    init, learning_rate) with the means over seeds, the number of seeds and of
    diverged seeds, and ``selected`` (True on one row per model)."""
    grid = (
        finals.assign(diverged=finals["status"] == "diverged")
        .groupby(["activation", "init", "learning_rate"], sort=True)
        .agg(seeds=("seed", "nunique"), diverged=("diverged", "sum"),
             updates=("updates", "max"), validation_error=("validation_error", "mean"),
             validation_cost=("validation_cost", "mean"), test_error=("test_error", "mean"))
        .reset_index()
    )
    grid["diverged"] = grid["diverged"].astype(int)
    grid["selected"] = False
    for _, model in grid.groupby(["activation", "init"], sort=False):
        usable = model[(model["diverged"] == 0) & model["validation_error"].notna()]
        if len(usable):
            best = usable.sort_values(["validation_error", "validation_cost", "learning_rate"],
                                      kind="stable").index[0]
            grid.loc[best, "selected"] = True
    grid["learning_rate"] = grid["learning_rate"].map(learning_rate_label)
    return grid


# Table 1 of the paper, Shapeset-3x2 column: test error (%) of the 5-layer nets.
PAPER_TABLE1_SHAPESET = {
    ("softsign", "standard"): ("Softsign", 16.27),
    ("softsign", "normalized"): ("Softsign N", 16.06),
    ("tanh", "standard"): ("Tanh", 27.15),
    ("tanh", "normalized"): ("Tanh N", 15.60),
    ("sigmoid", "standard"): ("Sigmoid", 82.61),
}


def model_label(activation, init):
    """The paper's name of a model: "Tanh", "Tanh N" (normalized init)..."""
    if (activation, init) in PAPER_TABLE1_SHAPESET:
        return PAPER_TABLE1_SHAPESET[activation, init][0]
    suffix = {"standard": "", "normalized": " N", "he": " He"}.get(init, f" {init}")
    return activation.capitalize() + suffix


def table1(selection, finals, test_size):
    """Table 1, Shapeset column: per model, the test error (%) at the end of
    training with the selected learning rate (mean over seeds), its spread
    over seeds, the binomial standard error of one run's error on
    ``test_size`` examples, the updates used and the paper's value."""
    rows = []
    for _, sel in selection[selection["selected"]].iterrows():
        runs = finals[(finals["activation"] == sel["activation"]) & (finals["init"] == sel["init"])
                      & (finals["learning_rate"].astype(float) == float(sel["learning_rate"]))]
        errors = runs["test_error"].to_numpy(np.float64)
        p = float(errors.mean())
        paper = PAPER_TABLE1_SHAPESET.get((sel["activation"], sel["init"]), (None, math.nan))[1]
        rows.append({
            "model": model_label(sel["activation"], sel["init"]),
            "activation": sel["activation"],
            "init": sel["init"],
            "learning_rate": learning_rate_label(sel["learning_rate"]),
            "updates": int(runs["updates"].max()),
            "seeds": len(errors),
            "test_error_percent": 100 * p,
            "seed_std_percent": 100 * float(errors.std(ddof=1)) if len(errors) > 1 else math.nan,
            "binomial_se_percent": 100 * math.sqrt(p * (1 - p) / test_size),
            "paper_test_error_percent": paper,
        })
    order = [label for label, _ in PAPER_TABLE1_SHAPESET.values()]
    table = pd.DataFrame(rows)
    if len(table):
        rank = {label: k for k, label in enumerate(order)}
        table = table.sort_values("model", key=lambda c: c.map(lambda m: rank.get(m, len(rank))),
                                  kind="stable").reset_index(drop=True)
    return table


# --- Resources -----------------------------------------------------------------------

# Single-thread rates for the runtime request (SLURM kills a job past it),
# about half of what benchmarks/ measured on a shared 2-core virtual machine:
# the SGD step of the 5 x 1000 network at 157 updates/s is 47 GFLOP/s (it is
# bound by memory traffic, not arithmetic), Shapeset generation 28,000-57,000
# images/s. A run that still overruns resumes from its checkpoint when the
# job is resubmitted (README.md, "Training").
ASSUMED_FLOPS_PER_SECOND = 2e10
ASSUMED_IMAGES_PER_SECOND = 10000
ASSUMED_SECONDS_PER_UPDATE_OVERHEAD = 2e-4  # Python per update, whatever the size
PYTHON_BASELINE_MB = 400


def _macs_per_example(widths):
    return sum(n * m for n, m in zip(widths[:-1], widths[1:]))


def train_mem_mb(training):
    """Peak memory (MB) of one training run under the ``training`` config."""
    widths = [N_INPUTS, *training["hidden_widths"], N_CLASSES]
    b = 8 if training["dtype"] == "float64" else 4
    params = _macs_per_example(widths) + sum(widths[1:])
    # Weights, a loaded checkpoint's copy and the arrays of np.savez.
    parameters = 3 * params * b
    # Two cached training blocks plus the generator's temporaries (one block).
    blocks = 3 * training["block_size"] * (N_INPUTS * b + 8)
    # Validation and test sets, held whole, and the eval passes of one chunk.
    sets = (training["validation_size"] + training["test_size"]) * (N_INPUTS * b + 8)
    passes = 4 * max(EVAL_CHUNK, training["test_examples"]) * sum(widths) * 8
    evaluations = training["updates"] // training["eval_every"] + 2
    rows = evaluations * (4 * len(widths) + 4) * 40 * 3
    hist = evaluations * len(widths) * (training["histograms"]["bins"] + 2) * 8 * 3
    total = parameters + blocks + sets + passes + rows + hist
    return PYTHON_BASELINE_MB + math.ceil(total / 1e6)


def train_runtime_min(training):
    """Wall-clock minutes of one training run under the ``training`` config:
    the SGD updates (forward, backward, update: 6 flops per weight and
    example), the generated training stream and the evaluations."""
    widths = [N_INPUTS, *training["hidden_widths"], N_CLASSES]
    macs = _macs_per_example(widths)
    updates = training["updates"]
    batch = training["batch_size"]
    step_seconds = updates * (6 * macs * batch / ASSUMED_FLOPS_PER_SECOND
                              + ASSUMED_SECONDS_PER_UPDATE_OVERHEAD)
    data_seconds = updates * batch / ASSUMED_IMAGES_PER_SECOND
    evaluations = updates // training["eval_every"] + 2
    eval_examples = training["validation_size"] + training["test_size"]
    eval_seconds = evaluations * (2 * macs * eval_examples + 6 * macs * training["test_examples"]) \
        / ASSUMED_FLOPS_PER_SECOND
    return 5 + math.ceil((step_seconds + data_seconds + eval_seconds) / 60)
