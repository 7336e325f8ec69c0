"""Rule figure_layer_histograms: the paper's Figure 6, 7 or 8."""

from glorot import cached, plotting
from job import start_job

log = start_job(snakemake)
titles = {
    "activation": "Figure 6: activation values at initialization",
    "backprop_gradient": "Figure 7: back-propagated gradients at initialization",
    "weight_gradient": "Figure 8: per-example weight gradients at initialization",
}
quantity = snakemake.params.quantity
histograms = cached.final_table(snakemake.input[0], "pool_histograms")
fig = plotting.layer_histogram_figure(histograms, quantity, "tanh", titles[quantity])
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
