"""The prediction table of one experiment, from its config and its inputs."""

import numpy as np
import pandas as pd

from . import limits, theory
from .initializers import weight_variance
from .quantities import VARIANCE_QUANTITIES

COLUMNS = [
    "activation",
    "init",
    "quantity",
    "layer",
    "predicted_glorot",
    "predicted_glorot_printed",
    "predicted_meanfield",
]


def weight_variances(widths, init):
    """Var[W^i], i = 0..d, of ``init`` (eq. 15, eq. 12 or He's 2 / n_i)."""
    return [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]


def prediction_table(widths, inits, activations, inputs):
    """One row per (activation, init, quantity, layer) with the columns
    predicted_glorot (eq. 5-7, corrected bounds), predicted_glorot_printed
    (bounds as printed) and predicted_meanfield, for the inputs described by
    ``inputs`` (a ``theory.InputMoments``).

    The linear regime ignores the activation, so its two columns repeat for
    every activation of an init.

    A prediction past float64's largest number is refused by value
    (``limits.prediction_overflow_error``), never written as inf.
    """
    rows = []
    for init in inits:
        var_w = weight_variances(widths, init)
        for activation in activations:
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    corrected = theory.glorot(widths, var_w, inputs, printed=False)
                    printed = theory.glorot(widths, var_w, inputs, printed=True)
                    meanfield = theory.meanfield(widths, var_w, activation, inputs)
            except limits.ValuesNotFinite as error:
                raise limits.prediction_overflow_error(
                    init, activation, str(error)
                ) from None
            for quantity in VARIANCE_QUANTITIES:
                for layer, value in enumerate(meanfield[quantity]):
                    rows.append(
                        (
                            activation,
                            init,
                            quantity,
                            layer,
                            corrected[quantity][layer],
                            printed[quantity][layer],
                            value,
                        )
                    )
    table = pd.DataFrame(rows, columns=COLUMNS)
    values = table[COLUMNS[4:]].to_numpy(dtype=float)
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        row = table[bad].iloc[0]
        raise limits.prediction_overflow_error(
            row["init"], row["activation"], f"{row['quantity']} of layer {row['layer']}"
        )
    return table
