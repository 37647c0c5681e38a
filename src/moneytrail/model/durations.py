"""Durations: the one home of the duration value type ("7d", "36h", "30j", "2sem").

An analyst writes a time span as a number and a unit, in English or in French: ``w``/``sem``
(week, *semaine*), ``d``/``j`` (day, *jour*), ``h``, ``m``/``min`` (minutes, never months), ``s``;
the number may have decimals with a point or a comma ("1,5j"). A plain number has a unit only
where the caller says so (``paths between --window 30`` means 30 days; a rule parameter
``window: 7`` is refused, since 7 what?). :func:`format_duration` writes a duration back the way
:func:`parse_duration` reads it.

No SQL twin: SQL never reads duration text. A rule's duration parameter is bound into its query
as an ``INTERVAL`` (a :class:`~datetime.timedelta`), and the library's settings take numbers
of days (``TraceSettings.window_days``, ``ws.paths.between(window_days=...)``).

Where durations are read (the inventory of issue 14):

* typology rule parameters of type ``duration`` (YAML defaults, ``detect --param``):
  ``detect/rules/spec.py:parse_value`` calls :func:`parse_duration`;
* ``paths between --window`` (``cli/flows_cmd.py:_days``): :func:`duration_days`, re-exported by
  ``moneytrail.api.values``; plain numbers are days;
* ``trace --window``: a plain number of days, parsed by the CLI's number parsers
  (``cli/values.py:positive``) and checked again by ``TraceSettings``;
* written back: ``detect/rules/runner.py:format_duration`` (a copy of :func:`format_duration`,
  for the rule parameters an alert shows) and ``detect/rules/alerts.py`` (in words).

>>> parse_duration("36h")
datetime.timedelta(days=1, seconds=43200)
>>> duration_days("30j"), duration_days("30")
(30.0, 30.0)
"""

from __future__ import annotations

import re
from datetime import timedelta

UNITS: dict[str, timedelta] = {
    "w": timedelta(weeks=1),
    "sem": timedelta(weeks=1),
    "d": timedelta(days=1),
    "j": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
"""Each unit a duration may be written in (lower case), and its length."""

_DURATION = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*([a-z]*)\s*")
_DAY = timedelta(days=1)


class DurationError(ValueError):
    """Text that is not a duration; ``code`` is an i18n problem key, the message says why."""

    def __init__(self, text: str) -> None:
        super().__init__(f"duration like 7d, 36h or 30m expected, got {text!r}")
        self.code = "duration_invalid"
        self.text = text


def parse_duration(text: str, *, plain_unit: str | None = None) -> timedelta:
    """The duration written as ``text`` ("7d", "36h", "1,5 j", "2sem").

    ``plain_unit`` (a key of :data:`UNITS`) is the unit of a number written without one; without
    it, a plain number is refused. Raises :class:`DurationError` (a ``ValueError``).

    >>> parse_duration("2sem") == parse_duration("14j") == parse_duration("14", plain_unit="d")
    True
    """
    match = _DURATION.fullmatch(text.lower())
    if match is None:
        raise DurationError(text)
    number, unit = match.groups()
    size = UNITS.get(unit or plain_unit or "")
    if size is None:
        raise DurationError(text)
    try:
        return size * float(number.replace(",", "."))
    except OverflowError:  # more days than a timedelta holds (about 2.7 million years)
        raise DurationError(text) from None


def duration_days(text: str) -> float:
    """The duration written as ``text`` in days, a plain number being days ("30", "30d", "30j").

    >>> duration_days("36h")
    1.5
    """
    return parse_duration(text, plain_unit="d") / _DAY


def format_duration(value: timedelta) -> str:
    """``timedelta(days=7)`` -> ``"7d"``; hours, minutes or seconds when not whole days.

    >>> format_duration(timedelta(hours=36)), format_duration(timedelta(seconds=90))
    ('36h', '90s')
    """
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
