"""The tiny training run that tests/test_training.py and tests/test_faults.py
both train: 2 hidden layers of 8 units, blocks of 70 examples so that
minibatches of 10 straddle blocks, checkpoints at 70, 140 and 210 of 240
updates, between the evaluations (every 40)."""

import numpy as np

from glorot import shapeset

TINY_RUN = dict(
    activation="tanh",
    init="normalized",
    learning_rate=0.05,
    seed=3,
    run_seed=1,
    widths=(1024, 8, 8, 9),
    updates=240,
    batch_size=10,
    eval_every=40,
    checkpoint_every=70,
    test_examples=30,
    block_size=70,
    pixels="neg",
    histogram_bins=20,
)


def tiny_sets():
    """The (validation, test) splits of the tiny run: 60 and 50 images."""
    rng = np.random.default_rng(11)
    return shapeset.generate(rng, 60, neg=True), shapeset.generate(rng, 50, neg=True)


def run_bytes(result, directory, name):
    """The bytes of a run's curves and histograms tables, written as the
    workflow writes them."""
    curves = directory / f"{name}.csv"
    histograms = directory / f"{name}_histograms.csv"
    result.write(curves, histograms)
    return curves.read_bytes(), histograms.read_bytes()
