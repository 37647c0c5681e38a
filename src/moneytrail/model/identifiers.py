"""Account and party identifiers: IBAN, MSISDN (mobile-money wallet numbers), BIC, bank account
numbers: the one home of these value types, in Python and in SQL.

IBAN validation is schwifty's (checksum and national format); phone numbers are Google's
libphonenumber (``phonenumbers``). A wallet is known by its MSISDN in E.164 form ("+22376123456"),
which is the natural key of a mobile-money account. Numbers written nationally ("76 12 34 56")
need a default region: the mapping's ``country`` (ISO 3166 alpha-2), Mali when unknown.

SQL twins (the tabular ingest cleans each distinct account number of a file in SQL, see
``ingest/tabular_fanout.py``), proved against Python by ``tests/model/test_identifiers_parity.py``:

* :func:`compact_number_sql` is :func:`compact_number` (blanks removed, upper case), exactly;
* :func:`iban_shape_sql` checks the *shape* of an IBAN (:data:`IBAN_SHAPE`), not its checksum: an
  IBAN-shaped number that fails the checksum stays a bank number (an investigator would rather
  link it than lose it). On every IBAN that :func:`normalise_iban` accepts, written with blanks
  and in any case, the SQL gives the same compact IBAN; what SQL finds not IBAN-shaped, Python
  refuses too;
* :func:`msisdn_sql` writes a wallet number in E.164 with the :class:`DialPlan` of the file's
  country. On every number libphonenumber accepts for that country, written in E.164, with
  ``00``, with the calling code and no ``+``, nationally, or nationally with a trunk ``0``, with
  blanks and ``.()/-`` between digits, it gives what :func:`normalise_msisdn` gives. Where they
  differ, by design: the SQL checks the shape (6 to 15 digits, a ``+`` or ``00`` first), not the
  country's number lengths (Python refuses "76 12 34" in Mali, SQL gives "+223761234"); a trunk
  ``0`` written after the calling code ("+234 0802...") is dropped by Python, kept by SQL; Python
  finds a number inside other text ("tel:", an extension, the letters of a vanity number), SQL
  takes digits and separators only; Python knows international numbers shorter than the SQL's 6
  digits ("+43000" in Austria); Gabon's national prefix (a pattern, not a digit) and trunk
  prefixes other than 0 (the United States' 1) are Python's only.

Where identifiers are read (the inventory of issue 14):

* MSISDN, **Python** :func:`normalise_msisdn`: ``training/grading.py`` (answers),
  :func:`account_number_forms` (``subjects.py``: what an analyst types); **SQL**
  :func:`msisdn_sql`: tabular and mobile-money files (``ingest/tabular_fanout.py``), with the
  dial plan of the mapping's country (``ingest/tabular_plan.py``); ``synth/population.py``
  writes E.164 numbers directly;
* IBAN, **Python** :func:`normalise_iban`: ISO 20022 (``ingest/iso20022_parties.py``, with its
  own IBAN-shape regex for invalid ones), MT940 (``ingest/mt940_details.py``: ``iban_or_none``,
  ``account_reference`` and its own shape regex), FtM (``ingest/ftm.py:_compact``, blanks and
  case only: FtM drops the IBANs it cannot check), training answers; **SQL**
  :func:`compact_number_sql` + :func:`iban_shape_sql` in ``ingest/tabular_fanout.py``;
* bank account numbers without IBAN: kept as written, compacted (:func:`compact_number`) where
  the file says they are bank numbers (tabular ``account_kind: bank``, MT940 ``:25:``); AML
  benchmark data sets keep them as given, scoped by bank (``ingest/aml_benchmarks.py``);
* BIC, **Python** :func:`normalise_bic`: ISO 20022 and MT940.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from moneytrail.model.text import BLANKS, sql_text

DEFAULT_REGION = "ML"
_BLANK_TO_SPACE = str.maketrans(dict.fromkeys(BLANKS, " "))
MSISDN_SEPARATORS = BLANKS + ".()/-"
"""Removed from a wallet number before it is read: blanks and the usual punctuation."""
_MSISDN_SEPARATORS = re.compile("[" + re.escape(MSISDN_SEPARATORS) + "]")


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
    numbers from operators whose newest ranges libphonenumber may not know yet. Every blank is a
    space (libphonenumber refuses a narrow no-break space between digits, as French text has).
    """
    raw = text.translate(_BLANK_TO_SPACE).strip()
    digits = _MSISDN_SEPARATORS.sub("", raw)
    if digits.startswith("00"):
        raw = "+" + digits[2:]
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


IBAN_SHAPE = "[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}"
"""What an IBAN looks like once compact (country, check digits, 10 to 30 letters or digits)."""
MSISDN_SHAPE = r"(\+|00)?[0-9]{6,15}"
"""A wallet number once its separators are gone: an international prefix or not, 6-15 digits."""


def compact_number(text: str) -> str:
    """An account number or IBAN without blanks, in upper case (schwifty's own cleaning).

    >>> compact_number("fr76 3000 6000\u00a00112 3456 7890 189")
    'FR7630006000011234567890189'
    """
    return "".join(text.split()).upper()


def compact_number_sql(text: str) -> str:
    """SQL twin of :func:`compact_number` on the text expression ``text`` (ASCII letters: the
    engine's ``upper`` and Python's differ on a few others, "ß" among them)."""
    return f"upper(regexp_replace({text}, {sql_text('[' + BLANKS + ']')}, '', 'g'))"


def iban_shape_sql(compact: str) -> str:
    """SQL: whether the compact text expression ``compact`` is IBAN-shaped (FALSE for NULL)."""
    return f"coalesce(regexp_full_match({compact}, {sql_text(IBAN_SHAPE)}), FALSE)"


@dataclass(frozen=True)
class DialPlan:
    """How a country's wallet numbers are written, for the SQL twin of :func:`normalise_msisdn`.

    ``national_length``: digits of a mobile number after the calling code (Mali 8, Côte
    d'Ivoire 10); ``keeps_leading_zero``: a national number's first 0 is part of it (Côte
    d'Ivoire, Benin, Congo), else leading zeros are a trunk prefix and dropped.
    """

    calling_code: str
    national_length: int
    keeps_leading_zero: bool = False

    def __post_init__(self) -> None:
        if not self.calling_code.isdigit() or not 1 <= len(self.calling_code) <= 3:
            raise ValueError(f"calling code of 1 to 3 digits expected: {self.calling_code!r}")


@cache
def dial_plan(region: str) -> DialPlan:
    """The dial plan of ``region`` (ISO 3166 alpha-2) from libphonenumber's metadata.

    >>> dial_plan("CI")
    DialPlan(calling_code='225', national_length=10, keeps_leading_zero=True)
    """
    code = region.upper()
    calling = phonenumbers.country_code_for_region(code)
    if not calling:
        raise ValueError(f"no calling code for region {region!r}")
    example = phonenumbers.example_number_for_type(code, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.national_significant_number(example) if example else ""
    return DialPlan(str(calling), len(national) or 8, keeps_leading_zero=national.startswith("0"))


def dial_plan_of_calling_code(calling_code: str, national_length: int = 8) -> DialPlan:
    """The dial plan of the main country of a calling code ("225" -> Côte d'Ivoire's); for a
    code libphonenumber does not know, numbers of ``national_length`` digits without a 0 kept."""
    region = phonenumbers.region_code_for_country_code(int(calling_code))
    return dial_plan(region) if region != "ZZ" else DialPlan(calling_code, national_length)


def msisdn_digits_sql(text: str) -> str:
    """SQL: the text expression ``text`` without :data:`MSISDN_SEPARATORS`."""
    return f"regexp_replace({text}, {sql_text('[' + MSISDN_SEPARATORS + ']')}, '', 'g')"


def msisdn_shape_sql(digits: str) -> str:
    """SQL: whether ``digits`` (:func:`msisdn_digits_sql`) has :data:`MSISDN_SHAPE`."""
    return f"regexp_full_match({digits}, {sql_text(MSISDN_SHAPE)})"


def e164_sql(digits: str, dial: DialPlan) -> str:
    """SQL: E.164 form of ``digits``, a number of :data:`MSISDN_SHAPE` (checked before).

    ``+`` and ``00`` numbers are international already; a number starting with the calling
    code and long enough to hold a national number after it has the code without ``+``; any
    other is national: the calling code goes before it, its leading zeros dropped unless the
    country keeps them.
    """
    cc = dial.calling_code  # digits only (checked by DialPlan): safe to write into the SQL
    full = len(cc) + dial.national_length
    national = digits if dial.keeps_leading_zero else f"ltrim({digits}, '0')"
    return (
        f"CASE WHEN starts_with({digits}, '+') THEN {digits}"
        f" WHEN starts_with({digits}, '00') THEN '+' || substr({digits}, 3)"
        f" WHEN starts_with({digits}, '{cc}') AND length({digits}) >= {full}"
        f" THEN '+' || {digits}"
        f" ELSE '+{cc}' || {national} END"
    )


def msisdn_sql(text: str, dial: DialPlan) -> str:
    """SQL twin of :func:`normalise_msisdn` (see the module's docstring for where they differ):
    the E.164 form of the text expression ``text``, NULL when it is not phone-shaped.

    It names the cleaned digits several times: a query over many rows computes
    :func:`msisdn_digits_sql` once in an inner ``SELECT`` and calls :func:`msisdn_shape_sql`
    and :func:`e164_sql` on that column, as the tabular ingest does.
    """
    digits = msisdn_digits_sql(text)
    return f"CASE WHEN {msisdn_shape_sql(digits)} THEN {e164_sql(digits, dial)} END"


def account_number_forms(text: str, region: str | None = DEFAULT_REGION) -> list[str]:
    """Every stored form an account number written as ``text`` may have.

    The workspace stores numbers normalised (E.164 for wallets, compact upper-case IBANs, the
    bank's own number as given): an analyst types them with spaces, dots, dashes, a national
    or ``00`` prefix, or in lower case. The forms are: the text as written (trimmed), without
    separators, upper-cased, the E.164 form when it reads as a phone number of ``region``,
    and the compact IBAN when it is one.

    >>> account_number_forms("+223 76 12 34 56")
    ['+223 76 12 34 56', '+22376123456']
    >>> account_number_forms("76.12.34.56", "ML")
    ['76.12.34.56', '76123456', '+22376123456']
    """
    raw = text.strip()
    forms = [raw]
    compact = "".join(c for c in raw if c not in " .-/\u00a0\u202f")
    forms += [compact, compact.upper()]
    if compact.startswith("00"):
        forms.append("+" + compact[2:])
    with contextlib.suppress(IdentifierError):  # not a phone number: the other forms stand
        forms.append(normalise_msisdn(raw, region))
    if is_iban(compact):
        forms.append(normalise_iban(compact))
    return list(dict.fromkeys(f for f in forms if f))
