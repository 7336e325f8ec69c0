"""Small helpers shared by the rule scripts: logging, BLAS threads, table I/O.

Every file a rule writes through ``write_table`` (or marks with ``seal``)
gets its provenance record (``glorot.provenance``), from the job ``start``
was given.
"""

import atexit
import ctypes
import errno
import logging
import os
import sys

from threadpoolctl import threadpool_limits

from . import blocks, initializers, inputs, provenance

# Seventeen significant digits round-trip every float64, so a table re-read
# gives the numbers that were written, and equal numbers give equal bytes.
FLOAT_FORMAT = "%.17g"


# Space kept for the log beyond its end (fallocate's FALLOC_FL_KEEP_SIZE):
# when the disk fills during the job, the job's last words (the "no space
# left" error and its traceback) still fit.
LOG_RESERVE = 64 * 1024
_KEEP_SIZE = 0x01


def _fallocate(handle, mode, offset, length):
    """Linux's fallocate on an open file; False where it is not available
    (another system, a file system without it, or no space left)."""
    try:
        call = ctypes.CDLL(None, use_errno=True).fallocate
    except (OSError, AttributeError):
        return False
    call.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    return call(handle.fileno(), mode, offset, length) == 0


class _Log:
    """The job's log as stderr: lines that cannot be written to it (no space
    left) go to the stderr Snakemake shows instead of being lost."""

    def __init__(self, handle, fallback):
        self.handle, self.fallback = handle, fallback

    def write(self, text):
        try:
            return self.handle.write(text)
        except OSError:
            self.fallback.write(text)
            return len(text)

    def flush(self):
        try:
            self.handle.flush()
        except OSError:
            self.fallback.flush()

    def fileno(self):
        return self.handle.fileno()

    def isatty(self):
        return False


def _no_space_hook(previous):
    def hook(kind, error, traceback):
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            where = f" writing {error.filename}" if error.filename else ""
            logging.getLogger("glorot").error(
                "no space left on device%s: free space on that file system, then "
                "rerun (snakemake --rerun-incomplete redoes this job)",
                where,
            )
        previous(kind, error, traceback)

    return hook


def _release(handle):
    """At exit: give back the reserve beyond the log's end (a truncation to
    its own size frees the blocks past it)."""
    try:
        handle.flush()
        os.ftruncate(handle.fileno(), os.fstat(handle.fileno()).st_size)
    except (OSError, ValueError):
        pass


def start(log_path, threads, job=None):
    """Send stderr and logging to the rule's log and pin BLAS to the rule's
    threads; ``job`` (a ``provenance.Job``) is what the files this job
    writes are recorded as made from, and what the files it reads are
    checked against."""
    handle = open(log_path, "w", buffering=1)
    _fallocate(handle, _KEEP_SIZE, 0, LOG_RESERVE)
    atexit.register(_release, handle)
    sys.stderr = _Log(handle, sys.__stderr__)
    sys.excepthook = _no_space_hook(sys.excepthook)
    provenance.set_job(job)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        force=True,
    )
    # Pinned so parallel jobs do not oversubscribe the cores, and so that a
    # job's numbers never depend on how many threads BLAS happened to pick.
    threadpool_limits(limits=int(threads))
    return logging.getLogger("glorot")


def _named(error, path):
    """An OSError of writing ``path`` that names it (a write's does not)."""
    if error.errno == errno.ENOSPC and not error.filename:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(path))
    return error


def seal(path):
    """Record the provenance of the file just written at ``path`` (nothing
    outside a job)."""
    try:
        provenance.seal(path)
    except OSError as error:
        raise _named(error, provenance.sidecar(path)) from error


def write_table(table, path, float_format=FLOAT_FORMAT):
    """Write a DataFrame as CSV with a fixed float format and line ending,
    and its provenance record."""
    try:
        table.to_csv(path, index=False, float_format=float_format, lineterminator="\n")
    except OSError as error:
        raise _named(error, path) from error
    seal(path)


def sampled_network(exp, seed, name, init, network, input_paths):
    """(weights, input source) of network ``network`` of experiment ``name``
    (config ``exp``) under ``init``: what the per-network jobs (rules measure,
    jacobian, minibatch) all see, from the config's ``seed``; ``input_paths``
    are the job's input files (a Shapeset split, or none)."""
    weights = initializers.for_network(exp, seed, name, init, network)
    source = inputs.for_network(exp, seed, name, network, *input_paths)
    return weights, source


def block_networks(exp, seed, name, init, block, input_paths):
    """(network index, weights, input source) of each network of the block
    ``block`` (``networks<first>-<last>``, glorot.blocks), in network order:
    what one job of a per-network rule handles."""
    for network in blocks.networks(block):
        yield (network, *sampled_network(exp, seed, name, init, network, input_paths))
