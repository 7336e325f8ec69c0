"""Rule figure11: the paper's Figure 11: test error during training of every
model at its selected learning rate."""

from glorot import cached, plotting, training, training_plots
from job import start_job

log = start_job(snakemake)
params = snakemake.params
curves = cached.final_tables(snakemake.input.curves, "train")
selection = cached.final_table(snakemake.input.selection, "training_selection")
paper = {model: value for model, (_, value) in training.PAPER_TABLE1_SHAPESET.items()}
fig = training_plots.test_error_figure(
    curves,
    selection,
    params.models,
    training_plots.hidden_label(params.hidden_widths),
    paper,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
