"""The JSON form of every result the library returns: one function, one place.

Why one place: ``moneytrail ... --json`` prints exactly this, and the future HTTP API returns
exactly this, so a script written against the CLI reads the web API unchanged. Results are
dataclasses (or pydantic models); the JSON form follows their fields, recursively, with these
rules (documented in docs/api.md):

* exact amounts (``Decimal``) are strings (``"1250000"``, never a float);
* datetimes and dates are ISO 8601 (``"2025-01-03T15:57:00"``, UTC, no offset);
* enumerations are their value (``"fifo"``);
* paths are strings;
* a :class:`~moneytrail.errors.Problem` becomes ``{file, line, field, value, code, message}``
  with ``message`` rendered in ``lang``; a :class:`~moneytrail.errors.Message` becomes its text;
* fields whose name starts with ``_`` are left out.

>>> from decimal import Decimal
>>> to_jsonable({"amount": Decimal("1250000.00")}, "fr")
{'amount': '1250000.00'}
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from moneytrail.errors import Message, Problem


def to_jsonable(value: Any, lang: str) -> Any:
    """Plain JSON data (dicts, lists, strings, numbers, booleans, ``None``) of ``value``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Problem):
        return {
            "file": value.file,
            "line": value.line,
            "field": value.field,
            "value": value.value,
            "code": value.code,
            "message": value.render(lang),
        }
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, Enum):
        return to_jsonable(value.value, lang)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | PurePath):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), lang)
            for f in fields(value)
            if not f.name.startswith("_")
        }
    if hasattr(value, "model_dump") and callable(value.model_dump):  # pydantic models
        return to_jsonable(value.model_dump(), lang)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, lang) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v, lang) for v in items]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item(), lang)
    return str(value)


def dumps(value: Any, lang: str, indent: int | None = 2) -> str:
    """``value`` as one JSON document (UTF-8 text, names in their own script)."""
    return json.dumps(to_jsonable(value, lang), ensure_ascii=False, indent=indent)
