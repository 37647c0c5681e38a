"""The accounts the cases put under analysis, read for the scoring model's memory (decision
0146), on both database systems."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.api.cases import CaseDesk
from moneytrail.cases.known import subject_accounts, workspace_subject_accounts
from moneytrail.cases.service import CaseService
from moneytrail.cases.store import CaseStore

PASSWORD = "un mot de passe long"


def test_account_and_party_subjects_give_their_accounts_with_date_and_case(
    store: CaseStore,
) -> None:
    desk = CaseDesk(store)
    desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
    fatou = desk.login("fatou", PASSWORD)
    first, second = desk.new(fatou, "Collecte Gao").ref, desk.new(fatou, "Hawala Kidal").ref
    cases = CaseService(store)
    party = {"accounts": ["acc-1", "acc-2"], "parties": ["party-1"]}
    cases.add_subject("fatou", first, "party", "party-1", "Aïssata Maïga", party)
    cases.add_subject("fatou", first, "account", "acc-9", "ML01 9", {"accounts": [], "parties": []})
    cases.add_subject("fatou", second, "account", "acc-2", "ML01 2", {"accounts": ["acc-2"]})
    found = subject_accounts(store)
    assert [(s.account_id, s.case) for s in found] == [
        ("acc-1", first), ("acc-2", first), ("acc-9", first), ("acc-2", second),
    ]  # fmt: skip
    shown = desk.show(fatou, first).subjects
    assert {s.added_at for s in found[:3]} == {s.added_at for s in shown}


def test_a_workspace_without_a_case_store_gets_none_and_none_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONEYTRAIL_CASES_URL", raising=False)
    assert workspace_subject_accounts(tmp_path) == []
    assert not (tmp_path / "cases.sqlite").exists()
