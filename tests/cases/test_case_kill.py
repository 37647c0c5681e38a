"""A process killed (SIGKILL) while it opens cases and writes notes through the service leaves
no case without its audit entry, no entry without its change, and an intact chain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from moneytrail.api.cases import CaseDesk
from moneytrail.cases.audit import verify
from moneytrail.cases.store import CaseStore
from moneytrail.cases.tables import AuditEntry, Case, Note
from tests.conftest import REPO

PASSWORD = "une phrase assez longue"
WORKER = """
import sys
from moneytrail.api.cases import CaseDesk
desk = CaseDesk.open(sys.argv[1])
awa = desk.login("awa", sys.argv[2])
print("ready", flush=True)
n = 0
while True:
    n += 1
    case = desk.new(awa, f"Dossier {n} — Traoré")
    desk.note(awa, case.ref, f"note {n} — محمد")
"""


def test_killed_while_working_leaves_whole_cases_and_an_intact_chain(store: CaseStore) -> None:
    desk = CaseDesk(store)
    desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
    desk.add_user(desk.login("fatou", PASSWORD), "awa", "analyst", "Awa Traoré", PASSWORD)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    for _round in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", WORKER, store.url, PASSWORD],
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path(REPO),
        )
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(1.0)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with store.transaction() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        created = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.create")
        )
        notes = session.scalar(select(func.count()).select_from(Note))
        noted = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.note")
        )
        unnamed = session.scalar(
            select(func.count()).select_from(Case).where(Case.ref.like("new-%"))
        )
    assert cases and cases == created and notes == noted and unnamed == 0
    assert verify(store).ok
