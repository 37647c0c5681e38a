"""Shared pieces of the ISO 20022 reader: safe parsing, message detection, values, tx ids.

ISO 20022 messages change namespace with every version (``camt.053.001.02`` ... ``.001.10``) and
national flavours add their own (SIX's ``pain.001.001.03.ch.02``), while the element names that
matter (``Ntry``, ``Amt``, ``Dbtr``...) stay the same. So the parsed tree is stripped of its
namespaces and the message type is read from the name of the message element under
``Document`` (``BkToCstmrStmt`` is a camt.053 whatever its namespace says).

Parsing is safe by construction: no DTD loading, no entity expansion, no network, no
``huge_tree`` (so libxml2 refuses nesting deeper than 256 elements and text nodes over 10 MB).
The whole file is parsed in memory: bank statements and payment files are megabytes, not
gigabytes (an assumption named in docs/formats/iso20022.md). lxml is given the bytes, so a file
saved in UTF-16 or UTF-32 with its byte-order mark reads like its UTF-8 twin.

>>> MESSAGES["BkToCstmrStmt"]
'camt.053'
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from moneytrail.errors import BadInputError
from moneytrail.files.text import is_binary
from moneytrail.ingest.base import StageContext
from moneytrail.model.dates import DateError, parse_timestamp
from moneytrail.model.ids import natural_key
from moneytrail.model.xml import element_line, safe_xml_parser

Element = etree._Element

MESSAGES: dict[str, str] = {
    "BkToCstmrAcctRpt": "camt.052",
    "BkToCstmrStmt": "camt.053",
    "BkToCstmrDbtCdtNtfctn": "camt.054",
    "CstmrCdtTrfInitn": "pain.001",
    "CstmrDrctDbtInitn": "pain.008",
    "FIToFICstmrCdtTrf": "pacs.008",
    "FICdtTrf": "pacs.009",
}
"""Message element under ``Document`` -> the message type this reader loads."""

NO_PAYMENTS: dict[str, str] = {
    "CstmrPmtStsRpt": "pain.002",
    "FIToFIPmtStsRpt": "pacs.002",
}
"""Messages that are recognised but carry no payment (status reports): refused with a reason."""

_SNIFF = re.compile(
    rb"<(?:[\w.-]+:)?(" + "|".join(MESSAGES).encode() + rb")[\s>]"
    rb"|xmlns(?::[\w.-]+)?=[\"'][^\"']*(camt\.05[234]|pain\.00[128]|pacs\.00[89])\.",
)
_AMOUNT = re.compile(r"^\d{1,18}(\.\d{1,8})?$")
_NOT_PROVIDED = "NOTPROVIDED"


def sniff_score(head: bytes) -> int:
    """95 when ``head`` holds a supported message element or namespace, else 0."""
    if not head.lstrip().startswith(b"<") and not head.startswith(b"\xef\xbb\xbf<"):
        return 0
    return 95 if _SNIFF.search(head) else 0


def parse_document(ctx: StageContext) -> Element:
    """Parse ``ctx.path`` safely and return the root with namespaces stripped from tag names.

    Refuses the file (``BadInputError``) when it is empty, binary, badly encoded or malformed,
    naming the line lxml stopped at.
    """
    path: Path = ctx.path
    data = path.read_bytes()
    if not data.strip():
        raise refuse(ctx, "file_empty")
    if is_binary(data):
        raise refuse(ctx, "file_binary")
    parser = safe_xml_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        lowered = message.lower()
        code = "encoding_invalid" if "encod" in lowered or "utf-8" in lowered else "xml_malformed"
        raise refuse(ctx, code, line=line, detail=message) from exc
    except (etree.LxmlError, ValueError) as exc:
        raise refuse(ctx, "xml_malformed", detail=str(exc)) from exc
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def refuse(
    ctx: StageContext,
    code: str,
    line: int | None = None,
    field: str | None = None,
    value: str | None = None,
    detail: str = "",
) -> BadInputError:
    """The ``BadInputError`` that refuses the whole file for one precise reason."""
    problem = ctx.problem(code, line=line, field=field, value=value, params={"detail": detail})
    return BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))


def find_message(root: Element) -> Element | None:
    """The message element (child of ``Document``), wherever the Document sits in an envelope."""
    documents = [root] if root.tag == "Document" else list(root.iter("Document"))
    for document in documents:
        for child in document:
            if isinstance(child.tag, str):
                return child
    if root.tag in MESSAGES or root.tag in NO_PAYMENTS:
        return root
    return None


def line_of(element: Element | None) -> int | None:
    """The 1-based line where ``element`` starts (``None`` when unknown)."""
    return None if element is None else element_line(element)


def text(element: Element | None, path: str | None = None) -> str | None:
    """Stripped text of ``element`` (or of its descendant ``path``); ``None`` when absent/empty."""
    if element is None:
        return None
    target = element.find(path) if path else element
    if target is None or target.text is None:
        return None
    value = " ".join(target.text.split())
    return value or None


def first_text(element: Element | None, *paths: str) -> str | None:
    """The first non-empty text among ``paths`` (ISO's many optional spellings of one fact)."""
    for path in paths:
        value = text(element, path)
        if value is not None:
            return value
    return None


def reference(value: str | None) -> str | None:
    """A reference, or ``None`` for ISO's "NOTPROVIDED" placeholder."""
    if value is None or value.upper() == _NOT_PROVIDED:
        return None
    return value


class RowError(ValueError):
    """One record's field that cannot be read: becomes a quarantine row, not a crash."""

    def __init__(self, code: str, field: str, value: str | None, line: int | None) -> None:
        super().__init__(f"{field}: {code}")
        self.code = code
        self.field = field
        self.value = value
        self.line = line


def amount_of(element: Element | None, where: str) -> tuple[Decimal, str]:
    """(amount, currency) of an ISO amount element ``<Amt Ccy="XOF">1500</Amt>``.

    ISO amounts are plain decimals with a point, never signed (direction is ``CdtDbtInd``).
    """
    if element is None:
        raise RowError("amount_missing", where, None, None)
    raw = (element.text or "").strip()
    line = line_of(element)
    if not raw:
        raise RowError("amount_empty", where, raw, line)
    if not _AMOUNT.match(raw):
        raise RowError("amount_not_number", where, raw, line)
    currency = (element.get("Ccy") or "").strip().upper()
    if not currency:
        raise RowError("currency_unknown", f"{where}/@Ccy", "", line)
    return Decimal(raw), currency


def date_of(element: Element | None, where: str, timezone: str) -> datetime | None:
    """Naive UTC time of an ISO date choice (``<Dt>``, ``<DtTm>`` or the element's own text).

    A date without time is midnight of that day; a time without offset is in ``timezone``.
    """
    if element is None:
        return None
    for tag in ("DtTm", "Dt"):
        child = element.find(tag)
        if child is not None:
            element, where = child, f"{where}/{tag}"
            break
    raw = (element.text or "").strip()
    try:
        return parse_timestamp(raw, tz=timezone)
    except DateError as exc:
        raise RowError(exc.code, where, raw, line_of(element)) from exc
    except OverflowError as exc:  # "0001-01-01T00:00:00+01:00" has no UTC time in Python
        raise RowError("date_out_of_range", where, raw, line_of(element)) from exc


class TxIds:
    """Mints transaction ids: ``("tx", scope, ext_id)`` when a reference exists, else the row's
    content; a key seen again in the same file gets an occurrence number, so two entries that
    share a reference (or two equal entries without one) both survive, and re-ingesting the same
    file mints the same ids.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[object, ...], int] = {}

    def mint(self, scope: str, ext_id: str | None, content: tuple[object, ...]) -> str:
        """Id of one transaction of account ``scope`` with reference ``ext_id``."""
        parts: tuple[object, ...] = (scope, ext_id) if ext_id else (scope, *content)
        count = self._seen.get(parts, 0) + 1
        self._seen[parts] = count
        if ext_id and count == 1:
            return natural_key("tx", *parts)
        return natural_key("tx", *parts, count)


def remittance(element: Element | None) -> str | None:
    """Unstructured remittance lines, then structured creditor references, joined by " / "."""
    if element is None:
        return None
    parts = [t for t in (text(u) for u in element.iterfind("RmtInf/Ustrd")) if t]
    for strd in element.iterfind("RmtInf/Strd"):
        ref = first_text(strd, "CdtrRefInf/Ref", "RfrdDocInf/Nb")
        if ref:
            parts.append(ref)
        parts.extend(t for t in (text(a) for a in strd.iterfind("AddtlRmtInf")) if t)
    return " / ".join(parts) or None


def reject(ctx: StageContext, error: RowError, fallback_line: int | None) -> None:
    """Quarantine one record for ``error`` (field named by its ISO path)."""
    ctx.reject(error.line or fallback_line, error.field, error.value, error.code)
