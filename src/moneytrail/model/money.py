r"""Exact, currency-aware money: the one home of the amount value type, in Python and in SQL.

Amounts are :class:`decimal.Decimal`, never floats. Each currency has a number of minor units
(ISO 4217, from Babel's CLDR data): XOF and XAF have none, EUR has two, so "1 500,50 XOF" is refused
while "1 500,00 XOF" is 1500. The workspace stores amounts as ``DECIMAL(38, 8)`` so that crypto
amounts (8 decimals) stay exact too; an amount it takes is below :data:`AMOUNT_LIMIT` (10^27, room
left for sums) with at most 8 significant decimals (:func:`storable_amount`).

Amount text comes in two conventions, and both are everywhere in the Sahel: French
"1 234 567,50" (comma decimal, space/dot/nbsp thousands) and English "1,234,567.50".
:func:`parse_amount` takes an explicit convention; :func:`detect_decimal_convention` chooses one
from a sample of a column, preferring evidence that cannot be read two ways. The grammar, after
every separator (:data:`SEPARATORS`: blanks, apostrophe, underscore) is removed::

    amount   := [+|-] number  |  "(" number ")"  |  number "-"        (the last two: negative)
    number   := d{1,3} (group d{3})+ [mark d*]  |  d+ [mark d*]  |  mark d+
    d        := an ASCII digit 0-9; mark is the decimal mark, group the other one

The SQL twin is :func:`amount_sql`: it computes :func:`storable_amount` (NULL where Python
raises) and ``tests/model/test_money_parity.py`` proves it on generated text.

Where amounts are read (the inventory of issue 14; one rule per form, each named here):

* tabular files (CSV, XLSX, Parquet, mobile-money exports), **SQL**, per row:
  :func:`amount_sql`, called by ``ingest/tabular_rows.py`` (through ``ingest/tabular_sql.py``);
* FollowTheMoney ``amount``, **Python**: :func:`storable_amount` (``ingest/ftm.py``);
* typology rule parameters (``money``, ``integer``, ``number``), **Python**: :func:`parse_amount`
  (``detect/rules/spec.py:parse_value``, "5 000 000" or "5_000_000");
* MT940 ``:61:`` amounts ("1500,00": SWIFT's own comma form, no sign, no grouping), **Python**,
  ``ingest/mt940_line.py:_amount``, bounded by :data:`AMOUNT_SCALE` and :data:`AMOUNT_LIMIT`;
* ISO 20022 ``<Amt>`` (plain decimals with a point, by the schema), **Python**,
  ``ingest/iso20022_common.py`` (``^\d{1,18}(\.\d{1,8})?$``);
* AML benchmark data sets (AMLworld, AMLSim: plain decimals), **SQL**,
  ``ingest/aml_benchmarks.py`` (``try_cast(... AS DECIMAL(38, 12))``, then rounded to the
  currency's minor units in ``ingest/aml_sql.py``);
* canonical Parquet (typed columns), **SQL** ``TRY_CAST`` in ``ingest/canonical_parquet.py``;
* minor units, **Python** :func:`check_minor_units` and its **SQL** twin in ``ingest/commit.py``
  (``amount * factor <> trunc(amount * factor)`` -> ``amount_too_precise``);
* the CLI: ``trace --amount`` (``cli/trace_cmd.py:_amount``) and numeric options
  (``cli/values.py``, floats with bounds) parse their own text; ``trace/model.py`` checks a seed
  amount with :func:`check_amount`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from moneytrail.model.text import BLANKS, sql_text

AMOUNT_SCALE = 8
AMOUNT_SQL_TYPE = f"DECIMAL(38, {AMOUNT_SCALE})"
AMOUNT_INTEGER_DIGITS = 27
"""Digits before the point of an amount. ``DECIMAL(38, 8)`` holds 30: three are room for sums."""
AMOUNT_LIMIT = Decimal(10) ** AMOUNT_INTEGER_DIGITS
# The CFA franc is pegged: 1 EUR = 655.957 XOF (and XAF), fixed by treaty since 1999.
EUR_XOF_PEG = Decimal("655.957")

SEPARATORS = BLANKS + "'_"
"""Removed anywhere in amount text: blanks (thousands spaces), the apostrophe (Swiss) and the
underscore ("5_000_000", as rule files and Python write numbers)."""
_SEPARATORS = re.compile("[" + re.escape(SEPARATORS) + "]")


class DecimalConvention(StrEnum):
    """Which character separates the decimals: ``comma`` (French) or ``point`` (English)."""

    COMMA = "comma"
    POINT = "point"

    @property
    def mark(self) -> str:
        """The decimal mark: ``,`` or ``.``."""
        return "," if self is DecimalConvention.COMMA else "."

    @property
    def group(self) -> str:
        """The other mark, which groups thousands: ``.`` or ``,``."""
        return "." if self is DecimalConvention.COMMA else ","


class AmountError(ValueError):
    """Text that is not an amount in the given convention; ``code`` is an i18n problem key."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def amount_grammar(
    convention: DecimalConvention,
    *,
    storable: bool = False,
    blanks: str = "",
    signed_only: bool = False,
) -> str:
    """Regular expression (Python ``re`` and RE2 alike) of amount text, for ``fullmatch``.

    ``storable`` admits at most :data:`AMOUNT_SCALE` significant decimals (trailing zeros are
    free), the rule of :func:`storable_amount`. ``blanks``: characters allowed anywhere (none of
    ``]\\^-``); the SQL twin matches the raw text so, where Python first removes them.
    ``signed_only``: only the form with a leading sign or none (no parentheses, no trailing
    minus).
    """
    b = f"[{blanks}]*" if blanks else ""
    digit = f"[0-9]{b}"
    mark, group = re.escape(convention.mark) + b, re.escape(convention.group) + b
    cap = AMOUNT_SCALE
    decimals = f"(?:{digit}){{0,{cap}}}(?:0{b})*" if storable else f"(?:{digit})*"
    some = f"(?:{digit}){{1,{cap}}}(?:0{b})*" if storable else f"(?:{digit})+"
    number = (
        f"(?:(?:{digit}){{1,3}}(?:{group}(?:{digit}){{3}})+(?:{mark}{decimals})?"
        f"|(?:{digit})+(?:{mark}{decimals})?|{mark}{some})"
    )
    signed = rf"{b}(?:[+-]{b})?{number}"
    return signed if signed_only else rf"{signed}|{b}\({b}{number}\){b}|{b}{number}-{b}"


@cache
def _grammar(convention: DecimalConvention) -> re.Pattern[str]:
    return re.compile(amount_grammar(convention))


def parse_amount(text: str, convention: DecimalConvention = DecimalConvention.POINT) -> Decimal:
    """Parse ``text`` as an exact amount (the grammar is in the module's docstring).

    Accepts thousands separators (blanks, apostrophe, and the other convention's mark in groups
    of three), a leading sign, a trailing minus ("150,00-" as some bank exports write debits) and
    parentheses for negatives. Refuses (:class:`AmountError`) anything else, and amounts of
    :data:`AMOUNT_LIMIT` or more (``amount_too_large``).

    >>> parse_amount("1 234 567,50", DecimalConvention.COMMA)
    Decimal('1234567.50')
    >>> parse_amount("(1,500.00)")
    Decimal('-1500.00')
    """
    compact = _SEPARATORS.sub("", text)
    if not compact:
        raise AmountError("amount_empty", text)
    if not _grammar(convention).fullmatch(compact):
        raise AmountError("amount_not_number", text)
    # the grammar admits a minus or a parenthesis only where they make the amount negative
    negative = "-" in compact or "(" in compact
    mark = convention.mark
    digits = "".join(c for c in compact if c.isdigit() or c == mark).replace(mark, ".")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the grammar only admits numbers
        raise AmountError("amount_not_number", text) from exc
    if value >= AMOUNT_LIMIT:
        raise AmountError("amount_too_large", text)
    return value.copy_negate() if negative else value  # exact: unary minus would round


def storable_amount(text: str, convention: DecimalConvention = DecimalConvention.POINT) -> Decimal:
    """:func:`parse_amount`, refusing also more than 8 significant decimals.

    The workspace's ``DECIMAL(38, 8)`` would round "0.123456789"; the row is refused instead
    (``amount_not_storable``). Trailing zeros are not decimals: "1.5000000000" is 1.5.

    >>> storable_amount("1,500.50")
    Decimal('1500.50')
    """
    amount = parse_amount(text, convention)
    if _decimals(amount) > AMOUNT_SCALE:
        raise AmountError("amount_not_storable", text)
    return amount


def _decimals(value: Decimal) -> int:
    """Significant decimals of a finite ``value`` ("1.50" has 1), without rounding it
    (``normalize`` would round to the context's 28 digits)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    significant = len(digits)
    while significant and digits[significant - 1] == 0:
        significant -= 1
        exponent += 1
    return max(0, -exponent) if significant else 0


COMMON_BLANKS = " \u00a0\u202f"
"""The blanks that group thousands in most files: space, no-break space, narrow no-break space."""


def amount_sql(text: str, convention: DecimalConvention) -> str:
    """SQL expression computing :func:`storable_amount` of the text expression ``text``: the
    amount as ``DECIMAL(38, 8)``, NULL where Python raises.

    Why three paths: a 5-million-row export must cost about what the engine needs to read it.
    A pattern chooses the cheapest path that reads the text exactly as Python does: a plain
    number ("150000", "-1500,50" in comma convention) is one cast; a signed number grouped by
    the other mark or :data:`COMMON_BLANKS` ("1 234 567,50", "-1,234.00") is cast once those are
    replaced away; other text (other blanks, a trailing minus, parentheses) takes the whole
    grammar, blanks allowed anywhere, then the cast of its digits. The engine's cast alone would
    also take an exponent and round a ninth decimal, hence the patterns first; and no cast is
    tried that may fail, which costs more than a pattern. The cast to 27 integer digits is the
    :data:`AMOUNT_LIMIT` check. Each costly expression appears once per path: an engine may
    compute a repeated one for every row before choosing the path.
    """
    point, group = convention is DecimalConvention.POINT, convention.group
    bounded = f"DECIMAL({AMOUNT_INTEGER_DIGITS + AMOUNT_SCALE}, {AMOUNT_SCALE})"

    def cast(expression: str) -> str:
        as_point = expression if point else f"replace({expression}, ',', '.')"
        return f"TRY_CAST({as_point} AS {bounded})"

    plain = f"[+-]?[0-9]+(?:{re.escape(convention.mark)}[0-9]{{0,{AMOUNT_SCALE}}})?"
    grouped = amount_grammar(convention, storable=True, blanks=COMMON_BLANKS, signed_only=True)
    ungrouped = f"replace({text}, '{group}', '')"
    for blank in COMMON_BLANKS:
        ungrouped = f"replace({ungrouped}, '{blank}', '')"
    grammar = amount_grammar(convention, storable=True, blanks=SEPARATORS)
    value = cast(f"regexp_replace({text}, '[^0-9{convention.mark}]', '', 'g')")
    return (
        f"CAST(CASE WHEN regexp_full_match({text}, {sql_text(plain)}) THEN {cast(text)}"
        f" WHEN regexp_full_match({text}, {sql_text(grouped)}) THEN {cast(ungrouped)}"
        f" WHEN regexp_full_match({text}, {sql_text(grammar)}) THEN (CASE WHEN"
        f" contains({text}, '-') OR contains({text}, '(') THEN -{value} ELSE {value} END)"
        f" END AS {AMOUNT_SQL_TYPE})"
    )


def check_amount(value: Decimal) -> bool:
    """Whether ``value`` is an amount the workspace can hold: finite, above 0, below the limit.

    >>> check_amount(Decimal("1e999999")), check_amount(Decimal("5000"))
    (False, True)
    """
    return value.is_finite() and Decimal(0) < value < AMOUNT_LIMIT


def detect_decimal_convention(samples: Iterable[str]) -> DecimalConvention | None:
    """Choose the convention that reads every non-empty sample; ``None`` if no sample decides.

    A value such as "1,234" is ambiguous (1.234 or 1234); values such as "12,50" or "1.234,56"
    are not. When both conventions read every sample, the one with unambiguous evidence wins; with
    no evidence at all, ``None`` lets the caller fall back on the mapping or on the point.
    """
    comma_ok = point_ok = True
    comma_evidence = point_evidence = 0
    for text in samples:
        compact = _SEPARATORS.sub("", text)
        if not compact:
            continue
        c = bool(_grammar(DecimalConvention.COMMA).fullmatch(compact))
        p = bool(_grammar(DecimalConvention.POINT).fullmatch(compact))
        comma_ok &= c
        point_ok &= p
        if c and not p:
            comma_evidence += 1
        elif p and not c:
            point_evidence += 1
        elif c and p and ("," in compact) != ("." in compact):
            # "1,234" or "1.234": one mark, three digits after it. Only a decimal part of
            # other than three digits would decide, so this sample decides nothing.
            tail = re.split(r"[.,]", compact.strip("+-()"))[-1]
            if len(tail) != 3:
                comma_evidence += "," in compact
                point_evidence += "." in compact
    if comma_ok and not point_ok:
        return DecimalConvention.COMMA
    if point_ok and not comma_ok:
        return DecimalConvention.POINT
    if comma_ok and point_ok:
        if comma_evidence > point_evidence:
            return DecimalConvention.COMMA
        if point_evidence > comma_evidence:
            return DecimalConvention.POINT
    return None


# ISO 4217 has no code for bitcoin; "XBT" is the de-facto code (X prefix = outside any country,
# as ISO reserves for supranational units), with 8 decimals (1 satoshi = 0.00000001 XBT).
CRYPTO_MINOR_UNITS: dict[str, int] = {"XBT": 8}


@cache
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes known to CLDR (upper case), plus the crypto codes of CRYPTO_MINOR_UNITS."""
    return frozenset(code.upper() for code in list_currencies()) | frozenset(CRYPTO_MINOR_UNITS)


def minor_units(currency: str) -> int:
    """Number of decimals the currency allows (XOF: 0, EUR: 2, BHD: 3).

    Babel's CLDR data says XOF/XAF have precision 0. Unknown codes raise ``KeyError``.
    """
    code = currency.upper()
    if code not in known_currencies():
        raise KeyError(code)
    if code in CRYPTO_MINOR_UNITS:
        return CRYPTO_MINOR_UNITS[code]
    return int(get_currency_precision(code))


def check_minor_units(amount: Decimal, currency: str) -> None:
    """Refuse an amount with more decimals than its currency allows (trailing zeros are fine).

    Raises :class:`AmountError` with ``amount_too_precise``; "1500.00 XOF" passes.
    """
    if _decimals(amount) > minor_units(currency):
        raise AmountError("amount_too_precise", str(amount))


def normalise_currency(text: str) -> str:
    """Upper-case ISO code; accepts common local spellings of the CFA franc ("FCFA", "CFA")."""
    code = text.strip().upper()
    if code in {"FCFA", "F CFA", "CFA", "F.CFA", "XOF/FCFA"}:
        return "XOF"
    if code not in known_currencies():
        raise AmountError("currency_unknown", text)
    return code


def reporting_amount_sql(amount: str, rate: str) -> str:
    """SQL of ``amount`` (DECIMAL(38, 8)) times ``rate`` (DECIMAL(38, 12)) as DECIMAL(38, 8).

    The exact product has scale 20, so it overflows DECIMAL(38) from about 10^18 on, well below
    the amounts a workspace accepts (up to 10^27). Amounts below 10^15 (every real one) get the
    exact decimal product; larger ones go through a double (15 significant digits: what an
    amount of that size can mean) instead of failing the whole load. A rate of exactly 1 gives
    the amount itself, at any size.

    >>> "CASE" in reporting_amount_sql("c.amount", "r.rate")
    True
    """
    exact = f"CAST({amount} * {rate} AS {AMOUNT_SQL_TYPE})"
    approximate = f"CAST(CAST({amount} AS DOUBLE) * CAST({rate} AS DOUBLE) AS {AMOUNT_SQL_TYPE})"
    # A rate of exactly 1 (the reporting currency itself, the usual case of a national file)
    # gives the amount unchanged: the same value as the exact product, without the 128-bit
    # multiplication and rescale that cost DuckDB about 0.3 s per million rows (decision 0154)
    return (
        f"CASE WHEN {rate} = 1 THEN {amount}"
        f" WHEN abs({amount}) < 1e15 THEN {exact} ELSE {approximate} END"
    )
