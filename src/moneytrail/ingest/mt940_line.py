"""One ``:61:`` statement line: ``6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][34x]``, read exactly.

A pure function of the field's text, so it can be tested on its own (and by property tests):
:func:`parse_statement_line` returns a :class:`StatementLine` or raises :class:`LineError`
naming the sub-field that is wrong, which the reader sends to quarantine with the line.

Assumptions (see docs/formats/mt940.md):

* two-digit years are 1980-2079;
* the entry (booking) date ``MMDD`` takes the value date's year, moved by one year when that puts
  it more than 180 days away from the value date (a 31 December value date booked on 2 January);
* the amount uses a decimal comma; a few banks (Knab) drop it for whole amounts, which is accepted
  only when a standard type code (starting with ``N``, ``S`` or ``F``) follows, so that
  ``15O000,NTRF`` is refused rather than read as 15;
* ``NONREF`` (the standard's "no reference") is no reference;
* an amount the workspace cannot hold exactly (more than 27 digits before the comma, more than 8
  significant decimals) is refused with the line rather than rounded.

>>> parse_statement_line("2401020102D150000,NTRFREF001//BANKREF001").amount
Decimal('150000')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from moneytrail.model.money import AMOUNT_LIMIT, AMOUNT_SCALE

ROLLOVER_DAYS = 180

_LINE = re.compile(
    r"(?P<value_date>\d{6})(?P<entry_date>\d{4}|\s{4})?(?P<mark>R?[DC])(?P<funds>[A-Z])?\n?"
    r"(?P<amount>\d[\d,]*) ?(?P<type>[A-Z][A-Z0-9 ]{3})(?P<customer_ref>(?:(?!//)[^\n])*)"
    r"(?://(?P<bank_ref>[^\n]*))?(?:\n(?P<details>.*))?",
    re.DOTALL,
)
_HEAD = re.compile(r"(?P<date>\d{6})(?:\d{4}|\s{4})?(?:(?P<mark>R?[DC])(?:[A-Z](?=\d))?)?\n?")
_AMOUNT = re.compile(r"^\d+(,\d*)?$")
_SPACES = re.compile(r"\s+")


class LineError(ValueError):
    """A ``:61:`` that cannot be read: ``field`` is the sub-field, ``code`` an i18n problem key."""

    def __init__(self, field: str, value: str, code: str) -> None:
        super().__init__(f"{field}: {code}: {value!r}")
        self.field = field
        self.value = value
        self.code = code


@dataclass(frozen=True)
class StatementLine:
    """The parts of one ``:61:`` the reader uses."""

    value_date: date
    booked: date
    mark: str
    amount: Decimal
    type_code: str
    customer_ref: str | None
    bank_ref: str | None
    supplementary: str | None


def parse_statement_line(text: str) -> StatementLine:
    """Read the ``:61:`` value ``text`` (continuation lines joined by ``\\n``)."""
    match = _LINE.fullmatch(text)
    if match is None or ("," not in match["amount"] and match["type"][0] not in "NSF"):
        raise _diagnose(text)
    raw_amount = match["amount"]
    if not _AMOUNT.match(raw_amount):
        raise LineError("amount", raw_amount, "amount_not_number")
    try:
        value_date = yymmdd(match["value_date"])
    except ValueError as exc:
        raise LineError("value_date", match["value_date"], "date_invalid") from exc
    entry = (match["entry_date"] or "").strip()
    try:
        booked = entry_date(value_date, entry) if entry else value_date
    except ValueError as exc:
        raise LineError("entry_date", entry, "date_invalid") from exc
    details = _SPACES.sub(" ", match["details"] or "").strip()
    return StatementLine(
        value_date=value_date,
        booked=booked,
        mark=match["mark"],
        amount=_amount(raw_amount),
        type_code=match["type"].strip(),
        customer_ref=_reference(match["customer_ref"]),
        bank_ref=_reference(match["bank_ref"]),
        supplementary=details or None,
    )


def _amount(raw: str) -> Decimal:
    """The amount of ``raw`` (``123,45``), or :class:`LineError` when it cannot be stored.

    >>> _amount("1,50"), _amount("1,5000000000")
    (Decimal('1.50'), Decimal('1.50000000'))
    """
    whole, _, cents = raw.partition(",")
    if len(cents.rstrip("0")) > AMOUNT_SCALE:
        raise LineError("amount", raw, "amount_not_storable")
    cents = cents[:AMOUNT_SCALE]  # zeros past the workspace's scale: staging never rounds
    amount = Decimal(f"{whole}.{cents}" if cents else whole)
    if amount >= AMOUNT_LIMIT:
        raise LineError("amount", raw, "amount_too_large")
    return amount


def _diagnose(text: str) -> LineError:
    """The first sub-field of an unreadable ``:61:`` that is wrong."""
    first = text.split("\n", 1)[0]
    head = _HEAD.match(text)
    if head is None:
        return LineError("value_date", first[:6], "date_invalid")
    if head["mark"] is None:
        return LineError("mark", first[len(head[0]) :][:2], "mt940_mark_invalid")
    rest = text[head.end() :].split("\n", 1)[0]
    token = re.match(r"[^NSF]*", rest)
    return LineError("amount", token[0] if token and token[0] else rest, "amount_not_number")


def _reference(text: str | None) -> str | None:
    value = (text or "").strip()
    return None if not value or value.upper() == "NONREF" else value


def yymmdd(text: str) -> date:
    """A ``YYMMDD`` date; years 80-99 are 19xx, 00-79 are 20xx.

    >>> yymmdd("991231"), yymmdd("240229")
    (datetime.date(1999, 12, 31), datetime.date(2024, 2, 29))
    """
    year = int(text[:2])
    return date(1900 + year if year >= 80 else 2000 + year, int(text[2:4]), int(text[4:6]))


def entry_date(value_date: date, mmdd: str) -> date:
    """The ``MMDD`` entry date in the year that puts it nearest to the value date.

    >>> entry_date(date(2023, 12, 31), "0102")
    datetime.date(2024, 1, 2)
    """
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:  # 29 February outside a leap year: that year is not a candidate
            continue
    # Nearest wins; on a tie the later date, as banks book after the value date more often.
    best = min(
        candidates,
        key=lambda booked: (abs((booked - value_date).days), -booked.toordinal()),
        default=None,
    )
    if best is None or abs(best - value_date) > timedelta(days=ROLLOVER_DAYS + 4):
        # Only a 29 February far from any leap year gets here: no sane booking date.
        raise ValueError(f"no year puts {mmdd} within half a year of {value_date}")
    return best
