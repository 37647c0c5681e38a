"""Deciding how to read a tabular file: which column is which, date format, decimal mark.

The mapping (when given) wins; a preset (mobile money) comes next; the built-in header dictionary
last. What cannot be decided refuses the file before anything is read, naming the columns found
and suggesting ``--mapping``: a half-understood file must not load. Example::

    plan = build_plan(ctx, ["Date", "Montant", "Expéditeur", "Destinataire"], sample, mapping)
    plan.columns == {"timestamp": "c0", "amount": "c1", "src_account": "c2", "dst_account": "c3"}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import phonenumbers
import yaml

from moneytrail.errors import BadInputError, Message, UsageError
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.tabular_detect import header_aliases, match_header
from moneytrail.ingest.tabular_mapping import Mapping, header_key, resolve_columns
from moneytrail.ingest.tabular_sql import ISO_8601, LABEL_FALSE, LABEL_TRUE, Plan, label_word
from moneytrail.model.dates import DATE_FORMATS, DateError, detect_date_format, zone
from moneytrail.model.identifiers import DEFAULT_REGION
from moneytrail.model.money import DecimalConvention, detect_decimal_convention
from moneytrail.model.vocab import AccountKind, Channel

TIME_FORMATS = ("%H:%M:%S", "%H:%M")
Sampler = Callable[[str], list[str]]
"""``sample(header)``: the non-empty sample values of one column of the file."""


@dataclass(frozen=True)
class Preset:
    """Headers, defaults and value maps of a family of exports (``presets/<name>.yaml``)."""

    defaults: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)


@cache
def load_preset(name: str) -> Preset:
    """The preset ``presets/<name>.yaml`` (``values`` for the built-in value dictionaries)."""
    text = (resources.files("moneytrail.ingest") / "presets" / f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    if name == "values":
        return Preset(values=data)
    aliases: dict[str, str] = {}
    for fld, names in (data.get("headers") or {}).items():
        for alias in names:
            aliases.setdefault(header_key(str(alias)), str(fld))
    return Preset(data.get("defaults") or {}, aliases, data.get("values") or {})


def fold(text: str) -> str:
    """Case- and accent-free form of a value, as SQL's ``lower(strip_accents(trim(x)))``."""
    plain = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def refuse(
    ctx: StageContext,
    code: str,
    value: str = "",
    detail: str = "",
    line: int | None = None,
    field: str | None = None,
) -> BadInputError:
    """A whole-file refusal with one problem (at ``line`` and ``field`` when known)."""
    problem = ctx.problem(code, line=line, field=field, value=value, params={"detail": detail})
    return BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))


_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"
    r" ?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def is_iso_timestamp(value: str) -> bool:
    """True for ISO 8601 date-times: ``T`` or a space, optional seconds and fraction, an
    optional ``Z`` or offset (``+01:00``, ``+0100``, ``+01``).

    >>> [is_iso_timestamp(v) for v in ("2025-03-01T08:00:00Z", "2025-03-01 08:00+0100", "1/3/25")]
    [True, True, False]
    """
    text = value.strip()
    if not _ISO.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text.replace("z", "Z").replace(",", "."))
    except ValueError:
        return False
    return True


def choose_date_format(samples: list[str]) -> str | None:
    """Format reading every sample, else the one reading most: ISO 8601 (offsets, ``Z``,
    fractions of any length) or a ``strptime`` format, ISO winning a tie."""
    exact = detect_date_format(samples)
    if exact or not samples:
        return exact
    iso = sum(is_iso_timestamp(s) for s in samples)
    best: tuple[int, str] | None = None
    for fmt in DATE_FORMATS:
        count = 0
        for value in samples:
            try:
                datetime.strptime(value, fmt)
                count += 1
            except ValueError:
                continue
        if count and (best is None or count > best[0]):
            best = (count, fmt)
    if iso and (best is None or iso >= best[0]):
        return ISO_8601
    return None if best is None else best[1]


def _fields(
    header: list[str], mapping: Mapping | None, preset: Preset | None, ctx: StageContext
) -> dict[str, str]:
    found = match_header(header)
    if preset is not None:
        found = {**found, **match_header(header, preset.headers)}
        # A preset field wins: drop dictionary fields that took the same header.
        taken = {h: f for f, h in found.items() if f in preset.headers.values()}
        found = {f: h for f, h in found.items() if taken.get(h, f) == f}
    if mapping is not None and mapping.columns:
        given = {f: c for f, c in mapping.columns.items() if c is not None}
        mapped = resolve_columns(given, header, ctx.path)
        found = {f: h for f, h in found.items() if h not in mapped.values()} | mapped
        # ``field: null`` in the mapping: what detection found for it is not read.
        found = {f: h for f, h in found.items() if f not in mapping.columns or f in given}
    if "account" in found and ("src_account" in found or "dst_account" in found):
        del found["account"]  # an explicit src/dst pair is the stronger reading
    if "timestamp" in found and "date" in found:
        del found["date"]
    return found


# What a file must give, each as one of several fields; the first fields name the need.
_REQUIRED: tuple[tuple[str, ...], ...] = (
    ("timestamp", "date"),
    ("amount", "debit", "credit"),
    ("src_account", "dst_account", "account", "src_name", "dst_name"),
)
ACCEPTED_SHOWN = 12
"""Header names listed per missing field in the refusal (the dictionary has more)."""


def accepted_headers(fields: tuple[str, ...], preset: Preset | None = None) -> list[str]:
    """Header names (comparable form) the dictionary and ``preset`` accept for ``fields``.

    >>> accepted_headers(("currency",))[:3]
    ['currency', 'devise', 'monnaie']
    """
    tables = [header_aliases()] + ([preset.headers] if preset else [])
    names = [key for table in tables for key, fld in table.items() if fld in fields]
    return list(dict.fromkeys(names))


def _require(
    found: dict[str, str], header: list[str], ctx: StageContext, preset: Preset | None
) -> None:
    """Refuse a file lacking a date, an amount or an account, naming the headers accepted."""
    missing = [need for need in _REQUIRED if not set(need) & found.keys()]
    if not missing:
        return
    names = " / ".join("/".join(need[:2]) for need in missing)
    accepted = "; ".join(
        f"{need[0]}: "
        + ", ".join(accepted_headers(need, preset)[:ACCEPTED_SHOWN])
        + (", …" if len(accepted_headers(need, preset)) > ACCEPTED_SHOWN else "")
        for need in missing
    )
    problem = ctx.problem(
        "tabular_column_missing",
        params={"missing": names, "accepted": accepted, "found": ", ".join(header)},
    )
    raise BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))


def build_plan(
    ctx: StageContext,
    header: list[str],
    sample: Sampler,
    mapping: Mapping | None,
    preset: Preset | None = None,
    delimiter: str | None = None,
) -> Plan:
    """The :class:`Plan` of a file whose header is ``header`` (columns become ``c0, c1...``)."""
    found = _fields(header, mapping, preset, ctx)
    _label_or_reference(found, sample, mapping)
    _truth_needs_label(found)
    _require(found, header, ctx, preset)
    _refuse_duplicates(found, header, ctx)
    nulls = {f for f, c in (mapping.columns if mapping else {}).items() if c is None}
    _warn_unused(found, header, ctx, {h for f, h in match_header(header).items() if f in nulls})
    m = mapping or Mapping()
    defaults = preset.defaults if preset else {}
    position = {h: i for i, h in enumerate(header)}
    columns = {f: f"c{position[h]}" for f, h in found.items()}

    date_column = found.get("timestamp") or found["date"]
    date_samples = sample(date_column)
    if "time" in found and "timestamp" not in found:
        times = sample(found["time"])
        time_fmt = m.time_format or next(
            (f for f in TIME_FORMATS if _all_read(times, f)), TIME_FORMATS[0]
        )
        date_fmt = m.date_format or choose_date_format(date_samples)
        date_format = None if date_fmt is None else f"{date_fmt} {time_fmt}"
    else:
        date_format = _iso_named(m.date_format) or choose_date_format(date_samples)
    if date_format is None:
        raise refuse(ctx, "tabular_date_format_unknown", (date_samples or [""])[0], date_column)

    amount_samples = [
        v for f in ("amount", "debit", "credit", "fee") if f in found for v in sample(found[f])
    ]
    if m.decimal:
        decimal = DecimalConvention(m.decimal)
    else:
        fallback = DecimalConvention.COMMA if delimiter == ";" else DecimalConvention.POINT
        decimal = detect_decimal_convention(amount_samples) or fallback

    currency = ctx.options.currency or m.currency or defaults.get("currency")
    if "currency" not in found and not currency:
        raise refuse(ctx, "tabular_currency_missing")
    country = (
        ctx.options.country or m.country or defaults.get("country") or DEFAULT_REGION
    ).upper()
    calling = phonenumbers.country_code_for_region(country) or 223
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    national = len(str(example.national_number)) if example else 8

    builtin = load_preset("values").values
    values = {**builtin, **(preset.values if preset else {}), **m.values}
    channel_values = {
        fold(raw): canon for canon, raws in values.get("channel", {}).items() for raw in raws
    }
    channel = _canonical(ctx, "channel", m.channel or defaults.get("channel"), values, Channel)
    account_kind = _canonical(
        ctx, "account_kind", m.account_kind or defaults.get("account_kind"), values, AccountKind
    )
    direction = values.get("direction", {})
    timezone = m.timezone or ctx.options.timezone or "UTC"
    try:
        zone(timezone)
    except DateError as exc:
        raise refuse(ctx, "timezone_unknown", timezone) from exc
    ctx.mapping_used = {
        "columns": found,
        "date_format": date_format,
        "decimal": decimal.value,
        "currency": currency,
        "country": country,
        "timezone": timezone,
        "delimiter": delimiter,
    }
    return Plan(
        columns=columns,
        headers=found,
        decimal=decimal,
        date_format=date_format,
        timezone=timezone,
        currency=currency,
        channel=channel,
        account_kind=account_kind,
        institution=m.institution or defaults.get("institution"),
        calling_code=str(calling),
        national_length=national,
        channel_values=channel_values,
        debit_values=[fold(v) for v in direction.get("debit", [])],
        credit_values=[fold(v) for v in direction.get("credit", [])],
        label_word=label_word(found["label"]) if "label" in found else "laundering",
    )


LABEL_SHARE = 0.9
"""Share of label words a ``label`` column's sample needs to be read as ground truth."""


def _label_or_reference(found: dict[str, str], sample: Sampler, mapping: Mapping | None) -> None:
    """A column found by its header ``label`` is ground truth only if its sample says so.

    Why: an English export's ``Label`` is often the description of the payment. Read as ground
    truth, every row would be rejected for a bad label value; so, unless the mapping names the
    label column itself, a ``label`` column whose sample is not at least 90 % label words (1/0,
    yes/no...: a few typos stay labels, rejected on their lines) is the reference (when no
    other column is), else left unread (and named as unused).
    """
    header = found.get("label")
    if header is None or header_key(header) != "label":
        return
    if mapping is not None and mapping.columns.get("label") is not None:
        return
    words = set(LABEL_TRUE) | set(LABEL_FALSE)
    values = sample(header)
    if sum(fold(value) in words for value in values) >= LABEL_SHARE * len(values):
        return
    del found["label"]
    if "reference" not in found and (mapping is None or "reference" not in mapping.columns):
        found["reference"] = header


def _truth_needs_label(found: dict[str, str]) -> None:
    """``typology`` and ``case_id`` describe a positive row: without a ``label`` column there is
    none, so they are not read (and named in the unused-columns warning)."""
    if "label" not in found:
        found.pop("typology", None)
        found.pop("case_id", None)


def _refuse_duplicates(found: dict[str, str], header: list[str], ctx: StageContext) -> None:
    """A header the plan reads must name one column: two ``Montant (XOF)`` are ambiguous."""
    for used in found.values():
        positions = [str(i + 1) for i, h in enumerate(header) if h == used]
        if len(positions) > 1:
            raise refuse(
                ctx, "column_duplicate", value=used, field=used, detail=", ".join(positions)
            )


def _warn_unused(
    found: dict[str, str], header: list[str], ctx: StageContext, ignored: set[str]
) -> None:
    """Columns nobody reads are named, so a header the dictionary missed is never silent
    (those the mapping ignores on purpose, ``field: null``, aside)."""
    unused = [h for h in header if h and h not in found.values() and h not in ignored]
    if unused:
        ctx.warn("columns_unused", detail=", ".join(unused))


def _canonical(
    ctx: StageContext,
    name: str,
    given: str | None,
    values: dict[str, dict[str, list[str]]],
    vocabulary: type[StrEnum],
) -> str | None:
    """The canonical word for a mapping's ``channel`` / ``account_kind``, or a refusal.

    A canonical word or one of its known aliases (``especes`` is ambiguous: a deposit or a
    withdrawal; ``banque`` means ``bank``) is accepted; anything else refuses the mapping.
    """
    if given is None:
        return None
    canonical = {v.value for v in vocabulary}
    word = fold(given).replace(" ", "_")
    if word in canonical:
        return word
    aliases = {fold(raw): canon for canon, raws in values.get(name, {}).items() for raw in raws}
    found = aliases.get(fold(given))
    if found in canonical:
        return found
    reason = Message(
        "problem.mapping_value_unknown",
        {"value": given, "detail": f"{name} ({', '.join(sorted(canonical))})"},
    )
    raise UsageError(
        "error.mapping_invalid", path=str(ctx.options.mapping or ctx.path), reason=reason
    )


def _iso_named(fmt: str | None) -> str | None:
    """A mapping's ``date_format``, with ``iso8601`` (any case, ``ISO 8601``) read as ISO."""
    if fmt is not None and fmt.replace(" ", "").replace("-", "").upper() == ISO_8601:
        return ISO_8601
    return fmt


def _all_read(values: list[str], fmt: str) -> bool:
    try:
        for value in values:
            datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True
