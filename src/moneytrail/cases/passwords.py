"""Local passwords, hashed with argon2id (argon2-cffi's default parameters).

Why argon2id with the library's defaults: it is the OWASP recommendation for stored
passwords, and the defaults (RFC 9106 "low memory" profile) keep a login under a tenth of a
second on a modest laptop. Hashes carry their parameters, so stronger settings later still
verify old hashes; :func:`needs_rehash` says when to store a new one.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """The stored form of ``password``; a password shorter than ``MIN_LENGTH`` is refused."""
    if len(password) < MIN_LENGTH:
        raise UsageError("cases.error.password_too_short", minimum=MIN_LENGTH)
    return _hasher().hash(password)


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (never raises on a mismatch)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(stored)
