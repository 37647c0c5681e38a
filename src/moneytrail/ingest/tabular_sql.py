"""The SQL that turns the text columns of a tabular file into canonical staged rows.

Why SQL: a 5-million-row export must load in about the time DuckDB needs to read it, so no row
ever becomes a Python object. One statement parses the source once into ``tab_rows`` (parsed
values, account ids, and the first problem of each row); small statements then fan it out into the
staging tables. CSV, XLSX and Parquet share this code: each only supplies a ``SELECT`` giving
``line`` (the line a prosecutor opens) and text columns ``c0, c1...``.

User values (formats, default currency, value maps) are bound parameters (``$1, $2...``); column
names are ``c<N>`` chosen by the code. The value rules themselves (amounts, wallet numbers,
IBANs) are the SQL twins of :mod:`moneytrail.model.money` and
:mod:`moneytrail.model.identifiers`, proved equal to their Python rules by the tests of
``tests/model``; :func:`amount_sql` is re-exported here for the row statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moneytrail.model.identifiers import DialPlan, dial_plan_of_calling_code
from moneytrail.model.money import DecimalConvention
from moneytrail.model.money import amount_sql as amount_sql

ISO_8601 = "ISO8601"
"""The plan's ``date_format`` for ISO 8601 timestamps, read by the engine's own timestamp cast
(a written offset honoured, the value then stored as UTC) rather than by a ``strptime`` pattern."""


LABEL_TRUE = ("1", "true", "yes", "oui", "vrai", "1.0")
LABEL_FALSE = ("0", "false", "no", "non", "faux", "0.0")
"""Words of a ``label`` column (compared without case, accents or surrounding spaces; ``1.0`` is
how a float column of a Parquet file reads as text). Any other value rejects its row
(``label_invalid``); an empty cell leaves the row unlabelled."""


def label_word(header: str) -> str:
    """The word stored in ``labels.label`` for a positive row, from the label column's header.

    The vocabulary of the benchmark readers (AMLworld ``Is Laundering`` -> ``laundering``,
    AMLSim ``isFraud`` -> ``fraud``, ``suspicious``): ``evaluate`` counts any label row as
    positive, the word only tells a reader what the source claimed.

    >>> [label_word(h) for h in ("is_laundering", "isFraud", "Suspect", "label")]
    ['laundering', 'fraud', 'suspicious', 'laundering']
    """
    key = header.lower()
    if "fraud" in key:
        return "fraud"
    if "suspic" in key or "suspect" in key:
        return "suspicious"
    return "laundering"


class Params:
    """Numbered DuckDB parameters: ``p.add(value)`` returns ``$n`` to write into the SQL."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        """Bind ``value`` and return its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"


@dataclass
class Plan:
    """Everything the SQL needs about one file, decided before reading it.

    ``columns`` maps canonical fields to source columns (``c0``...); ``headers`` gives the file's
    own header of each, for quarantine messages. ``statement`` is the layout where ``account``
    is the statement's own account and the counterparty is on the other side.
    """

    columns: dict[str, str]
    headers: dict[str, str]
    decimal: DecimalConvention
    date_format: str
    timezone: str = "UTC"
    currency: str | None = None
    channel: str | None = None
    account_kind: str | None = None
    institution: str | None = None
    calling_code: str = "223"
    national_length: int = 8
    channel_values: dict[str, str] = field(default_factory=dict)
    debit_values: list[str] = field(default_factory=list)
    credit_values: list[str] = field(default_factory=list)
    label_word: str = "laundering"

    @property
    def statement(self) -> bool:
        """True for the statement layout (an ``account`` column)."""
        return "account" in self.columns

    @property
    def labelled(self) -> bool:
        """True when the file carries ground truth (a ``label`` column)."""
        return "label" in self.columns

    @property
    def dial(self) -> DialPlan:
        """How the file's national wallet numbers are written in E.164: the dial plan of the
        country of :attr:`calling_code` (Côte d'Ivoire keeps the leading 0 that Mali has not);
        :attr:`national_length` counts only for a calling code libphonenumber does not know."""
        return dial_plan_of_calling_code(self.calling_code, self.national_length)

    def text(self, name: str) -> str:
        """Trimmed text of field ``name`` (NULL when empty or not mapped)."""
        column = self.columns.get(name)
        return f"nullif(trim({column}), '')" if column else "NULL"


def fold_sql(text: str) -> str:
    return f"lower(strip_accents(trim({text})))"


def in_list_sql(text: str, values: list[str], p: Params) -> str:
    if not values:
        return "FALSE"
    return f"{fold_sql(text)} IN ({', '.join(p.add(v) for v in values)})"


def channel_sql(text: str, plan: Plan, p: Params) -> str:
    """Canonical channel of the channel (or transaction type) text through the value map."""
    default = p.add(plan.channel or "unknown")
    if not plan.channel_values:
        return default
    whens = " ".join(f"WHEN {p.add(k)} THEN {p.add(v)}" for k, v in plan.channel_values.items())
    return f"CASE {fold_sql(text)} {whens} ELSE {default} END"
