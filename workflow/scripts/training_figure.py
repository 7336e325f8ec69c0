"""Rule training_figure: the paper's Figures 2, 3, 4, 9 and 10, the runs of
the figure's models at their selected learning rates
(glorot.training_plots.TRAINING_FIGURE_PLOTS draws each)."""

import pandas as pd

from glorot import plotting, training_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
params = snakemake.params
tables = training_plots.load_curves(snakemake.input.tables)
selection = pd.read_csv(snakemake.input.selection)
runs = training_plots.selected_runs(tables, selection, params.models, params.seed)
draw = training_plots.TRAINING_FIGURE_PLOTS[snakemake.wildcards.figure]
fig = draw(runs, training_plots.hidden_label(params.hidden_widths))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
