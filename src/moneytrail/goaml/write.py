"""Write a goAML report from a :class:`~moneytrail.goaml.inputs.ReportInput`, and say every
reason it would be refused before anything is written.

``build_report(input, profile)`` is pure: elements in the schema's order, amounts with the
profile's decimals, dates in its ``sql_date`` form, names in the profile's ASCII character set
(the original spelling kept when the transliteration changed it: a person's
``full_name_frn``, an entity's or an account's ``comments``). ``check_report`` adds the
writer's own checks (no transaction, a transaction the workspace no longer holds, no amount in
the local currency) to the profile's validation
(:func:`moneytrail.model.goaml.validate_report`), and tells for each problem inside a
``<transaction>`` which case items named that transaction.

Example::

    data = build_report(found, load_profile("uae-5.0.2"))
    problems = check_report(found, load_profile("uae-5.0.2"), data, "D-2026-0001.xml")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from moneytrail.errors import Problem
from moneytrail.goaml import codes
from moneytrail.goaml.inputs import AccountRow, PartyRow, ReportInput, TransactionRow

if TYPE_CHECKING:
    from moneytrail.model.goaml.profile import Profile

ORIGINAL_NAME = "Original name: "
"""How a transliterated name's original spelling is introduced in a ``comments`` element."""
CASE_ITEMS = "Case items: "
"""How a transaction's ``comments`` names the case items that put it in the report."""


class _Writer:
    """The XML of one report for one profile."""

    def __init__(self, profile: Profile) -> None:
        self.allowed = profile.name_characters
        decimals = profile.rules.amount_max_decimals
        self.decimals = codes.AMOUNT_DECIMALS if decimals is None else decimals

    def report(self, data: ReportInput) -> etree._Element:
        head = data.header
        root = etree.Element("report")
        _sub(root, "rentity_id", str(head.entity_id))
        if head.entity_branch:
            _sub(root, "rentity_branch", head.entity_branch)
        _sub(root, "submission_code", "E")
        _sub(root, "report_code", head.report_code)
        _sub(root, "entity_reference", head.entity_reference)
        submitted = head.submitted_at or datetime.now(UTC)
        _sub(root, "submission_date", codes.goaml_date(submitted))
        _sub(root, "currency_code_local", data.local_currency)
        if head.reporter:
            self.person(root, "reporting_person", head.reporter, None, registration=True)
        if head.reason:
            _sub(root, "reason", head.reason)
        if head.action:
            _sub(root, "action", head.action)
        for tx in data.transactions:
            self.transaction(root, tx, data.local_currency)
        indicators = _sub(root, "report_indicators")
        for code in head.indicators:
            _sub(indicators, "indicator", code)
        return root

    def transaction(self, root: etree._Element, tx: TransactionRow, local: str) -> None:
        node = _sub(root, "transaction")
        _sub(node, "transactionnumber", tx.number)
        _sub(node, "internal_ref_number", tx.id)
        _sub(node, "transaction_location", codes.country(tx.src_country) or "")
        _sub(node, "transaction_description", tx.reference or tx.tx_type or "")
        _sub(node, "date_transaction", codes.goaml_date(tx.ts))
        _sub(node, "transmode_code", codes.transmode(tx.channel))
        _sub(node, "transmode_comment", "-")  # UAE 5.0.2: exactly one character
        local_amount = tx.amount if tx.currency == local else tx.amount_reporting
        _sub(node, "amount_local", codes.goaml_amount(local_amount or Decimal(0), self.decimals))
        foreign = tx.currency != local
        self.side(node, "from", tx, tx.source, tx.src_country, foreign)
        self.side(node, "to", tx, tx.target, tx.dst_country, foreign)
        if tx.origins:
            _sub(node, "comments", CASE_ITEMS + "; ".join(tx.origins))

    def side(
        self,
        node: etree._Element,
        side: str,
        tx: TransactionRow,
        account: AccountRow | None,
        tx_country: str | None,
        foreign: bool,
    ) -> None:
        """``t_from``/``t_to``: funds, foreign currency, then the account — or, for a cash
        pseudo-account, an account without a number (a counterparty known by name only) or
        no account at all, the person or entity itself."""
        part = _sub(node, f"t_{side}")
        _sub(part, f"{side}_funds_code", codes.funds(tx.channel, side))
        if foreign:
            money = _sub(part, f"{side}_foreign_currency")
            _sub(money, "foreign_currency_code", tx.currency)
            _sub(money, "foreign_amount", codes.goaml_amount(tx.amount, self.decimals))
        holder = account.holder if account is not None else None
        if account is not None and account.kind != "cash" and account.number:
            self.account(part, f"{side}_account", account)
        elif holder is not None and holder.is_person:
            self.person(part, f"{side}_person", holder.name, holder)
        else:
            name = holder.name if holder is not None else codes.UNKNOWN
            self.entity(part, f"{side}_entity", name, holder)
        where = codes.country(tx_country) or (codes.country(account.country) if account else None)
        _sub(part, f"{side}_country", where or codes.UNKNOWN)

    def account(self, parent: etree._Element, tag: str, account: AccountRow) -> None:
        node = _sub(parent, tag)
        institution = (account.institution or "").strip()
        if institution and not codes.is_bic(institution):
            _sub(node, "institution_name", institution[:255])
        if codes.is_bic(institution):
            _sub(node, "swift", institution.upper())
        else:
            _sub(node, "institution_code", institution[:50] or codes.UNKNOWN)
        if codes.country(account.country):
            _sub(node, "institution_country", codes.country(account.country))
        _sub(node, "account", account.number or account.id)  # a number: see side()
        if account.currency:
            _sub(node, "currency_code", account.currency)
        holder = account.holder
        label = account.name or (holder.name if holder else "") or account.number or account.id
        name = self.name(label) or codes.UNKNOWN
        _sub(node, "account_name", name)
        if holder is not None and not holder.is_person:
            self.entity(node, "t_entity", holder.name, holder)
        if holder is not None and holder.is_person:
            signatory = _sub(node, "signatory")
            self.person(signatory, "t_person", holder.name, holder)
        if name != label:
            _sub(node, "comments", ORIGINAL_NAME + label)

    def person(
        self,
        parent: etree._Element,
        tag: str,
        full_name: str,
        party: PartyRow | None,
        registration: bool = False,
    ) -> None:
        node = _sub(parent, tag)
        ascii_full = self.name(full_name)
        first, last = codes.split_name(ascii_full)
        _sub(node, "first_name", first[:100])
        _sub(node, "last_name", last[:100])
        if party is not None and party.birth_date is not None:
            _sub(node, "birthdate", codes.goaml_date(party.birth_date))
        if not registration and ascii_full != full_name:
            _sub(node, "full_name_frn", full_name[:255])  # the name in its own script
        ids = dict(party.identifiers) if party is not None else {}
        number = ids.get("national_id") or ids.get("nina")
        if number:
            _sub(node, "id_number", number[:255])
        nationality = codes.country(party.nationality) if party is not None else None
        if nationality:
            _sub(node, "nationality1", nationality)

    def entity(
        self, parent: etree._Element, tag: str, full_name: str, party: PartyRow | None
    ) -> None:
        node = _sub(parent, tag)
        ascii_full = self.name(full_name) or codes.UNKNOWN
        _sub(node, "name", ascii_full[:255])
        ids = dict(party.identifiers) if party is not None else {}
        if ids.get("rccm"):
            _sub(node, "incorporation_number", ids["rccm"][:50])
        where = codes.country(party.country) if party is not None else None
        if where:
            _sub(node, "incorporation_country_code", where)
        if ids.get("tax_id"):
            _sub(node, "tax_number", ids["tax_id"][:100])
        if ascii_full != full_name:
            _sub(node, "comments", ORIGINAL_NAME + full_name)

    def name(self, text: str) -> str:
        return codes.ascii_name(text, self.allowed)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def build_report(data: ReportInput, profile: Profile) -> bytes:
    """The report's XML (UTF-8, indented: one element a line, so a problem's line number
    points at one element)."""
    root = _Writer(profile).report(data)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def input_problems(data: ReportInput, display_name: str) -> list[Problem]:
    """What the writer itself refuses, before the schema, each with the element it concerns
    (a missing indicator is the profile's own rule, so it is not repeated here)."""
    problems: list[Problem] = []
    if not data.transactions:
        problems.append(
            Problem(display_name, "goaml_write.no_transactions", field="report/transaction")
        )
    for tx_id, origins in data.missing:
        problems.append(
            Problem(
                display_name,
                "goaml_write.missing_transaction",
                field=f"report/transaction [{'; '.join(origins)}]",
                value=tx_id,
            )
        )
    for position, tx in enumerate(data.transactions, start=1):
        if tx.currency != data.local_currency and tx.amount_reporting is None:
            problems.append(
                Problem(
                    display_name,
                    "goaml_write.no_local_amount",
                    field=f"{_path(position, data)}/amount_local [{_origin(tx)}]",
                    value=tx.currency,
                    params={"local": data.local_currency},
                )
            )
    return problems


def check_report(
    data: ReportInput, profile: Profile, xml: bytes, display_name: str
) -> list[Problem]:
    """Every reason ``xml`` (built from ``data``) cannot be filed: the writer's own checks,
    then the profile's, each problem inside a transaction naming its case items."""
    from moneytrail.model.goaml import validate_report

    problems = input_problems(data, display_name)
    found = validate_report(xml, profile, display_name=display_name)
    lines = _transaction_lines(xml, data.transactions)
    problems.extend(_with_origin(p, lines) for p in found)
    return problems


def _transaction_lines(
    xml: bytes, transactions: Iterable[TransactionRow]
) -> list[tuple[int, int, str]]:
    """``(first line, last line, "number: origins")`` of each ``<transaction>`` element."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    nodes = root.findall("transaction")
    spans: list[tuple[int, int, str]] = []
    for node, tx in zip(nodes, transactions, strict=False):
        start = node.sourceline or 0
        last = max((d.sourceline or start for d in node.iter()), default=start) + 1
        spans.append((start, last, _origin(tx)))
    return spans


def _path(position: int, data: ReportInput) -> str:
    """The transaction's element path as lxml writes it (no index when it is the only one)."""
    return f"report/transaction[{position}]" if len(data.transactions) > 1 else "report/transaction"


def _origin(tx: TransactionRow) -> str:
    """``BIS-24-0004: source row 5 (#3)``: the transaction and the case items naming it."""
    return f"{tx.number}: {'; '.join(tx.origins) or '-'}"


def _with_origin(problem: Problem, spans: list[tuple[int, int, str]]) -> Problem:
    if problem.line is None:
        return problem
    for start, last, origin in spans:
        if start <= problem.line <= last:
            field = f"{problem.field} [{origin}]" if problem.field else f"[{origin}]"
            return Problem(
                problem.file,
                problem.code,
                problem.line,
                field,
                problem.value,
                dict(problem.params),
            )
    return problem
