"""Trainability against depth (Schoenholz et al. 2017, Section 5): short SGD
runs of deep networks initialized at (sigma_w2, sigma_b2) on Shapeset-3x2,
to set against the depth scale xi_c (docs/propagation.md, "Trainability").

The SGD step and the evaluation are the training library's
(``glorot.training.sgd.sgd_step``, ``glorot.training.evaluation``); only the
initialization differs: Gaussian weights of variance sigma_w2 / n_in and
Gaussian biases of variance sigma_b2, the mean-field theory's ensemble.
"""

import numpy as np

from . import seeding
from .training.evaluation import error_and_cost
from .training.sgd import sgd_step

# A run whose minibatch cost is not finite or above this stops (diverged).
DIVERGED_COST = 1000.0


def run_generator(seed, activation, sigma_w2, sigma_b2, depth, width):
    """The stream of one run, keyed on its identity (sigmas as written)."""
    return np.random.default_rng(
        seeding.seed_sequence(
            seed, "trainability", activation, str(sigma_w2), str(sigma_b2), depth, width
        )
    )


def initial_parameters(rng, widths, sigma_w2, sigma_b2, dtype=np.float32):
    """W^i ~ N(0, sigma_w2 / n_i) of shape n_i x n_{i+1} and b^i ~ N(0, sigma_b2)."""
    weights, biases = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        w = rng.standard_normal((n_in, n_out)) * np.sqrt(sigma_w2 / n_in)
        b = rng.standard_normal(n_out) * np.sqrt(sigma_b2)
        weights.append(w.astype(dtype))
        biases.append(b.astype(dtype))
    return weights, biases


def train_short(train, test, widths, activation, sigma_w2, sigma_b2, run):
    """``run["updates"]`` SGD updates of ``run["batch_size"]`` examples drawn
    (with replacement) from ``train`` = (x, y), rate ``run["learning_rate"]``;
    returns {test_error, test_cost, final_cost, diverged} on ``test``."""
    rng = run["rng"]
    weights, biases = initial_parameters(rng, widths, sigma_w2, sigma_b2)
    x, y = train
    cost = np.nan
    for _ in range(run["updates"]):
        batch = rng.integers(0, len(x), run["batch_size"])
        with np.errstate(all="ignore"):
            cost = sgd_step(
                x[batch], y[batch], weights, biases, activation, run["learning_rate"]
            )
        if not (np.isfinite(cost) and cost < DIVERGED_COST):
            return dict(
                test_error=np.nan, test_cost=np.nan, final_cost=cost, diverged=True
            )
    with np.errstate(all="ignore"):
        error, test_cost = error_and_cost(*test, weights, biases, activation)
    return dict(test_error=error, test_cost=test_cost, final_cost=cost, diverged=False)


def chance_error(y):
    """The error of always answering the most frequent class of ``y``."""
    counts = np.bincount(np.asarray(y))
    return 1 - counts.max() / counts.sum()


def trained(test_error, chance, test_examples, standard_errors=5.0):
    """Whether a run learnt anything: its test error below chance by more than
    ``standard_errors`` binomial standard errors of an error at chance."""
    se = np.sqrt(chance * (1 - chance) / test_examples)
    return np.asarray(test_error) < chance - standard_errors * se
