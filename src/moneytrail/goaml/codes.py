"""How workspace values become goAML values: channels to transmode and funds codes, names to
the ASCII the schema's name patterns accept, amounts and dates in the schema's forms.

Why one module: these are the value rules of the writer, each in one place, and each is
checked by the profile's schema when the report is validated (a code the profile does not know
is a problem listed with its element path, never a file written).

>>> transmode("mobile_money"), funds("cash_deposit", "from"), funds("cash_deposit", "to")
('MB', 'CASH', 'ELCFT')
>>> split_name("Moussa Traore")
('Moussa', 'Traore')
>>> goaml_amount(Decimal("950000.00000000"))
'950000'
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

# channel (moneytrail.model.vocab.Channel) -> (transmode_code, from_funds_code, to_funds_code)
# of goAML 5. Why these: ELCFT is the plain "electronic funds transfer" both lists have; mobile
# money is "MB" (mobile banking); cash at a counter is "OCT" (over the counter), the side that
# hands over or takes the cash having the funds "CASH" (which is how the goAML reader tells a
# deposit from a withdrawal); a cheque is "DRPCB"; a hawala transfer is cash on both sides.
CHANNEL_CODES: dict[str, tuple[str, str, str]] = {
    "wire": ("ELCFT", "ELCFT", "ELCFT"),
    "mobile_money": ("MB", "ELCFT", "ELCFT"),
    "cash_deposit": ("OCT", "CASH", "ELCFT"),
    "cash_withdrawal": ("OCT", "ELCFT", "CASH"),
    "hawala": ("OCT", "CASH", "CASH"),
    "card": ("DBCD", "ELCFT", "ELCFT"),
    "cheque": ("DRPCB", "CHQ", "CHQ"),
    "crypto": ("DAWLT", "CRPTC", "CRPTC"),
}
_UNKNOWN_CODES = ("-", "ELCFT", "ELCFT")
UNKNOWN = "-"
"""goAML's own "unknown" in its code lists (countries, transmodes)."""

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
"""``sql_date`` is an ``xs:dateTime`` without offset; the workspace's times are UTC."""
AMOUNT_DECIMALS = 13
"""``sql_decimal`` allows 13 digits after the point (the workspace keeps 8)."""

_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def transmode(channel: str) -> str:
    """The ``transmode_code`` of a workspace channel (``-`` when unknown)."""
    return CHANNEL_CODES.get(channel, _UNKNOWN_CODES)[0]


def funds(channel: str, side: str) -> str:
    """The ``from_funds_code`` (``side="from"``) or ``to_funds_code`` of a channel."""
    codes = CHANNEL_CODES.get(channel, _UNKNOWN_CODES)
    return codes[1] if side == "from" else codes[2]


def ascii_name(text: str, allowed: str = "a-zA-Z0-9 .'-") -> str:
    """``text`` as the profile's name pattern accepts it (``allowed``: the pattern's character
    class): the documented transliteration of :func:`moneytrail.model.goaml.translit.goaml_ascii`.
    """
    from moneytrail.model.goaml.translit import goaml_ascii

    return goaml_ascii(text, allowed)


def split_name(ascii_full: str) -> tuple[str, str]:
    """``(first_name, last_name)`` of a person: the last word is the last name; a one-word
    name is a last name with the first name ``-`` (both are required)."""
    words = ascii_full.split()
    if not words:
        return UNKNOWN, UNKNOWN
    if len(words) == 1:
        return UNKNOWN, words[0]
    return " ".join(words[:-1]), words[-1]


def is_bic(text: str | None) -> bool:
    """Whether an account's institution is a BIC (written as ``swift``)."""
    return bool(text) and _BIC.match(str(text).strip().upper()) is not None


def country(code: str | None) -> str | None:
    """A two-letter country code, or ``None`` for anything else."""
    if code and _COUNTRY.match(code.strip().upper()):
        return code.strip().upper()
    return None


def goaml_amount(value: Decimal, decimals: int = AMOUNT_DECIMALS) -> str:
    """An exact amount with at most ``decimals`` digits after the point and no exponent."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -decimals:
        value = value.quantize(Decimal(1).scaleb(-decimals))
    return format(value.normalize(), "f")


def goaml_date(value: datetime | date) -> str:
    """A date or time in the schema's ``sql_date`` form."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=None, microsecond=0).strftime(DATE_FORMAT)
