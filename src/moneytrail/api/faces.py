"""What every face (CLI, web) needs around the library calls: turning the machine's refusals
into the library's errors, and reporting internal errors without a traceback on screen.

Example (a face's last resort)::

    except OSError as exc:
        error = machine_error(exc)       # disk full, permission denied -> MoneytrailError
    except Exception as exc:
        path = report_crash(exc)         # private file with the stack; show its path
"""

from __future__ import annotations

from pathlib import Path

from moneytrail.crash import write_crash_report
from moneytrail.errors import MoneytrailError
from moneytrail.files.outputs import machine_refused


def machine_error(exc: OSError) -> MoneytrailError | None:
    """The library's error for a full disk or a refused permission, else ``None``."""
    translated = machine_refused(exc)
    return translated if isinstance(translated, MoneytrailError) else None


def report_crash(exc: BaseException) -> Path | None:
    """Write ``exc``'s stack to a private file (mode 0600); its path, or ``None`` if no room."""
    return write_crash_report(exc)
