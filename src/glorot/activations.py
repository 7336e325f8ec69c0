"""The nonlinearities f of the paper (Section 2.3) and their derivatives f'.

Each entry works elementwise on numpy arrays of any float dtype and keeps that
dtype, so the same functions serve the float32 network passes and the float64
quadrature of ``glorot.theory``.
"""

import numpy as np


def linear(s):
    return s


def linear_prime(s):
    return np.ones_like(s)


def tanh(s):
    return np.tanh(s)


def tanh_prime(s):
    return 1 - np.tanh(s) ** 2


def softsign(s):
    """Softsign x / (1 + |x|) (Bergstra et al. 2009), used in the paper."""
    return s / (1 + np.abs(s))


def softsign_prime(s):
    return 1 / (1 + np.abs(s)) ** 2


def sigmoid(s):
    # Written with exp(-|s|) so large |s| neither overflows nor warns.
    e = np.exp(-np.abs(s))
    return np.where(s >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(s):
    f = sigmoid(s)
    return f * (1 - f)


def relu(s):
    return np.maximum(s, 0)


def relu_prime(s):
    return (s > 0).astype(np.result_type(s, np.float32))


# name -> (f, f')
ACTIVATIONS = {
    "linear": (linear, linear_prime),
    "tanh": (tanh, tanh_prime),
    "softsign": (softsign, softsign_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "relu": (relu, relu_prime),
}


def get(name):
    """Return (f, f') for an activation name; raise ValueError naming it otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}"
        ) from None
