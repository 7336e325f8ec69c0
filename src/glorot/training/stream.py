"""The fresh Shapeset-3x2 training stream of a run, generated on the fly."""

import numpy as np

from .. import seeding, shapeset


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
            self._cache[b] = shapeset.generate(
                rng, self.block_size, self.neg, self.dtype
            )
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
