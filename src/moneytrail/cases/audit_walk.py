"""How :func:`moneytrail.cases.audit.verify` walks the audit log and names a break.

The walk reads the entries by ``seq``, streaming, and checks each one against its predecessor
(numbering, link, content hash), then against every signed window that covers it. At the
first break it stops and reads the break's *shape* with a few point queries (which entry has
this hash, what the next entry names) to say what was done:

Shape found at entry ``n`` (``p`` is the entry before it in the log) -> kind, first break:

* numbering jumps from ``p`` to ``n > p + 1`` -> deleted, ``p + 1``;
* hash wrong but right as numbered ``n + d``, its predecessor gone -> deleted (and the rest
  renumbered), ``n``;
* names as predecessor an entry found later in the log -> reordered, ``n``;
* hash wrong but right as numbered ``m + 1``, where ``m < p`` is the entry it names ->
  inserted (and the rest renumbered), ``m + 1``;
* its predecessor already has a successor, or the next entry links over it -> inserted, ``n``;
* hash wrong otherwise -> edited, ``n``;
* intact, but names a hash nobody has while ``p`` is not covered by a signature -> edited
  (``p`` was given a fresh hash), ``p``;
* chain consistent but hash unlike the signed window: the next entry links to it ->
  recomputed; still names the old hash -> edited; links over it -> inserted; all at ``n``;
* checkpoint signature invalid, checkpoint malformed or unlike the trusted copy ->
  checkpoint_forged; trusted checkpoint absent from the database, or a gap between windows
  -> checkpoint_missing; both at the checkpoint's first entry;
* the log ends before a signed window does -> truncated, ``last + 1``.

Signed windows always tile the log from entry 1 (each checkpoint starts where the previous
one ended), so a checkpoint deleted between two others is a gap; the newest checkpoints can
be deleted unseen unless an export of them is given (``trusted``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from moneytrail.cases.audit import (
    ENTRY_COLUMNS,
    GENESIS_HASH,
    RENUMBER_SEARCH,
    BreakKind,
    VerifyReport,
    checkpoint_of,
    row_hash,
)
from moneytrail.cases.signing import Checkpoint, KeyRing
from moneytrail.cases.tables import AuditCheckpoint, AuditEntry
from moneytrail.errors import Message

_CHECKPOINT_COLUMNS = (
    AuditCheckpoint.seq_from,
    AuditCheckpoint.seq_to,
    AuditCheckpoint.head_hash,
    AuditCheckpoint.window_hashes,
    AuditCheckpoint.signed_at,
    AuditCheckpoint.key_id,
    AuditCheckpoint.signature,
)


@dataclass
class Reference:
    """A signed window the walk compares entries with (from the database or the export);
    a trusted one remembers its database twin (same ``seq_to``), checked at its end."""

    source: Literal["database", "export"]
    seq_from: int
    seq_to: int
    checkpoint: Checkpoint | None = None
    row_id: int | None = None
    twin_id: int | None = None


@dataclass
class Walk:
    """One verification; :meth:`run` returns its report."""

    connection: Connection
    ring: KeyRing
    trusted: tuple[Checkpoint, ...]
    batch: int
    entries: int = 0
    last_seq: int = 0
    checked: int = 0
    covered_to: int = 0  # end of the last window whose every entry matched
    certified_to: int = 0  # last entry that matched a signed window
    signed_to: int = 0  # end of the windows met so far (a later start leaves a gap)
    active: list[Reference] = field(default_factory=list)

    def run(self) -> VerifyReport:
        """Walk every entry, oldest first, and stop at the first break."""
        pending = self._references()
        prev_seq, prev_hash = 0, GENESIS_HASH
        next_end = 0  # smallest seq_to of the active windows
        rows = self.connection.execution_options(yield_per=self.batch).execute(
            select(*ENTRY_COLUMNS).order_by(AuditEntry.seq)
        )
        with rows:
            for row in rows:
                self.entries += 1
                seq = self.last_seq = row[0]
                computed = row_hash(row)
                if seq != prev_seq + 1 or row[8] != prev_hash or computed != row[9]:
                    kind, at = self._classify(row, computed, prev_seq, prev_hash)
                    return self._broken(kind, at, {"seq": at})
                while pending and pending[-1].seq_from <= seq:
                    problem = self._activate(pending.pop())
                    if problem is not None:
                        return problem
                    next_end = min(r.seq_to for r in self.active)
                if self.active:
                    for reference in self.active:
                        assert reference.checkpoint is not None
                        if reference.checkpoint.window_hash(seq) != row[9]:
                            return self._window_mismatch(row, reference)
                    self.certified_to = seq
                    if seq >= next_end:
                        problem = self._close_windows(seq)
                        if problem is not None:
                            return problem
                        next_end = min((r.seq_to for r in self.active), default=0)
                prev_seq, prev_hash = seq, row[9]
        for reference in [*self.active, *reversed(pending)]:
            problem = None if reference.checkpoint else self._activate(reference)
            if problem is not None:
                return problem
            params = {"seq": prev_seq + 1, "last": prev_seq, "seq_to": reference.seq_to}
            return self._broken("truncated", prev_seq + 1, params)
        return self._intact()

    def _references(self) -> list[Reference]:
        """Trusted checkpoints, and the database's own where no trusted one has the same end,
        newest first (the walk pops the oldest from the end)."""
        rows = self.connection.execute(
            select(AuditCheckpoint.id, AuditCheckpoint.seq_from, AuditCheckpoint.seq_to)
        ).all()
        by_end = {int(r[2]): int(r[0]) for r in rows}
        trusted_ends = {cp.seq_to for cp in self.trusted}
        references = [
            Reference("export", cp.seq_from, cp.seq_to, cp, twin_id=by_end.get(cp.seq_to))
            for cp in self.trusted
        ]
        references += [
            Reference("database", int(r[1]), int(r[2]), row_id=int(r[0]))
            for r in rows
            if int(r[2]) not in trusted_ends
        ]
        return sorted(references, key=lambda r: (r.seq_from, r.seq_to), reverse=True)

    def _load(self, row_id: int) -> Checkpoint:
        query = select(*_CHECKPOINT_COLUMNS).where(AuditCheckpoint.id == row_id)
        return checkpoint_of(self.connection.execute(query).one())

    def _activate(self, reference: Reference) -> VerifyReport | None:
        """Load the window; check its signature (or its shape, without a key) and that it
        starts where the windows before it ended."""
        if reference.checkpoint is None:
            assert reference.row_id is not None
            reference.checkpoint = self._load(reference.row_id)
        checkpoint = reference.checkpoint
        if not (self.ring.valid(checkpoint) if self.ring.keys else checkpoint.well_formed()):
            return self._checkpoint_break("checkpoint_forged", reference)
        if reference.seq_from > self.signed_to + 1:
            start = self.signed_to + 1
            params = {"seq": start, "seq_from": start, "seq_to": reference.seq_from - 1}
            return self._broken("checkpoint_missing", start, params, "audit.verify.window_gap")
        self.signed_to = max(self.signed_to, reference.seq_to)
        self.active.append(reference)
        return None

    def _close_windows(self, seq: int) -> VerifyReport | None:
        """Every entry of the windows ending at ``seq`` matched; a trusted window must also
        be in the database, unchanged."""
        for reference in [r for r in self.active if r.seq_to <= seq]:
            self.active.remove(reference)
            if reference.source == "export":
                if reference.twin_id is None:
                    return self._checkpoint_break("checkpoint_missing", reference)
                if self._load(reference.twin_id) != reference.checkpoint:
                    return self._checkpoint_break(
                        "checkpoint_forged", reference, "audit.verify.differs"
                    )
            self.checked += 1
            self.covered_to = max(self.covered_to, reference.seq_to)
        return None

    def _window_mismatch(self, row: Sequence[Any], reference: Reference) -> VerifyReport:
        """An entry that follows its predecessor but is not the signed one."""
        seq = int(row[0])
        following = self._following_prev(seq)
        kind: BreakKind
        if following is None or following == row[9]:
            kind = "recomputed"
        elif following == row[8]:
            kind = "inserted"
        else:
            kind = "edited"
        params = {"seq": seq, "seq_from": reference.seq_from, "seq_to": reference.seq_to}
        return self._broken(kind, seq, params)

    def _classify(
        self, row: Sequence[Any], computed: str, prev_seq: int, prev_hash: str
    ) -> tuple[BreakKind, int]:
        """Kind and first broken seq of a chain break found at ``row`` (table above)."""
        seq = int(row[0])
        if seq > prev_seq + 1:
            return "deleted", prev_seq + 1
        if seq <= prev_seq:
            return "inserted", seq
        named = self._seq_named(str(row[8]))
        if named is not None and named > seq:
            return "reordered", seq
        if computed != row[9]:
            if named is not None and named < prev_seq and row_hash(row, named + 1) == row[9]:
                return "inserted", named + 1
            if named is None:
                if any(
                    row_hash(row, seq + shift) == row[9] for shift in range(1, RENUMBER_SEARCH + 1)
                ):
                    return "deleted", seq
                if self._following_prev(seq) == prev_hash:
                    return "inserted", seq
            return "edited", seq
        if named is not None and named < prev_seq:
            return "inserted", seq
        if named is None and (
            0 < prev_seq <= self.certified_to or self._following_prev(seq) == prev_hash
        ):
            return "inserted", seq
        # Intact, but written after a hash its predecessor no longer has: the predecessor
        # was edited and given a fresh hash.
        return "edited", max(prev_seq, 1)

    def _seq_named(self, hash_hex: str) -> int | None:
        """Seq of the entry whose hash is ``hash_hex`` (0 for genesis), ``None`` if none."""
        if hash_hex == GENESIS_HASH:
            return 0
        found = self.connection.execute(
            select(AuditEntry.seq)
            .where(AuditEntry.entry_hash == hash_hex)
            .order_by(AuditEntry.seq)
            .limit(1)
        ).scalar()
        return None if found is None else int(found)

    def _following_prev(self, seq: int) -> str | None:
        """``prev_hash`` of the first entry after ``seq``, ``None`` at the end of the log."""
        found = self.connection.execute(
            select(AuditEntry.prev_hash)
            .where(AuditEntry.seq > seq)
            .order_by(AuditEntry.seq)
            .limit(1)
        ).scalar()
        return None if found is None else str(found)

    def _checkpoint_break(
        self, kind: BreakKind, reference: Reference, key: str | None = None
    ) -> VerifyReport:
        params = {
            "seq": reference.seq_from,
            "seq_from": reference.seq_from,
            "seq_to": reference.seq_to,
            "source": Message(f"audit.source.{reference.source}"),
        }
        return self._broken(kind, reference.seq_from, params, key)

    def _broken(
        self, kind: BreakKind, at: int, params: dict[str, Any], key: str | None = None
    ) -> VerifyReport:
        return VerifyReport(
            ok=False,
            entries=self.entries,
            last_seq=self.last_seq,
            first_break=at,
            kind=kind,
            message=Message(key or f"audit.verify.{kind}", params),
            checkpoints=self.checked,
            covered_to=self.covered_to,
            signatures_checked=bool(self.ring.keys),
            stopped_early=True,
        )

    def _intact(self) -> VerifyReport:
        params = {"entries": self.entries, "checkpoints": self.checked}
        params["covered_to"] = self.covered_to
        if self.checked == 0:
            key = "audit.verify.ok_unsigned"
        elif self.ring.keys:
            key = "audit.verify.ok"
        else:
            key = "audit.verify.ok_unchecked"
        return VerifyReport(
            ok=True,
            entries=self.entries,
            last_seq=self.last_seq,
            first_break=None,
            kind=None,
            message=Message(key, params),
            checkpoints=self.checked,
            covered_to=self.covered_to,
            signatures_checked=bool(self.ring.keys),
            stopped_early=False,
        )
