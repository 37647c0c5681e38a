"""A trace starts from what the analyst writes: numbers in any form, names, bank references.

One story, "ransom_paid_to_a_wallet_then_wired_to_france": Oumar's wallet pays Aïssata's
1 250 000 (the operator's reference OM2400300004); Aïssata wires 1 000 000 to a French IBAN.
Every written form of the same account (or transaction) must give the same trace, by
``ws.trace`` and by :func:`moneytrail.trace.trace` with the store's fast path.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.errors import UsageError
from moneytrail.model.identifiers import account_number_forms
from moneytrail.subjects import account_ids, subject, transaction_ids
from moneytrail.trace import Seed, TraceResult, trace
from moneytrail.trace.seeds import resolve_accounts, store_region
from moneytrail.trace.store import open_store
from moneytrail.workspace import Workspace
from tests.trace.stories import acc_id, tx_id, write_story

AISSATA, OUMAR = "+22376123456", "+22370112233"
IBAN = "FR1420041010050500013M02606"
ACCOUNTS = [(OUMAR, "mobile_money", "ML"), (AISSATA, "mobile_money", "ML"), (IBAN, "bank", "FR")]
TXS = [
    ("OM2400300004", "2024-03-02 07:36", OUMAR, AISSATA, 1_250_000, "mobile_money"),
    ("VIR-0007", "2024-03-04 10:00", AISSATA, IBAN, 1_000_000, "wire"),
]
WALLET_FORMS = [
    "+223 76 12 34 56",
    "76 12 34 56",
    "76.12.34.56",
    "0022376123456",
    "00223 76 12 34 56",
]
IBAN_FORMS = [
    "FR14 2004 1010 0505 0001 3M02 606",
    "fr14 2004 1010 0505 0001 3m02 606",
    IBAN.lower(),
]


@pytest.fixture
def story(ws: Workspace) -> Workspace:
    write_story(ws.engine, ACCOUNTS, TXS, holders={AISSATA: "Aïssata Maïga"})
    return ws


def ends(result: TraceResult) -> dict[tuple[str, str | None], Decimal]:
    return {(e.kind.value, e.account_number): e.amount for e in result.endpoints}


@pytest.mark.parametrize("written", [AISSATA, acc_id(AISSATA), *WALLET_FORMS])
def test_a_wallet_in_any_written_form_is_the_same_seed(story: Workspace, written: str) -> None:
    expected = {("abroad", IBAN): Decimal(1_000_000), ("held", AISSATA): Decimal(250_000)}
    assert ends(story.trace(Seed(accounts=(written,)))) == expected
    # The library function reads the same forms through the trace store's hashes.
    assert ends(trace(story.engine, Seed(accounts=(written,)))) == expected


@pytest.mark.parametrize("written", IBAN_FORMS)
def test_an_iban_with_spaces_or_in_lower_case_is_found(story: Workspace, written: str) -> None:
    assert account_ids(story.engine, [written]) == [acc_id(IBAN)]
    assert resolve_accounts(story.engine, [written], open_store(story.engine)) == [acc_id(IBAN)]
    arrived = story.trace(Seed(accounts=(written,)))  # forward: what arrived on the IBAN
    assert arrived.seed_amount == Decimal(1_000_000)


def test_store_and_sql_lookups_agree_and_read_the_home_country(story: Workspace) -> None:
    store = open_store(story.engine)
    assert store_region(store) == "ML"  # two accounts of three are in Mali
    for written in [*WALLET_FORMS, *IBAN_FORMS, acc_id(OUMAR), OUMAR]:
        assert resolve_accounts(story.engine, [written], store) == account_ids(
            story.engine, [written]
        ), written


@pytest.mark.parametrize("written", ["OM2400300004", tx_id("OM2400300004"), " OM2400300004 "])
def test_a_transaction_by_its_bank_reference_or_its_id(story: Workspace, written: str) -> None:
    assert transaction_ids(story.engine, [written]) == [tx_id("OM2400300004")]
    result = story.trace(Seed(transactions=(written,)))
    assert result.seed_amount == Decimal(1_250_000)
    assert ends(result) == {
        ("abroad", IBAN): Decimal(1_000_000),
        ("held", AISSATA): Decimal(250_000),
    }


@pytest.mark.parametrize(
    "written", ["Aïssata Maïga", "aissata maiga", "AÏSSATA  MAÏGA", " Aissata Maiga "]
)
def test_a_party_by_name_in_any_case_with_or_without_accents(
    story: Workspace, written: str
) -> None:
    result = story.trace(Seed(party=written))
    assert ends(result) == {
        ("abroad", IBAN): Decimal(1_000_000),
        ("held", AISSATA): Decimal(250_000),
    }
    found = subject(story.engine, written)
    assert (found.kind, found.account_ids) == ("party", (acc_id(AISSATA),))


@pytest.mark.parametrize(
    ("seed", "key", "named"),
    [
        (Seed(accounts=("+223 99 99 99 99",)), "error.trace_unknown_account", "+223 99 99 99 99"),
        (Seed(transactions=("OM2400399999",)), "error.trace_unknown_transaction", "OM2400399999"),
        (Seed(party="Personne Inconnue"), "error.trace_unknown_party", "Personne Inconnue"),
    ],
)
def test_an_unknown_reference_is_named_in_the_message(
    story: Workspace, seed: Seed, key: str, named: str
) -> None:
    with pytest.raises(UsageError) as err:
        story.trace(seed)
    assert err.value.key == key
    assert named in err.value.render("fr") and named in err.value.render("en")


def test_an_unknown_subject_says_what_was_looked_for(story: Workspace) -> None:
    with pytest.raises(UsageError) as err:
        subject(story.engine, "Nobody")
    assert err.value.key == "error.subject_unknown"
    assert "Unknown subject in the workspace: Nobody" in err.value.render("en")


def test_the_readme_example_runs_on_the_shipped_samples(cli: Any, tmp_path: Path) -> None:
    # README: `moneytrail trace -w W --account "+223 76 12 34 56"` on the demo's samples.
    from importlib import resources

    samples = resources.files("moneytrail") / "samples"
    names = ("orange_money_2024-03.csv", "releve_bdm_2024-03.camt053.xml")
    files = [str(samples / name) for name in names]
    folder = tmp_path / "enquete"
    assert cli("init", folder).code == 0
    loaded = cli("ingest", "-w", folder, *files, "--json")
    assert loaded.code == 0, loaded.err
    res = cli(
        "trace", "-w", folder, "--account", "+223 76 12 34 56", "--policy", "fifo", "--hops", "4",
        "--json",
    )  # fmt: skip
    assert res.code == 0, res.err
    assert Decimal(res.json()["seed_amount"]) > 0
    res = cli("trace", "-w", folder, "--transaction", "OM2400300004", "--json")
    assert res.code == 0, res.err
    assert res.json()["seed_amount"] == "1250000"


@given(
    st.integers(min_value=60_000_000, max_value=99_999_999),
    st.sampled_from(["", " ", ".", "-", "\u00a0"]),
)
def test_every_written_form_of_a_malian_wallet_has_its_stored_form(number: int, sep: str) -> None:
    digits = str(number)
    pairs = sep.join(digits[i : i + 2] for i in range(0, 8, 2))
    for written in (pairs, f"+223{sep}{pairs}", f"00223{sep}{pairs}", f" {pairs} "):
        assert f"+223{digits}" in account_number_forms(written, "ML"), written
