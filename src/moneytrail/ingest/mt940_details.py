"""Who paid whom, read from the ``:86:`` "information to account owner" of an MT940 line.

``:86:`` is free text by the standard, but banks fill it in a few recognisable layouts:

* German/Austrian structured subfields (``166?00GUTSCHRIFT?20...?30BLZ/BIC?31IBAN?32NAME``),
  parsed by the ``mt-940`` library's detail processor, SEPA keywords (``EREF+``, ``SVWZ+``,
  ``IBAN+``, ``BIC+``) included; Triodos writes the same layout with ``>`` instead of ``?``;
* slash-keyed SWIFT/Dutch layouts (``/IBAN/.../BIC/.../NAME/.../REMI/.../EREF/...``; ING's
  ``/CNTP/iban/bic/name/city/``; ``/REMI/USTD//text/``);
* Knab's ``REK: <IBAN>/NAAM: <name>``;
* anything else is free text: it becomes the reference, and a valid IBAN written as its first word
  (ASN Bank) becomes the counterparty account.

Assumption: wrapped lines are joined without a separator for the structured layouts (banks cut
them at a fixed width, often inside a word) and with a space for free text.

>>> read_details("/IBAN/NL70ABNA0987654321/NAME/JOHN DOE/REMI/Invoice 12").name
'JOHN DOE'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mt940 import Options, models, processors, tags

from moneytrail.model.identifiers import IdentifierError, normalise_bic, normalise_iban

_STRUCTURED = re.compile(r"^\d{3}[?>]\d{2}")
_SLASH_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|ORDP|BENM|CNTP|CSID|MARF|ISDT|RTRN|PREF|ULTC|ULTD|ULTB"
    "|PURP|SVCL|ADDR|ACCW|OCMT|CHGS|EXCH|BUSP|SVWZ"
)
_SLASH = re.compile(rf"/({_SLASH_KEYS})/")
_KNAB = re.compile(r"REK:\s*(?P<iban>[A-Z]{2}\d{2}[A-Z0-9]+)\s*/\s*NAAM:\s*(?P<name>.+)")
_SPACES = re.compile(r"\s+")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_OPTIONS = Options(applicant_iban=True, gvc_leading_text=True, unbounded_details=True)


@dataclass(frozen=True)
class Details:
    """The counterparty and remittance text found in one ``:86:`` (every part optional)."""

    name: str | None = None
    iban: str | None = None
    bic: str | None = None
    number: str | None = None
    bank_code: str | None = None
    remittance: str | None = None
    layout: str = "free"


def read_details(text: str) -> Details:
    """Counterparty and remittance of a ``:86:`` value (lines joined by ``\\n``)."""
    joined = "".join(part.strip("\r") for part in text.split("\n")).strip()
    if not joined:
        return Details()
    if _STRUCTURED.match(joined):
        return _german(joined[:3] + joined[3:].replace(">", "?") if joined[3] == ">" else joined)
    if joined.startswith("/") and _SLASH.search(joined):
        return _slashed(joined)
    free = clean(" ".join(text.split("\n")))
    knab = _KNAB.search(free or "")
    if knab:
        return Details(
            name=clean(knab["name"]),
            iban=iban_or_none(knab["iban"]),
            remittance=free,
            layout="knab",
        )
    first = (free or "").split(" ", 1)[0]
    iban, number = account_reference(first)
    return Details(iban=iban, number=number, remittance=free)


def _german(joined: str) -> Details:
    data = processors.transaction_details_post_processor(
        models.Transactions(options=_OPTIONS),
        tags.TransactionDetails(),
        {"transaction_details": joined},
        {"transaction_details": joined},
    )
    account = clean(data.get("applicant_iban")) or clean(data.get("gvc_applicant_iban"))
    bank = clean(data.get("applicant_bin")) or clean(data.get("gvc_applicant_bin"))
    iban = iban_or_none(account)
    bic = bic_or_none(bank)
    number = None if iban or not account else account.replace(" ", "")
    remittance = clean(data.get("purpose")) or clean(data.get("posting_text"))
    return Details(
        name=clean(data.get("applicant_name")),
        iban=iban,
        bic=bic,
        number=number if number and any(c.isdigit() for c in number) else None,
        bank_code=None if bic else bank,
        remittance=remittance,
        layout="german",
    )


def _slashed(joined: str) -> Details:
    values: dict[str, str] = {}
    marks = list(_SLASH.finditer(joined))
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(joined)
        values.setdefault(mark[1], joined[mark.end() : end].strip("/ "))
    iban, bic, name = values.get("IBAN"), values.get("BIC"), values.get("NAME")
    if "CNTP" in values:
        parts = [*values["CNTP"].split("/"), "", "", ""]
        iban, bic, name = iban or parts[0], bic or parts[1], name or parts[2]
    remittance = values.get("REMI", "")
    for prefix in ("USTD//", "USTD/", "STRD/CUR/", "STRD/ISO/", "STRD/"):
        if remittance.startswith(prefix):
            remittance = remittance[len(prefix) :]
            break
    return Details(
        name=clean(name),
        iban=iban_or_none(iban),
        bic=bic_or_none(bic),
        number=None if iban_or_none(iban) else clean(iban),
        remittance=clean(remittance.strip("/")) or clean(values.get("EREF")),
        layout="slashed",
    )


def account_reference(text: str | None) -> tuple[str | None, str | None]:
    """``(iban, None)`` for a valid IBAN, ``(None, text)`` for IBAN-shaped text that fails the
    checksum (kept as a plain account number: test files and careless exports carry such
    numbers, and an investigator would rather link them than lose them), else ``(None, None)``.

    >>> account_reference("NL47INGB9999999999")
    (None, 'NL47INGB9999999999')
    """
    if not text or not _IBAN_SHAPE.match(text.strip()):
        return None, None
    iban = iban_or_none(text)
    return (iban, None) if iban else (None, text.strip())


def clean(text: str | None) -> str | None:
    """Collapse runs of white space; ``None`` for empty text."""
    if text is None:
        return None
    collapsed = _SPACES.sub(" ", text).strip()
    return collapsed or None


def iban_or_none(text: str | None) -> str | None:
    """The compact IBAN in ``text``, or ``None`` when it is not a valid IBAN."""
    if not text or not text.strip():
        return None
    try:
        return normalise_iban(text.strip())
    except IdentifierError:
        return None


def bic_or_none(text: str | None) -> str | None:
    """The BIC in ``text``, or ``None`` when it is not a valid BIC (e.g. a German BLZ)."""
    if not text or not text.strip() or text.strip().isdigit():
        return None
    try:
        return normalise_bic(text.strip())
    except IdentifierError:
        return None
