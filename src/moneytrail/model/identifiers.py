"""Account and party identifiers: IBAN, MSISDN (mobile-money wallet numbers), BIC.

IBAN validation is schwifty's (checksum and national format); phone numbers are Google's
libphonenumber (``phonenumbers``). A wallet is known by its MSISDN in E.164 form ("+22376123456"),
which is the natural key of a mobile-money account. Numbers written nationally ("76 12 34 56")
need a default region: the mapping's ``country`` (ISO 3166 alpha-2), Mali when unknown.
"""

from __future__ import annotations

import phonenumbers
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

DEFAULT_REGION = "ML"


class IdentifierError(ValueError):
    """An identifier that does not validate; ``code`` is an i18n problem key."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def normalise_iban(text: str) -> str:
    """Compact, validated IBAN ("ML13 ..." -> "ML13..."), or :class:`IdentifierError`."""
    try:
        return str(IBAN(text).compact)
    except (SchwiftyException, ValueError) as exc:
        raise IdentifierError("iban_invalid", text) from exc


def is_iban(text: str) -> bool:
    """True when ``text`` is a valid IBAN."""
    try:
        normalise_iban(text)
    except IdentifierError:
        return False
    return True


def normalise_bic(text: str) -> str:
    """Validated BIC in upper case, or :class:`IdentifierError`."""
    try:
        return str(BIC(text.strip()).compact)
    except (SchwiftyException, ValueError) as exc:
        raise IdentifierError("bic_invalid", text) from exc


def normalise_msisdn(text: str, region: str | None = DEFAULT_REGION) -> str:
    """E.164 form of a phone number ("0022376123456", "76 12 34 56" in Mali -> "+22376123456").

    Numbers are checked for a plausible length for their country, not for assignment: an FIU sees
    numbers from operators whose newest ranges libphonenumber may not know yet.
    """
    raw = text.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, None if raw.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        raise IdentifierError("msisdn_invalid", text) from exc
    if not phonenumbers.is_possible_number(number):
        raise IdentifierError("msisdn_invalid", text)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def msisdn_country(e164: str) -> str | None:
    """ISO country of an E.164 number ("+22376123456" -> "ML"), ``None`` if unknown."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return str(region) if region and region != "ZZ" else None
