"""Seeded tracing on a Spark workspace: the reached sub-graph collected to the driver and traced
by the very code that traces a DuckDB workspace.

Why (decision 0140, docs/scale.md): a seeded trace depends only on the transactions from or to
an account its money can pass through (:mod:`moneytrail.trace.reach`), thousands of rows for a
few hops even in a national data set. So Spark finds those rows and the driver traces them with
:func:`moneytrail.trace.trace`, unchanged:

1. the seed is resolved on Spark as the trace store resolves it on DuckDB (accounts by id,
   else every written form of the number in the *whole* workspace's home region; a party;
   transactions by id or bank reference, decided by :func:`~moneytrail.trace.seeds.
   transaction_refs` on copied candidates, ambiguity errors included);
2. the reach and the copy, together, hop by hop: before the walk follows an account's
   outflows, Spark's transactions from or to it are copied into a fresh DuckDB in a
   temporary folder of the driver (one scan of the transactions per hop, filtered by the
   hop's accounts), with the rows of every account they name; DuckDB then runs the hop on
   the copy, mirroring :func:`~moneytrail.trace.reach.reach_accounts` (outflows at or after
   an arrival, within the window, through transactions whose far side is no endpoint,
   ``max_hops`` at most): a superset of what the kernel walks, never less;
3. the rest of the copy: the transactions of the last hop's accounts, the seed transactions
   and one transaction at each end of the workspace's time span (an amount seed without a
   date starts there), the accounts' holders and ``address`` identifiers;
4. the trace on that copy, at the whole workspace's amount scale (pro-rata rounding).

A trace over a superset of the reached transactions equals the trace over all of them (the
property the DuckDB pruning rests on), so endpoints, amounts and paths are DuckDB's
(``tests/spark/test_trace_parity.py``). Named differences: ``transactions_scanned`` counts the
transactions traced on the driver; endpoints of *equal* amount may be listed in another order
(ties follow internal account numbers: insertion order on DuckDB, id order in the copy).

**Size limit**: the reached sub-graph must fit the driver: the disk for the DuckDB copy (the
rows come through Parquet files the executors write and DuckDB reads, never as one collected
result), the memory for the trace's arrays (an estimate of 200 bytes per copied transaction)
and the frontier (one ``(account, time)`` per arrival). Many hops without a window through a
hub (a cash agent) can reach most of the workspace: the 50M benchmark's 4-hop trace from the
busiest sender copies 29 million of the 50 million transactions (decision 0150).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.engine.duckdb_engine import DuckDBEngine
    from moneytrail.engine.spark_engine import SparkEngine
    from moneytrail.trace.model import Seed, TraceResult, TraceSettings

MICROS_PER_DAY = 86_400_000_000

_ACCOUNTS_BY_ID_SQL = "SELECT id FROM accounts WHERE list_contains(?, id)"
_ACCOUNTS_BY_NUMBER_SQL = "SELECT id, number FROM accounts WHERE list_contains(?, number)"
_PARTY_BY_ID_SQL = "SELECT id FROM parties WHERE id = ?"
_PARTY_NAMES_SQL = "SELECT id, name FROM parties"
# The same test as moneytrail.subjects, run by DuckDB on the driver: Spark has no strip_accents.
_PARTY_BY_NAME_SQL = (
    "SELECT id FROM party_names WHERE id = ?"
    " OR lower(strip_accents(name)) = lower(strip_accents(?)) ORDER BY id"
)
_HELD_BY_SQL = "SELECT id FROM accounts WHERE list_contains(?, holder_party_id) ORDER BY id"
_CANDIDATES_SQL = (
    "SELECT * FROM transactions WHERE list_contains(?, id) OR list_contains(?, ext_id)"
)
_SOURCES_SQL = "SELECT * FROM sources WHERE list_contains(?, id)"
_SPAN_SQL = "SELECT min(ts), max(ts) FROM transactions"
_ENDS_SQL = "SELECT ts, min(id) FROM transactions WHERE ts = ? OR ts = ? GROUP BY ts"
# Run by DuckDB on the copy ({accounts}: the accounts copied so far). {near}/{far}: "src"/"dst"
# chosen by the direction (never user text). ``go``: the far side is no endpoint,
# StopCode.GO_ON of moneytrail.trace.reach (the conditions are appended).
_EDGES_SQL = """
SELECT t.id, t.{near}_account_id AS near, t.{far}_account_id AS far, t.ts,
       fa.id IS NOT NULL{stops} AS go
FROM transactions t
LEFT JOIN {accounts} na ON na.id = t.{near}_account_id
LEFT JOIN {accounts} fa ON fa.id = t.{far}_account_id
"""
_FAR_COUNTRY = "coalesce(t.{far}_country, fa.country)"
_NEAR_COUNTRY = "coalesce(t.{near}_country, na.country)"
_HOP_SQL = """
SELECT DISTINCT e.far AS account, e.ts FROM {frontier} f JOIN ({edges}) e ON e.near = f.account
WHERE e.go AND (f.lo IS NULL OR e.ts >= f.lo) AND (f.hi IS NULL OR e.ts <= f.hi)
"""
_HOME_SQL = (
    "SELECT country FROM {accounts} WHERE list_contains(?, id) AND country IS NOT NULL"
    " GROUP BY country ORDER BY count(*) DESC, country LIMIT 1"
)
# Run by Spark: the transactions from or to the accounts of a view, accounts and what
# describes them.
_PULL_SQL = """
SELECT t.* FROM transactions t
WHERE t.src_account_id IN (SELECT account FROM {accounts})
   OR t.dst_account_id IN (SELECT account FROM {accounts})
"""
_BY_ID_SQL = "SELECT * FROM transactions WHERE list_contains(?, id)"
_ACCOUNT_ROWS_SQL = "SELECT a.* FROM accounts a WHERE a.id IN (SELECT account FROM {accounts})"
_COPY_SQL = {
    "parties": "SELECT p.* FROM parties p WHERE p.id IN (SELECT a.holder_party_id"
    " FROM accounts a WHERE a.id IN (SELECT account FROM {accounts}))",
    "identifiers": "SELECT i.* FROM identifiers i WHERE i.scheme = 'address'"
    " AND i.owner_id IN (SELECT account FROM {accounts})",
}
_NAMED_SQL = (
    "SELECT src_account_id FROM transactions WHERE src_account_id IS NOT NULL"
    " UNION SELECT dst_account_id FROM transactions WHERE dst_account_id IS NOT NULL"
)
COPIED_ACCOUNTS = "mt_copy_accounts"
_EMPTY_ACCOUNTS_SQL = f"CREATE TEMP TABLE {COPIED_ACCOUNTS} AS SELECT * FROM accounts LIMIT 0"  # noqa: S608

Arrival = tuple[str, datetime]


def trace_on_spark(
    engine: SparkEngine, seed: Seed, settings: TraceSettings | None = None
) -> TraceResult:
    """The trace of ``seed`` over the Spark workspace of ``engine`` (see the module doc):
    the same result as :meth:`moneytrail.api.Workspace.trace` on a DuckDB workspace."""
    from moneytrail.engine import DuckDBEngine
    from moneytrail.engine.schema import migrate
    from moneytrail.trace import trace
    from moneytrail.trace.model import Seed, TraceSettings
    from moneytrail.trace.seeds import transaction_refs
    from moneytrail.trace.store import amount_scale

    settings = settings or TraceSettings()
    if not seed.accounts and not seed.party and not seed.transactions:
        raise UsageError("error.trace_no_seed")
    folder = Path(tempfile.mkdtemp(prefix="moneytrail-trace-"))
    duck = DuckDBEngine(folder / "trace.duckdb")
    try:
        migrate(duck)
        _copy_candidates(engine, duck, seed.transactions)
        transactions = transaction_refs(duck, seed.transactions) if seed.transactions else []
        accounts = seed_account_ids(engine, seed)
        span = engine.fetchall(_SPAN_SQL)[0]  # the workspace's first and last instants
        ends = _span_ends(engine, span)
        with _Copy(engine, duck) as copy:
            reached = _Reach(copy, settings, accounts, span).accounts(seed, transactions)
            copy.pull(reached | set(accounts))
            copy.add([*transactions, *ends])
            copy.finish()
        resolved = Seed(
            accounts=tuple(accounts),
            transactions=tuple(transactions),
            amount=seed.amount,
            at=seed.at,
        )
        return trace(duck, resolved, settings, scale=amount_scale(engine))
    finally:
        duck.close()
        shutil.rmtree(folder, ignore_errors=True)


def seed_account_ids(engine: SparkEngine, seed: Seed) -> list[str]:
    """Ids of the accounts the seed names or holds through its party, found as the trace
    store finds them (:func:`moneytrail.trace.seeds.resolve_accounts`)."""
    found: set[str] = set()
    if seed.accounts:
        found |= set(_accounts_named(engine, seed.accounts))
    if seed.party:
        found |= set(_party_accounts(engine, seed.party))
    return sorted(found)


def _accounts_named(engine: SparkEngine, refs: Sequence[str]) -> list[str]:
    """By id first; the references no id matches by every written form of a number."""
    from moneytrail import subjects

    by_id = {str(r[0]) for r in engine.fetchall(_ACCOUNTS_BY_ID_SQL, [[r.strip() for r in refs]])}
    rest = [ref for ref in refs if ref.strip() not in by_id]
    if not rest:
        return sorted(by_id)
    region = subjects.home_region(engine)
    forms = {ref: subjects.account_forms(ref, region) for ref in rest}
    wanted = sorted({f for fs in forms.values() for f in fs})
    rows = engine.fetchall(_ACCOUNTS_BY_NUMBER_SQL, [wanted])
    numbers = {str(r[1]) for r in rows}
    for ref in rest:
        if not any(f in numbers for f in forms[ref]):
            raise UsageError("error.trace_unknown_account", account=ref)
    return sorted(by_id | {str(r[0]) for r in rows})


def _party_accounts(engine: SparkEngine, ref: str) -> list[str]:
    """Accounts held by the party ``ref``: by id on Spark; else by name, compared by DuckDB on
    the driver over the parties' ids and names (assumption: no party is named like another
    party's internal id, a 32-character hash)."""
    from moneytrail.engine import scratch_engine

    parties = [str(r[0]) for r in engine.fetchall(_PARTY_BY_ID_SQL, [ref.strip()])]
    if not parties:
        names = scratch_engine()
        try:
            names.create_table_from_arrow("party_names", engine.fetch_arrow(_PARTY_NAMES_SQL))
            rows = names.fetchall(_PARTY_BY_NAME_SQL, [ref.strip(), " ".join(ref.split())])
            parties = [str(r[0]) for r in rows]
        finally:
            names.close()
    held = [str(r[0]) for r in engine.fetchall(_HELD_BY_SQL, [parties])] if parties else []
    if not held:
        raise UsageError("error.trace_unknown_party", party=ref)
    return held


def _copy_candidates(engine: SparkEngine, duck: DuckDBEngine, refs: Sequence[str]) -> set[str]:
    """Copy the transactions whose id or bank reference is one of ``refs`` (and their sources,
    named in an ambiguity error); their ids."""
    if not refs:
        return set()
    wanted = list(dict.fromkeys(ref.strip() for ref in refs))
    rows = engine.fetch_arrow(_CANDIDATES_SQL, [wanted, wanted])
    if rows.num_rows:
        sources = sorted({str(s) for s in rows.column("source_id").to_pylist()})
        duck.append_arrow("sources", engine.fetch_arrow(_SOURCES_SQL, [sources]))
        duck.append_arrow("transactions", rows)
    return {str(i) for i in rows.column("id").to_pylist()}


def _span_ends(engine: SparkEngine, span: tuple[Any, ...]) -> list[str]:
    """One transaction at the first and one at the last instant of the workspace."""
    if span[0] is None:
        return []
    return sorted({str(r[1]) for r in engine.fetchall(_ENDS_SQL, list(span))})


class _Reach:
    """The breadth-first expansion of step 2, run by DuckDB on the copy as it grows: before
    an account's outflows are followed, :meth:`_Copy.pull` brings every transaction from or to
    it, so each hop reads the same rows it would read in the whole workspace (``near`` the
    account money leaves in the trace's direction, ``far`` where it goes, ``go`` whether it
    may go on)."""

    def __init__(
        self,
        copy: _Copy,
        settings: TraceSettings,
        accounts: list[str],
        span: tuple[Any, ...],
    ) -> None:
        from moneytrail.trace.model import Direction

        self.copy = copy
        self.db = copy.duck
        self.settings = settings
        self.forward = settings.direction is Direction.FORWARD
        self.own = accounts
        self.span = span
        days = settings.window_days
        self.window = None if days is None else timedelta(microseconds=int(days * MICROS_PER_DAY))

    def _edges_sql(self) -> tuple[str, list[Any]]:
        """The edges query for the settings' endpoint rules (:func:`moneytrail.trace.reach.
        _code`: unknown far account, sanctioned, cash, exchange, abroad)."""
        from moneytrail.trace.model import EndpointKind

        s = self.settings
        near, far = ("src", "dst") if self.forward else ("dst", "src")
        stops: list[str] = []
        params: list[Any] = []
        if EndpointKind.SANCTIONED in s.stop_at and s.sanctioned_accounts:
            stops.append("list_contains(?, fa.id)")
            params.append(sorted(s.sanctioned_accounts))
        if EndpointKind.CASH in s.stop_at:
            stops.append("(t.channel = ? OR fa.kind = 'cash')")
            params.append("cash_withdrawal" if self.forward else "cash_deposit")
        if EndpointKind.EXCHANGE in s.stop_at:
            listed = " OR list_contains(?, fa.id)" if s.exchange_accounts else ""
            stops.append(f"(t.channel = 'crypto' OR fa.kind = 'crypto'{listed})")
            params += [sorted(s.exchange_accounts)] if s.exchange_accounts else []
        if EndpointKind.ABROAD in s.stop_at:
            fc, nc = _FAR_COUNTRY.format(far=far), _NEAR_COUNTRY.format(near=near)
            home = s.home_country or self._home()
            other = f"({nc} IS NOT NULL AND {fc} <> {nc})"
            if home is not None:
                other = f"({other} OR {fc} <> ?)"
                params.append(home)
            stops.append(f"({fc} IS NOT NULL AND {other})")
        text = "".join(f" AND NOT coalesce({c}, false)" for c in stops)
        sql = _EDGES_SQL.format(near=near, far=far, stops=text, accounts=COPIED_ACCOUNTS)
        return sql, params

    def _home(self) -> str | None:
        """The trace's home country when the settings name none: the most frequent country of
        the seed accounts (:func:`moneytrail.trace.index.home_country`), whose rows the copy
        holds from the first pull on."""
        if not self.own:
            return None
        rows = self.db.fetchall(_HOME_SQL.format(accounts=COPIED_ACCOUNTS), [self.own])
        return str(rows[0][0]) if rows else None

    def accounts(self, seed: Seed, transactions: list[str]) -> set[str]:
        """Accounts traced money can pass through (and the amount seed's account)."""
        self.copy.pull(self.own)  # the seed transactions are copied already
        level = self._starts(seed, transactions)
        always: set[str] = set()
        if seed.amount is not None and len(self.own) == 1:
            when = seed.at or self.settings.start or self.span[0 if self.forward else 1]
            if when is not None:
                level.append((self.own[0], when))
            always.add(self.own[0])
        reached: set[str] = set(always)
        seen = _Seen(self.forward, self.window is None)
        hop = 0
        while level and hop < self.settings.max_hops:
            level = seen.fresh(level)
            reached.update(a for a, _ in level)
            if not level or hop + 1 >= self.settings.max_hops:
                break
            self.copy.pull(a for a, _ in level)
            level = self._expand(level)
            hop += 1
        return reached

    def _starts(self, seed: Seed, transactions: list[str]) -> list[Arrival]:
        """Hop-0 arrivals: the seed transactions and, for accounts without an amount, their
        inflows from other accounts (outflows to others, backward) from ``start`` on."""
        edges, params = self._edges_sql()
        clauses: list[str] = []
        if transactions:
            clauses.append("list_contains(?, id)")
            params.append(transactions)
        if self.own and seed.amount is None:
            since = "" if self.settings.start is None else " AND ts >= ?"
            clauses.append(
                f"(list_contains(?, far) AND NOT coalesce(list_contains(?, near), false){since})"
            )
            params += [self.own, self.own]
            params += [] if self.settings.start is None else [self.settings.start]
        if not clauses:
            return []
        where = " OR ".join(clauses)
        sql = f"SELECT far, ts FROM ({edges}) e WHERE go AND ({where})"  # noqa: S608 - fixed
        return [(str(a), t) for a, t in self.db.fetchall(sql, params)]

    def _expand(self, level: list[Arrival]) -> list[Arrival]:
        """Arrivals one hop further: the frontier as a table of the copy, joined to the edges."""
        import pyarrow as pa

        w = self.window
        lo = [t if self.forward else (None if w is None else t - w) for _, t in level]
        hi = [(None if w is None else t + w) if self.forward else t for _, t in level]
        table = pa.table(
            {
                "account": pa.array([a for a, _ in level], pa.string()),
                "lo": pa.array(lo, pa.timestamp("us")),
                "hi": pa.array(hi, pa.timestamp("us")),
            }
        )
        self.db.create_table_from_arrow(_FRONTIER, table)
        edges, params = self._edges_sql()
        sql = _HOP_SQL.format(frontier=_FRONTIER, edges=edges)
        return [(str(a), t) for a, t in self.db.fetchall(sql, params)]


_FRONTIER = "mt_trace_frontier"


class _Seen:
    """Arrivals already expanded, to skip those that add nothing: without a window an earlier
    arrival (later, backward) on the same account reaches everything a later one does, with
    as many hops left or more; with a window only the same arrival is skipped."""

    def __init__(self, forward: bool, no_window: bool) -> None:
        self.forward = forward
        self.no_window = no_window
        self.best: dict[str, datetime] = {}
        self.pairs: set[Arrival] = set()

    def fresh(self, level: list[Arrival]) -> list[Arrival]:
        if not self.no_window:
            new = sorted(set(level) - self.pairs)
            self.pairs.update(new)
            return new
        first: dict[str, datetime] = {}
        for a, t in level:
            if a not in first or (t < first[a] if self.forward else t > first[a]):
                first[a] = t
        out = []
        for a, t in sorted(first.items()):
            known = self.best.get(a)
            if known is None or (t < known if self.forward else t > known):
                self.best[a] = t
                out.append((a, t))
        return out


class _Copy:
    """Step 3, grown hop by hop: the DuckDB copy of the transactions from or to the accounts
    pulled so far, with the rows of every account they name (in :data:`COPIED_ACCOUNTS`
    until :meth:`finish`).

    Why hop by hop rather than a reach over the whole workspace then a copy (decision 0150):
    each pull is one scan of the transactions filtered by the hop's accounts (a list Spark
    broadcasts), a trace of ``n`` hops makes ``n + 1`` pulls, and the copy, which the trace
    needs anyway, is all the reach reads. The first design joined every transaction to its
    two accounts and kept that as cached edges: at 50 million transactions on two cores that
    join took 178 s and the copy after the reach 188 s, of 434 s. The rows come through
    Parquet files the executors write and DuckDB reads in one statement
    (:meth:`SparkEngine.result_files`): a pull through a hub passes
    ``spark.driver.maxResultSize`` and would not fit the driver's memory as Arrow batches."""

    def __init__(self, engine: SparkEngine, duck: DuckDBEngine) -> None:
        self.engine = engine
        self.duck = duck
        self.pulled: set[str] = set()  # accounts whose every transaction is in the copy
        self.looked_up: set[str] = set()  # accounts whose row was asked of the workspace
        self.view = f"mt_trace_copy_{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> _Copy:
        self.duck.execute(_EMPTY_ACCOUNTS_SQL)
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.session.catalog.dropTempView(self.view)
        for table in (COPIED_ACCOUNTS, _FRONTIER):
            self.duck.execute(f"DROP TABLE IF EXISTS {table}")

    def pull(self, accounts: Iterable[str]) -> None:
        """Copy every transaction from or to ``accounts`` (those not pulled yet), and the rows
        of the accounts named so far."""
        new = set(accounts) - self.pulled
        if new:
            _view(self.engine, self.view, new)
            self._merge(_PULL_SQL.format(accounts=self.view))
            self.pulled |= new
        self._account_rows(new)

    def add(self, ids: Sequence[str]) -> None:
        """Copy the transactions ``ids`` (seeds, the workspace's first and last) not yet in it."""
        if not ids:
            return
        have = {str(r[0]) for r in self.duck.fetchall(_HAVE_SQL, [sorted(set(ids))])}
        missing = sorted(set(ids) - have)
        if missing:
            self._merge(_BY_ID_SQL, [missing])
        self._account_rows(set())

    def _merge(self, sql: str, params: list[Any] | None = None) -> None:
        """Copy the rows of Spark's ``sql`` but those already in the copy (a transaction
        between two pulled accounts comes with both): DuckDB reads the Parquet files Spark
        writes, in one statement; Spark's UTC timestamps become DuckDB's naive UTC ones."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        with self.engine.result_files(sql, params) as (files, names):
            if not files:  # nothing written: no rows
                return
            schema = pq.read_schema(files[0])
            columns = []
            for i, name in enumerate(names):
                kind = schema.field(f"c{i}").type
                value = f"c{i}"
                if pa.types.is_timestamp(kind) and kind.tz is not None:
                    value = f"timezone('UTC', c{i})"
                columns.append(f'{value} AS "{name}"')
            self.duck.execute(
                _MERGE_SQL.format(columns=", ".join(columns)), [[str(f) for f in files]]
            )

    def _account_rows(self, extra: set[str]) -> None:
        """Copy the rows of the accounts the transactions name and of ``extra`` (an account
        without transactions is still a seed or a reached account)."""
        named = {str(r[0]) for r in self.duck.fetchall(_NAMED_SQL)}
        wanted = (named | extra) - self.looked_up
        if not wanted:
            return
        _view(self.engine, self.view, wanted)
        rows = self.engine.fetch_arrow(_ACCOUNT_ROWS_SQL.format(accounts=self.view))
        self.duck.append_arrow(COPIED_ACCOUNTS, rows)
        self.looked_up |= wanted

    def finish(self) -> None:
        """The copied accounts into ``accounts`` in id order (ties between endpoints follow
        it), then their holders and ``address`` identifiers."""
        rows = self.duck.fetch_arrow(f"SELECT * FROM {COPIED_ACCOUNTS} ORDER BY id")  # noqa: S608
        self.duck.append_arrow("accounts", rows)
        _view(self.engine, self.view, {str(i) for i in rows.column("id").to_pylist()})
        for table, sql in _COPY_SQL.items():
            self.duck.append_arrow(table, self.engine.fetch_arrow(sql.format(accounts=self.view)))


_HAVE_SQL = "SELECT id FROM transactions WHERE list_contains(?, id)"
_MERGE_SQL = (
    "INSERT INTO transactions BY NAME SELECT * FROM (SELECT {columns} FROM read_parquet(?)) p"
    " WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.id = p.id)"
)


def _view(engine: SparkEngine, name: str, accounts: set[str]) -> None:
    import pyarrow as pa

    table = pa.table({"account": pa.array(sorted(accounts), pa.string())})
    engine.session.createDataFrame(table).createOrReplaceTempView(name)
