"""Writing an output file without ever destroying what the user already had.

Two rules, for every command that writes a file (exports, pictures, reports, models):

* **Protected paths are refused.** An output may not be the workspace database or one of its
  companions (write-ahead log, spill folder, trace index, saved models), a folder, or a file
  whose content is one of the workspace's recorded sources (its SHA-256 is in ``sources``):
  those are the evidence and the work. The check compares real paths *and* file identities,
  so a symbolic or hard link to the database is refused too.
* **Outputs are atomic.** The file is written under a temporary name in the target's folder
  and renamed over the target only once complete: a full disk, a kill or an error leaves the
  previous file (if any) exactly as it was, and never a half-written one.

Example::

    guard = ws.protected_paths()
    with atomic_output(Path("entites.jsonl"), guard) as part:
        write_everything(part)          # ``part`` is a temporary file beside the target
    # the target now holds the complete file
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from moneytrail.errors import MachineRefusedError, UsageError

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ProtectedPaths:
    """What no output may overwrite.

    ``files``: exact files (the database, its write-ahead log). ``folders``: nothing may be
    written at or inside them (spill folder, trace index, models). ``source_sha256``: SHA-256
    of every recorded source; an existing target with one of them is a source file (hashed
    only when the target exists and has the size of a source).
    """

    files: frozenset[Path] = frozenset()
    folders: frozenset[Path] = frozenset()
    source_sha256: frozenset[str] = frozenset()
    source_sizes: frozenset[int] = frozenset()

    def reason(self, target: Path) -> str | None:
        """The i18n key saying why ``target`` may not be written, ``None`` when it may."""
        real = _real(target)
        for folder in self.folders:
            if real == folder or folder in real.parents:
                return "error.output_in_workspace"
        for protected in self.files:
            if real == protected or _same_file(target, protected):
                return "error.output_is_workspace"
        if (
            self.source_sha256
            and target.is_file()
            and target.stat().st_size in self.source_sizes
            and file_sha256(target) in self.source_sha256
        ):
            return "error.output_is_source"
        return None


def _real(path: Path) -> Path:
    return path.expanduser().resolve()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_output(target: Path, protected: ProtectedPaths | None = None) -> None:
    """Refuse ``target`` (a :class:`UsageError`) when it is a folder or a protected path."""
    if target.is_dir():
        raise UsageError("error.output_is_folder", path=str(target))
    if protected is not None:
        key = protected.reason(target)
        if key is not None:
            raise UsageError(key, path=str(target))


@contextmanager
def atomic_output(target: Path, protected: ProtectedPaths | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The temporary name keeps the target's suffix (plotting libraries choose the format from
    it). The file gets the permissions a plain ``open(target, "w")`` would give. A target that
    is a device or a pipe (``/dev/stdout``) is written in place.
    """
    target = Path(target)
    check_output(target, protected)
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/stdout, a FIFO): nothing to keep whole, and renaming over
        # it would replace the device itself, so it is written in place.
        try:
            yield target
        except OSError as exc:
            raise machine_refused(exc, target) from exc
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise machine_refused(exc, target) from exc
    os.close(handle)
    part = Path(name)
    try:
        yield part
        part.chmod(0o666 & ~_umask())
        part.replace(target)
    except OSError as exc:
        raise machine_refused(exc, target) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


@contextmanager
def atomic_folder(
    target: Path,
    protected: ProtectedPaths | None = None,
    replaceable: Callable[[Path], bool] | None = None,
) -> Iterator[Path]:
    """Like :func:`atomic_output` for a folder of files written together (a scenario, a
    dossier): they are written in a temporary sibling folder renamed to ``target`` at the end.

    ``target`` must not exist or be an empty folder, unless ``replaceable(target)`` says its
    content is an earlier output of the same command (then it is replaced whole). A kill or an
    error leaves the earlier folder as it was, never a half-written one.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UsageError("error.output_folder_not_empty", path=str(target))
    replacing = target.exists() and any(target.iterdir())
    if replacing and (replaceable is None or not replaceable(target)):
        raise UsageError("error.output_folder_not_empty", path=str(target))
    if protected is not None:
        key = protected.reason(target)
        if key is not None:
            raise UsageError(key, path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    except OSError as exc:
        raise machine_refused(exc, target) from exc
    old = part.with_suffix(".old")
    try:
        yield part
        part.chmod(0o777 & ~_umask())
        if replacing:
            target.replace(old)
        elif target.exists():
            target.rmdir()
        part.replace(target)
    except OSError as exc:
        raise machine_refused(exc, target) from exc
    finally:
        for leftover in (part, old):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def machine_refused(exc: OSError, path: Path | str | None = None) -> Exception:
    """The error to raise for an ``OSError`` the machine gave while writing ``path``.

    A full disk or a refused permission is not the user's data nor a bug: it becomes a
    :class:`MachineRefusedError` with a clear message; anything else is returned unchanged.
    """
    where = str(path if path is not None else (exc.filename or ""))
    if exc.errno in _FULL:
        return MachineRefusedError("error.disk_full", path=where)
    if exc.errno in _DENIED:
        return MachineRefusedError("error.permission_denied", path=where)
    return exc


def protected_from(
    files: Iterable[Path], folders: Iterable[Path], sources: Iterable[tuple[str, int]] = ()
) -> ProtectedPaths:
    """Build :class:`ProtectedPaths` from raw paths and ``(sha256, size)`` of the sources."""
    known = list(sources)
    return ProtectedPaths(
        files=frozenset(_real(p) for p in files),
        folders=frozenset(_real(p) for p in folders),
        source_sha256=frozenset(sha for sha, _ in known),
        source_sizes=frozenset(int(size) for _, size in known),
    )
