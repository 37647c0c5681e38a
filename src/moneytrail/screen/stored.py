"""The candidate index built once per list version and kept on disk (SQLite), read lazily.

Why: building the index of UN + OFAC takes 10-20 s (every list name tokenised, rigour's tables
loaded), and a one-off ``moneytrail screen "NAME"`` used to pay it on every call. The index
depends only on the lists' content and on the code that tokenises and keys names, so it is
stored under a key made of both, and a later call opens it in milliseconds. Nothing is loaded
that the query does not touch: the postings of the query's own keys and the entries they name
are read from SQLite; the names of those few entries are tokenised on the spot (their words'
name groups come from the disk memo the build filled, :mod:`moneytrail.model.memo`).

File: ``<cache>/screen-index/<key>.sqlite`` (the cache directory of
:func:`~moneytrail.model.memo.cache_dir`). ``key`` hashes the index format, the scorer's
version, the source of the screening and name-model code, and each list's content id (a file's
SHA-256, or a workspace list version id, itself made of the file's SHA-256). A changed list or
a changed tokeniser is a new key: an index is never served for other lists or other code.
Written to a temporary file and renamed, so a killed build leaves no half index; SQLite data
only (no pickle), so a cache file cannot run code.

Example::

    index = open_index([("un", "sha256:...")], lambda: [("un", load_list(path))])
    hits = index.screen(Query("Iyad Ag Ghaly"), ScreenSettings())
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from array import array
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from moneytrail.model.memo import cache_dir
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.index import CandidateIndex, Shape
from moneytrail.screen.scorer import SCORER_VERSION, Hit
from moneytrail.screen.tokens import screen_tokens

INDEX_FORMAT = 1
_SCHEMA = (
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE entries (position INTEGER PRIMARY KEY, tag TEXT NOT NULL, "
    "entry_id TEXT NOT NULL, entry TEXT NOT NULL)",
    "CREATE UNIQUE INDEX entries_by_id ON entries (tag, entry_id)",
    "CREATE TABLE postings (k TEXT PRIMARY KEY, idf REAL NOT NULL, positions BLOB NOT NULL) "
    "WITHOUT ROWID",
)
Sources = Sequence[tuple[str, str]]  # (tag, content id) of each list, in screening order
Loader = Callable[[], list[tuple[str, SanctionsList]]]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the source of the code that reads, tokenises, keys and scores names."""
    digest = hashlib.sha256()
    for package in ("moneytrail.screen", "moneytrail.screen.formats", "moneytrail.model"):
        root = resources.files(package)
        for item in sorted(root.iterdir(), key=lambda p: p.name):
            if item.name.endswith((".py", ".yaml", ".yml", ".json", ".csv")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


def index_key(sources: Sources) -> str:
    """The name of the stored index for these lists and this code."""
    payload = json.dumps([INDEX_FORMAT, SCORER_VERSION, code_fingerprint(), list(sources)])
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def index_path(sources: Sources) -> Path | None:
    """Where the stored index of ``sources`` lives; ``None`` when caches are turned off."""
    base = cache_dir()
    return None if base is None else base / "screen-index" / f"{index_key(sources)}.sqlite"


def file_source(path: Path) -> tuple[str, str]:
    """The content id of a list file in an index key: its SHA-256."""
    with path.open("rb") as handle:
        return ("file", "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest())


def _entry_json(entry: ListEntry) -> str:
    return json.dumps(
        [
            entry.entry_id,
            entry.schema,
            entry.names,
            entry.birth_dates,
            entry.nationalities,
            entry.countries,
            entry.identifiers,
            entry.programs,
            entry.listed_on,
            entry.remarks,
        ],
        ensure_ascii=False,
    )


def _entry_of(text: str) -> ListEntry:
    v = json.loads(text)
    return ListEntry(
        v[0],
        v[1],
        tuple(v[2]),
        tuple(v[3]),
        tuple(v[4]),
        tuple(v[5]),
        tuple((a, b) for a, b in v[6]),
        tuple(v[7]),
        v[8],
        v[9],
    )


def write_index(index: CandidateIndex, path: Path) -> None:
    """Store ``index`` at ``path`` (a temporary file renamed into place: all or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".building-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        conn = sqlite3.connect(temporary)
        with conn:
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?)",
                (
                    (position, index.tags[position], entry.entry_id, _entry_json(entry))
                    for position, entry in enumerate(index.entries)
                ),
            )
            conn.executemany(
                "INSERT INTO postings VALUES (?, ?, ?)",
                (
                    (key, index.idf[key], array("i", positions).tobytes())
                    for key, positions in index.postings.items()
                ),
            )
            conn.execute("INSERT INTO meta VALUES ('entries', ?)", (str(len(index)),))
        conn.close()
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


class StoredIndex(CandidateIndex):
    """A :class:`CandidateIndex` read from its SQLite file: same candidates, same hits."""

    def __init__(self, path: Path) -> None:  # no super().__init__: nothing is built here
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._rows: dict[int, tuple[str, ListEntry]] = {}
        self._shape_cache: dict[int, tuple[Shape, ...]] = {}
        self._count = int(self._one("SELECT v FROM meta WHERE k = 'entries'", ()))

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # forked workers open their own
            # read-only; a server may answer from several threads (SQLite serialises them)
            self._conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._pid = os.getpid()
            self._rows, self._shape_cache = {}, {}
        return self._conn

    def _one(self, sql: str, params: Sequence[object]) -> str:
        row = self._db().execute(sql, params).fetchone()
        if row is None:
            raise LookupError(f"{self.path}: not in the stored index: {params!r}")
        return str(row[0])

    def __len__(self) -> int:
        return self._count

    def position_of(self, hit: Hit) -> int:
        sql = "SELECT position FROM entries WHERE tag = ? AND entry_id = ?"
        return int(self._one(sql, (hit.tag, hit.entry.entry_id)))

    def entry(self, position: int) -> ListEntry:
        return self._row(position)[1]

    def tag(self, position: int) -> str:
        return self._row(position)[0]

    def _row(self, position: int) -> tuple[str, ListEntry]:
        db = self._db()
        if position not in self._rows:
            sql = "SELECT tag, entry FROM entries WHERE position = ?"
            tag, text = db.execute(sql, (position,)).fetchone()
            self._rows[position] = (str(tag), _entry_of(str(text)))
        return self._rows[position]

    def shapes_of(self, position: int) -> tuple[Shape, ...]:
        if position not in self._shape_cache:
            entry = self.entry(position)
            rules = "Person" if entry.schema == "Person" else "Organization"
            org = rules != "Person"
            shapes = tuple(Shape.of(screen_tokens(n, rules), org) for n in entry.names)
            self._shape_cache[position] = shapes
        return self._shape_cache[position]

    def postings_of(self, keys: list[str]) -> list[tuple[float, tuple[int, ...]]]:
        found: dict[str, tuple[float, tuple[int, ...]]] = {}
        db = self._db()
        for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT k, idf, positions FROM postings WHERE k IN ({marks})"  # noqa: S608
            for key, idf, blob in db.execute(sql, part):
                positions = array("i")
                positions.frombytes(blob)
                found[str(key)] = (float(idf), tuple(positions))
        return [found[k] for k in keys if k in found]


def open_index(
    sources: Sources, load: Loader, building: Callable[[], None] | None = None
) -> CandidateIndex:
    """The index of the lists named by ``sources``: the stored one when it exists, else built
    from ``load()`` (``building()`` is called first, so a face can say it takes a while),
    stored for next time, and returned. With caches off, built in memory every time."""
    path = index_path(sources)
    if path is not None and path.is_file():
        try:
            return StoredIndex(path)
        except (sqlite3.Error, LookupError, ValueError):
            pass  # an unreadable cache file is rebuilt below, never trusted
    if building is not None:
        building()
    lists = load()
    index = CandidateIndex([lst for _, lst in lists], tags=[tag for tag, _ in lists])
    if path is not None:
        try:
            write_index(index, path)
        except (OSError, sqlite3.Error):
            return index  # a read-only or full cache: this run screens from memory
    return index
