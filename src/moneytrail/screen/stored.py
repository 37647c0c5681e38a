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
only (no pickle), so a cache file cannot run code. The file's SHA-256 is written beside it
(``<key>.sha256``) and checked when it is opened: a damaged file is rebuilt, never read.

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
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from moneytrail.model.memo import cache_dir
from moneytrail.model.names import Token
from moneytrail.screen.bound import IntArray, NameTable
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.index import CandidateIndex, Shape
from moneytrail.screen.scorer import SCORER_VERSION, Hit
from moneytrail.screen.tokens import one_of

INDEX_FORMAT = 2  # 2: the name table, word postings and tokens of the bound's first stage
_SCHEMA = (
    "CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE entries (position INTEGER PRIMARY KEY, tag TEXT NOT NULL, "
    "entry_id TEXT NOT NULL, entry TEXT NOT NULL)",
    "CREATE UNIQUE INDEX entries_by_id ON entries (tag, entry_id)",
    "CREATE TABLE postings (k TEXT PRIMARY KEY, idf REAL NOT NULL, positions BLOB NOT NULL) "
    "WITHOUT ROWID",
    "CREATE TABLE word_postings (k TEXT PRIMARY KEY, words BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE glue_postings (k TEXT PRIMARY KEY, names BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE acronym_postings (k TEXT PRIMARY KEY, names BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE name_table (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE name_tokens (position INTEGER PRIMARY KEY, tokens TEXT NOT NULL)",
)
KEY_CACHE = 200_000  # keys whose postings a stored index keeps in memory once read
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


def _tokens_json(names: list[tuple[Token, ...]]) -> str:
    """An entry's names as tokenised at build time (a query reads them instead of running the
    tokeniser and rigour's tables again)."""
    return json.dumps(
        [
            [
                [t.canon, t.kind, t.raw, t.weight, t.skeleton, t.translit, sorted(t.symbols)]
                + ([t.syllables] if t.syllables else [])
                for t in tokens
            ]
            for tokens in names
        ],
        ensure_ascii=False,
    )


def _tokens_of(text: str) -> list[tuple[Token, ...]]:
    return [
        tuple(
            one_of(Token(c, k, r, float(w), s, bool(x), frozenset(y), *rest))
            for c, k, r, w, s, x, y, *rest in tokens
        )
        for tokens in json.loads(text)
    ]


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
                    (key, index.idf[key], positions.astype(np.int32).tobytes())
                    for key, positions in index.postings.items()
                ),
            )
            for table, items in (
                ("word_postings", index.all_token_postings()),
                ("glue_postings", index.all_glue_postings()),
                ("acronym_postings", index.all_acronym_postings()),
            ):
                conn.executemany(
                    f"INSERT INTO {table} VALUES (?, ?)",  # noqa: S608 (names above)
                    ((k, v.astype(np.int32).tobytes()) for k, v in items),
                )
            conn.executemany(
                "INSERT INTO name_table VALUES (?, ?)", index.name_table().to_json().items()
            )
            conn.executemany(
                "INSERT INTO name_tokens VALUES (?, ?)",
                (
                    (position, _tokens_json([shape.tokens for shape in shapes]))
                    for position, shapes in enumerate(index.shapes)
                ),
            )
            conn.execute("INSERT INTO meta VALUES ('entries', ?)", (str(len(index)),))
        conn.close()
        # the digest first: a kill between the two renames pairs a digest with another file,
        # which open_index then rebuilds, never trusts
        _write_digest(path, _file_sha256(temporary))
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _digest_path(path: Path) -> Path:
    return path.with_suffix(".sha256")


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _write_digest(path: Path, digest: str) -> None:
    handle, name = tempfile.mkstemp(prefix=".digest-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(digest + "\n")
    Path(name).replace(_digest_path(path))


def intact(path: Path) -> bool:
    """Whether the stored index at ``path`` is the file :func:`write_index` wrote: its SHA-256
    equals the digest written beside it. A cache file damaged on disk (one flipped byte made
    queries fail on a malformed page or JSON text, or answer with another entry) is rebuilt
    instead of read; reading 56 MiB of UN + OFAC index to hash it costs about 0.05 s."""
    try:
        written = _digest_path(path).read_text(encoding="ascii").strip()
        return written == _file_sha256(path)
    except (OSError, UnicodeDecodeError):
        return False


class StoredIndex(CandidateIndex):
    """A :class:`CandidateIndex` read from its SQLite file: same candidates, same hits."""

    def __init__(self, path: Path) -> None:  # no super().__init__: nothing is built here
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._rows: dict[int, tuple[str, ListEntry]] = {}
        self._stored_table: NameTable | None = None
        self._name_shapes: dict[tuple[int, int], Shape] = {}
        self._tokens: dict[int, list[tuple[Token, ...]]] = {}
        self._key_rows: dict[str, dict[str, tuple[Any, ...] | None]] = {}
        self._count = int(self._one("SELECT v FROM meta WHERE k = 'entries'", ()))

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # forked workers open their own
            # read-only; a server may answer from several threads (SQLite serialises them)
            self._conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._pid = os.getpid()
            self._rows, self._name_shapes, self._tokens, self._key_rows = {}, {}, {}, {}
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

    def name_shape(self, position: int, at: int) -> Shape:
        key = (position, at)
        if key not in self._name_shapes:  # only the names a query's bound keeps are read
            if position not in self._tokens:
                sql = "SELECT tokens FROM name_tokens WHERE position = ?"
                self._tokens[position] = _tokens_of(self._one(sql, (position,)))
            org = self.name_table().entry_schema[position] != "Person"
            self._name_shapes[key] = Shape.of(self._tokens[position][at], org)
        return self._name_shapes[key]

    def shapes_of(self, position: int) -> tuple[Shape, ...]:
        first = self.name_table().entry_first
        count = int(first[position + 1] - first[position])
        return tuple(self.name_shape(position, at) for at in range(count))

    def postings_of(self, keys: list[str]) -> list[tuple[float, IntArray]]:
        found: dict[str, tuple[float, IntArray]] = {}
        for key, idf, blob in self._select("SELECT k, idf, positions FROM postings", keys):
            found[str(key)] = (float(idf), np.frombuffer(blob, np.int32))
        return [found[k] for k in keys if k in found]

    def token_postings_of(self, keys: Sequence[str]) -> dict[str, IntArray]:
        return self._arrays("word_postings", keys)

    def glue_postings_of(self, keys: Sequence[str]) -> list[IntArray]:
        return list(self._arrays("glue_postings", keys).values())

    def acronym_postings_of(self, keys: Sequence[str]) -> list[IntArray]:
        return list(self._arrays("acronym_postings", keys).values())

    def _arrays(self, table: str, keys: Sequence[str]) -> dict[str, IntArray]:
        """Key -> int32 ids of the two-column posting ``table`` (one of this module's)."""
        rows = self._select(f"SELECT * FROM {table}", list(keys))  # noqa: S608 (our tables)
        return {str(k): np.frombuffer(blob, np.int32) for k, blob in rows}

    def name_table(self) -> NameTable:
        if self._stored_table is None:  # read once, on the first query (a few MiB)
            rows = self._db().execute("SELECT k, v FROM name_table").fetchall()
            self._stored_table = NameTable.from_json({str(k): bytes(v) for k, v in rows})
        return self._stored_table

    def _select(self, sql: str, keys: list[str]) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose key ``k`` is one of ``keys``, in the order of ``keys``. Rows
        (and keys without a row) are kept in memory: a batch asks for the same common words
        again and again (at most ``KEY_CACHE`` keys, then the memory starts again)."""
        db = self._db()
        cache = self._key_rows.setdefault(sql, {})
        found = {k: cache[k] for k in keys if k in cache}  # (another thread may clear it)
        missing = [k for k in keys if k not in found]
        for key in missing:
            found[key] = None
        for start in range(0, len(missing), 500):  # SQLite's bound-parameter limit
            part = missing[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in db.execute(f"{sql} WHERE k IN ({marks})", part):
                found[str(row[0])] = tuple(row)
        if len(cache) + len(missing) > KEY_CACHE:
            cache.clear()
        cache.update((k, found[k]) for k in missing)
        return [row for k in keys if (row := found[k]) is not None]


def open_index(
    sources: Sources, load: Loader, building: Callable[[], None] | None = None
) -> CandidateIndex:
    """The index of the lists named by ``sources``: the stored one when it exists, else built
    from ``load()`` (``building()`` is called first, so a face can say it takes a while),
    stored for next time, and returned. With caches off, built in memory every time."""
    path = index_path(sources)
    if path is not None and path.is_file() and intact(path):
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
