"""Library behind the Glorot & Bengio (2010) variance-by-layer workflow.

Modules, one concern each:

- ``activations``: the nonlinearities f and their derivatives f'.
- ``initializers``: the weight distributions (eq. 1, eq. 16, He et al.).
- ``seeding``: random streams derived from the config's seed and a job's identity.
- ``inputs``: the input sources x.
- ``network``: forward and backward passes (eq. 2-3, softmax + NLL).
- ``moments``: streaming moments and fixed-bin histograms.
- ``measure``: per-layer statistics of one sampled network.
- ``theory``: the analytical predictions (eq. 5-7, 13-14, mean-field).
- ``compare``: confidence intervals over networks, joined with predictions.
- ``paper``: the paper's facts (Table 1, the Jacobian, the figures), cited
  from docs/paper-notes.md.
- ``quantities``: the names of the measured quantities.
- ``training``: SGD training, learning-rate selection and Table 1 (a package).
"""
