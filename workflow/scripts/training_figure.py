"""Rule training_figure: the paper's Figures 2, 3, 4, 9 and 10, the runs of
the figure's models at their selected learning rates
(glorot.training_plots.TRAINING_FIGURE_PLOTS draws each)."""

from glorot import cached, plotting, training_plots
from job import start_job

log = start_job(snakemake)
params = snakemake.params
tables = cached.final_tables(snakemake.input.tables, "train")
selection = cached.final_table(snakemake.input.selection, "training_selection")
runs = training_plots.selected_runs(tables, selection, params.models, params.seed)
draw = training_plots.TRAINING_FIGURE_PLOTS[snakemake.wildcards.figure]
fig = draw(runs, training_plots.hidden_label(params.hidden_widths))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
