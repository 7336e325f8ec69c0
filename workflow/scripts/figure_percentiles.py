"""Rules figure3 and figure10: the paper's Figures 3 and 10, the 98th percentile and
standard deviation of the activations per layer during training (Figure 3:
tanh and softsign, standard init; Figure 10: tanh, normalized init)."""

import pandas as pd

from glorot import plotting, training_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
params = snakemake.params
curves = training_plots.load_curves(snakemake.input.curves)
selection = pd.read_csv(snakemake.input.selection)
runs = training_plots.selected_runs(curves, selection, params.models, params.seed)
fig = training_plots.percentile_std_figure(runs, training_plots.hidden_label(params.hidden_widths))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
