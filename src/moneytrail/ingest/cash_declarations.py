"""Cross-border cash declarations and seizures (customs, border posts) from the CSV/XLSX template.

Why: cash couriers carry money across Sahel borders where no bank sees it (FATF R.32; FATF
2015 "Money Laundering Through the Physical Transportation of Cash"). Each declaration becomes
one transaction that carries the country transition, so a trace can cross a border carried by
a person (decision 0134):

* exit (sortie): the declarant's cash -> the declarant's cash in transit;
* entry (entrée): the declarant's cash in transit -> the declarant's cash;
* seized (saisi): the declarant's cash -> the customs seizure account of the border post.

``src_country``/``dst_country`` are the declared departure and destination countries,
``tx_type`` is ``border_cash_declaration`` or ``border_cash_seizure``, ``reference`` keeps the
border post, the stated origin and purpose. The template, its FR/EN headers and what is
quarantined: docs/formats/cash_declarations.md. Example::

    moneytrail ingest -w ws declarations_douane_2024.xlsx
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from moneytrail.cash import keys
from moneytrail.cash.table import Template, head_header, header_score, read_rows, template
from moneytrail.cash.values import (
    CellError,
    parse_country,
    parse_currency,
    parse_money,
    parse_when,
)
from moneytrail.errors import BadInputError, Problem
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.ledger import merge_row
from moneytrail.model.identifiers import IdentifierError, normalise_msisdn
from moneytrail.model.ids import natural_key

TEMPLATE = "cash_declarations"
SCHEMES = {"passport": "passport", "passeport": "passport", "nina": "nina", "cni": "national_id"}


def open_template(ctx: StageContext, name: str) -> tuple[Template, dict[str, int], Any]:
    """Header, field positions and rows of a template file, or a refusal of the whole file."""
    tpl = template(name)
    try:
        header, rows = read_rows(ctx.read_path, ctx.options.encoding)
    except BadInputError:
        raise
    except UnicodeDecodeError as exc:
        raise _refuse(ctx, "encoding_invalid", detail=str(exc.reason)) from exc
    except Exception as exc:
        raise _refuse(ctx, "xlsx_unreadable", detail=type(exc).__name__) from exc
    fields = tpl.match(header)
    missing = [f for f in tpl.required if f not in fields]
    if missing:
        raise _refuse(ctx, "column_missing", detail=", ".join(missing))
    return tpl, fields, rows


def _refuse(ctx: StageContext, code: str, **params: Any) -> BadInputError:
    problem = Problem(str(ctx.path), code, params=params)
    return BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))


Cell = Callable[[str], str]


def cells(fields: dict[str, int], values: list[str]) -> Cell:
    """``cell(field)``: the row's text of ``field`` ("" when the file has no such column)."""

    def cell(fld: str) -> str:
        index = fields.get(fld)
        return values[index] if index is not None and index < len(values) else ""

    return cell


class CashDeclarationReader:
    """The cross-border cash declarations template (``--format cash_declarations``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """90 when the header names the template's required fields and two more."""
        return header_score(template(TEMPLATE), head_header(path, head))

    def stage(self, ctx: StageContext) -> None:
        """Stage one transaction per readable row; quarantine the others, naming the field."""
        tpl, fields, rows = open_template(ctx, TEMPLATE)
        parties: dict[str, dict[str, Any]] = {}
        accounts: dict[str, dict[str, Any]] = {}
        seen: dict[str, int] = {}
        for line, values in rows:
            cell = cells(fields, values)
            try:
                staged = self._row(ctx, tpl, cell, line, seen)
            except Bad as bad:
                ctx.reject(line, bad.field, cell(bad.field), bad.code, bad.detail)
                continue
            tx, rows_parties, rows_accounts, idents = staged
            for row in rows_parties:
                merge_row(parties, row)
            for row in rows_accounts:
                merge_row(accounts, row)
            ctx.add_many("identifiers", idents)
            ctx.add("transactions", tx)
        ctx.add_many("parties", parties.values())
        ctx.add_many("accounts", accounts.values())

    def _row(
        self, ctx: StageContext, tpl: Template, cell: Cell, line: int, seen: dict[str, int]
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        for fld in tpl.required:
            if not cell(fld):
                raise Bad(fld, "field_missing")
        ts = read(cell, "date", lambda t: parse_when(t, ctx.options.timezone))
        currency = read(cell, "currency", parse_currency)
        amount = read(cell, "amount", lambda t: parse_money(t, currency))
        direction = tpl.code("direction", cell("direction"))
        if direction is None:
            raise Bad("direction", "value_invalid", "(entry/entrée, exit/sortie)")
        status = tpl.code("status", cell("status")) if cell("status") else "declared"
        if status is None:
            raise Bad("status", "value_invalid", "(declared/déclaré, seized/saisi)")
        origin = read(cell, "country_from", parse_country, required=True)
        destination = read(cell, "country_to", parse_country, required=True)
        if origin == destination:
            raise Bad("country_to", "cash_same_country", origin)
        phone = read(cell, "phone", read_phone(ctx.options.country)) if cell("phone") else None
        document = cell("id_number")
        scheme = SCHEMES.get(cell("id_type").lower(), "other") if document else None
        doc_key = f"{scheme}:{document}" if document else None
        pkey = keys.person_key(doc_key, phone, cell("declarant"), ctx.source.id)
        pid, cash, transit = (
            keys.party_id(pkey),
            keys.cash_account(pkey),
            keys.transit_account(pkey),
        )
        post = cell("border_post")
        person = {"id": pid, "kind": "person", "name": cell("declarant"), "source_row": line}
        if cell("nationality"):
            person["nationality"] = read(cell, "nationality", parse_country)
        accounts = [
            account_row(cash, "cash", None, f"CASH:{pkey}", cell("declarant"), pid, line),
            account_row(transit, "cash", "border", f"TRANSIT:{pkey}", cell("declarant"), pid, line),
        ]
        if status == "seized":
            seized = keys.seizure_account(post)
            accounts.append(
                account_row(seized, "external", "customs", f"SEIZED:{post}", post, None, line)
            )
            src, dst, tx_type = cash, seized, "border_cash_seizure"
        elif direction == "exit":
            src, dst, tx_type = cash, transit, "border_cash_declaration"
        else:
            src, dst, tx_type = transit, cash, "border_cash_declaration"
        ext = cell("declaration_id") or None
        natural = (pkey, ts.isoformat(), str(amount), currency, post, direction)
        occurrence = seen.get("\x1f".join(natural), 0)
        seen["\x1f".join(natural)] = occurrence + 1
        tx_id = (
            natural_key("tx", "cash_declaration", ext)
            if ext
            else natural_key("tx", "cash_declaration", *natural, occurrence)
        )
        parts = [f"{direction} @ {post}"]
        parts += [f"origin: {cell('origin')}"] if cell("origin") else []
        parts += [f"purpose: {cell('purpose')}"] if cell("purpose") else []
        tx = {
            "id": tx_id,
            "ext_id": ext,
            "ts": ts,
            "src_account_id": src,
            "dst_account_id": dst,
            "amount": amount,
            "currency": currency,
            "channel": "unknown",
            "tx_type": tx_type,
            "src_country": origin,
            "dst_country": destination,
            "reference": " | ".join(parts),
            "source_row": line,
        }
        idents = [{"owner_id": pid, "scheme": scheme, "value": document, "source_row": line}]
        idents = idents if document else []
        if phone:
            idents.append({"owner_id": pid, "scheme": "phone", "value": phone, "source_row": line})
        return tx, [person], accounts, idents


class Bad(Exception):
    """A row refused on ``field`` with problem ``code`` (sent to quarantine by the reader)."""

    def __init__(self, field: str, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.field, self.code, self.detail = field, code, detail


def read(cell: Cell, fld: str, parse: Callable[[str], Any], required: bool = False) -> Any:
    """``parse`` of the field's text, ``None`` when empty (or :class:`Bad` when ``required``)."""
    text = cell(fld)
    if not text:
        if required:
            raise Bad(fld, "field_missing")
        return None
    try:
        return parse(text)
    except CellError as exc:
        raise Bad(fld, exc.code, exc.detail) from exc


def read_phone(region: str | None) -> Callable[[str], str]:
    """A parser of phone numbers to E.164, national numbers read in ``region`` (default Mali:
    ``IngestOptions.country``)."""

    def parse(text: str) -> str:
        try:
            return normalise_msisdn(text, region or "ML")
        except IdentifierError as exc:
            raise CellError("msisdn_invalid") from exc

    return parse


def account_row(
    aid: str,
    kind: str,
    institution: str | None,
    number: str,
    name: str,
    holder: str | None,
    line: int,
) -> dict[str, Any]:
    return {
        "id": aid,
        "kind": kind,
        "institution": institution,
        "number": number,
        "name": name,
        "holder_party_id": holder,
        "source_row": line,
    }
