"""File names taken literally, whatever characters they hold.

Why: SQL engines read files through table functions (``read_csv``, ``read_parquet``) that treat
their argument as a *pattern*: ``*.csv`` or ``x[1].csv`` would read other files of the folder
and record them under this file's fingerprint. A user's file name is never a pattern, so every
path handed to an engine's file reader goes through :func:`literal_path`, which gives a name
made only of safe characters that points at exactly that file.

Example::

    with literal_path(Path("relevés/x[1].csv")) as safe:
        engine.execute("... read_csv(?) ...", [str(safe)])
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Characters an engine's file reader may interpret (glob, brace lists, home, URL schemes,
# escapes) or that some platforms refuse: a path made only of the others is taken literally.
_SAFE = re.compile(r"^[A-Za-z0-9_./\-]+$")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


def is_literal(path: Path) -> bool:
    """True when the absolute form of ``path`` holds no character a reader could interpret."""
    return bool(_SAFE.match(str(path.absolute())))


@contextmanager
def literal_path(path: Path) -> Iterator[Path]:
    """``path`` itself when it is already literal, else a safe alias of it for the duration.

    The alias is a symbolic link in a private temporary folder (a copy where links are not
    allowed), named ``input`` plus the file's suffix so readers that look at the extension
    still see it. The alias and its folder are removed on exit.
    """
    absolute = path.absolute()
    if is_literal(absolute):
        yield absolute
        return
    folder = Path(tempfile.mkdtemp(prefix="moneytrail-input-"))
    suffix = path.suffix if _SUFFIX.match(path.suffix) else ""
    alias = folder / f"input{suffix}"
    try:
        try:
            alias.symlink_to(absolute.resolve())
        except OSError:  # pragma: no cover - file systems without symbolic links
            shutil.copyfile(absolute, alias)
        yield alias
    finally:
        shutil.rmtree(folder, ignore_errors=True)
