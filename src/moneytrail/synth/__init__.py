"""Synthetic Sahel scenarios with injected TF/ML typologies and their ground truth.

Why: training FIU analysts and measuring every tracing or detection feature need data whose
answer is known. :func:`generate` builds a population (``population``), its normal activity
(``behaviour``), injects typology instances (``typologies``), and streams everything to Parquet
in the canonical layout (``writer``) with the ground truth beside it (``truth``). The same config
and seed give byte-identical files.

Load the output in this order (transactions need their accounts)::

    moneytrail ingest -w WS out/parties.parquet out/accounts.parquet \\
        out/identifiers.parquet out/transactions.parquet

>>> from moneytrail.synth.config import SynthConfig
>>> import tempfile, pathlib
>>> result = generate(SynthConfig(scale=60, seed=1, days=14), pathlib.Path(tempfile.mkdtemp()))
>>> list(result.files)[:2]
['parties', 'accounts']
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np

from moneytrail.errors import UsageError
from moneytrail.files.outputs import atomic_folder
from moneytrail.model.tables import STAGING
from moneytrail.synth.batch import MICROS_PER_DAY, TxBatch
from moneytrail.synth.behaviour import NormalActivity, day_micros
from moneytrail.synth.cash_output import CASH_FILES, CASH_ORDER, write_cash_sources
from moneytrail.synth.config import SynthConfig, load_data
from moneytrail.synth.duplicates import add_duplicates
from moneytrail.synth.population import Population, build_population
from moneytrail.synth.truth import write_identities, write_truth
from moneytrail.synth.typologies import TYPOLOGIES, InstanceBuilder, TypologyContext
from moneytrail.synth.writer import TransactionWriter, write_rows

INGEST_ORDER = ("parties", "accounts", "identifiers", "transactions")


@dataclass
class SynthResult:
    """What was written: files in ingest order (then truth files), row counts, instances."""

    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def inject(pop: Population, config: SynthConfig) -> list[InstanceBuilder]:
    """Every typology instance of ``config`` (adds the parties they need to ``pop``)."""
    unknown = [t for t in config.typologies if t not in TYPOLOGIES]
    if unknown:
        raise UsageError(
            "synth.typology_unknown", name=", ".join(unknown), known=", ".join(TYPOLOGIES)
        )
    rates = load_data("typologies.yaml")["rates"]
    start = day_micros(config.start)
    end = start + config.days * MICROS_PER_DAY
    instances = []
    for position, (name, inject_one) in enumerate(TYPOLOGIES.items()):
        if config.typologies and name not in config.typologies:
            continue
        expected = float(rates[name]) * config.typology_rate * config.scale / 10_000
        count = max(1, round(expected)) if config.typology_rate > 0 else 0
        periods = config.fresh_periods
        for k in range(count):
            rng = np.random.Generator(np.random.PCG64([config.seed, 3, position, k]))
            builder = InstanceBuilder(f"{config.scope}-{name}-{k:04d}", name, config.difficulty)
            # round robin over the periods, each typology starting one period further: a
            # typology with a single instance still lands in every period across typologies
            period = (position + k) % periods
            lo = start + (end - start) * period // periods
            hi = start + (end - start) * (period + 1) // periods
            inject_one(TypologyContext(pop, config, rng, lo, hi, (period, periods)), builder)
            instances.append(builder)
    return instances


def generate(config: SynthConfig, out: Path) -> SynthResult:
    """Write the scenario of ``config`` under ``out`` (created if missing).

    The files appear together or not at all (written in a temporary sibling folder, renamed at
    the end). ``out`` must be new, empty, or an earlier scenario (replaced whole): any other
    file there is refused rather than mixed with generated ones.
    """
    if config.scale < 20 or config.days < 7:
        raise UsageError("synth.too_small", scale=config.scale, days=config.days)
    began = time.perf_counter()
    with atomic_folder(out, replaceable=is_scenario) as part:
        result = _write(config, part)
    result.out = out
    result.files = {kind: out / path.name for kind, path in result.files.items()}
    result.seconds = time.perf_counter() - began
    return result


def is_scenario(folder: Path) -> bool:
    """Whether ``folder`` holds only files a scenario is made of (an earlier ``generate``)."""
    return all(entry.is_file() and entry.name in SCENARIO_FILES for entry in folder.iterdir())


def ingest_kinds(result: SynthResult) -> list[str]:
    """Kinds of the files to load, in the order ``moneytrail ingest`` needs them: the
    canonical Parquet files, then the cash and hawala sources when they were written."""
    return [kind for kind in (*INGEST_ORDER, *CASH_ORDER) if kind in result.files]


SCENARIO_FILES = (
    frozenset(
        f"{name}.parquet"
        for name in (
            "parties",
            "accounts",
            "identifiers",
            "transactions",
            "truth_instances",
            "truth_members",
            "truth_identities",
        )
    )
    | CASH_FILES
)


def _write(config: SynthConfig, out: Path) -> SynthResult:
    pop = build_population(config)
    residents_end = len(pop.parties)
    normal = NormalActivity(pop, config)
    instances = inject(pop, config)
    identities = add_duplicates(pop, config, residents_end)
    crime = TxBatch.concat([b.batch() for b in instances]).sorted()
    result = SynthResult(out)
    for kind, rows in (
        ("parties", pop.parties),
        ("accounts", pop.accounts),
        ("identifiers", pop.identifiers),
    ):
        schema = STAGING[kind].arrow_schema()  # the canonical Parquet layout
        result.files[kind] = out / f"{kind}.parquet"
        result.rows[kind] = write_rows(result.files[kind], rows, schema, config.row_group_size)
    result.files["transactions"] = out / "transactions.parquet"
    writer = TransactionWriter(
        result.files["transactions"], pop, config.scope, config.row_group_size
    )
    try:
        for first in range(0, config.days, config.chunk_days):
            ndays = min(config.chunk_days, config.days - first)
            lo = day_micros(config.start + timedelta(days=first))
            hi = lo + ndays * MICROS_PER_DAY
            own = crime.take((crime.ts >= lo) & (crime.ts < hi))
            writer.write(TxBatch.concat([normal.chunk(first, ndays), own]).sorted())
    finally:
        writer.close()
    result.rows["transactions"] = writer.rows
    result.files.update(write_truth(out, instances, config.row_group_size))
    result.files.update(write_identities(out, identities, config.row_group_size))
    if config.cash_sources:
        cash_files, cash_rows = write_cash_sources(out, config.seed)
        result.files.update(cash_files)
        result.rows.update(cash_rows)
    for inst in instances:
        result.instances[inst.typology] = result.instances.get(inst.typology, 0) + 1
    return result
