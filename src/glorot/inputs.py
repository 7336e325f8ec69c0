"""Input sources x = z^0 with their labels y, delivered in chunks of examples.

A source can be iterated several times and yields the same examples every time,
so every activation function of a job sees the same inputs (paired comparison).
Chunking never changes the examples: x and y come from separate streams that
are drawn sequentially, and numpy draws the same values whether one call asks
for 1000 of them or ten calls for 100.
"""

import numpy as np

from . import seeding
from .cached import shapeset_split


class GaussianInputs:
    """x ~ N(0, 1) iid (Var[x] = 1), labels uniform over ``classes``; each
    network gets its own examples."""

    variance = 1.0
    mean = 0.0

    def __init__(self, seed_sequence, examples, n_in, classes, dtype=np.float32):
        # Spawned once: spawn() advances a counter, so spawning in chunks()
        # would hand every pass new streams.
        self.x_seed, self.y_seed = seed_sequence.spawn(2)
        self.examples = examples
        self.n_in = n_in
        self.classes = classes
        self.dtype = dtype

    def chunks(self, chunk_size):
        x_rng = np.random.default_rng(self.x_seed)
        y_rng = np.random.default_rng(self.y_seed)
        for start in range(0, self.examples, chunk_size):
            size = min(chunk_size, self.examples - start)
            x = x_rng.standard_normal((size, self.n_in), dtype=np.float64)
            y = y_rng.integers(0, self.classes, size=size)
            yield x.astype(self.dtype, copy=False), y


class ArrayInputs:
    """A fixed set of examples (images, labels) held in memory, e.g. a
    Shapeset-3x2 split read from its .npz file."""

    def __init__(self, x, y, dtype=np.float32):
        self.x = np.asarray(x, dtype=dtype)
        self.y = np.asarray(y)
        self.examples = len(self.x)

    # Pooled over pixels and examples, as the per-layer statistics are; only
    # the predict rule needs them, so they are computed when asked for.
    @property
    def mean(self):
        return float(self.x.mean(dtype=np.float64))

    @property
    def variance(self):
        return float(self.x.var(dtype=np.float64))

    @classmethod
    def from_npz(cls, path, dtype=np.float32):
        """The split at ``path``, checked first (``glorot.cached.shapeset_split``)."""
        return cls(*shapeset_split(path), dtype)

    def chunks(self, chunk_size):
        for start in range(0, self.examples, chunk_size):
            yield self.x[start : start + chunk_size], self.y[start : start + chunk_size]


def for_network(experiment, seed, name, network, data_path=None):
    """The input source of network ``network`` of experiment ``name``.

    gaussian: fresh examples from the stream (seed, "inputs", name, network);
    shapeset: the fixed examples of the split at ``data_path``, the same for
    every network.
    """
    dtype = np.dtype(experiment["dtype"])
    widths = experiment["widths"]
    if experiment["input"] == "gaussian":
        return GaussianInputs(
            seeding.inputs_seed_sequence(seed, name, network),
            experiment["examples"],
            widths[0],
            widths[-1],
            dtype,
        )
    if experiment["input"] == "shapeset":
        return ArrayInputs.from_npz(data_path, dtype)
    raise ValueError(f"unknown input source {experiment['input']!r}")
