"""Everything the unit knows feeds the scoring model's memory (issue 19, decision 0146): goAML
suspicion reports, confirmed screening hits and case subjects, each from its own date, beside
labels and confirmed alerts; and an alert that fires after a case names the case."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text

from moneytrail.api import Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.detect.model.data import load_edges
from moneytrail.detect.model.memory import (
    KINDS,
    NAMES,
    KnownSubject,
    memory_columns,
    memory_sources,
    workspace_knowledge,
)
from tests.detect_model.story import story_workspace

DAY = 86_400
START = datetime(2025, 1, 1, tzinfo=UTC)
T0 = int(START.timestamp())
PASSWORD = "un mot de passe long"

# (id, src, dst, day): A pays B twice, C pays D then E, E pays B last.
PAYMENTS = [("t1", "A", "B", 1), ("t2", "A", "B", 5), ("t3", "C", "D", 10),
            ("t4", "C", "E", 40), ("t5", "E", "B", 50)]  # fmt: skip


def _day(n: int) -> str:
    return datetime.fromtimestamp(T0 + n * DAY, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _small_workspace(folder: Path) -> Workspace:
    ws = Workspace.init(folder)
    e = ws.engine
    holders = {"C": "P1", "D": "P2", "E": "P3"}
    e.append_arrow("accounts", pa.table({
        "id": list("ABCDE"), "kind": ["bank"] * 5,
        "holder_party_id": [holders.get(a) for a in "ABCDE"], "source_id": ["t"] * 5,
    }))  # fmt: skip
    e.append_arrow("transactions", pa.table({
        "id": [p[0] for p in PAYMENTS],
        "ts": pa.array([(T0 + p[3] * DAY) * 1_000_000 for p in PAYMENTS], pa.timestamp("us")),
        "src_account_id": [p[1] for p in PAYMENTS], "dst_account_id": [p[2] for p in PAYMENTS],
        "amount": pa.array([100] * 5, pa.decimal128(38, 8)), "currency": ["XOF"] * 5,
        "channel": ["transfer"] * 5, "source_id": ["t"] * 5,
    }))  # fmt: skip
    # goAML: an STR on t1 submitted on day 3, an SAR on t3 dated before the payment itself
    # (day 2: known from the payment, day 10, on), a CTR on t4 (amounts, not suspicion).
    for rid, code, ref, fiu_ref, day, txs in [
        ("r1", "STR", "BK-17", "FIU-2025-001", 3, ["t1"]),
        ("r2", "SAR", "BK-18", None, 2, ["t3"]),
        ("r3", "CTR", "BK-19", None, 41, ["t4"]),
    ]:
        e.execute(
            "INSERT INTO goaml_reports (id, source_id, profile, report_code, rentity_id,"
            " entity_reference, fiu_ref_number, submission_date, indicators, transaction_ids)"
            " VALUES (?, 's', 'uae-5.0.2', ?, '1234', ?, ?, CAST(? AS TIMESTAMP), [], ?)",
            [rid, code, ref, fiu_ref, _day(day), txs],
        )
    # screening: P1 (holds C) confirmed on an entry listed on day 20; P2 (holds D) confirmed on
    # an entry without a readable date (decided on day 30); P3 (holds E) only to review.
    e.execute(
        "INSERT INTO screen_list_versions VALUES ('v1', 'un', 'un', 'un', NULL, 'un.xml', 'x', 2,"
        " CAST(? AS TIMESTAMP))",
        [_day(60)],
    )
    for entry, listed in (("QDi.1", _day(20)[:10]), ("QDi.2", "inconnue")):
        e.execute(
            "INSERT INTO screen_list_entries (version_id, entry_id, schema, primary_name,"
            " listed_on, fingerprint) VALUES ('v1', ?, 'Person', 'X', ?, 'f')",
            [entry, listed],
        )
    for mid, party, entry, status, decided in [
        ("m1", "P1", "QDi.1", "confirmed", _day(61)),
        ("m2", "P2", "QDi.2", "confirmed", _day(30)),
        ("m3", "P3", "QDi.1", "to_review", None),
    ]:
        e.execute(
            "INSERT INTO screening_matches (id, party_id, query, version_id, entry_id,"
            " matched_name, score, scorer, scorer_version, explanation, status, decided_at,"
            " created_at) VALUES (?, ?, 'X', 'v1', ?, 'X', 0.95, 'sahel-names', '3', '{}', ?,"
            " CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))",
            [mid, party, entry, status, decided, _day(60)],
        )
    return ws


def test_every_source_is_known_from_its_own_date(tmp_path: Path) -> None:
    subjects = [
        KnownSubject("E", T0 + 45 * DAY, "D-2026-0001"),
        KnownSubject("not-in-this-workspace", T0, "D-2026-0002"),
    ]
    with _small_workspace(tmp_path / "ws") as ws:
        known = workspace_knowledge(ws.engine, subjects)
        edges, ids, _ = load_edges(ws.engine)
    events = sorted(
        (KINDS[int(k)], ref, int(ts - T0) // DAY, key)
        for k, ref, ts, key in zip(known.kind, known.references or [], known.ts,
                                   known.src_keys or [], strict=True)
    )  # fmt: skip
    assert events == [
        ("case_subject", "D-2026-0001", 45, "E"),
        ("goaml_report", "BK-18", 10, "C"),  # not before its payment; entity reference
        ("goaml_report", "FIU-2025-001", 1 + 2, "A"),  # the FIU's number, submission day
        ("screening_hit", "UN QDi.1", 20, "C"),  # the listing date, not the decision's
        ("screening_hit", "UN QDi.2", 30, "D"),  # no readable listing date: the decision's
    ]
    cols = memory_columns(edges, known)
    row = {str(i): k for k, i in enumerate(ids.to_pylist())}

    def col(tx: str, name: str) -> float:
        return float(cols[row[tx], NAMES.index(name)])

    assert col("t1", "known_src_events") == 0  # reported two days after it happened
    assert col("t2", "known_src_events") == 1 and col("t2", "known_pair_events") == 1
    assert col("t3", "known_src_events") == 0  # the SAR is known from the payment on, not before
    # t4, day 40: C was reported (day 10) and confirmed on a list (day 20); E not yet a subject
    assert col("t4", "known_src_events") == 2 and col("t4", "known_src_days") == 20
    assert col("t4", "known_dst_events") == 0 and col("t4", "known_both") == 0
    # t5, day 50: E is a case subject since day 45; B was in the STR on t1 (reported day 3).
    # Account facts never make a pair known.
    assert col("t5", "known_src_events") == 1 and col("t5", "known_src_days") == 5
    assert col("t5", "known_dst_events") == 1 and col("t5", "known_both") == 1
    assert col("t5", "known_pair_events") == 0
    said = memory_sources(edges, known, np.array([row["t5"]]))[0]
    assert {(s["account"], s["source"], s["reference"], s["date"]) for s in said} == {
        ("sender", "case_subject", "D-2026-0001", "2025-02-15"),
        ("receiver", "goaml_report", "FIU-2025-001", "2025-01-04"),
    }


def test_the_case_store_subjects_reach_the_model_and_the_alert_names_the_case(
    tmp_path: Path, cli: Any
) -> None:
    folder = story_workspace(tmp_path / "ws", "transaction")
    assert cli("model", "train", "-w", folder, "--model", "mem", "--threads", "1").code == 0
    assert cli("score", "-w", folder, "--model", "mem").code == 0  # no case store: none made
    assert not (folder / "cases.sqlite").exists()
    with Workspace.open(folder) as ws:
        flagged = ws.engine.fetchall(
            "SELECT t.dst_account_id, min(t.ts) FROM alerts a JOIN transactions t"
            " ON t.id = a.subject_id WHERE a.detector = 'mem' GROUP BY 1 ORDER BY 1"
        )
        ws.engine.execute("DELETE FROM alerts")
    assert flagged, "the story's fan-ins must raise alerts"
    # Every flagged receiver becomes the subject of a case, added one second before its first
    # flagged payment (the store stamps "now": the test moves the stamp into the story's time).
    with CaseDesk.for_workspace(folder) as desk:
        desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
        fatou = desk.login("fatou", PASSWORD)
        ref = desk.new(fatou, "Collecteurs de Gao").ref
        with Workspace.open(folder, read_only=True) as ws:
            for account, _ in flagged:
                desk.add_subject(fatou, ref, ws, account)
    store = create_engine(f"sqlite:///{folder / 'cases.sqlite'}")
    with store.begin() as connection:
        for account, first in flagged:
            added = (first.replace(tzinfo=UTC).timestamp()) - 1
            stamp = datetime.fromtimestamp(added, UTC).isoformat(timespec="microseconds")
            connection.execute(
                text("UPDATE case_subjects SET added_at = :at WHERE key = :key"),
                {"at": stamp, "key": account},
            )
    store.dispose()
    assert cli("score", "-w", folder, "--model", "mem").code == 0
    with Workspace.open(folder, read_only=True) as ws:
        rows = ws.engine.fetchall(
            "SELECT a.id, CAST(a.explanation AS VARCHAR) FROM alerts a WHERE a.detector = 'mem'"
        )
    named = [
        (alert_id, entry)
        for alert_id, explanation in rows
        for entry in json.loads(explanation).get("memory") or []
        if entry["source"] == "case_subject"
    ]
    assert named, "an alert on a case subject's later payment must name the case"
    alert_id, entry = named[0]
    assert entry["reference"] == ref and entry["account"] in ("sender", "receiver")
    for lang, words in (("fr", f"figurait dans le dossier {ref} du {entry['date']}"),
                        ("en", f"was in the case {ref} on {entry['date']}")):  # fmt: skip
        shown = cli("--lang", lang, "alerts", "show", alert_id, "-w", folder)
        assert shown.code == 0, shown.err
        assert words in shown.out


@pytest.mark.parametrize("kind", KINDS)
def test_every_source_has_its_words_in_both_languages(kind: str) -> None:
    from moneytrail.i18n import translate

    fr = translate(f"detect_model.memory_source_{kind}", "fr")
    en = translate(f"detect_model.memory_source_{kind}", "en")
    assert fr and en and fr != en and "memory_source" not in fr + en


def test_a_goaml_str_read_from_its_file_is_known_from_its_submission(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "goaml" / "read_samples" / "str_uae.xml"
    with Workspace.init(tmp_path / "ws") as ws:
        (outcome,) = ws.ingest([sample])
        assert outcome.status == "loaded"
        known = workspace_knowledge(ws.engine)
        paid = ws.engine.fetchall(
            "SELECT src_account_id, dst_account_id FROM transactions ORDER BY ext_id"
        )
    assert [KINDS[int(k)] for k in known.kind] == ["goaml_report"] * 2
    assert known.references == ["BKM-STR-2024-0007"] * 2  # no FIU number yet: the bank's
    submitted = int(datetime(2024, 3, 4, 9, 30, tzinfo=UTC).timestamp())
    assert [int(t) for t in known.ts] == [submitted] * 2  # both payments were days earlier
    assert sorted(zip(known.src_keys or [], known.dst_keys or [], strict=True)) == sorted(paid)
