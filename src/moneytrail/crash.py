"""Reports of internal errors: the traceback goes to a private file, never to the screen.

Why a file: a traceback frightens users and may hold names from the case (values in local
variables are not written, only the stack). The file is created with mode 0600 in the temporary
folder; its path is shown so the user can send it to the team.
"""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path


def write_crash_report(exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to a new private file; its path, or ``None`` if no room."""
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="moneytrail-crash-", suffix=".txt", delete=False, encoding="utf-8"
        ) as handle:
            traceback.print_exception(exc, file=handle)
    except OSError:
        return None
    return Path(handle.name)
