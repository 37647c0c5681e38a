"""A seeded trace on Spark gives DuckDB's endpoints: kind, account, amount, share and every
listed path's transactions (decision 0140, :mod:`moneytrail.api.spark_trace`).

Seeds come from the generated typologies' ground truth (``truth_members.parquet``) and from
the shipped Orange Money sample: accounts (by id, by a national form of the number, through a
party's name), transactions (by the generator's bank reference), an amount on an account;
forward and backward, under each policy, with and without a window, hop limits down to 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from moneytrail.engine import DuckDBEngine
from moneytrail.engine.schema import migrate
from moneytrail.errors import UsageError
from moneytrail.trace import (
    Direction,
    EndpointKind,
    Policy,
    Seed,
    TraceResult,
    TraceSettings,
    trace,
)
from moneytrail.trace.store import amount_scale
from tests.spark.conftest import Pair
from tests.trace.stories import tx_id, write_story

WALLET = "+22364036515"  # a busy Orange Money wallet of the shipped sample (Boureima Cissé)


@dataclass(frozen=True)
class Case:
    """A seed named by its role in a generated typology, and the settings to trace it with."""

    typology: str
    role: str
    kind: str  # "account" or "transaction" (traced by its bank reference)
    settings: TraceSettings = field(default_factory=TraceSettings)


CASES = {
    "ransom-payer-forward-fifo": Case("kidnap_ransom", "ransom_payer", "account"),
    "ransom-split-reference-pro-rata": Case(
        "kidnap_ransom", "ransom_split", "transaction", TraceSettings(policy=Policy.PRO_RATA)
    ),
    "cash-out-agent-backward-poison": Case(
        "kidnap_ransom",
        "cash_out_agent",
        "account",
        TraceSettings(policy=Policy.POISON, direction=Direction.BACKWARD, max_hops=4),
    ),
    "mule-origin-lifo-window": Case(
        "mule_chain", "origin", "account", TraceSettings(policy=Policy.LIFO, window_days=2.5)
    ),
    "gather-hub-two-hops": Case("gather_scatter", "hub", "account", TraceSettings(max_hops=2)),
    "remittance-backward-pro-rata": Case(
        "zakat_extortion",
        "remittance_up",
        "transaction",
        TraceSettings(policy=Policy.PRO_RATA, direction=Direction.BACKWARD),
    ),
    "donor-listed-through-borders": Case("sanctioned_proxy", "donor", "account"),
    "ransom-payer-hops-0": Case(
        "kidnap_ransom", "ransom_payer", "account", TraceSettings(max_hops=0)
    ),
}


def _member(pair: Pair, typology: str, role: str, kind: str) -> str:
    """The first subject (by id) of ``role`` in the first instance of ``typology``."""
    truth = next(str(p) for p in pair.files if p.name == "truth_members.parquet")
    rows = pair.duck.engine.fetchall(
        "SELECT subject_id FROM read_parquet(?) WHERE instance_id LIKE ? AND role = ?"
        " AND subject_kind = ? ORDER BY instance_id, subject_id LIMIT 1",
        [truth, f"%-{typology}-%", role, kind],
    )
    assert rows, (typology, role, kind)
    return str(rows[0][0])


def _seed(pair: Pair, case: Case) -> Seed:
    subject = _member(pair, case.typology, case.role, case.kind)
    if case.kind == "account":
        return Seed(accounts=(subject,))
    [(ext_id,)] = pair.duck.engine.fetchall(
        "SELECT ext_id FROM transactions WHERE id = ?", [subject]
    )
    return Seed(transactions=(str(ext_id),))


def endpoints(result: TraceResult) -> list[tuple[Any, ...]]:
    """Endpoints with their paths' transactions, largest first; endpoints of equal amount by
    kind and account (their listed order follows internal account numbers, which differ)."""
    rows = [
        (
            e.amount,
            e.kind.value,
            e.account_id or "",
            e.account_number,
            e.share,
            e.paths_total,
            e.holder,
            e.place,
            [(p.amount, p.transaction_ids, p.channels, p.countries) for p in e.paths],
        )
        for e in result.endpoints
    ]
    return sorted(rows, key=lambda r: (-r[0], r[1], r[2]))


def _same(duck: TraceResult, spark: TraceResult) -> None:
    assert endpoints(spark) == endpoints(duck)
    assert [e.amount for e in spark.endpoints] == [e.amount for e in duck.endpoints]
    for name in ("seed_amount", "currency", "unexplained_share", "endpoints_total"):
        assert getattr(spark, name) == getattr(duck, name), name
    assert spark.endpoints_omitted_amount == duck.endpoints_omitted_amount
    assert spark.settings == duck.settings


@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_trace_endpoints_equal_duckdb(pair: Pair, name: str) -> None:
    case = CASES[name]
    seed = _seed(pair, case)
    settings = case.settings
    if name == "donor-listed-through-borders":  # the screening and exchange hooks
        listed = frozenset({_member(pair, "sanctioned_proxy", "beneficiary_abroad", "account")})
        exchange = frozenset({_member(pair, "sanctioned_proxy", "intermediary", "account")})
        stops = settings.stop_at - {EndpointKind.ABROAD}
        settings = TraceSettings(
            max_hops=4, stop_at=stops, sanctioned_accounts=listed, exchange_accounts=exchange
        )
    duck, spark = pair.duck.trace(seed, settings), pair.spark.trace(seed, settings)
    assert duck.endpoints, "a seed that moves no money compares nothing"
    _same(duck, spark)
    print(f"\ntrace {name}: {len(duck.endpoints)} endpoints, 0 differences")


@pytest.mark.parametrize(
    ("name", "seed", "settings"),
    [
        ("number-in-national-form", Seed(accounts=("64 03 65 15",)), TraceSettings(max_hops=3)),
        (
            "party-by-name-without-accents",
            Seed(party="boureima cisse"),
            TraceSettings(policy=Policy.PRO_RATA, max_hops=3, window_days=10),
        ),
        (
            "amount-on-an-account",
            Seed(accounts=(WALLET,), amount=Decimal("150000")),
            TraceSettings(max_hops=4),
        ),
        (
            "amount-backward-with-window",
            Seed(accounts=(WALLET,), amount=Decimal("90000")),
            TraceSettings(direction=Direction.BACKWARD, window_days=7, max_hops=3),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_named_seeds_resolve_as_on_duckdb(
    pair: Pair, name: str, seed: Seed, settings: TraceSettings
) -> None:
    duck, spark = pair.duck.trace(seed, settings), pair.spark.trace(seed, settings)
    assert duck.endpoints, name
    _same(duck, spark)


@pytest.mark.parametrize(
    ("seed", "key"),
    [
        (Seed(accounts=("+22300000000",)), "error.trace_unknown_account"),
        (Seed(party="Personne Inconnue"), "error.trace_unknown_party"),
        (Seed(transactions=("OM-NONE",)), "error.trace_unknown_transaction"),
        (Seed(accounts=(WALLET, "+22397353118"), amount=Decimal(5)), None),
    ],
    ids=["account", "party", "transaction", "amount-on-two-accounts"],
)
def test_unknown_seeds_are_refused_alike(pair: Pair, seed: Seed, key: str | None) -> None:
    with pytest.raises(UsageError) as duck:
        pair.duck.trace(seed, TraceSettings())
    with pytest.raises(UsageError) as spark:
        pair.spark.trace(seed, TraceSettings())
    assert spark.value.key == duck.value.key
    assert key is None or spark.value.key == key
    assert str(spark.value) == str(duck.value)


def test_cli_traces_a_spark_workspace(pair: Pair, cli: Any) -> None:
    """``moneytrail trace -w <spark workspace>`` prints DuckDB's endpoints (the DuckDB side
    through the API: the fixture holds its workspace open)."""
    args = ("trace", "--account", WALLET, "--hops", "3", "--policy", "pro-rata", "--json")
    res = cli(*args, "-w", pair.spark.path)
    assert res.code == 0, res.err
    doc = res.json()
    settings = TraceSettings(policy=Policy.PRO_RATA, max_hops=3)
    want = pair.duck.trace(Seed(accounts=(WALLET,)), settings)
    got = [
        (Decimal(e["amount"]), e["kind"], e["account_id"] or "", e["account_number"],
         Decimal(e["share"]), e["paths_total"], e["holder"], e["place"],
         [(Decimal(p["amount"]), p["transaction_ids"], p["channels"], p["countries"])
          for p in e["paths"]])
        for e in doc["endpoints"]
    ]  # fmt: skip
    assert want.endpoints
    assert sorted(got, key=lambda r: (-r[0], r[1], r[2])) == endpoints(want)
    assert Decimal(doc["seed_amount"]) == want.seed_amount


# Euros: B holds 20 clean and 10 traced, then pays 10 to C. Pro-rata, C gets 3.33 traced when
# amounts are counted in cents, 3 when in whole euros.
EURO_ACCOUNTS = [("A", "bank", "FR"), ("B", "bank", "FR"), ("C", "bank", "FR")]
EURO_TXS = [
    ("E1", "2024-03-01 10:00", None, "B", 20, "wire"),
    ("E2", "2024-03-01 11:00", "A", "B", 10, "wire"),
    ("E3", "2024-03-01 12:00", "B", "C", 10, "wire"),
]
CENTS = (
    [("X", "bank", "FR"), ("Y", "bank", "FR")],
    [("E9", "2024-03-02 09:00", "X", "Y", "0.50", "wire")],
)


def _euro_engine(extra: bool) -> DuckDBEngine:
    engine = DuckDBEngine()
    migrate(engine)
    accounts, txs = EURO_ACCOUNTS, EURO_TXS
    if extra:  # elsewhere in the workspace, an amount with cents
        accounts, txs = accounts + CENTS[0], txs + CENTS[1]
    write_story(engine, accounts, txs, currency="EUR")
    return engine


def test_the_copy_is_traced_at_the_whole_workspace_amount_scale() -> None:
    """Why ``trace(..., scale=)``: the reached sub-graph alone (whole euros) would count in
    euros and round pro-rata shares to the euro; the whole workspace counts in cents."""
    whole, part = _euro_engine(extra=True), _euro_engine(extra=False)
    try:
        seed, settings = Seed(transactions=(tx_id("E2"),)), TraceSettings(policy=Policy.PRO_RATA)
        want = trace(whole, seed, settings)
        assert (amount_scale(whole), amount_scale(part)) == (2, 0)
        held = {e.account_number: e.amount for e in want.endpoints}
        assert held == {"B": Decimal("6.67"), "C": Decimal("3.33")}
        assert endpoints(trace(part, seed, settings)) != endpoints(want)  # counted in euros
        assert endpoints(trace(part, seed, settings, scale=2)) == endpoints(want)
    finally:
        whole.close()
        part.close()
