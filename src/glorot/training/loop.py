"""The training loop: SGD on the run's stream, evaluations every
``eval_every`` updates, checkpoints every ``checkpoint_every`` updates, and
the run's tables.

Every ``eval_every`` updates (and at 0 and at the end) the run records, on the
first ``test_examples`` examples of the test set, per hidden layer the mean,
standard deviation and 98th percentile of the activations z^i and their
histogram, per weight matrix W^i the standard deviation of the per-example
weight gradients z^i_l dC/ds^i_k (eq. 3), and the classification error on the
whole validation and test sets, plus the mean minibatch cost since the
previous record. Rows are tidy: one (update, quantity, layer, value) each.

A minibatch cost that is NaN, infinite or above ``MAX_COST``, or non-finite
activations at an evaluation, stop the run with one row of status
``diverged``.
"""

import logging
import math
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..workflow_io import write_table
from .checkpoint import (
    CURVE_QUANTITIES,
    STATUSES,
    _Record,
    load_checkpoint,
    remove_checkpoint,
    save_checkpoint,
    sets_digest,
)
from glorot.quantities import CURVE_COLUMNS
from glorot.quantities import TRAINING_HISTOGRAM_COLUMNS as HISTOGRAM_COLUMNS

from .evaluation import error_and_cost, layer_statistics
from .run import learning_rate_label
from .sgd import SGDStep, initial_parameters
from .stream import TrainingStream

# A minibatch cost above this counts as divergence, like NaN and inf: the
# cost starts near ln 9 = 2.2, and a network that gives the right class a
# probability of e^-1000 on average has left any useful regime. With a
# bounded activation (tanh) and a huge learning rate the cost grows like the
# learning rate but may stay finite for a long time.
MAX_COST = 1e3


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


@dataclass
class _Evaluation:
    """What one evaluation measured (``layer_statistics``, ``error_and_cost``)."""

    stats: dict
    counts: list
    validation_error: float
    validation_cost: float
    test_error: float


@dataclass
class _Divergence:
    """Where and why a run stopped; ``cost`` is the value of its last row."""

    update: int
    cost: float
    reason: str


def _evaluate(run, weights, biases, validation, test):
    """Evaluate the network, or None if its activations on the statistics
    examples (the first ``run.test_examples`` of ``test``) are not finite."""
    x_test, y_test = test
    n = run.test_examples
    with np.errstate(all="ignore"):
        stats, counts, finite = layer_statistics(
            x_test[:n],
            y_test[:n],
            weights,
            biases,
            run.activation,
            run.histogram_range,
            run.histogram_bins,
        )
        if not finite:
            return None
        validation_error, validation_cost = error_and_cost(
            *validation, weights, biases, run.activation
        )
        test_error, _ = error_and_cost(*test, weights, biases, run.activation)
    return _Evaluation(stats, counts, validation_error, validation_cost, test_error)


def _record_evaluation(record, update, evaluation, train_cost):
    """Add the rows of one evaluation, in the order of the tables; the mean
    minibatch cost since the previous evaluation, if any, after the layers'."""
    for (quantity, layer), value in evaluation.stats.items():
        record.add(update, quantity, layer, value)
    if train_cost is not None:
        record.add(update, "train_cost", None, train_cost)
    record.add(update, "validation_error", None, evaluation.validation_error)
    record.add(update, "validation_cost", None, evaluation.validation_cost)
    record.add(update, "test_error", None, evaluation.test_error)
    record.add_histograms(update, evaluation.counts)


def _start(run, checkpoint, log, sets):
    """The state to train from: the checkpoint's if it holds this run (and
    the evaluation sets of digest ``sets``), else the initial parameters and
    no rows (see ``load_checkpoint``)."""
    state = load_checkpoint(checkpoint, run, log, sets)
    if state is not None:
        return state
    if checkpoint is not None and os.path.exists(checkpoint):
        log.warning(
            "checkpoint %s is of another run or version; starting afresh", checkpoint
        )
    weights, biases = initial_parameters(run)
    return 0, weights, biases, _Record(run.depth, run.histogram_bins), 0.0, 0


def _format_seconds(seconds):
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def _log_progress(log, run, update, done, elapsed, evaluation):
    """Log the update reached, the speed (``done`` updates in ``elapsed``
    seconds since this process started) and the errors."""
    rate = done / elapsed if elapsed > 0 else math.nan
    left = (run.updates - update) / rate if rate > 0 else math.nan
    log.info(
        "update %d/%d (%.0f%%): %.0f updates/s, about %s left; "
        "validation error %.4f, test error %.4f",
        update,
        run.updates,
        100 * update / run.updates,
        rate,
        _format_seconds(left),
        evaluation.validation_error,
        evaluation.test_error,
    )


def train(
    run,
    validation,
    test,
    checkpoint=None,
    stop_after=None,
    log=None,
    stored_stream=None,
):
    """Train ``run`` and return its Result.

    ``validation`` and ``test`` are (x, y) arrays; the statistics use the first
    ``run.test_examples`` of ``test``. With ``checkpoint`` (a path), the state
    is saved there every ``run.checkpoint_every`` updates and, if a checkpoint
    of the same run exists, training resumes from it; the checkpoint is
    removed when the run ends. ``stop_after`` stops after that many updates
    without finishing (returns None), leaving the checkpoint as a killed run
    would: for tests. ``stored_stream``: the run's training stream written
    once by ``stream.write_stream`` (the same examples as generating them).
    """
    log = log or logging.getLogger("glorot.training")
    dtype = np.dtype(run.dtype)
    validation = np.asarray(validation[0], dtype), np.asarray(validation[1])
    test = np.asarray(test[0], dtype), np.asarray(test[1])
    if len(test[0]) < run.test_examples:
        raise ValueError(
            f"test set has {len(test[0])} examples, "
            f"fewer than test_examples = {run.test_examples}"
        )
    stream = TrainingStream(
        run.seed, run.run_seed, run.block_size, run.pixels, dtype, stored_stream
    )
    sgd_step = SGDStep(run.widths, run.batch_size, run.activation, dtype)
    sets = sets_digest(validation, test)
    update, weights, biases, record, cost_sum, cost_count = _start(
        run, checkpoint, log, sets
    )

    divergence = None
    if update == 0 and not record.update:
        evaluation = _evaluate(run, weights, biases, validation, test)
        if evaluation is None:
            divergence = _Divergence(
                0, math.nan, "non-finite activations on the test examples"
            )
        else:
            _record_evaluation(record, 0, evaluation, train_cost=None)
    started, start_update = time.perf_counter(), update
    while divergence is None and update < run.updates:
        if stop_after is not None and update >= stop_after:
            return None
        x, y = stream.examples(update * run.batch_size, run.batch_size)
        with np.errstate(all="ignore"):
            cost = sgd_step(x, y, weights, biases, run.learning_rate)
        update += 1
        if not cost <= MAX_COST:  # NaN, inf or too large
            divergence = _Divergence(
                update,
                cost,
                f"minibatch cost {cost} (NaN, infinite or above {MAX_COST:g})",
            )
            break
        cost_sum += cost
        cost_count += 1
        if update % run.eval_every == 0 or update == run.updates:
            evaluation = _evaluate(run, weights, biases, validation, test)
            if evaluation is None:
                divergence = _Divergence(
                    update, math.nan, "non-finite activations on the test examples"
                )
                break
            _record_evaluation(record, update, evaluation, cost_sum / cost_count)
            cost_sum, cost_count = 0.0, 0
            elapsed = time.perf_counter() - started
            _log_progress(log, run, update, update - start_update, elapsed, evaluation)
        if (
            checkpoint is not None
            and update % run.checkpoint_every == 0
            and update < run.updates
        ):
            save_checkpoint(
                checkpoint,
                run,
                update,
                weights,
                biases,
                record,
                cost_sum,
                cost_count,
                sets,
            )
            log.info("checkpoint at update %d: %s", update, checkpoint)

    if divergence is not None:
        record.add(
            divergence.update, "train_cost", None, divergence.cost, status="diverged"
        )
        log.error(
            "DIVERGED at update %d: %s with learning rate %s; stopping. "
            "The table ends with a row of status 'diverged'.",
            divergence.update,
            divergence.reason,
            learning_rate_label(run.learning_rate),
        )
    status = "completed" if divergence is None else "diverged"
    result = Result(status, update, *_tables(run, record))
    remove_checkpoint(checkpoint)
    return result


def _tables(run, record):
    """The curves and histograms tables of the rows in ``record``."""
    identity = run.identity()
    curves = pd.DataFrame(
        {
            "update": np.array(record.update, np.int64),
            "status": [STATUSES[k] for k in record.status],
            "quantity": [CURVE_QUANTITIES[k] for k in record.quantity],
            "layer": pd.array(
                [None if k < 0 else k for k in record.layer], dtype="Int64"
            ),
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
