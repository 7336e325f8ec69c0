"""The rows a run has recorded and the checkpoint that holds them with the
network's state.

A checkpoint is one ``np.savez`` archive (weights, biases, update count,
stream position, the rows so far), written into a temporary file and moved
into place with ``os.replace`` (atomic), so a killed run restarted with the
same checkpoint path resumes from there and ends with the same bytes as an
uninterrupted run.

The checkpoint before the last one is kept beside it (``<name>.previous.npz``)
until the run ends. A checkpoint that cannot be read (cut short by a full
disk or a bad copy, overwritten) is not retried on every attempt nor deleted:
it is set aside as ``<name>.corrupt-<n>.npz``, logged, and the run resumes
from the previous one, or from the beginning; any of these ends with the
bytes of an uninterrupted run, since every state of a run is determined by
its update count.

A checkpoint also holds the digest of every array in it (``contents``), so
one edited after it was written (weights x1.05, by hand or a bad tool) is
refused like an unreadable one, set aside, and not resumed from: its
fingerprint says which run it belongs to (the config), the digest that it
is what that run saved."""

import hashlib
import logging
import os
import zipfile

import numpy as np

# Quantities of the curves table, in the order they are recorded; a row
# stores the index of its quantity and of its status in these tuples.
CURVE_QUANTITIES = (
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

# Version of the checkpoint layout; a checkpoint of another version is ignored
# (version 2: the digest of the contents).
CHECKPOINT_VERSION = 2


class _Record:
    """The rows recorded so far, as columns of numbers (what a checkpoint holds)."""

    def __init__(self, d, bins):
        self.update, self.status, self.quantity = [], [], []
        self.layer, self.value = [], []
        self.hist_update = []
        self.hist_counts = np.zeros((0, d, bins + 2), np.int64)

    def add(self, update, quantity, layer, value, status="ok"):
        self.update.append(int(update))
        self.status.append(STATUSES.index(status))
        self.quantity.append(CURVE_QUANTITIES.index(quantity))
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


def sets_digest(validation, test):
    """A digest of the (x, y) validation and test sets a run is evaluated on.

    They are not part of the Run (the config's validation_size and test_size
    choose them), so a checkpoint records their digest and is resumed only
    with the same sets: records measured on other sets would otherwise be
    mixed with new ones."""
    digest = hashlib.sha256()
    for array in (*validation, *test):
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def contents_digest(arrays):
    """A sha256 of the arrays of a checkpoint (name, dtype, shape, bytes),
    the array ``contents`` left out."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        if name == "contents":
            continue
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def save_checkpoint(
    path, run, update, weights, biases, record, cost_sum, cost_count, sets=""
):
    """Write the state atomically: np.savez into ``path``.tmp, fsync, os.replace."""
    arrays = {f"weights_{i}": w for i, w in enumerate(weights)}
    arrays.update({f"biases_{i}": b for i, b in enumerate(biases)})
    arrays.update(record.arrays())
    examples = update * run.batch_size
    arrays.update(
        version=np.int64(CHECKPOINT_VERSION),
        fingerprint=np.array(run.fingerprint()),
        sets=np.array(sets),
        update=np.int64(update),
        examples_seen=np.int64(examples),
        block=np.int64(examples // run.block_size),
        block_offset=np.int64(examples % run.block_size),
        cost_sum=np.float64(cost_sum),
        cost_count=np.int64(cost_count),
    )
    arrays["contents"] = np.array(contents_digest(arrays))
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    if os.path.exists(path):
        os.replace(path, previous_path(path))
    os.replace(tmp, path)


def _stem(path):
    path = os.fspath(path)
    return path[: -len(".npz")] if path.endswith(".npz") else path


def previous_path(path):
    """Where the checkpoint before the last one is kept."""
    return f"{_stem(path)}.previous.npz"


def set_aside(path):
    """Rename the unreadable checkpoint ``path`` to the first free
    ``<name>.corrupt-<n>.npz`` and return that name."""
    n = 1
    while os.path.exists(aside := f"{_stem(path)}.corrupt-{n}.npz"):
        n += 1
    os.replace(path, aside)
    return aside


def remove_checkpoint(path):
    """Remove a finished run's checkpoints (set-aside corrupt ones stay, for
    whoever wants to know what damaged them)."""
    if path is None:
        return
    for name in (path, previous_path(path), f"{path}.tmp"):
        if os.path.exists(name):
            os.remove(name)


# What reading a damaged archive raises: not a zip (BadZipFile), cut short
# (EOFError, OSError), an array missing (KeyError) or malformed (ValueError).
UNREADABLE = (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError)


def load_checkpoint(path, run, log=None, sets=""):
    """The state saved for ``run`` at ``path``, else at the checkpoint before
    it (``previous_path``), or None if neither holds this run (none there, or
    another run's, i.e. another config, or another version, or made with
    other evaluation sets than the digest ``sets``, ``sets_digest``).

    A checkpoint that cannot be read is set aside (``set_aside``) with a
    warning in ``log`` naming both paths. The state is (update, weights,
    biases, record, cost_sum, cost_count), the arguments of ``save_checkpoint``
    after ``path`` and ``run``."""
    if path is None:
        return None
    log = log or logging.getLogger("glorot.training")
    for candidate in (os.fspath(path), previous_path(path)):
        if not os.path.exists(candidate):
            continue
        try:
            state = _read_checkpoint(candidate, run, sets)
        except UNREADABLE as error:
            aside = set_aside(candidate)
            log.warning(
                "checkpoint %s cannot be read (%s: %s); set aside as %s",
                candidate,
                type(error).__name__,
                error,
                aside,
            )
            continue
        if state is not None:
            log.info("resuming from checkpoint %s at update %d", candidate, state[0])
            return state
    return None


def _read_checkpoint(path, run, sets):
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    if (
        int(arrays["version"]) != CHECKPOINT_VERSION
        or str(arrays["fingerprint"]) != run.fingerprint()
        or str(arrays.get("sets", "")) != sets
    ):
        return None
    if str(arrays.get("contents", "")) != contents_digest(arrays):
        raise ValueError(
            f"checkpoint {path}: its arrays do not match the digest it was saved "
            "with (edited or damaged since)"
        )
    update = int(arrays["update"])
    examples = update * run.batch_size
    if (
        int(arrays["examples_seen"]) != examples
        or int(arrays["block"]) != examples // run.block_size
    ):
        raise ValueError(f"checkpoint {path}: inconsistent stream position")
    d = run.depth
    weights = [arrays[f"weights_{i}"] for i in range(d + 1)]
    biases = [arrays[f"biases_{i}"] for i in range(d + 1)]
    record = _Record.from_arrays(arrays, d, run.histogram_bins)
    cost_sum, cost_count = float(arrays["cost_sum"]), int(arrays["cost_count"])
    return update, weights, biases, record, cost_sum, cost_count
