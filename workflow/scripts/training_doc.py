"""Rule training_doc: the generated block of docs/training.md (Table 1 of the
run, and how its models rank against the paper's)."""

from glorot import cached
from glorot.derivation import splice_file
from glorot.training.selection import ranking_sentence, table1_markdown
from job import start_job

log = start_job(snakemake)
table = cached.final_table(snakemake.input.table1)
block = (
    f"Table 1 of this run (`results/training/table1.csv`; test error on "
    f"{snakemake.params.test_size:,} test images, ± its binomial standard error):\n\n"
    + table1_markdown(table)
    + "\n"
    + ranking_sentence(table)
    + "\n"
)
path = snakemake.params.doc
if splice_file(path, {(snakemake.params.begin, snakemake.params.end): block}):
    log.info("%s: generated block updated", path)
