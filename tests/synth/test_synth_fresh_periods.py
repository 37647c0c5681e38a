"""``fresh_periods``: each period's schemes are run by other people (issue 19's account-disjoint
evaluation needs criminals that training never saw)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from moneytrail.errors import UsageError
from moneytrail.synth import generate
from moneytrail.synth.config import SynthConfig
from moneytrail.synth.population import build_population
from moneytrail.synth.typologies.base import MIN_SHARE

PERIODS = 4
CONFIG = SynthConfig(scale=600, seed=9, days=120, typology_rate=4)


def _periods_of_members(out: Path, kind: str) -> dict[str, set[int]]:
    """For each labelled account (or party), the periods of the instances it took part in."""
    instances = pq.read_table(out / "truth_instances.parquet").to_pylist()
    members = pq.read_table(out / "truth_members.parquet").to_pylist()
    start = min(i["first_ts"] for i in instances)
    span = CONFIG.days / PERIODS
    period = {
        i["instance_id"]: min(int((i["first_ts"] - start).total_seconds() // 86_400 // span), 3)
        for i in instances
    }
    seen: dict[str, set[int]] = defaultdict(set)
    for m in members:
        if m["subject_kind"] == kind:
            seen[m["subject_id"]].add(period[m["instance_id"]])
    return seen


def _split_people() -> tuple[set[str], set[str]]:
    """Ids of the accounts (and their parties) of the pools large enough to be split."""
    pop = build_population(CONFIG)
    accounts: set[str] = set()
    parties: set[str] = set()
    for members in pop.pools.values():
        if len(members) >= MIN_SHARE * PERIODS:
            accounts.update(pop.accounts[a]["id"] for a in members)
            parties.update(pop.parties[pop.account_party[a]]["id"] for a in members)
    return accounts, parties


def test_no_person_or_business_serves_schemes_of_two_periods(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    generate(replace(CONFIG, fresh_periods=PERIODS), out)
    split_accounts, split_parties = _split_people()
    for kind, split in (("account", split_accounts), ("party", split_parties)):
        seen = _periods_of_members(out, kind)
        people = {k: v for k, v in seen.items() if k in split}
        assert len(people) > 50, (kind, len(people))  # the schemes do use these pools
        shared = {k: v for k, v in people.items() if len(v) > 1}
        assert not shared, (kind, len(shared), list(shared.items())[:3])
        assert set().union(*people.values()) == set(range(PERIODS))  # every period has schemes


def test_the_default_reuses_people_across_the_year(tmp_path: Path) -> None:
    """Without fresh periods the same people recur (which is what makes the check above able
    to fail), and the scenario is the one the option's default gives byte for byte."""
    plain, one = tmp_path / "plain", tmp_path / "one"
    generate(CONFIG, plain)
    generate(replace(CONFIG, fresh_periods=1), one)
    split_accounts, _ = _split_people()
    seen = _periods_of_members(plain, "account")
    assert any(len(v) > 1 for k, v in seen.items() if k in split_accounts)
    for name in ("transactions.parquet", "truth_members.parquet", "accounts.parquet"):
        assert (plain / name).read_bytes() == (one / name).read_bytes(), name


@pytest.mark.parametrize("periods", [0, 367], ids=["zero", "too-many"])
def test_bad_period_counts_are_refused(periods: int) -> None:
    with pytest.raises(UsageError):
        replace(CONFIG, fresh_periods=periods)
