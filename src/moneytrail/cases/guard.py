"""The one doorway to case data: check who acts, decide with ``authorize``, audit, run.

Every call of the service on case data is written as::

    with acting(store, login, "case.note", case_ref="D-2026-0001") as act:
        act.session.add(Note(...))
        act.audit(target="note", details={...})

``acting`` opens one serialised transaction, loads the actor *as the store has them now* and
the case, and asks :func:`moneytrail.cases.roles.require`. Allowed: the body runs and its
changes and its audit entry commit together (a killed process leaves neither). Refused: the
transaction is dropped, the refusal is appended to the audit log in a transaction of its own,
and :class:`~moneytrail.cases.roles.AccessDeniedError` reaches the caller. An unknown user or
case is a usage error (FR/EN message naming it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import moneytrail.cases.audit as audit
from moneytrail.cases.roles import AccessDeniedError, Actor, CaseAccess, require
from moneytrail.cases.tables import Case, CaseMember, User
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from moneytrail.cases.store import CaseStore


@dataclass
class Acting:
    """An allowed action in progress: its session, who acts, on which case."""

    store: CaseStore
    session: Session
    actor: Actor
    action: str
    case: Case | None

    def audit(
        self,
        target: str | None = None,
        details: Mapping[str, Any] | None = None,
        *,
        action: str | None = None,
    ) -> None:
        """Append this action's entry (once, after the change, in the same transaction);
        ``action`` names the operation more precisely than the permission (``user.disable``
        under ``user.manage``)."""
        audit.append(
            self.session,
            actor=self.actor.login,
            action=action or self.action,
            case_ref=self.case.ref if self.case else None,
            target=target,
            details=details,
            signer=self.store.signer,
        )


def actor_of(session: Session, login: str) -> Actor:
    """The account ``login`` as it is *now* (disabled since it logged in: inactive)."""
    from sqlalchemy import select

    row = session.scalars(select(User).where(User.login == login)).one_or_none()
    if row is None:
        raise UsageError("cases.error.unknown_user", login=login)
    return Actor(row.login, row.role, row.active)


def case_of(session: Session, ref: str) -> Case:
    """The case ``ref`` (``D-2026-0007``, or its number ``7``); unknown: usage error."""
    from sqlalchemy import select

    wanted = ref.strip()
    query = select(Case).where(Case.ref == wanted)
    if wanted.isdigit():
        query = select(Case).where(Case.id == int(wanted))
    row = session.scalars(query).one_or_none()
    if row is None:
        raise UsageError("cases.error.unknown_case", case=ref)
    return row


def members_of(session: Session, case: Case) -> list[str]:
    """Logins of the case's members, sorted."""
    from sqlalchemy import select

    query = (
        select(User.login)
        .join(CaseMember, CaseMember.user_id == User.id)
        .where(CaseMember.case_id == case.id)
        .order_by(User.login)
    )
    return list(session.scalars(query).all())


def access_of(session: Session, case: Case) -> CaseAccess:
    """What :func:`~moneytrail.cases.roles.authorize` needs to know of ``case``."""
    return CaseAccess(case.ref, case.status, frozenset(members_of(session, case)))


@contextmanager
def acting(
    store: CaseStore,
    login: str,
    action: str | Callable[[Case], str],
    *,
    case_ref: str | None = None,
    target: str | None = None,
) -> Iterator[Acting]:
    """Run the body as ``login`` taking ``action`` (on ``case_ref``), if allowed.

    ``action`` may be a function of the case when the permission depends on its state (a
    status change: ``proposed -> disseminated`` is ``case.disseminate``); it is called in the
    same transaction, so the state cannot change between the decision and the act.
    """
    refused: AccessDeniedError | None = None
    refused_ref = case_ref
    with store.transaction() as session:
        actor = actor_of(session, login)
        case = case_of(session, case_ref) if case_ref is not None else None
        refused_ref = case.ref if case is not None else None
        if callable(action):
            if case is None:
                raise ValueError("an action that depends on the case needs a case")
            chosen = action(case)
        else:
            chosen = action
        try:
            require(actor, chosen, access_of(session, case) if case is not None else None)
        except AccessDeniedError as exc:
            refused = exc
        else:
            yield Acting(store, session, actor, chosen, case)
            return
    with store.transaction() as session:
        audit.append(
            session,
            actor=login,
            action=chosen,
            outcome="denied",
            case_ref=refused_ref,
            target=target,
            details={"reason": refused.key},
            signer=store.signer,
        )
    raise refused
