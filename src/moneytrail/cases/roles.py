"""Roles and the one function that decides: :func:`authorize`.

The policy is data (``cases/data/permissions.yaml``, explained in docs/cases.md and decision
0128); this module only reads it. Every call of the case service on case data goes through
:func:`authorize` (or :func:`require`, which also says why in the user's language); no other
code compares roles.

>>> analyst = Actor("awa", "analyst")
>>> case = CaseAccess("D-2026-0001", "in_analysis", frozenset({"awa"}))
>>> authorize(analyst, "case.note", case), authorize(analyst, "case.disseminate", case)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from moneytrail.errors import MoneytrailError, UsageError

POLICY = Path(__file__).parent / "data" / "permissions.yaml"

ROLES = ("analyst", "supervisor", "head", "reviewer")
STATUSES = ("open", "in_analysis", "proposed", "disseminated", "closed")


class AccessDeniedError(MoneytrailError):
    """The user may not do this (role, membership, account disabled or case settled): exit 4."""

    exit_code = 4


@dataclass(frozen=True)
class Actor:
    """Who acts: a login, a role, and whether the account is active."""

    login: str
    role: str
    active: bool = True


@dataclass(frozen=True)
class CaseAccess:
    """What :func:`authorize` needs to know of a case: its status and its members' logins."""

    ref: str
    status: str
    members: frozenset[str]


@dataclass(frozen=True)
class _Policy:
    case_actions: dict[str, dict[str, str]]
    global_actions: dict[str, frozenset[str]]
    settled_statuses: frozenset[str]
    settled_actions: frozenset[str]


@cache
def _policy() -> _Policy:
    import yaml

    raw: dict[str, Any] = yaml.load(POLICY.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return _Policy(
        case_actions={action: dict(rule) for action, rule in raw["case_actions"].items()},
        global_actions={a: frozenset(roles) for a, roles in raw["global_actions"].items()},
        settled_statuses=frozenset(raw["settled_statuses"]),
        settled_actions=frozenset(raw["settled_actions"]),
    )


def case_actions() -> tuple[str, ...]:
    """Every action taken on one case."""
    return tuple(_policy().case_actions)


def global_actions() -> tuple[str, ...]:
    """Every action taken on no particular case."""
    return tuple(_policy().global_actions)


def authorize(user: Actor, action: str, case: CaseAccess | None = None) -> bool:
    """Whether ``user`` may take ``action`` (on ``case`` for a case action).

    An unknown action, or a case action without a case, is a programming error and raises
    ``ValueError``: a typo must not silently refuse (or allow) anything.
    """
    policy = _policy()
    if action in policy.global_actions:
        return user.active and user.role in policy.global_actions[action]
    if action not in policy.case_actions:
        raise ValueError(f"unknown action {action!r}")
    if case is None:
        raise ValueError(f"{action} needs a case")
    if not user.active:
        return False
    if case.status in policy.settled_statuses and action not in policy.settled_actions:
        return False
    reach = policy.case_actions[action].get(user.role)
    if reach == "any":
        return True
    return reach == "member" and user.login in case.members


def require(user: Actor, action: str, case: CaseAccess | None = None) -> None:
    """:func:`authorize`, raising :class:`AccessDeniedError` with the reason when refused."""
    if authorize(user, action, case):
        return
    if not user.active:
        raise AccessDeniedError("cases.denied.inactive", login=user.login)
    settled = case is not None and case.status in _policy().settled_statuses
    if settled and case is not None and action not in _policy().settled_actions:
        raise AccessDeniedError("cases.denied.settled", case=case.ref, status=case.status)
    if case is not None and _policy().case_actions.get(action, {}).get(user.role) == "member":
        raise AccessDeniedError("cases.denied.not_member", login=user.login, case=case.ref)
    raise AccessDeniedError("cases.denied.role", login=user.login, role=user.role, action=action)


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else a usage error listing them."""
    if role not in ROLES:
        raise UsageError("cases.error.unknown_role", role=role, roles=", ".join(ROLES))
    return role
