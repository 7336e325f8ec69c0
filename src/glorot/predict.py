"""The prediction table of one experiment, from its config alone."""

import pandas as pd

from . import theory
from .initializers import weight_variance

GLOROT_QUANTITIES = ("activation", "preactivation", "backprop_gradient", "weight_gradient")


def glorot_predictions(widths, var_w, var_x, classes, printed):
    """Linear-regime predictions (eq. 5-7) per quantity, with Var[dC/ds^d] from a
    uniform softmax output (see ``theory.uniform_softmax_top_variance``)."""
    var_top = theory.uniform_softmax_top_variance(classes)
    return {
        "activation": theory.glorot_activation_variance(widths, var_w, var_x),
        "preactivation": theory.glorot_preactivation_variance(widths, var_w, var_x),
        "backprop_gradient": theory.glorot_backprop_variance(
            widths, var_w, var_top, printed
        ),
        "weight_gradient": theory.glorot_weight_gradient_variance(
            widths, var_w, var_x, var_top, printed
        ),
    }


def prediction_table(widths, inits, activations, x_mean, x_var):
    """One row per (activation, init, quantity, layer) with the columns
    predicted_glorot, predicted_glorot_printed and predicted_meanfield.

    """
    rows = []
    for init in inits:
        var_w = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
        corrected = glorot_predictions(widths, var_w, x_var, widths[-1], printed=False)
        printed = glorot_predictions(widths, var_w, x_var, widths[-1], printed=True)
        for activation in activations:
            meanfield = theory.meanfield(widths, var_w, activation, x_mean, x_var)
            for quantity in GLOROT_QUANTITIES:
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
    return pd.DataFrame(
        rows,
        columns=[
            "activation",
            "init",
            "quantity",
            "layer",
            "predicted_glorot",
            "predicted_glorot_printed",
            "predicted_meanfield",
        ],
    )
