"""Engine errors are engine-neutral: the library's own errors or ``EngineError``, never DuckDB's."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from moneytrail.engine import EngineError
from moneytrail.engine.duckdb_engine import translate_error
from moneytrail.errors import BadInputError, UsageError
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace

WS = Path("/data/enquete/workspace.duckdb")


def test_a_damaged_workspace_file_is_the_workspaces_error() -> None:
    message = f'IO Error: Could not read enough bytes from file "{WS}": attempted to read 4096'
    error = translate_error(duckdb.IOException(message), WS)
    assert isinstance(error, BadInputError) and error.key == "error.workspace_damaged"
    unnamed = translate_error(duckdb.IOException("Corrupt database file"), WS)
    assert isinstance(unnamed, BadInputError)


def test_a_damaged_input_file_is_not_a_damaged_workspace() -> None:
    message = 'IO Error: Could not read enough bytes from file "/tmp/releve.parquet": attempted'
    error = translate_error(duckdb.IOException(message), WS)
    assert isinstance(error, EngineError) and error.kind == "IOException"
    in_memory = translate_error(duckdb.IOException(message), None)
    assert isinstance(in_memory, EngineError)


def test_an_attached_workspace_file_is_the_engines_own() -> None:
    message = f'IO Error: Could not read enough bytes from file "{WS}": attempted to read 4096'
    assert isinstance(translate_error(duckdb.IOException(message), None, [WS]), BadInputError)


def test_other_duckdb_errors_become_engine_errors_and_others_pass() -> None:
    error = translate_error(duckdb.ConversionException("Conversion Error: x\nLINE 1"), WS)
    assert isinstance(error, EngineError) and error.detail == "Conversion Error: x"
    locked = translate_error(duckdb.IOException('Could not set lock on file "x"'), WS)
    assert isinstance(locked, UsageError)
    bug = KeyError("ours")
    assert translate_error(bug, WS) is bug


def test_a_parquet_file_damaged_past_its_footer_is_refused_not_crashed(
    ws: Workspace, tmp_path: Path
) -> None:
    rows = 2000
    table = pa.table(
        {
            "date": [f"2024-01-0{i % 9 + 1}" for i in range(rows)],
            "amount": [str(i) for i in range(rows)],
            "sender": [f"A{i}" for i in range(rows)],
            "receiver": [f"B{i}" for i in range(rows)],
            "currency": ["XOF"] * rows,
        }
    )
    path = tmp_path / "releve.parquet"
    pq.write_table(table, path, compression="snappy", use_dictionary=False)
    data = bytearray(path.read_bytes())
    for i in range(200, 1200):  # data pages: the schema in the footer still reads
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    (outcome,) = ws.ingest([path])
    assert outcome.status is Status.REFUSED, outcome
    assert outcome.error_key != "error.workspace_damaged"
    assert [p.code for p in outcome.problems] == ["value_invalid"]
    assert ws.engine.fetchall("SELECT count(*) FROM sources") == [(0,)]


def test_a_rule_sandbox_cannot_attach_a_missing_workspace(tmp_path: Path) -> None:
    from moneytrail.engine import DuckDBEngine

    engine = DuckDBEngine()
    with pytest.raises(EngineError):
        engine.attach(tmp_path / "absent" / "w.duckdb", "workspace", read_only=True)
    assert engine.fetchall("SELECT 1") == [(1,)]
