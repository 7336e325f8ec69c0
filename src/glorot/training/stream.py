"""The fresh Shapeset-3x2 training stream of a run: generated on the fly, or
read from a file that ``write_stream`` filled once for every run of a seed."""

import os

import numpy as np

from .. import seeding, shapeset


def _block_rng(seed, run_seed, b):
    return np.random.default_rng(
        seeding.seed_sequence(seed, "shapeset", "train", run_seed, b)
    )


def stream_blocks(updates, batch_size, block_size):
    """Blocks that ``updates`` minibatches of ``batch_size`` read: examples
    0 .. updates * batch_size - 1 of the stream."""
    return -(-updates * batch_size // block_size)


def stream_record_dtype(dtype):
    """One example of a stored stream: its image as ``shapeset.render_indexed``
    gives it (a uint8 index per pixel into three grey levels) and its label."""
    return np.dtype(
        [
            ("index", np.uint8, (shapeset.N_PIXELS,)),
            ("palette", np.dtype(dtype), (3,)),
            ("label", np.uint8),
        ]
    )


def write_stream(
    path, seed, run_seed, blocks, block_size, pixels="unit", dtype=np.float32
):
    """Write blocks 0 .. blocks - 1 of the training stream of (seed, run_seed)
    to the .npy file ``path``, one byte a pixel (1 GB per million examples),
    through a temporary file and ``os.replace``. ``TrainingStream(...,
    stored=path)`` reads it back as the very arrays it would generate."""
    path = os.fspath(path)
    records = np.lib.format.open_memmap(
        path + ".tmp",
        mode="w+",
        dtype=stream_record_dtype(dtype),
        shape=(blocks * block_size,),
    )
    for b in range(blocks):
        index, palette, labels = shapeset.generate_indexed(
            _block_rng(seed, run_seed, b), block_size, pixels == "neg", dtype
        )
        part = records[b * block_size : (b + 1) * block_size]
        part["index"], part["palette"], part["label"] = index, palette, labels
    records.flush()
    del records
    os.replace(path + ".tmp", path)


class TrainingStream:
    """The fresh Shapeset-3x2 training stream of a run: example e is example
    e % block_size of block e // block_size, and block b is drawn from the
    stream (seed, "shapeset", "train", run_seed, b), so any block can be
    regenerated on its own (a resumed run sees the same examples).

    With ``stored`` (the path of a ``write_stream`` file of the same seed,
    run seed, block size, pixels and dtype) the blocks are read from there
    instead, memory-mapped: the same arrays, bit for bit, at a fraction of
    the cost, and every run of the seed shares one copy of the file in the
    page cache."""

    def __init__(
        self, seed, run_seed, block_size, pixels="unit", dtype=np.float32, stored=None
    ):
        self.seed, self.run_seed = seed, run_seed
        self.block_size = block_size
        self.neg = pixels == "neg"
        self.dtype = np.dtype(dtype)
        self._cache = {}
        self._stored = None
        if stored is not None:
            self._stored_path = stored
            # A plain ndarray view of the memory map: slicing an np.memmap
            # costs more Python than rebuilding a minibatch does.
            self._stored = np.load(stored, mmap_mode="r").view(np.ndarray)
            if self._stored.dtype != stream_record_dtype(self.dtype):
                raise ValueError(
                    f"stored training stream {stored}: records of {self._stored.dtype}, "
                    f"not of a {self.dtype} stream"
                )

    def block(self, b):
        if b not in self._cache:
            # Keep the newest two blocks: a minibatch straddles at most two.
            for old in sorted(self._cache)[:-1]:
                del self._cache[old]
            if self._stored is None:
                rng = _block_rng(self.seed, self.run_seed, b)
                self._cache[b] = shapeset.generate(
                    rng, self.block_size, self.neg, self.dtype
                )
            else:
                lo = b * self.block_size
                self._cache[b] = self._read(lo, lo + self.block_size)
        return self._cache[b]

    def _read(self, lo, hi):
        """Examples lo .. hi - 1 of the stored stream: pixel k of example e is
        palette[e, index[e, k]] (``shapeset.render_indexed``), taken from the
        flattened palettes at 3 e + index[e, k] (faster here than
        ``np.take_along_axis``)."""
        if hi > len(self._stored):
            raise ValueError(
                f"stored training stream {self._stored_path} holds {len(self._stored)} "
                f"examples, fewer than the {hi} needed"
            )
        part = self._stored[lo:hi]
        rows = np.arange(0, 3 * (hi - lo), 3, dtype=np.intp)[:, None]
        x = np.take(part["palette"], part["index"] + rows)
        return x, part["label"].astype(np.int64)

    def examples(self, start, count):
        """Examples start .. start + count - 1 of the stream: (x, y)."""
        if self._stored is not None:
            # Stored contiguously: rebuild just these, no block needed.
            return self._read(start, start + count)
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
