"""The accounts a unit's cases put under analysis, for the scoring model's memory (issue 19).

Why here: the case store is the only place that knows who is under analysis and since when;
the model (``moneytrail.detect``) must not depend on the case store, so the API layer reads
these rows and hands them over as plain values (decision 0146).

Assumptions written down:

* Every subject of every case counts, whatever the case's status: a subject is someone the unit
  chose to investigate, and a closed case keeps its subjects known (as a confirmed alert stays
  confirmed). A team store shared by several workspaces gives the subjects of all of them:
  account ids are natural keys, so the same account has the same id in every workspace and one
  that a workspace lacks is simply not found there.
* A party subject stands for the accounts found for it when it was added (``details``), the
  account subject for itself and those.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from moneytrail.cases.store import CASES_FILE, URL_VARIABLE, CaseStore, default_url


@dataclass(frozen=True)
class SubjectAccount:
    """An account under analysis: its id, when it was added (the store's ISO text) and the
    case's reference."""

    account_id: str
    added_at: str
    case: str


def subject_accounts(store: CaseStore) -> list[SubjectAccount]:
    """Every (account, date added, case) of the store's case subjects, in case and subject order."""
    from sqlalchemy import select

    from moneytrail.cases.tables import Case, Subject

    query = (
        select(Subject.kind, Subject.key, Subject.details, Subject.added_at, Case.ref)
        .join(Case, Case.id == Subject.case_id)
        .order_by(Case.id, Subject.id)
    )
    out: list[SubjectAccount] = []
    with store.reading() as session:
        for kind, key, details, added_at, ref in session.execute(query):
            accounts = [str(a) for a in json.loads(details or "{}").get("accounts", [])]
            if kind == "account" and key not in accounts:
                accounts.insert(0, key)
            out += [SubjectAccount(account, added_at, ref) for account in accounts]
    return out


def workspace_subject_accounts(workspace_dir: Path) -> list[SubjectAccount]:
    """The subject accounts of the workspace's case store, or none when it has no store yet
    (no ``cases.sqlite`` and no ``$MONEYTRAIL_CASES_URL``): scoring never creates one."""
    import os

    if not os.environ.get(URL_VARIABLE, "").strip() and not (workspace_dir / CASES_FILE).is_file():
        return []
    store = CaseStore.open(default_url(workspace_dir))
    try:
        return subject_accounts(store)
    finally:
        store.close()
