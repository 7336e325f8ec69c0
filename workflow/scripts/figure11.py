"""Rule figure11: the paper's Figure 11: test error during training of every
model at its selected learning rate."""

import pandas as pd

from glorot import plotting, training, training_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
params = snakemake.params
curves = training_plots.load_curves(snakemake.input.curves)
selection = pd.read_csv(snakemake.input.selection)
paper = {model: value for model, (_, value) in training.PAPER_TABLE1_SHAPESET.items()}
fig = training_plots.test_error_figure(
    curves,
    selection,
    params.models,
    training_plots.hidden_label(params.hidden_widths),
    paper,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
