"""The common commit step: validation, quarantine, idempotence, strictness, atomicity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from moneytrail.ingest import registry
from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace

STORY = registry.ReaderEntry("story", "tests.ingest.story_reader:StoryReader")


@pytest.fixture(autouse=True)
def story_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "REGISTRY", (STORY,))
    yield


def story(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def wallets(*numbers: str) -> list[dict[str, Any]]:
    return [{"kind": "accounts", "number": n} for n in numbers]


def tx(ext_id: str, amount: str, src: str | None, dst: str | None, **kw: Any) -> dict[str, Any]:
    row = {"kind": "transactions", "ext_id": ext_id, "ts": "2024-03-01T10:00:00"}
    row.update({"amount": amount, "currency": "XOF", "src": src, "dst": dst, **kw})
    return row


A, B = "+22376000001", "+22376000002"


def test_ransom_split_is_loaded_and_bad_rows_are_quarantined(ws: Workspace, tmp_path: Path) -> None:
    path = story(
        tmp_path / "rancon.story",
        [
            *wallets(A, B),
            tx("T1", "5000000", A, B),
            tx("T2", "2500.5", A, B),  # XOF has no centimes
            tx("T3", "-10", A, B),
            tx("T4", "10", A, B, currency="ZZZ"),
            tx("T1", "7", A, B),  # duplicate id in the same file
            tx("T5", "10", None, None),
            tx("T6", "10", A, "+22370000009"),  # account not defined by the file
        ],
    )
    [outcome] = ws.ingest([path])
    assert outcome.status is Status.LOADED
    assert outcome.inserted["transactions"] == 1
    codes = {(p.line, p.code) for p in outcome.problems}
    assert codes == {
        (4, "amount_too_precise"),
        (5, "amount_negative"),
        (6, "currency_unknown"),
        (7, "duplicate_transaction_id"),
        (8, "no_account"),
        (9, "account_unknown"),
    }
    rendered = [p.render("fr") for p in outcome.problems]
    assert any(r.startswith(f"{path}:4: amount:") and "2500.5" in r for r in rendered)
    rows = ws.engine.fetchall("SELECT ext_id, amount, amount_reporting FROM transactions")
    assert [(r[0], int(r[1]), int(r[2])) for r in rows] == [("T1", 5_000_000, 5_000_000)]
    assert ws.info().counts["quarantine"] == 6


def test_reingesting_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = [*wallets(A, B), tx("T1", "100", A, B), tx("T2", "200", B, A)]
    first = story(tmp_path / "a.story", rows)
    ws.ingest([first])
    before = ws.info().counts
    [again] = ws.ingest([first])
    assert again.status is Status.UNCHANGED
    # the same rows in another file (different bytes) are recognised by their natural keys
    second = story(tmp_path / "b.story", [*rows, tx("T3", "300", A, B)])
    [other] = ws.ingest([second])
    assert other.inserted["transactions"] == 1
    assert other.already_present == 2
    after = ws.info().counts
    assert after["transactions"] == before["transactions"] + 1
    assert after["accounts"] == before["accounts"]
    dupes = ws.engine.fetchall("SELECT count(*) - count(DISTINCT id) FROM transactions")
    assert dupes == [(0,)]


def test_a_reader_crash_midway_leaves_the_workspace_as_it_was(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.ingest([story(tmp_path / "ok.story", [*wallets(A, B), tx("T0", "1", A, B)])])
    before = ws.info().counts
    rows = [*wallets("+22376000003"), *(tx(f"T{i}", "1", A, B) for i in range(1, 60_000))]
    crash = story(tmp_path / "crash.story", [*rows, tx("TX", "not-a-number", A, B)])
    after = story(tmp_path / "after.story", [tx("T9", "2", A, B)])
    # The test reader's own Decimal() fails at the end: an internal error on this file, which is
    # rolled back and reported with a crash file; the next file of the batch still loads.
    failed, loaded = ws.ingest([crash, after])
    assert failed.status is Status.FAILED
    assert failed.error_key == "error.internal_file"
    assert Path(str(failed.error_params["report"])).is_file()
    assert loaded.status is Status.LOADED
    assert ws.info().counts["transactions"] == before["transactions"] + 1


def test_strict_mode_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    good = story(tmp_path / "t.story", [*wallets(A, B), tx("T1", "1", A, B), tx("T2", "1.5", A, B)])
    [outcome] = ws.ingest([good], IngestOptions(strict=True))
    assert outcome.status is Status.REFUSED
    assert outcome.error_key == "error.strict_refused"
    assert ws.info().counts == {k: 0 for k in ws.info().counts}


def test_accounts_seen_again_fill_only_empty_fields(ws: Workspace, tmp_path: Path) -> None:
    ws.ingest([story(tmp_path / "1.story", [{"kind": "accounts", "number": A, "name": "Aïssata"}])])
    ws.ingest(
        [
            story(
                tmp_path / "2.story",
                [{"kind": "accounts", "number": A, "name": "Autre", "country": "ML"}],
            )
        ]
    )
    assert ws.engine.fetchall("SELECT name, country FROM accounts") == [("Aïssata", "ML")]


def test_arabic_and_french_names_survive(ws: Workspace, tmp_path: Path) -> None:
    names = ["Aïssata Maïga", "محمد ولد عبد الله", "Sidi Ould Mohamed Lemine"]
    rows = [
        {"kind": "accounts", "number": f"+2237600000{i}", "name": n} for i, n in enumerate(names)
    ]
    ws.ingest([story(tmp_path / "n.story", rows)])
    stored = [r[0] for r in ws.engine.fetchall("SELECT name FROM accounts ORDER BY number")]
    assert stored == names


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "file_empty"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "file_binary"),
        (None, "file_is_directory"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    ws: Workspace, tmp_path: Path, content: bytes | None, code: str
) -> None:
    path = tmp_path / "input.bin"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    [outcome] = ws.ingest([path])
    assert outcome.status is Status.REFUSED
    assert [p.code for p in outcome.problems] == [code]
    assert ws.info().counts["sources"] == 0


def test_cli_reports_problems_as_file_line_field_reason(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    assert cli("init", folder).code == 0
    path = story(
        tmp_path / "m.story", [*wallets(A, B), tx("T1", "10", A, B), tx("T2", "0.5", A, B)]
    )
    human = cli("--lang", "fr", "ingest", "-w", folder, path)
    assert human.code == 0
    assert f"{path}:4: amount: « 0.5 » a plus de décimales" in human.err
    assert "Traceback" not in human.err
    empty = tmp_path / "vide.story"
    empty.write_bytes(b"")
    result = cli("--lang", "en", "ingest", "-w", folder, empty, path, "--json")
    assert result.code == 3
    files = result.json()["files"]
    assert [f["status"] for f in files] == ["refused", "unchanged"]
    assert files[0]["problems"][0]["message"] == f"{empty}: empty file"
    info = cli("info", "-w", folder, "--json").json()
    assert info["counts"]["transactions"] == 1
    assert info["currencies"] == [{"currency": "XOF", "transactions": 1, "total": "10.00000000"}]
