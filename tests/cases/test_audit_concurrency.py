"""The chain under real processes, on both database systems: two processes appending at once
keep one chain (no fork, no gap, every entry of both), and a process killed with SIGKILL in
the middle of its work leaves neither a half-written case change nor a broken chain.

The children are whole Python processes (``python -c``), started together through a file
they wait for, so that their transactions really contend for the store's lock.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from moneytrail.cases.audit import append, verify
from moneytrail.cases.signing import AuditSigner, generate_key
from moneytrail.cases.store import CaseStore, now_text
from moneytrail.cases.tables import AuditCheckpoint, AuditEntry, Case, Note

PER_PROCESS = 300
CHECKPOINT_EVERY = 50

# argv: url, actor, count (0: forever), key file, start file, case id (0: audit only),
# checkpoint interval
_APPENDER = """
import sys, time
from pathlib import Path
from moneytrail.cases.audit import append
from moneytrail.cases.signing import load_signer
from moneytrail.cases.store import CaseStore, now_text
from moneytrail.cases.tables import Note

url, actor, count, key, start, case_id = sys.argv[1:7]
count, case_id = int(count), int(case_id)
signer = load_signer(Path(key))
store = CaseStore.open(url, migrate=False)
while not Path(start).exists():
    time.sleep(0.002)
done = 0
while count == 0 or done < count:
    with store.transaction() as session:
        if case_id:
            note = Note(case_id=case_id, author=actor, text=f"note {done}", created_at=now_text())
            session.add(note)
            session.flush()
            target = f"note:{note.id}"
        else:
            target = None
        append(session, actor=actor, action="case.add_note", case_ref="D-2026-0001",
               target=target, details={"i": done, "lieu": "Tombouctou"},
               signer=signer, checkpoint_every=int(sys.argv[7]))
    done += 1
    # A breath between actions, as people take: without it SQLite's busy handler (which
    # sleeps while the other process commits again at once) lets one process run alone.
    time.sleep(0.001)
store.close()
"""


def _start(
    store: CaseStore, actor: str, count: int, key: Path, go: Path, case_id: int = 0
) -> subprocess.Popen[str]:
    """A child appending ``count`` entries (0: until killed) once ``go`` exists."""
    arguments = [store.url, actor, count, key, go, case_id, CHECKPOINT_EVERY]
    return subprocess.Popen(
        [sys.executable, "-c", _APPENDER, *map(str, arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _key(tmp_path: Path) -> tuple[Path, AuditSigner]:
    path = tmp_path / "audit.key"
    return path, generate_key(path)


def test_two_processes_appending_at_once_keep_one_chain(store: CaseStore, tmp_path: Path) -> None:
    key, signer = _key(tmp_path)
    go = tmp_path / "go"
    children = [_start(store, actor, PER_PROCESS, key, go) for actor in ("awa", "moussa")]
    go.touch()
    for child in children:
        _, errors = child.communicate(timeout=300)
        assert child.returncode == 0, errors[-3000:]
    report = verify(store, public_key=signer.public_key)
    assert report.ok, report.render("en")
    assert report.entries == 2 * PER_PROCESS
    with store.transaction() as session:
        rows = session.execute(select(AuditEntry.seq, AuditEntry.actor).order_by(AuditEntry.seq))
        seqs, actors = zip(*rows, strict=True)
        signed = session.scalar(select(func.max(AuditCheckpoint.seq_to)))
    assert list(seqs) == list(range(1, 2 * PER_PROCESS + 1))
    assert actors.count("awa") == actors.count("moussa") == PER_PROCESS
    # Both really ran at once: their entries interleave.
    assert sum(1 for _ in itertools.groupby(actors)) > 10
    # Checkpoints were signed by whichever process reached each 50th entry.
    assert signed == 2 * PER_PROCESS and report.covered_to == 2 * PER_PROCESS


def _new_case(store: CaseStore) -> int:
    now = now_text()
    with store.transaction() as session:
        case = Case(
            ref="D-2026-0001",
            title="Rançon répartie entre portefeuilles",
            summary="",
            status="open",
            workspace="",
            created_at=now,
            created_by="awa",
            updated_at=now,
        )
        session.add(case)
        session.flush()
        return int(case.id)


def _count(store: CaseStore) -> tuple[int, int]:
    with store.transaction() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        notes = session.scalar(select(func.count()).select_from(Note)) or 0
    return int(entries), int(notes)


def test_a_process_killed_mid_work_leaves_no_half_write_and_no_broken_chain(
    store: CaseStore, tmp_path: Path
) -> None:
    key, signer = _key(tmp_path)
    case_id = _new_case(store)
    go = tmp_path / "go"
    go.touch()
    for round_, threshold in enumerate((25, 60, 110, 170)):
        child = _start(store, f"analyste{round_}", 0, key, go, case_id)
        deadline = time.monotonic() + 120
        while _count(store)[0] < threshold:
            assert child.poll() is None, child.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the child appends too slowly"
            time.sleep(0.01 * (round_ + 1))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        entries, notes = _count(store)
        # Every committed note has its audit entry and no entry lacks its note.
        assert entries == notes >= threshold
        report = verify(store, public_key=signer.public_key)
        assert report.ok, report.render("en")
        assert report.entries == entries
    # The store goes on after the kills.
    with store.transaction() as session:
        append(session, actor="awa", action="case.read", signer=signer, checkpoint_every=50)
    final = verify(store, public_key=signer.public_key)
    assert final.ok and final.covered_to >= 150
