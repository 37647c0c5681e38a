"""Deterministic identifiers from natural keys.

An id is the MD5 hex digest of its parts joined by the unit separator (U+001F), prefixed by the
kind of thing ("tx", "account", "party"...). The same function exists in SQL
(:func:`natural_key_sql`), so that Python readers and SQL readers mint identical ids and
re-ingesting the same data changes nothing. MD5 is used as a fingerprint, not for security:
it is available in DuckDB and Spark SQL alike and is fast.

Natural keys used across readers (documented in docs/data-model.md):

* account: ``("account", kind, scope, number)``: an IBAN or MSISDN needs no scope; a bank
  account number without IBAN is scoped by its institution (BIC or name); benchmark data sets by
  their data-set namespace.
* transaction: ``("tx", scope, external id)`` when the source gives a transaction id, else
  ``("tx", scope, account, timestamp, amount, currency, counterparty, occurrence)`` where
  occurrence numbers identical rows so that two equal payments in a day both survive.
* party: ``("party", scope, key)`` where the key is the source's own id or the normalised name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SEPARATOR = "\x1f"


def natural_key(kind: str, *parts: object) -> str:
    """Id of ``kind`` from ``parts`` (``None`` becomes the empty string).

    >>> natural_key("account", "mobile_money", "", "+22376123456")
    '...'
    """
    text = SEPARATOR.join([kind, *("" if p is None else str(p) for p in parts)])
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def natural_key_sql(kind: str, parts: Iterable[str]) -> str:
    """SQL expression computing :func:`natural_key` from SQL expressions ``parts``.

    ``kind`` must be a literal word chosen by the code, never user input.
    """
    if not kind.replace("_", "").isalnum():
        raise ValueError(f"kind must be a plain word: {kind!r}")
    args = ", ".join(f"coalesce(CAST({p} AS VARCHAR), '')" for p in parts)
    return f"md5(concat_ws(chr(31), '{kind}', {args}))"
