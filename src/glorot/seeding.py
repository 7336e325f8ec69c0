"""Random streams keyed on a job's identity, never on the order jobs run in.

A stream is ``numpy.random.SeedSequence([seed, key_1, key_2, ...])`` where each
string key is turned into an integer by a stable hash (Python's ``hash`` is
salted per process, so it cannot be used). Adding an experiment, an init or a
network therefore never changes the numbers drawn for the others.
"""

import hashlib

import numpy as np


def stable_int(key):
    """A 64-bit integer for ``key`` (int or str) that is the same in every process."""
    if isinstance(key, (int, np.integer)):
        if key < 0:
            raise ValueError(f"seed keys must be non-negative, got {key}")
        return int(key)
    digest = hashlib.sha256(str(key).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def seed_sequence(seed, *keys):
    """The SeedSequence of the stream (seed, *keys)."""
    return np.random.SeedSequence([stable_int(seed)] + [stable_int(k) for k in keys])


def weights_generator(seed, experiment, init, network):
    """Generator of the weights of network ``network`` of ``init`` in ``experiment``."""
    return np.random.default_rng(
        seed_sequence(seed, "weights", experiment, init, network)
    )


def inputs_seed_sequence(seed, experiment, network):
    """Stream of the inputs of network ``network``. It does not depend on the init,
    so standard and normalized networks of the same index see the same inputs."""
    return seed_sequence(seed, "inputs", experiment, network)
