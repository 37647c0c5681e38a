"""Typed settings, seeds and results of a money trace.

Why typed objects: a trace is an exhibit; the settings that produced it (policy, direction, hops,
window) travel with the result so that anyone can rerun it and get the same figures. Amounts in
results are :class:`~decimal.Decimal` in the seed's currency, never floats.

Example::

    settings = TraceSettings(policy=Policy.FIFO, max_hops=4, window_days=30)
    seed = Seed(accounts=("0f3a...",))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

from moneytrail.errors import UsageError
from moneytrail.model.money import check_amount


class Policy(StrEnum):
    """How money leaving a commingled account is split between clean and traced funds.

    ``fifo``: first in, first out; ``lifo``: last in, first out; ``pro-rata``: each outflow takes
    the traced share of the balance (the "haircut"); ``poison``: once traced money arrived, every
    later outflow is fully traced (over-states on purpose; see docs/tracing.md).
    """

    FIFO = "fifo"
    LIFO = "lifo"
    PRO_RATA = "pro-rata"
    POISON = "poison"


class Direction(StrEnum):
    """``forward``: where did it go? ``backward``: where did it come from?"""

    FORWARD = "forward"
    BACKWARD = "backward"


class EndpointKind(StrEnum):
    """Where traced money stops (forward) or starts (backward).

    ``cash``: cash withdrawal (deposit when tracing backward) or a cash pseudo-account;
    ``abroad``: the far side is in another country than the near side or the seed;
    ``exchange``: bureau de change or crypto; ``sanctioned``: an account flagged by screening;
    ``held``: still on an account (end of data, of the window, or of the hop limit);
    ``unexplained``: left the data (a transaction whose far account is unknown).
    """

    CASH = "cash"
    ABROAD = "abroad"
    EXCHANGE = "exchange"
    SANCTIONED = "sanctioned"
    HELD = "held"
    UNEXPLAINED = "unexplained"


class StopCode(IntEnum):
    """Integer codes of :class:`EndpointKind` used inside the compiled kernels (0 = go on)."""

    GO_ON = 0
    UNEXPLAINED = 1
    SANCTIONED = 2
    CASH = 3
    EXCHANGE = 4
    ABROAD = 5
    HELD = 6


STOP_KIND = {
    StopCode.UNEXPLAINED: EndpointKind.UNEXPLAINED,
    StopCode.SANCTIONED: EndpointKind.SANCTIONED,
    StopCode.CASH: EndpointKind.CASH,
    StopCode.EXCHANGE: EndpointKind.EXCHANGE,
    StopCode.ABROAD: EndpointKind.ABROAD,
    StopCode.HELD: EndpointKind.HELD,
}

DEFAULT_STOPS = frozenset(
    {EndpointKind.CASH, EndpointKind.ABROAD, EndpointKind.EXCHANGE, EndpointKind.SANCTIONED}
)


@dataclass(frozen=True)
class TraceSettings:
    """Everything that changes the figures of a trace.

    ``max_hops``: transactions followed after the seed. ``window_days``: longest stay of traced
    money on an account before it is no longer followed (``None``: no limit). ``start``: seeds
    count from this time on (forward: inflows of seed accounts; backward: their outflows).
    ``stop_at``: endpoint kinds that end a path (the others are followed through).
    ``sanctioned_accounts``: hook for screening results (account ids), empty by default.
    ``exchange_accounts``: accounts of bureaux de change known to the analyst.
    ``home_country``: country of the seed (ISO alpha-2); taken from the seed accounts if unset.
    ``max_paths``: paths listed per endpoint (largest first); amounts always cover all paths.
    ``max_endpoints``: endpoints listed (largest first); the others are summed in the result.
    """

    policy: Policy = Policy.FIFO
    direction: Direction = Direction.FORWARD
    max_hops: int = 6
    window_days: float | None = None
    start: datetime | None = None
    stop_at: frozenset[EndpointKind] = DEFAULT_STOPS
    sanctioned_accounts: frozenset[str] = frozenset()
    exchange_accounts: frozenset[str] = frozenset()
    home_country: str | None = None
    max_paths: int = 20
    max_endpoints: int = 200

    def __post_init__(self) -> None:
        """Refuse settings that would silently change the figures (NaN window, 0 hops)."""
        window = self.window_days
        if window is not None and not (math.isfinite(window) and window > 0):
            raise UsageError("error.trace_bad_option", option="window_days", value=str(window))
        if int(self.max_hops) < 0:  # 0 hops: the money stays where the seed put it
            raise UsageError("error.trace_bad_option", option="max_hops", value=str(self.max_hops))
        for name in ("max_paths", "max_endpoints"):
            if int(getattr(self, name)) < 1:
                raise UsageError(
                    "error.trace_bad_option", option=name, value=str(getattr(self, name))
                )


@dataclass(frozen=True)
class Seed:
    """What is traced: accounts, a party (all its accounts), transactions, or an amount.

    ``amount`` with exactly one account means "this sum was on the account at ``at``" (for
    example a ransom received); without ``at`` the trace's ``start`` (or the first/last
    transaction of the data) is used.
    """

    accounts: tuple[str, ...] = ()
    party: str | None = None
    transactions: tuple[str, ...] = ()
    amount: Decimal | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        """An amount to trace is finite, above zero and fits the workspace's amounts."""
        if self.amount is not None and not check_amount(Decimal(self.amount)):
            raise UsageError("error.trace_bad_option", option="amount", value=str(self.amount))


@dataclass
class PathStep:
    """One transaction of a path, with the traced amount it carried.

    ``ext_id`` is the bank's (or operator's) own reference and ``*_account_number`` the
    accounts' numbers as normalised at ingest, beside the internal ids: what a requisition
    to the bank quotes."""

    transaction_id: str
    ts: datetime
    src_account_id: str | None
    dst_account_id: str | None
    channel: str
    amount: Decimal
    ext_id: str | None = None
    src_account_number: str | None = None
    dst_account_number: str | None = None


@dataclass
class TracePath:
    """One chain of transactions from the seed to an endpoint and the traced amount on it.

    ``channels`` and ``countries`` list the transitions along the path, consecutive repeats
    removed (e.g. ``["wire", "mobile_money", "cash_withdrawal"]``, ``["ML", "NE"]``).
    """

    amount: Decimal
    transaction_ids: list[str]
    channels: list[str]
    countries: list[str]
    steps: list[PathStep] = field(default_factory=list)
    ext_ids: list[str | None] = field(default_factory=list)
    """The bank's reference of each transaction of ``transaction_ids`` (``None``: none given)."""


@dataclass
class Endpoint:
    """How much traced money reached one place, and through which paths.

    ``holder`` is the account holder's name (for a ``cash`` endpoint: the agent or counter
    that paid the cash out); ``place`` is where that agent or counter is, from the account's
    ``address`` identifiers (a mobile-money export's ``lieu`` column, several joined by
    `` / ``); both ``None`` when the data does not say.
    """

    kind: EndpointKind
    account_id: str | None
    account_number: str | None
    account_kind: str | None
    country: str | None
    amount: Decimal
    share: Decimal
    paths: list[TracePath]
    paths_total: int
    holder: str | None = None
    place: str | None = None


@dataclass
class TraceResult:
    """The answer to "where did it go / come from?" for one seed and one set of settings.

    ``seed_amount`` is the traced money at the start; ``endpoints`` add up to it except under
    ``poison`` (which over-states) and for seed money spent beyond the known balance.
    ``unexplained_share`` is the share of the seed that left the data.
    """

    direction: Direction
    policy: Policy
    currency: str | None
    seed_amount: Decimal
    endpoints: list[Endpoint]
    unexplained_share: Decimal
    endpoints_total: int
    endpoints_omitted_amount: Decimal
    transactions_scanned: int
    settings: dict[str, str]
