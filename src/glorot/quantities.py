"""The names of the measured quantities, one vocabulary for the tables,
the predictions, the comparison and the figures.

Per layer i: the activations z^i, the pre-activations s^i, the
back-propagated gradients dC/ds^i (eq. 2) and the weight gradients dC/dW^i
(eq. 3), whose variances the paper predicts (eq. 5-7, 13-14); and f'(s^i),
which the linear regime assumes to be 1. The training curves have their own
quantities (``glorot.training.CURVE_QUANTITIES``): statistics during training,
not variances at initialization."""

# The quantities whose variance is predicted and compared, in table order.
VARIANCE_QUANTITIES = (
    "activation",
    "preactivation",
    "backprop_gradient",
    "weight_gradient",
)
# What ``glorot.measure`` records per layer: the above, f'(s^i) and the
# per-example ratio of the backward step (glorot.measure.backward_example_ratio).
MEASURED_QUANTITIES = (
    *VARIANCE_QUANTITIES,
    "activation_derivative",
    "backward_example_ratio",
)
# The quantities histogrammed per layer (the paper's Figures 6-8).
HISTOGRAM_QUANTITIES = ("activation", "backprop_gradient", "weight_gradient")

# The columns of a training run's tables (rule train), written by
# glorot.training.loop and checked by glorot.cached.
CURVE_COLUMNS = [
    "activation",
    "init",
    "learning_rate",
    "seed",
    "update",
    "status",
    "quantity",
    "layer",
    "value",
]
TRAINING_HISTOGRAM_COLUMNS = [
    "activation",
    "init",
    "learning_rate",
    "seed",
    "update",
    "layer",
    "bin_low",
    "bin_high",
    "count",
]
