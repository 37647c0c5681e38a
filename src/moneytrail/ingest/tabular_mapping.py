"""The column mapping of a tabular file: a small, versioned YAML document, checked by pydantic.

Why a mapping: bank and operator exports differ in every header, delimiter and date habit. The
reader guesses what it can (see :mod:`moneytrail.ingest.tabular_detect`); a mapping saved once per
export layout makes the load repeatable and reviewable. Unknown keys are refused (a typo must not
silently drop a column). Example::

    version: 1
    delimiter: ";"
    decimal: comma
    date_format: "%d/%m/%Y %H:%M"
    currency: XOF
    columns:
      ext_id: "N° transaction"
      timestamp: Date
      amount: Montant
      src_account: Expéditeur
      dst_account: Destinataire
      balance: null          # ignore a column the dictionary would read

Header matching ignores case, accents and punctuation (:func:`header_key`), so ``Expediteur``
finds ``EXPÉDITEUR``. Reference: docs/formats/tabular.md.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from moneytrail.errors import Message, MessageError, UsageError

FIELDS: tuple[str, ...] = (
    "ext_id",
    "timestamp",
    "date",
    "time",
    "amount",
    "debit",
    "credit",
    "direction",
    "currency",
    "channel",
    "tx_type",
    "fee",
    "reference",
    "src_account",
    "src_name",
    "src_institution",
    "src_country",
    "dst_account",
    "dst_name",
    "dst_institution",
    "dst_country",
    "account",
    "account_name",
    "account_institution",
    "counterparty_account",
    "counterparty_name",
    "place",
    "balance",
    "label",
    "typology",
    "case_id",
)
"""Canonical fields a column may be mapped to (``balance`` is recognised, then ignored).

``label``, ``typology`` and ``case_id`` are ground truth, not evidence: a labelled data set's
own answer (``is_laundering`` 1/0) loads into the ``labels`` table, keyed to the row's
transaction, for ``moneytrail detect evaluate`` (docs/decisions/0138-labels-from-user-files.md).

``place`` is where a cash-in or cash-out happened (the agent's locality, point of service or
bank branch): it is kept on the agent's account, the far side of the cash movement, as an
``address`` identifier, so that a trace's ``cash`` endpoint says where the cash left."""

DELIMITERS: dict[str, str] = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "|": "|"}
"""Accepted delimiters (a closed set, so a delimiter can be written into SQL safely)."""


def header_key(text: str) -> str:
    """Comparable form of a header: lower case, no accents, words split on any punctuation.

    >>> header_key("  Date d'Opération ")
    'date d operation'
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


class Mapping(BaseModel):
    """Version 1 of a column mapping; every key is optional (detection fills the gaps)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    format: Literal["csv", "tsv", "xlsx", "parquet", "mobile_money"] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: Literal["comma", "point"] | None = None
    date_format: str | None = None
    time_format: str | None = None
    timezone: str | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    channel: str | None = None
    account_kind: str | None = None
    institution: str | None = None
    sheet: str | None = None
    skip_rows: int = Field(default=0, ge=0)
    columns: dict[str, str | None] = Field(default_factory=dict)
    """Canonical field -> the file's header; ``null`` ignores a column detection would read
    (``currency: null`` with ``currency: XOF`` above: the file's currency column is unreliable)."""
    values: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @field_validator("delimiter")
    @classmethod
    def _known_delimiter(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value not in DELIMITERS:
            raise ValueError(f"delimiter must be one of ; , | tab (got {value!r})")
        return DELIMITERS[value]

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for name in value:
            if name not in FIELDS:
                raise MessageError(
                    Message(
                        "tabular.reason_unknown_key", {"name": name, "known": ", ".join(FIELDS)}
                    )
                )
        return value

    @field_validator("values")
    @classmethod
    def _known_value_maps(
        cls, value: dict[str, dict[str, list[str]]]
    ) -> dict[str, dict[str, list[str]]]:
        for name, table in value.items():
            if name not in ("direction", "channel"):
                raise MessageError(
                    Message(
                        "tabular.reason_unknown_key", {"name": name, "known": "direction, channel"}
                    )
                )
            if name == "direction" and not set(table) <= {"debit", "credit"}:
                raise ValueError("values.direction takes only 'debit' and 'credit' lists")
        return value


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file, or raise ``UsageError("error.mapping_invalid")``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = Message("tabular.reason_unreadable", {"detail": str(exc).splitlines()[0]})
        raise UsageError("error.mapping_invalid", path=str(path), reason=reason) from exc
    if not isinstance(data, dict):
        reason = Message("tabular.reason_unreadable", {"detail": "not a YAML mapping"})
        raise UsageError("error.mapping_invalid", path=str(path), reason=reason)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise UsageError("error.mapping_invalid", path=str(path), reason=_explain(exc)) from exc


def _explain(exc: ValidationError) -> list[Message | str]:
    """Each validation error as a message (rendered later, in the reader's language)."""
    parts: list[Message | str] = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if error["type"] == "extra_forbidden":
            known = ", ".join(Mapping.model_fields)
            parts.append(Message("tabular.reason_unknown_key", {"name": where, "known": known}))
        elif isinstance(cause, MessageError):
            parts.append(cause.message)
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            parts.append(f"{where}: {message}" if where else message)
    return parts


def resolve_columns(
    mapping_columns: dict[str, str], header: list[str], path: Path
) -> dict[str, str]:
    """Canonical field -> the file's own header for each mapped column, or ``UsageError``.

    A mapped column that the file lacks names the file's actual columns, since the usual cause is
    a header renamed by a new version of the export.
    """
    by_key = {header_key(h): h for h in header}
    resolved: dict[str, str] = {}
    for fld, column in mapping_columns.items():
        actual = by_key.get(header_key(column))
        if actual is None:
            reason = Message(
                "tabular.reason_column_absent",
                {"column": column, "field": fld, "found": ", ".join(header)},
            )
            raise UsageError("error.mapping_invalid", path=str(path), reason=reason)
        resolved[fld] = actual
    return resolved
