"""Workspaces big enough that a job runs for seconds, built straight in SQL (fast to make).

Why SQL and not ``synth`` + ``ingest``: a kill test needs a job that is still running after a
couple of seconds on a 2-core machine, and building its input must stay cheap. Rows follow the
canonical model (the columns the ingest commit writes) and are deterministic: the same call
makes the same workspace.
"""

from __future__ import annotations

from pathlib import Path

from moneytrail.workspace import Workspace

_SOURCE = (
    "INSERT INTO sources VALUES ('bulk', 'bulk.sql', 'x', 0, 'test', NULL,"
    " TIMESTAMP '2024-01-01', ?, 0, 'test')"
)
_PARTIES = """
INSERT INTO parties (id, kind, name, country, source_id, source_row)
SELECT md5('party' || i), CASE WHEN i % 10 = 0 THEN 'company' ELSE 'person' END,
       ['Mamadou', 'Aminata', 'Oumar', 'Fatoumata', 'Ibrahim', 'Awa', 'Moussa', 'Mariam'][1 + i % 8]
       || ' ' || ['Traoré', 'Diarra', 'Keïta', 'Coulibaly', 'Cissé', 'Maïga', 'Touré'][1 + (i // 8) % 7]
       || ' ' || CAST(i AS VARCHAR),
       'ML', 'bulk', i
FROM range(?) t(i)
"""
_ACCOUNTS = """
INSERT INTO accounts (id, kind, number, currency, country, holder_party_id, source_id, source_row)
SELECT md5('account' || i), CASE WHEN i % 3 = 0 THEN 'bank' ELSE 'mobile_money' END,
       '+2237' || lpad(CAST(i AS VARCHAR), 7, '0'), 'XOF', 'ML', md5('party' || i), 'bulk', i
FROM range(?) t(i)
"""
# Amounts: mostly small transfers, some large cash deposits (large_cash and structuring hit).
_TRANSACTIONS = """
INSERT INTO transactions (id, ts, src_account_id, dst_account_id, amount, currency,
                          amount_reporting, channel, source_id, source_row)
SELECT md5('tx' || i), TIMESTAMP '2024-01-01' + to_seconds(i * 7 % 31536000),
       CASE WHEN i % 50 = 0 THEN NULL ELSE md5('account' || ((i * 7919) % ?)) END,
       md5('account' || ((i * 104729) % ?)),
       a, 'XOF', a,
       CASE WHEN i % 50 = 0 THEN 'cash_deposit' ELSE 'mobile_money' END, 'bulk', i
FROM (SELECT i, CAST(CASE WHEN i % 50 = 0 THEN 2500000 + (i * 37) % 5000000
                          ELSE 1000 + (i * 37) % 900000 END AS DECIMAL(38, 8)) AS a
      FROM range(?) t(i))
"""


def bulk_workspace(folder: Path, transactions: int, accounts: int = 50_000) -> Path:
    """A workspace in ``folder`` with ``accounts`` accounts (and their holders) and
    ``transactions`` transactions over 2024; returns ``folder``."""
    with Workspace.init(folder) as ws:
        e = ws.engine
        e.execute(_SOURCE, [transactions])
        e.execute(_PARTIES, [accounts])
        e.execute(_ACCOUNTS, [accounts])
        e.execute(_TRANSACTIONS, [accounts, accounts, transactions])
    return folder
