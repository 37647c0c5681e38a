"""Accounts: bootstrap, add, list, disable, and checking who someone is.

Every call runs in one store transaction and appends to the audit log, refusals included.
The first account of an empty store must be a head of unit and needs no acting user (someone
has to be first); after that only a head of unit manages accounts (``user.manage``).

Example::

    users = Accounts(store)
    users.add(None, "fatou", "head", "Fatou Keïta", "un mot de passe long")   # bootstrap
    fatou = users.authenticate("fatou", "un mot de passe long")
    users.add(fatou, "awa", "analyst", "Awa Traoré", "…")
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import moneytrail.cases.audit as audit
from moneytrail.cases.guard import acting
from moneytrail.cases.passwords import hash_password, password_matches
from moneytrail.cases.roles import AccessDeniedError, Actor, check_role
from moneytrail.cases.store import now_text
from moneytrail.cases.tables import User
from moneytrail.cases.views import UserView
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.cases.store import CaseStore

LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
BOOTSTRAP = "(bootstrap)"


def user_view(row: User) -> UserView:
    """The public face of an account row."""
    return UserView(
        row.login, row.display_name, row.role, row.active, row.created_at, row.created_by
    )


def _new_user(login: str, role: str, display_name: str, stored: str, by: str) -> User:
    return User(
        login=login,
        display_name=display_name.strip() or login,
        role=role,
        password_hash=stored,
        active=True,
        created_at=now_text(),
        created_by=by,
    )


class Accounts:
    """The accounts of one case store."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    def authenticate(self, login: str, password: str) -> Actor:
        """The actor ``login`` if ``password`` is theirs and the account is active; a failure
        is written to the audit log and refused with one message for every reason (an
        attacker learns nothing about which logins exist)."""
        from sqlalchemy import select

        with self._store.transaction() as session:
            row = session.scalars(select(User).where(User.login == login)).one_or_none()
            ok = row is not None and row.active and password_matches(row.password_hash, password)
            if ok and row is not None:
                return Actor(row.login, row.role, row.active)
        with self._store.transaction() as session:
            audit.append(
                session, actor=login, action="login", outcome="denied", signer=self._store.signer
            )
        raise AccessDeniedError("cases.denied.login", login=login)

    def add(
        self, by: Actor | None, login: str, role: str, display_name: str, password: str
    ) -> UserView:
        """Create an account. ``by`` is ``None`` only for the first account (a head)."""
        from sqlalchemy import func, select

        check_role(role)
        if not LOGIN.match(login):
            raise UsageError("cases.error.bad_login", login=login)
        stored = hash_password(password)
        if by is None:
            return self._bootstrap(login, role, display_name, stored)
        with acting(self._store, by.login, "user.manage", target=login) as act:
            session = act.session
            if session.scalar(select(func.count()).select_from(User).where(User.login == login)):
                raise UsageError("cases.error.user_exists", login=login)
            row = _new_user(login, role, display_name, stored, by.login)
            session.add(row)
            act.audit(login, {"role": role, "display_name": row.display_name}, action="user.add")
            return user_view(row)

    def _bootstrap(self, login: str, role: str, display_name: str, stored: str) -> UserView:
        """The first account of an empty store: a head of unit, added by nobody."""
        from sqlalchemy import func, select

        with self._store.transaction() as session:
            if session.scalar(select(func.count()).select_from(User)):
                raise UsageError("cases.error.need_user")
            if role != "head":
                raise UsageError("cases.error.bootstrap_head")
            row = _new_user(login, role, display_name, stored, BOOTSTRAP)
            session.add(row)
            audit.append(
                session,
                actor=BOOTSTRAP,
                action="user.add",
                target=login,
                details={"role": role, "display_name": row.display_name},
                signer=self._store.signer,
            )
            return user_view(row)

    def count(self) -> int:
        """How many accounts exist (a face tells an empty store how to create the first)."""
        from sqlalchemy import func, select

        with self._store.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)

    def assignable(self, by: Actor) -> list[UserView]:
        """The active accounts work can be given to (analysts, supervisors, heads), for a
        supervisor's "assign to" choice: ``alert.assign`` is enough, not ``user.manage``."""
        from sqlalchemy import select

        with acting(self._store, by.login, "alert.assign") as act:
            query = (
                select(User)
                .where(User.active.is_(True), User.role.in_(("analyst", "supervisor", "head")))
                .order_by(User.login)
            )
            rows = act.session.scalars(query).all()
            act.audit(action="user.assignable")
            return [user_view(row) for row in rows]

    def list(self, by: Actor) -> list[UserView]:
        """Every account, by login."""
        from sqlalchemy import select

        with acting(self._store, by.login, "user.manage") as act:
            rows = act.session.scalars(select(User).order_by(User.login)).all()
            act.audit(action="user.list")
            return [user_view(row) for row in rows]

    def set_active(self, by: Actor, login: str, active: bool) -> UserView:
        """Disable (or enable again) ``login``; a head cannot disable their own account."""
        from sqlalchemy import select

        with acting(self._store, by.login, "user.manage", target=login) as act:
            row = act.session.scalars(select(User).where(User.login == login)).one_or_none()
            if row is None:
                raise UsageError("cases.error.unknown_user", login=login)
            if login == by.login and not active:
                raise UsageError("cases.error.disable_self", login=login)
            row.active = active
            act.audit(login, action="user.enable" if active else "user.disable")
            return user_view(row)
