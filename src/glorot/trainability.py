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
    returns {train_error, train_cost, test_error, test_cost, final_cost,
    diverged}: the errors and costs on the whole training split (how well
    the run fitted what it saw) and on ``test``."""
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
            missing = ["train_error", "train_cost", "test_error", "test_cost"]
            return dict(dict.fromkeys(missing, np.nan), final_cost=cost, diverged=True)
    with np.errstate(all="ignore"):
        train_error, train_cost = error_and_cost(x, y, weights, biases, activation)
        test_error, test_cost = error_and_cost(*test, weights, biases, activation)
    return dict(
        train_error=train_error,
        train_cost=train_cost,
        test_error=test_error,
        test_cost=test_cost,
        final_cost=cost,
        diverged=False,
    )


def chance_error(y):
    """The error of always answering the most frequent class of ``y``."""
    counts = np.bincount(np.asarray(y))
    return 1 - counts.max() / counts.sum()


def trained(test_error, chance, test_examples, standard_errors=5.0):
    """Whether a run learnt anything: its test error below chance by more than
    ``standard_errors`` binomial standard errors of an error at chance."""
    se = np.sqrt(chance * (1 - chance) / test_examples)
    return np.asarray(test_error) < chance - standard_errors * se


def trainability_table(runs, train_labels, test_labels):
    """The runs (one row each) with the predicted xi_c of their point, depth /
    xi_c, and whether each fitted its training split (``trained`` on the
    training error) and generalised (on the test error), against chance."""
    from . import propagation

    table = runs.sort_values(["depth", "sigma_w2"], key=_numeric).reset_index(drop=True)
    xi = {
        (a, w, b): propagation.fixed_point_summary(float(w), float(b), a)["xi_c"]
        for a, w, b in table[["activation", "sigma_w2", "sigma_b2"]].itertuples(
            index=False
        )
    }
    table["xi_c"] = [
        xi[k]
        for k in table[["activation", "sigma_w2", "sigma_b2"]].itertuples(
            index=False, name=None
        )
    ]
    table["depth_over_xi_c"] = table["depth"] / table["xi_c"]
    for split, labels in (("train", train_labels), ("test", test_labels)):
        chance = chance_error(labels)
        table[f"{split}_chance_error"] = chance
        table[f"{split}_learnt"] = trained(table[f"{split}_error"], chance, len(labels))
    return table


def _numeric(column):
    return column.astype(float) if column.name == "sigma_w2" else column


def claim_counts(table, k=6.0):
    """Schoenholz et al.'s claim, counted: of the runs with depth <= k xi_c and
    of those beyond, how many fitted their training split (train_learnt)."""
    within = table["depth_over_xi_c"] <= k
    learnt = table["train_learnt"].astype(bool)
    return {
        "within": (int((within & learnt).sum()), int(within.sum())),
        "beyond": (int((~within & learnt).sum()), int((~within).sum())),
    }
