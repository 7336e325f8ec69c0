"""Rule figure4: the paper's Figure 4: histograms of the activations at the
end of training, tanh and softsign."""

import pandas as pd

from glorot import plotting, training_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
params = snakemake.params
histograms = training_plots.load_curves(snakemake.input.histograms)
selection = pd.read_csv(snakemake.input.selection)
runs = training_plots.selected_runs(histograms, selection, params.models, params.seed)
fig = training_plots.end_histogram_figure(runs, training_plots.hidden_label(params.hidden_widths))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
