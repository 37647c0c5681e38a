"""Reader of FollowTheMoney entities as JSON lines (format ``ftm``).

FtM is the entity format of Aleph, OpenSanctions and many investigative teams: one JSON object
per line, ``{"id": ..., "schema": ..., "properties": {prop: [values]}}``. Each entity is cleaned
by the ``followthemoney`` library itself (``cleaned=False``), so phone numbers, countries and
dates are read as FtM reads them. Mapping (tables in docs/formats/ftm.md):

* Person, Company, Organization, LegalEntity (and their descendants) -> parties, their
  idNumber, passportNumber, taxNumber, registrationNumber, phone, email, address... ->
  identifiers;
* BankAccount -> accounts (iban, else accountNumber, else the iban as written: FtM drops IBANs
  it cannot check, Mali's among them; bic, else bankName); its holder comes from an Ownership
  entity (owner -> asset) in the same file;
* Payment -> transactions: payerAccount / beneficiaryAccount, else a pseudo-account of the payer
  / beneficiary party (see :mod:`moneytrail.model.ftm`), else NULL (outside the data); ``date``
  (else ``startDate``; a partial date "2024-03" means its first day; no zone: UTC); ``amount``;
  ``currency``; ``purpose``, else ``summary``, -> reference; ``transactionNumber`` -> ext_id.

Other schemata (Address, Note, Sanction...) are counted in the source's mapping record and
otherwise skipped. Entities are held in memory until the end of the file (payments may name
accounts defined later), which suits FtM exports of an investigation, not billion-row dumps.

Each line is checked before FtM sees it (:func:`~moneytrail.model.ftm.parse_entity_line`),
and a line that is not an entity goes to quarantine with its number and the reason: nested deeper
than 32 levels, longer than :data:`MAX_LINE_CHARS` (read no further than that, so a 200 MB
line without a newline costs 16 MiB of memory), ``NaN``/``Infinity`` (not JSON), a value that is
not an object, properties that are not lists of texts (FtM writes every value as text, so a
number such as ``1e999999`` is refused rather than read as infinity). The file is UTF-8 (with or
without BOM), or UTF-16/UTF-32 with their byte-order mark, or the ``--encoding`` given; bytes
that do not decode refuse the whole file, naming the line.

>>> FtmReader("ftm").sniff(Path("x.jsonl"), b'{"id": "a", "schema": "Person", "properties": {}}')
90
"""

from __future__ import annotations

import codecs
import io
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from moneytrail.errors import BadInputError
from moneytrail.files.text import bom_encoding
from moneytrail.ingest.base import StageContext
from moneytrail.model.dates import EARLIEST, LATEST
from moneytrail.model.ftm import (
    ACCOUNT_KINDS,
    PARTY_IDENTIFIERS,
    LineError,
    moneytrail_id,
    parse_entity_line,
    party_kind,
    pseudo_account_id,
)
from moneytrail.model.money import AmountError, normalise_currency, storable_amount
from moneytrail.model.vocab import AccountKind, Channel

SNIFF_SCORE = 90
_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H", "%Y-%m-%d", "%Y-%m", "%Y")

MAX_LINE_CHARS = 16 * 1024 * 1024
"""Longest line read (16 Mi characters): an FtM entity is a few hundred bytes, the largest
documents' entities (full text in ``bodyText``) a few megabytes."""


def parse_ftm_date(text: str) -> datetime | None:
    """FtM date text (any precision) as a naive UTC datetime at the start of its period.

    >>> parse_ftm_date("2024-03")
    datetime.datetime(2024, 3, 1, 0, 0)
    """
    value = text.strip().removesuffix("Z")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


class FtmReader:
    """FollowTheMoney JSON lines -> parties, identifiers, accounts, transactions."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """Sure when the first non-blank line is a JSON object with ``id`` and ``schema``."""
        for raw in head.splitlines():
            if not raw.strip():
                continue
            try:
                data = parse_entity_line(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, LineError):
                return 0
            return SNIFF_SCORE if model.get(data["schema"]) is not None else 0
        return 0

    def stage(self, ctx: StageContext) -> None:
        """Read every entity, then stage accounts (with holders) and payments."""
        state = _State(ctx)
        for number, line in _lines(ctx):
            if line is None:
                ctx.reject(number, None, None, "ftm_line_too_long", str(MAX_LINE_CHARS))
            elif line.strip():
                state.read_line(number, line)
        if not state.entities_seen:
            raise BadInputError(
                "error.file_refused",
                problems=[ctx.problem("ftm_no_entity")],
                file=str(ctx.path),
            )
        state.finish()
        ctx.mapping_used = {"skipped_schemata": dict(sorted(state.skipped.items()))}


def _lines(ctx: StageContext) -> Iterator[tuple[int, str | None]]:
    """``(number, text)`` of each line; ``None`` as text for a line over the length limit.

    Reads at most :data:`MAX_LINE_CHARS` characters of a line and skips the rest in 1 MiB
    chunks; bytes that do not decode refuse the whole file.
    """
    with ctx.path.open("rb") as raw:
        encoding = ctx.options.encoding or bom_encoding(raw.read(4)) or "utf-8-sig"
        raw.seek(0)
        number = 0
        try:
            handle = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="\n")
            while line := handle.readline(MAX_LINE_CHARS + 1):
                number += 1
                if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
                    yield number, line
                    continue
                while (rest := handle.readline(1 << 20)) and not rest.endswith("\n"):
                    pass
                yield number, None
        except (UnicodeDecodeError, LookupError) as exc:
            bad_line = _first_bad_line(ctx.path) if _is_utf8(encoding) else None
            problem = ctx.problem("encoding_invalid", line=bad_line, params={"detail": str(exc)})
            raise BadInputError(
                "error.file_refused", problems=[problem], file=str(ctx.path)
            ) from exc


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def _first_bad_line(path: Path) -> int | None:
    """The first line of a UTF-8 file holding bytes that do not decode (the text reader
    decodes ahead of the line it returns, so its error cannot say which line)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    number = 1
    with path.open("rb") as handle:
        while piece := handle.readline(1 << 20):
            try:
                decoder.decode(piece)
            except UnicodeDecodeError:
                return number
            number += piece.endswith(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return number
    return None


class _State:
    """What one file has shown so far (payments resolve once every entity is known)."""

    def __init__(self, ctx: StageContext) -> None:
        self.ctx = ctx
        self.entities_seen = 0
        self.skipped: Counter[str] = Counter()
        self.party_names: dict[str, str] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.holders: dict[str, str] = {}
        self.payments: list[tuple[int, EntityProxy, str | None]] = []

    def read_line(self, number: int, line: str) -> None:
        ctx = self.ctx
        try:
            data = parse_entity_line(line)
        except LineError as exc:
            raw = line.strip()[:200]
            ctx.reject(number, exc.field, raw, exc.code, exc.value)
            return
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (InvalidData, TypeError, ValueError) as exc:
            ctx.reject(number, "schema", data.get("schema"), "ftm_entity_invalid", str(exc))
            return
        if proxy.id is None:  # FtM drops an id made only of control characters
            ctx.reject(number, "id", data["id"], "ftm_entity_invalid", "id")
            return
        self.entities_seen += 1
        schema = proxy.schema
        if schema.is_a("LegalEntity"):
            self._party(number, proxy)
        elif schema.is_a("BankAccount"):
            self._account(number, proxy, _compact(_written(data, "iban")))
        elif schema.is_a("Payment"):
            self.payments.append((number, proxy, _written(data, "date", "startDate")))
        elif schema.is_a("Ownership"):
            owner, asset = proxy.first("owner"), proxy.first("asset")
            if owner and asset:
                self.holders.setdefault(asset, moneytrail_id("party", owner))
        else:
            self.skipped[schema.name] += 1

    def _party(self, number: int, proxy: EntityProxy) -> None:
        names = proxy.get("name")
        if not names:
            self.ctx.reject(number, "name", proxy.id, "field_missing")
            return
        assert proxy.id is not None
        party_id = moneytrail_id("party", proxy.id)
        self.party_names[party_id] = names[0]
        aliases = [*names[1:], *proxy.get("alias", quiet=True)]
        birth = proxy.first("birthDate", quiet=True)
        nationality = proxy.first("nationality", quiet=True)
        country = proxy.first("country", quiet=True) or proxy.first("jurisdiction", quiet=True)
        self.ctx.add(
            "parties",
            {
                "id": party_id,
                "kind": party_kind(set(proxy.schema.names)),
                "name": names[0],
                "aliases": aliases or None,
                "birth_date": _full_date(birth),
                "nationality": nationality.upper() if nationality else None,
                "country": country.upper() if country else None,
                "source_row": number,
            },
        )
        for prop, scheme in PARTY_IDENTIFIERS.items():
            for value in proxy.get(prop, quiet=True):
                self.ctx.add(
                    "identifiers",
                    {"owner_id": party_id, "scheme": scheme, "value": value, "source_row": number},
                )

    def _account(self, number: int, proxy: EntityProxy, raw_iban: str | None) -> None:
        assert proxy.id is not None
        kind = proxy.first("accountType")
        currency = proxy.first("currency")
        country = proxy.first("country")
        self.accounts[proxy.id] = {
            "id": moneytrail_id("account", proxy.id),
            "kind": kind if kind in ACCOUNT_KINDS else AccountKind.BANK,
            "institution": proxy.first("bic") or proxy.first("bankName"),
            "number": proxy.first("iban") or proxy.first("accountNumber") or raw_iban,
            "name": proxy.first("name"),
            "currency": currency.upper() if currency else None,
            "country": country.upper() if country else None,
            "source_row": number,
        }

    def finish(self) -> None:
        ctx = self.ctx
        for ftm_id, row in self.accounts.items():
            ctx.add("accounts", {**row, "holder_party_id": self.holders.get(ftm_id)})
        for number, proxy, raw_date in self.payments:
            self._payment(number, proxy, raw_date)

    def _side(self, number: int, proxy: EntityProxy, party_prop: str) -> str | None:
        """Account id of one side of a payment (named account, else the party's pseudo-account)."""
        account = proxy.first(f"{party_prop}Account")
        if account:
            return moneytrail_id("account", account)
        party = proxy.first(party_prop)
        if not party:
            return None
        party_id = moneytrail_id("party", party)
        account_id = pseudo_account_id(party_id)
        self.ctx.add(
            "accounts",
            {
                "id": account_id,
                "kind": AccountKind.UNKNOWN,
                "name": self.party_names.get(party_id),
                "holder_party_id": party_id,
                "source_row": number,
            },
        )
        return account_id

    def _payment(self, number: int, proxy: EntityProxy, written_date: str | None) -> None:
        """Stage one payment; ``written_date`` is its date as written (FtM drops "0000-00-00")."""
        ctx = self.ctx
        assert proxy.id is not None
        raw_date = proxy.first("date") or proxy.first("startDate") or written_date
        ts = parse_ftm_date(raw_date) if raw_date else None
        if ts is None:
            ctx.reject(number, "date", raw_date, "date_invalid" if raw_date else "date_missing")
            return
        if not EARLIEST <= ts < LATEST:
            ctx.reject(number, "date", raw_date, "date_out_of_range")
            return
        raw_amount = proxy.first("amount")
        try:
            amount = storable_amount(raw_amount) if raw_amount else None
        except AmountError as exc:
            ctx.reject(number, "amount", raw_amount, exc.code)
            return
        raw_currency = proxy.first("currency") or ctx.options.currency
        try:
            currency = normalise_currency(raw_currency) if raw_currency else None
        except AmountError:
            ctx.reject(number, "currency", raw_currency, "currency_unknown")
            return
        ctx.add(
            "transactions",
            {
                "id": moneytrail_id("tx", proxy.id),
                "ext_id": proxy.first("transactionNumber"),
                "ts": ts,
                "src_account_id": self._side(number, proxy, "payer"),
                "dst_account_id": self._side(number, proxy, "beneficiary"),
                "amount": amount,
                "currency": currency,
                "channel": Channel.UNKNOWN,
                "reference": proxy.first("purpose") or proxy.first("summary"),
                "source_row": number,
            },
        )


def _written(data: dict[str, Any], *props: str) -> str | None:
    """The first non-blank value of ``props`` as written: FtM drops the values it cannot check
    (Mali's IBANs, a date "0000-00-00"), and the row or its rejection still needs them."""
    properties = data.get("properties") or {}
    for prop in props:
        for value in properties.get(prop) or []:
            if value.strip():
                return str(value.strip())
    return None


def _compact(text: str | None) -> str | None:
    """An IBAN as written, without spaces, upper case."""
    return "".join(text.split()).upper() if text else None


def _full_date(text: str | None) -> date | None:
    """A birth date only when FtM gives the day (a year alone is not a date of birth)."""
    if text is None or len(text) < 10:
        return None
    parsed = parse_ftm_date(text[:10])
    return parsed.date() if parsed else None
