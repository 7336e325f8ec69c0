"""Input sources x = z^0 with their labels y, delivered in chunks of examples.

A source can be iterated several times and yields the same examples every time,
so every activation function of a job sees the same inputs (paired comparison).
Chunking never changes the examples: x and y come from separate streams that
are drawn sequentially, and numpy draws the same values whether one call asks
for 1000 of them or ten calls for 100.
"""

import numpy as np


class GaussianInputs:
    """x ~ N(0, 1) iid (Var[x] = 1), labels uniform over ``classes``."""

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
