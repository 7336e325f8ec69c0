"""Where each file a rule writes came from: the config values and input files
it was made from, and a digest of its own bytes, in a sidecar next to it.

Snakemake decides what to redo from its metadata in ``.snakemake/`` and the
files' times; it never looks inside a file. With that metadata gone, or with
``--rerun-triggers mtime`` (common on shared cluster file systems), a table
made under another config is kept; a file copied in from another run, or
edited by hand, is used as it is whenever its shape fits. The content checks
of ``glorot.cached`` see what a table of *this* config must look like (rows,
counts, bins), not whether its numbers are the ones this config gives. The
sidecar adds what they cannot see:

- ``sha256``: the digest of the file's bytes when its rule wrote it. Any
  edit (a variance x1.1, counts moved between bins) changes it.
- ``file``: the path the rule wrote it to. A file copied to another name
  (network1's file as network2's) names its origin.
- ``config``: the config values the file depends on, as ``{dotted key:
  value}`` (``seed``, ``experiments.paper.widths``, ...): exactly what the
  rule's params hold (the project's rule: params hold only what the output
  depends on; the per-network rules pass a subset of their experiment's
  keys, ``measure_params`` ... in workflow/rules/common.smk, and rule train
  the ``training`` keys ``glorot.training.run.RUN_KEYS``), so that extending
  a sweep (more networks, another init, experiment, learning rate or seed)
  leaves finished files valid, for Snakemake's params trigger and these
  records alike. A reader compares each value with the
  config it runs under:
  a stale file (the seed changed) or one from another run is refused,
  naming the key. Params that are not config values (derived, constants)
  are recorded under ``params.<name>`` and not compared.
- ``inputs``: the digest of each input file the job read. A reader compares
  them with the inputs now in place (from their own sidecars): a file made
  from an input that was remade since is refused.

The sidecar is ``<file>.prov`` (JSON), written after the file by the same
writer (``glorot.workflow_io.write_table``, ``seal``). It is not a declared
output: a sidecar left behind by a failed or deleted file is harmless, since
its ``sha256`` does not match the bytes of whatever file is made next, and
the writer replaces it. Every CSV stays a plain CSV (``pandas.read_csv``).

Readers call ``problem(path)``: None for a file whose sidecar matches, else
a sentence saying what is wrong (``glorot.cached`` turns it into a
``DamagedFile`` naming the file and how to redo it).
"""

import hashlib
import json
import os
from dataclasses import dataclass, field

SUFFIX = ".prov"
VERSION = 1


@dataclass
class Job:
    """The job this process runs: its rule, the config values its outputs
    depend on ({dotted key: value}), its input files, and the whole config
    (what the files it reads are compared with)."""

    rule: str
    config: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    current: dict = None


_job = None


def set_job(job):
    """Make ``job`` the one whose outputs ``seal`` records and whose config
    ``problem`` compares the files read with (None: no job)."""
    global _job
    _job = job


def current_job():
    return _job


def sidecar(path):
    return f"{os.fspath(path)}{SUFFIX}"


def plain(value):
    """``value`` as JSON gives it back (tuples as lists, keys as strings), so
    a value from the config and one read from a sidecar compare equal."""
    return json.loads(json.dumps(value, sort_keys=True))


def _leaves(prefix, value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_leaves(f"{prefix}.{key}", item))
        return out
    return {prefix: plain(value)}


def _within(value, section):
    """Whether ``value`` is ``section``, or a dict holding some of its keys
    with values within theirs (a section less some keys, at any depth: the
    histograms sub-section less its ``networks``)."""
    value, section = plain(value), plain(section)
    if isinstance(value, dict) and isinstance(section, dict):
        return all(k in section and _within(v, section[k]) for k, v in value.items())
    return value == section


def _config_key(config, name, value, wildcards):
    """The dotted config key whose value the param ``name`` holds, or None (a
    param that is one of the job's wildcards is its path's, not the
    config's). Matched in this order: the section a wildcard of the same
    name picks (``experiment`` -> ``experiments.<experiment>``, ``sweep`` ->
    ``spectrum.<sweep>``), a top-level key (``seed``), then a key of exactly
    one section (``training.batch_size``, ``propagation.depth``); a value
    found in two sections is not guessed at."""
    wildcards = wildcards or {}
    if name in wildcards and str(wildcards[name]) == str(value):
        return None
    sections = sorted(k for k, v in config.items() if isinstance(v, dict))
    if name in wildcards:
        picked = str(wildcards[name])
        found = [
            s
            for s in sections
            if isinstance(config[s].get(picked), dict)
            and _within(value, config[s][picked])
        ]
        if len(found) == 1:
            return f"{found[0]}.{picked}"
    if name in config and _within(value, config[name]):
        return name
    found = [
        s for s in sections if name in config[s] and _within(value, config[s][name])
    ]
    if len(found) == 1:
        return f"{found[0]}.{name}"
    return None


def job_config(config, params, wildcards=None):
    """The config values a job's outputs depend on, {dotted key: value}: each
    param that holds a config value or part of a section (``seed``,
    ``experiment`` -> ``experiments.<experiment>``, ``training``, a key of
    the training section) flattened to its leaves; other params (derived
    values, constants, wildcards) under ``params.<name>``."""
    part = {}
    for name, value in params.items():
        key = _config_key(config, name, value, wildcards)
        if key is None:
            part[f"params.{name}"] = plain(value)
        else:
            part.update(_leaves(key, value))
    return part


def config_digest(part):
    """The sha256 of a config part, canonical JSON."""
    text = json.dumps(part, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


_digests = {}


def file_digest(path):
    """The sha256 of the bytes at ``path`` (memoised by size, time, inode)."""
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


def read_sidecar(path):
    """The record of the file at ``path``, or None if it has none."""
    try:
        with open(sidecar(path)) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def _input_digest(path):
    """An input's digest: from its sidecar (written with it, and checked by
    whoever reads it) when it has one, else from its bytes."""
    record = read_sidecar(path)
    if record is not None and "sha256" in record:
        return record["sha256"]
    return file_digest(path)


def seal(path, rule=None, config=None, inputs=None):
    """Write the sidecar of the file just written at ``path``: its digest, its
    path, and what it was made from (by default the current job's rule,
    config values and inputs; ``set_job``). Without a job and a rule, does
    nothing (library use outside the workflow)."""
    job = _job
    if rule is None and job is None:
        return
    rule = rule or job.rule
    config = config if config is not None else (job.config if job else {})
    inputs = inputs if inputs is not None else (job.inputs if job else [])
    record = {
        "version": VERSION,
        "file": os.fspath(path),
        "rule": rule,
        "sha256": file_digest(path),
        "config_sha256": config_digest(config),
        "config": config,
        "inputs": {os.fspath(p): _input_digest(p) for p in inputs},
    }
    tmp = f"{sidecar(path)}.tmp"
    with open(tmp, "w") as handle:
        json.dump(record, handle, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, sidecar(path))


def _lookup(config, key):
    """The value at the dotted ``key`` of ``config``; KeyError if absent."""
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(key)
        value = value[part]
    return plain(value)


def _root(path, recorded):
    """The directory the recorded (relative) path was written from, as seen
    from ``path`` (a tree copied elsewhere keeps its sidecars valid); None if
    ``path`` is not the recorded file."""
    actual = os.path.normpath(os.path.abspath(path))
    if os.path.isabs(recorded):
        return "" if os.path.normpath(recorded) == actual else None
    recorded = os.path.normpath(recorded)
    if actual == os.path.abspath(recorded):
        return ""
    if actual.endswith(os.sep + recorded):
        return actual[: -len(recorded)]
    return None


def problem(path, config=None, rule=None):
    """(what is wrong with the file at ``path``, the rule that made it) by
    its sidecar: (None, rule) if nothing. ``config`` is the config to compare
    the recorded values with (default: the current job's; none, no
    comparison)."""
    try:
        record = read_sidecar(path)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return (
            f"its provenance record {sidecar(path)} cannot be read "
            f"({type(error).__name__}: {error})",
            rule,
        )
    if record is None:
        return (
            f"it has no provenance record ({sidecar(path)}): it was not written "
            "by this workflow's rule, or its record was deleted",
            rule,
        )
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return f"its provenance record {sidecar(path)} is not one of this version", rule
    made_by = record.get("rule") or rule
    try:
        actual = file_digest(path)
    except OSError as error:
        return f"cannot be read ({type(error).__name__}: {error})", made_by
    if actual != record.get("sha256"):
        return (
            f"its bytes are not those rule {made_by} wrote (sha256 {actual[:12]}..., "
            f"recorded {str(record.get('sha256'))[:12]}... in {sidecar(path)}): "
            "edited or damaged since, or copied in without its record",
            made_by,
        )
    root = _root(path, record.get("file", ""))
    if root is None:
        return (
            f"is a copy of {record.get('file')} (its provenance record names that "
            "file), not the file of this name",
            made_by,
        )
    if config is None and _job is not None:
        config = _job.current
    if config is not None:
        stale = []
        for key, value in sorted(record.get("config", {}).items()):
            if key.startswith("params."):
                continue
            try:
                now = _lookup(config, key)
            except KeyError:
                stale.append(f"{key} = {value!r}, which the config no longer has")
                continue
            if now != value:
                stale.append(f"{key} = {value!r}, the config now says {now!r}")
        if stale:
            more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
            return (
                f"was made with {stale[0]}{more}: a stale file from an earlier "
                "config, or one from another run",
                made_by,
            )
    for name, digest in sorted(record.get("inputs", {}).items()):
        where = name if os.path.isabs(name) else os.path.join(root, name)
        if not os.path.isfile(where):
            continue  # a temporary input, or a tree copied without it
        if _input_digest(where) != digest:
            return (
                f"was made from another version of its input {name}, which was "
                "remade or changed since",
                made_by,
            )
    return None, made_by


def check_tree(paths, config):
    """Every problem (``problem``) of the files ``paths`` and, through their
    records, of every file they were made from, against ``config``: [(path,
    rule, problem)], one per file. What the end of a run checks (rule all),
    so that a run with nothing to redo still refuses tables a config change
    left stale (Snakemake's metadata gone, ``--rerun-triggers mtime``)."""
    found, seen = [], set()
    todo = [os.fspath(p) for p in paths]
    while todo:
        path = todo.pop()
        key = os.path.normpath(os.path.abspath(path))
        if key in seen:
            continue
        seen.add(key)
        what, rule = problem(path, config=config)
        if what:
            found.append((path, rule, what))
            continue
        record = read_sidecar(path)
        root = _root(path, record["file"])
        for name in record.get("inputs", {}):
            where = name if os.path.isabs(name) else os.path.join(root, name)
            if os.path.isfile(where):
                todo.append(where)
    return sorted(found)
