"""Small helpers shared by the rule scripts: logging, BLAS threads, table I/O."""

import logging
import sys

from threadpoolctl import threadpool_limits

from . import blocks, initializers, inputs

# Seventeen significant digits round-trip every float64, so a table re-read
# gives the numbers that were written, and equal numbers give equal bytes.
FLOAT_FORMAT = "%.17g"


def start(log_path, threads):
    """Send stderr and logging to the rule's log and pin BLAS to the rule's threads."""
    sys.stderr = open(log_path, "w", buffering=1)
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


def write_table(table, path, float_format=FLOAT_FORMAT):
    """Write a DataFrame as CSV with a fixed float format and line ending."""
    table.to_csv(path, index=False, float_format=float_format, lineterminator="\n")


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
