"""What a rule's SQL may read and call: the load-time wall between a rule file and the machine.

A rule folder may come from elsewhere (another FIU, a training course, a colleague's USB key).
Its query runs inside DuckDB, which can read files (``read_csv``, ``read_text``, ``FROM
'x.csv'``), list folders (``glob``), open URLs, install extensions, attach other databases and
read environment variables. A rule that did any of that could copy ``/etc/passwd`` or a case
file into an alert, or send data out. So before a rule is accepted, its parsed query (sqlglot,
DuckDB dialect) is checked against three allow-lists:

* **tables**: the canonical tables of :data:`ALLOWED_TABLES` and the query's own CTEs (in
  scope), by plain unqualified name; anything else named in ``FROM``/``JOIN`` is refused, which
  also refuses a string used as a table (DuckDB reads ``FROM 'x.csv'`` and ``FROM "x.csv"`` as
  files) and ``main.t`` / ``other_db.t``.
* **table functions**: none, except the pure generators of :data:`TABLE_FUNCTIONS` (``unnest``,
  ``range``, ``generate_series``): every ``read_*``, ``glob``, ``*_scan``, ``query``,
  ``query_table``, ``duckdb_*``, ``pragma_*`` is refused, in a CTE, a subquery or a lateral join.
* **scalar, aggregate and window functions**: an **allow-list of families**
  (:data:`FUNCTION_FAMILIES`: aggregates, windows, conditionals, casts, maths, text, dates,
  lists/structs/maps, JSON values). Why an allow-list and not a deny-list: DuckDB has hundreds
  of functions, extensions add more with every release, and one forgotten name
  (``getenv``, ``current_setting``, ``getvariable``, ``json_execute_serialized_sql``) is a hole.
  A function missing from the list refuses a harmless rule with a clear message naming it,
  and adding it is one word here; a missing entry in a deny-list would fail silently. The list
  also leaves out what would make a rule depend on something other than the data (``now``,
  ``random``, ``uuid``, ``nextval``): the same rule on the same data must find the same alerts.

Statements other than one query (``ATTACH``, ``COPY``, ``PRAGMA``, ``SET``, ``INSTALL``,
``LOAD``...) are refused by name. The runtime wall (:mod:`moneytrail.engine.sandbox`) runs the
rules on a connection with external access disabled, so a rule that slipped past this check
still cannot reach a file or the network.

A function name is the one DuckDB runs: sqlglot's typed nodes are rendered back to DuckDB SQL
(``list(...)`` is ``ARRAY_AGG``, ``epoch(...)`` is ``EPOCH``); names sqlglot does not know stay
as written.

>>> [(r.code, r.name) for r in refusals("SELECT read_text('/etc/passwd') FROM transactions")]
[('detect_rule_function_refused', 'read_text')]
>>> refusals("WITH t AS (SELECT id FROM transactions) SELECT * FROM t")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
import sqlglot.expressions as sx


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_TABLES = frozenset(
    {"transactions", "accounts", "parties", "identifiers", "labels", "fx_rates"}
)
"""Tables a rule may read. Why not the findings (``alerts``, ``screening_matches``,
``resolution_*``): a rule reading alerts would depend on the order rules run in and on earlier
runs, and would copy analysts' notes into new evidence; nor ``sources``/``quarantine``/``settings``
/``job_runs``: they describe files and runs, not money. ``labels`` (ground truth of benchmark data
sets) is readable because the brief of an exercise may be a rule over it; a rule that reads it
must not be used to measure quality against the same labels. Adding a table is one word here."""

TABLE_FUNCTIONS = frozenset({"unnest", "range", "generate_series"})
"""Table functions a rule may call: pure generators of rows from values (no file, no catalog)."""

FUNCTION_FAMILIES: dict[str, frozenset[str]] = {
    "aggregate": _words(
        "any_value arbitrary arg_max arg_min argmax argmin max_by min_by array_agg list"
        " string_agg listagg group_concat avg mean count count_if countif sum fsum sumkahan"
        " kahan_sum favg product min max first last median mode quantile quantile_cont"
        " quantile_disc percentile_cont percentile_disc approx_count_distinct approx_quantile"
        " stddev stddev_samp stddev_pop variance var_samp var_pop covar_pop covar_samp corr"
        " bool_and bool_or bit_and bit_or bit_xor histogram entropy kurtosis kurtosis_pop"
        " skewness geomean geometric_mean mad sem regr_slope regr_intercept regr_r2 regr_count"
        " regr_avgx regr_avgy weighted_avg"
    ),
    "window": _words(
        "row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value"
        " last_value nth_value"
    ),
    "conditional": _words("coalesce ifnull nullif greatest least if iff"),
    "type": _words("cast try_cast typeof"),
    "math": _words(
        "abs round round_even floor ceil ceiling trunc sign sqrt cbrt pow power exp ln log log2"
        " log10 mod gcd lcm even factorial pi degrees radians sin cos tan asin acos atan atan2"
        " isnan isinf isfinite bit_count divide fdiv fmod"
    ),
    "text": _words(
        "lower upper lcase ucase length len strlen char_length character_length trim ltrim"
        " rtrim substr substring left right concat concat_ws replace reverse repeat lpad rpad"
        " starts_with ends_with prefix suffix contains instr position strpos split_part"
        " string_split str_split string_split_regex str_split_regex string_to_array"
        " strip_accents nfc_normalize unicode ascii chr format printf md5 sha256 hash"
        " levenshtein damerau_levenshtein jaro_similarity jaro_winkler_similarity jaccard"
        " hamming mismatches editdist3 translate like_escape ilike_escape to_base64 to_hex"
        " from_base64 from_hex"
    ),
    "date": _words(
        "date_diff datediff date_sub datesub date_add date_trunc datetrunc date_part datepart"
        " extract epoch epoch_ms epoch_us epoch_ns to_timestamp make_date make_time"
        " make_timestamp strftime strptime try_strptime to_years to_months to_weeks to_days"
        " to_hours to_minutes to_seconds to_milliseconds to_microseconds to_quarters"
        " to_decades to_centuries to_millennia year month day hour minute second millisecond"
        " microsecond dayofweek dayofmonth dayofyear week weekofyear weekday quarter isodow"
        " isoyear yearweek era century decade millennium last_day monthname dayname age"
        " time_bucket"
    ),
    "list": _words(
        "len flatten unnest generate_series range element_at cardinality row map map_keys"
        " map_values"
    ),
    "json": _words(
        "json to_json json_object json_array json_quote json_extract json_extract_string"
        " json_extract_path json_extract_path_text json_value json_exists json_keys json_type"
        " json_valid json_array_length json_contains json_merge_patch json_structure"
        " json_group_array json_group_object"
    ),
}
"""Functions by family (DuckDB names, lower case). Besides these, every name starting with a
prefix of :data:`FUNCTION_PREFIXES` (DuckDB's list, array, struct, map and regexp functions,
all pure computations on values) is allowed."""

FUNCTION_PREFIXES = ("list_", "array_", "struct_", "map_", "regexp_")
_ALLOWED_FUNCTIONS = frozenset().union(*FUNCTION_FAMILIES.values())
_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\(|$)")
# Operators and literals that sqlglot models as functions ("a AND b", CASE, {'k': v}, [1, 2]).
_OPERATORS = (sx.Connector, sx.Binary, sx.Unary, sx.Predicate, sx.Case, sx.If, sx.Struct, sx.Array)


@dataclass(frozen=True)
class Refusal:
    """Why one part of a query is refused: problem ``code``, the offending ``name`` and its
    1-based ``line`` in the query text (``None`` when unknown)."""

    code: str
    name: str
    line: int | None = None


def refusals(sql: str) -> list[Refusal]:
    """Everything in ``sql`` (one DuckDB statement, ``$name`` already turned into ``?``) that
    reaches outside the workspace's canonical tables; empty when nothing does.

    A query that does not parse gives one refusal with the parser's message as its name.
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        return [Refusal("detect_rule_not_select", str(exc).splitlines()[0])]
    found: list[Refusal] = []
    for statement in statements:
        if not isinstance(statement, sx.Query):
            name = statement_name(statement)
            found.append(Refusal("detect_rule_statement", name, statement_line(statement)))
            continue
        found += query_refusals(statement)
    return found


def statement_name(statement: sx.Expr) -> str:
    """The SQL keyword of a statement (``ATTACH``, ``COPY``, ``LOAD``...) for a message."""
    if isinstance(statement, sx.Command):
        return str(statement.this).upper()
    return type(statement).__name__.upper()


def statement_line(statement: sx.Expr) -> int:
    """Line of a statement in the query text (its first located part; 1 when none is)."""
    return _line(statement) or 1


def query_refusals(query: sx.Query) -> list[Refusal]:
    """What in one parsed query reaches outside (tables, table functions, functions)."""
    found: list[Refusal] = []
    in_from: set[int] = set()
    for table in query.find_all(sx.Table):
        head = table.this
        if isinstance(head, sx.Func):
            in_from.add(id(head))
            name = _function_name(head)
            if name not in TABLE_FUNCTIONS:
                found.append(Refusal("detect_rule_table_function", name, _line(head)))
            continue
        refusal = _table_refusal(table)
        if refusal is not None:
            found.append(refusal)
    for node in query.find_all(sx.Func):
        if id(node) in in_from or isinstance(node, _OPERATORS):
            continue
        name = _function_name(node)
        if name and not _function_allowed(name):
            found.append(Refusal("detect_rule_function_refused", name, _line(node)))
    return sorted(set(found), key=lambda r: (r.line or 0, r.name, r.code))


def _table_refusal(table: sx.Table) -> Refusal | None:
    """Why a named table is refused (``None``: a canonical table or a CTE in scope)."""
    name = table.name
    line = _line(table.this)
    if not isinstance(table.this, sx.Identifier) or not name:
        return Refusal("detect_rule_table_refused", table.sql(dialect="duckdb"), line)
    if table.args.get("db") is not None or table.args.get("catalog") is not None:
        return Refusal("detect_rule_table_qualified", table.sql(dialect="duckdb"), line)
    if re.search(r"[./\\:]", name):
        return Refusal("detect_rule_file_as_table", name, line)
    if name.lower() in _ctes_in_scope(table):
        return None
    if name.lower() not in ALLOWED_TABLES:
        return Refusal("detect_rule_table_refused", name, line)
    return None


def _ctes_in_scope(node: sx.Expr) -> set[str]:
    """Names of the CTEs visible where ``node`` stands: those of every enclosing ``WITH``."""
    names: set[str] = set()
    parent = node.parent
    while parent is not None:
        with_ = parent.args.get("with_") or parent.args.get("with")
        if isinstance(with_, sx.With):
            names.update(cte.alias_or_name.lower() for cte in with_.expressions)
        parent = parent.parent
    return names


def _function_name(node: sx.Func) -> str:
    """The DuckDB name of a function call (lower case; empty for an operator-like node)."""
    if isinstance(node, sx.Anonymous | sx.AnonymousAggFunc):
        return str(node.name).lower()
    match = _CALL.match(node.sql(dialect="duckdb"))
    return match.group(1).lower() if match else ""


def _function_allowed(name: str) -> bool:
    return name in _ALLOWED_FUNCTIONS or name.startswith(FUNCTION_PREFIXES)


def _line(node: sx.Expr | None) -> int | None:
    """Line of ``node`` in the query (sqlglot keeps it on identifiers, literals, anonymous
    calls), else of its first descendant that has one."""
    if node is None:
        return None
    for part in node.walk():
        line = part.meta.get("line") if isinstance(part, sx.Expr) else None
        if isinstance(line, int):
            return line
    return None
