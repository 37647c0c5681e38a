"""The errors of cooperation files, each with a French and English reason (``share.*`` keys).

Why two classes: a keyring or option mistake is the user's (exit code 2); a filter, PSI message
or package that is refused (tampered, replayed, wrongly addressed, made with another key) is
bad input (exit code 3) and names the file it came from.
"""

from __future__ import annotations

from typing import Any

from moneytrail.errors import BadInputError, UsageError


class ShareUsageError(UsageError):
    """Keyring missing, partner unknown, option out of range."""


class RefusedFileError(BadInputError):
    """A cooperation file refused, with why (``share.refused.<reason>``) and which file."""

    def __init__(self, reason: str, file: str, **params: Any) -> None:
        super().__init__(f"share.refused.{reason}", file=file, **params)
        self.reason = reason
