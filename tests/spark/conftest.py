"""One generated scenario, loaded into a DuckDB and a Spark workspace, for the parity suite.

One Spark session for the whole test session (a JVM start costs seconds; local[2], 4 shuffle
partitions); the scenario is small (``synth`` at scale 100 over 60 days, plus the shipped
mobile-money and bank CSV samples) so that the suite stays within a few minutes on two cores.
Without Java 17 or pyspark the tests fail saying how to install them, unless
``MONEYTRAIL_SKIP_SPARK=1`` (as ``MONEYTRAIL_SKIP_BROWSER`` for the browser stories).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

from moneytrail.api import SynthConfig, synth
from moneytrail.api.rules import RulesRun
from moneytrail.api.spark import unportable_rules
from moneytrail.detect.rules import load_library
from moneytrail.workspace import Workspace

SCALE, DAYS, SEED = 100, 60, 22
RULES = load_library()
SAMPLES = ("orange_money_2024-03.csv", "virements_bis_2024-03.csv")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.spark)
            item.add_marker(pytest.mark.xdist_group("spark"))


def _skip_or_check() -> None:
    if os.environ.get("MONEYTRAIL_SKIP_SPARK") == "1":
        pytest.skip("MONEYTRAIL_SKIP_SPARK=1")
    from moneytrail.engine.spark_session import check_spark_available

    check_spark_available()  # a UsageError saying what to install fails the test


@dataclass
class Pair:
    """The same files loaded into both engines, and the rule runs of each."""

    duck: Workspace
    spark: Workspace
    files: list[Path]
    duck_rules: RulesRun
    spark_rules: RulesRun


@pytest.fixture(scope="session")
def scenario_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("scenario")
    made = synth(SynthConfig(scale=SCALE, days=DAYS, seed=SEED), out / "data")
    samples = resources.files("moneytrail") / "samples"
    files = [Path(p) for p in made.ingest_order]
    files += [Path(made.truth["truth_members"])]
    for name in SAMPLES:
        target = out / name
        target.write_bytes((samples / name).read_bytes())
        files.append(target)
    return files


@pytest.fixture(scope="session")
def pair(tmp_path_factory: pytest.TempPathFactory, scenario_files: list[Path]) -> Iterator[Pair]:
    _skip_or_check()
    root = tmp_path_factory.mktemp("parity")
    duck = Workspace.init(root / "duck")
    spark = Workspace.init(root / "spark", engine="spark")
    try:
        duck.ingest(scenario_files)
        spark.ingest(scenario_files)
        portable = sorted(set(RULES) - set(unportable_rules()))
        duck_rules, spark_rules = duck.rules.run(portable), spark.rules.run(portable)
        pair = Pair(duck, spark, scenario_files, duck_rules, spark_rules)
        yield pair
    finally:
        duck.close()
        spark.close()
