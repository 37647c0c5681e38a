"""The generator: determinism, canonical layout, a Sahel-shaped population."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from moneytrail.errors import UsageError
from moneytrail.ingest.canonical import STAGING
from moneytrail.synth import SynthResult, generate
from moneytrail.synth.typologies import TYPOLOGIES
from tests.synth.conftest import SMALL


def digests(result: SynthResult) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in result.files.items()}


def test_same_seed_gives_byte_identical_files(scenario: SynthResult, tmp_path: Path) -> None:
    again = generate(SMALL, tmp_path / "again")
    assert digests(again) == digests(scenario)


def test_other_seed_gives_other_data(scenario: SynthResult, tmp_path: Path) -> None:
    other = generate(replace(SMALL, seed=6), tmp_path / "other")
    assert digests(other)["transactions"] != digests(scenario)["transactions"]


def test_chunking_does_not_change_the_data(tmp_path: Path) -> None:
    config = replace(SMALL, scale=100, days=28, row_group_size=500)
    weekly = generate(config, tmp_path / "weekly")
    daily = generate(replace(config, chunk_days=1), tmp_path / "daily")
    assert weekly.rows == daily.rows
    assert digests(weekly) == digests(daily)  # same bytes: chunks only bound memory


def test_files_have_exactly_the_canonical_columns(scenario: SynthResult) -> None:
    for kind in ("parties", "accounts", "identifiers", "transactions"):
        schema = pq.read_schema(scenario.files[kind])
        assert schema.names == STAGING[kind].names
        assert pq.read_metadata(scenario.files[kind]).num_rows == scenario.rows[kind]


def test_every_typology_is_injected(scenario: SynthResult) -> None:
    assert set(scenario.instances) == set(TYPOLOGIES)
    assert len(TYPOLOGIES) == 18


def test_transactions_are_whole_xof_in_time_order(scenario: SynthResult) -> None:
    tx = pq.read_table(scenario.files["transactions"]).to_pydict()
    assert set(tx["currency"]) == {"XOF"}
    assert all(a > 0 and a == a.to_integral_value() for a in tx["amount"])
    assert tx["ts"] == sorted(tx["ts"])
    assert tx["source_row"] == list(range(1, len(tx["ts"]) + 1))
    assert len(set(tx["id"])) == len(tx["id"])
    assert max(tx["amount"]) > Decimal(5_000_000)  # legitimate large payments exist too


def test_population_looks_like_the_sahel(scenario: SynthResult) -> None:
    parties = pq.read_table(scenario.files["parties"]).to_pydict()
    accounts = pq.read_table(scenario.files["accounts"]).to_pydict()
    names = " ".join(parties["name"])
    assert any(ch in names for ch in "éïÉ")  # Traoré, Maïga... keep their accents
    aliases = [a for row in parties["aliases"] for a in row]
    assert any("\u0600" <= ch <= "\u06ff" for a in aliases for ch in a)  # Arabic script
    wallets = [
        n for n, k in zip(accounts["number"], accounts["kind"], strict=True) if k == "mobile_money"
    ]
    prefixes = {w[:4] for w in wallets}
    assert {"+223", "+226", "+227", "+221"} <= prefixes
    assert {"bank", "mobile_money", "cash", "hawala", "external"} <= set(accounts["kind"])
    assert len(set(accounts["id"])) == len(accounts["id"])


def test_too_small_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        generate(replace(SMALL, scale=5), tmp_path / "x")
    with pytest.raises(UsageError):
        generate(replace(SMALL, typologies=("no_such",)), tmp_path / "y")


def test_fast_transaction_key_is_the_natural_key() -> None:
    import hashlib

    from moneytrail.model.ids import SEPARATOR, natural_key
    from moneytrail.synth.writer import fast_tx_key

    prefix = hashlib.md5(f"tx{SEPARATOR}synth-5{SEPARATOR}".encode(), usedforsecurity=False)
    for ext in ("synth-5-N0000000000", "synth-5-N0000012345", "x"):
        assert fast_tx_key(prefix, ext) == natural_key("tx", "synth-5", ext)
