"""The ISO 20022 reader: camt.052/053/054 statements, pain.001/008 initiations, pacs.008/009.

One class serves every message: the registry creates it under the name the user asked for
(``--format camt.053``), but the message element inside ``Document`` decides how the file is read,
so a camt.054 given as ``--format camt.053`` is still read as what it is, and the source records
the real message type. Mapping rules and decisions: docs/formats/iso20022.md.

>>> head = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
>>> Iso20022Reader("camt.053").sniff(Path("x.xml"), head)
95
"""

from __future__ import annotations

import re
from pathlib import Path

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.iso20022_camt import stage_statements
from moneytrail.ingest.iso20022_common import (
    MESSAGES,
    NO_PAYMENTS,
    find_message,
    line_of,
    parse_document,
    refuse,
    sniff_score,
)
from moneytrail.ingest.iso20022_parties import Ledger
from moneytrail.ingest.iso20022_payments import stage_initiations, stage_interbank
from moneytrail.ingest.registry import HEAD_BYTES, sniff_head

_RECORDS = ("Ntry", "CdtTrfTxInf", "DrctDbtTxInf")
"""Elements that each hold one payment: a message with none of them is refused, not loaded empty."""


class Iso20022Reader:
    """Reads ISO 20022 XML messages into canonical accounts, parties and transactions."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """95 for XML whose message element or Document namespace is a supported message."""
        return sniff_score(head)

    def stage(self, ctx: StageContext) -> None:
        """Parse the whole file, then stage its rows; refuse it when it holds no payment."""
        root = parse_document(ctx)
        message = find_message(root)
        tag = message.tag if message is not None else root.tag
        line = line_of(message) if message is not None else line_of(root)
        if message is None or tag not in MESSAGES:
            code = "iso20022_no_transactions" if tag in NO_PAYMENTS else "iso20022_unsupported"
            raise refuse(ctx, code, line, str(tag), detail=NO_PAYMENTS.get(str(tag), ""))
        kind = MESSAGES[tag]
        ctx.format = kind
        ctx.mapping_used = {"message": kind, "namespace": _namespace(ctx)}
        ledger = Ledger(ctx)
        if kind.startswith("camt."):
            staged = stage_statements(ctx, message, ledger)
        elif kind.startswith("pain."):
            staged = stage_initiations(ctx, message, ledger, kind)
        else:
            staged = stage_interbank(ctx, message, ledger, kind)
        ledger.finish()
        ctx.report(1, 1)
        if staged == 0 and next(message.iter(*_RECORDS), None) is None:
            raise refuse(ctx, "iso20022_no_transactions", line, tag, detail=kind)


def _namespace(ctx: StageContext) -> str:
    """The Document namespace as written in the file (kept in the source's mapping record)."""
    with ctx.path.open("rb") as handle:
        head = sniff_head(handle.read(HEAD_BYTES))
    found = re.search(rb"<(?:[\w.-]+:)?Document[^>]*?xmlns(?::[\w.-]+)?=[\"']([^\"']+)", head)
    return found.group(1).decode("utf-8", "replace") if found else ""
