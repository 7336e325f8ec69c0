"""Facts of Glorot & Bengio (2010) that the code compares with or follows:
one home for each (docs/paper-notes.md quotes where in the paper they are).

Plain Python values only (no imports): the Snakefile imports this module
while it is parsed."""

# Table 1, Shapeset-3x2 column: test error (%) of the 5-layer networks after
# training, by (activation, init), with the paper's name of the model.
TABLE1_SHAPESET = {
    ("softsign", "standard"): ("Softsign", 16.27),
    ("softsign", "normalized"): ("Softsign N", 16.06),
    ("tanh", "standard"): ("Tanh", 27.15),
    ("tanh", "normalized"): ("Tanh N", 15.60),
    ("sigmoid", "standard"): ("Sigmoid", 82.61),
}

# Sections 2.3 and 4.3: SGD on minibatches of this many examples.
MINIBATCH = 10

# Section 4.2.2: average singular value of the layer Jacobians
# dz^{i+1}/dz^i at initialization (tanh, 5 x 1000 on Shapeset-3x2).
JACOBIAN_AVERAGE_SINGULAR_VALUE = {"normalized": 0.8, "standard": 0.5}

# Figures 6-8 (Section 4.2.1): the quantity each one histograms per hidden
# layer, tanh, standard versus normalized initialization.
HISTOGRAM_FIGURES = {
    "6": "activation",
    "7": "backprop_gradient",
    "8": "weight_gradient",
}

# Figures 2-4, 9 and 10 (Sections 3 and 4.3): the models, as (activation,
# init), each one shows during training. Figure 11 shows every model.
TRAINING_FIGURES = {
    "2": [("sigmoid", "standard")],
    "3": [("tanh", "standard"), ("softsign", "standard")],
    "4": [("tanh", "standard"), ("softsign", "standard")],
    "9": [("tanh", "standard"), ("tanh", "normalized")],
    "10": [("tanh", "normalized")],
}
