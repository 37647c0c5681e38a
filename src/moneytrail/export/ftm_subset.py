"""FollowTheMoney entities of part of a workspace: the accounts and parties of a chart.

Why: the analyst hands the neighbourhood of one suspect to a partner's Aleph, not the whole
workspace. The entities are the ones :mod:`moneytrail.export.ftm` writes for the same rows
(same ids, same mapping), restricted to the given nodes: their parties (and the holders of
their accounts), their accounts with ownerships, and the payments between two of the accounts
(or between one of them and the outside of the data).

Example::

    text = ego_ftm_lines(ws.engine, ego.index.keys())
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.export.ftm import (
    _PARTIES_SQL,
    _account,
    _ownership,
    _party,
    _payment,
)
from moneytrail.model.ftm import pseudo_account_id


def ego_ftm_lines(engine: Engine, node_ids: Iterable[str]) -> str:
    """FtM JSON lines (one entity per line, sorted keys) for the parties and accounts
    among ``node_ids``."""
    wanted = sorted(set(node_ids))
    accounts = list(
        _rows(
            engine,
            "SELECT id, kind, institution, number, name, currency, country, holder_party_id"
            " FROM accounts WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
            [wanted],
        )
    )
    holders = {a["holder_party_id"] for a in accounts if a["holder_party_id"]}
    parties = sorted(set(wanted) | holders)
    lines: list[str] = []
    party_sql = _PARTIES_SQL.replace(
        " GROUP BY ALL", " WHERE p.id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL"
    )
    for row in _rows(engine, party_sql, [parties]):
        lines.append(_dump(_party(row).to_dict()))
    pseudo: set[str] = set()
    for row in accounts:
        holder = row["holder_party_id"]
        if holder and row["id"] == pseudo_account_id(holder):
            pseudo.add(row["id"])
            continue
        lines.append(_dump(_account(row).to_dict()))
        if holder:
            lines.append(_dump(_ownership(holder, row["id"]).to_dict()))
    ids = [a["id"] for a in accounts]
    for row in _rows(engine, _PAYMENTS_SQL, [ids]):
        lines.append(_dump(_payment(row, pseudo).to_dict()))
    return "".join(line + "\n" for line in lines)


_PAYMENTS_SQL = (
    "WITH own AS (SELECT unnest(?::VARCHAR[]) AS id)"
    " SELECT t.id, t.ext_id, strftime(t.ts, '%Y-%m-%dT%H:%M:%S') AS ts,"
    " CAST(t.amount AS VARCHAR) AS amount, t.currency, t.reference,"
    " t.src_account_id, t.dst_account_id, s.holder_party_id AS payer,"
    " d.holder_party_id AS beneficiary"
    " FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
    " LEFT JOIN accounts d ON d.id = t.dst_account_id"
    " WHERE (t.src_account_id IN (SELECT id FROM own) OR t.src_account_id IS NULL)"
    " AND (t.dst_account_id IN (SELECT id FROM own) OR t.dst_account_id IS NULL)"
    " ORDER BY t.ts, t.id"
)


def _rows(engine: Engine, sql: str, params: Sequence[Any]) -> Iterator[dict[str, Any]]:
    for batch in engine.iter_batches(sql, params, size=10_000):
        yield from batch.to_pylist()


def _dump(entity: object) -> str:
    return json.dumps(entity, ensure_ascii=False, sort_keys=True)
