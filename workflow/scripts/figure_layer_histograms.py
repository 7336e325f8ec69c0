"""Rule figure_layer_histograms: the paper's Figure 6, 7 or 8."""

import pandas as pd

from glorot import plotting
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
titles = {
    "activation": "Figure 6: activation values at initialization",
    "backprop_gradient": "Figure 7: back-propagated gradients at initialization",
    "weight_gradient": "Figure 8: per-example weight gradients at initialization",
}
quantity = snakemake.params.quantity
histograms = pd.read_csv(snakemake.input[0])
fig = plotting.layer_histogram_figure(histograms, quantity, "tanh", titles[quantity])
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
