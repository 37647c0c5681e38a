"""The ground truth is consistent, and a naive threshold rule does not recover it."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from moneytrail.synth import SynthResult
from moneytrail.synth.typologies.sanctions import load_un_individuals

THRESHOLD = 5_000_000


def test_every_labelled_subject_exists(scenario: SynthResult) -> None:
    members = pq.read_table(scenario.files["truth_members"]).to_pylist()
    known = {
        "transaction": set(
            pq.read_table(scenario.files["transactions"], columns=["id"])["id"].to_pylist()
        ),
        "account": set(pq.read_table(scenario.files["accounts"], columns=["id"])["id"].to_pylist()),
        "party": set(pq.read_table(scenario.files["parties"], columns=["id"])["id"].to_pylist()),
    }
    assert members
    missing = [m for m in members if m["subject_id"] not in known[m["subject_kind"]]]
    assert missing == []
    instances = pq.read_table(scenario.files["truth_instances"]).to_pylist()
    assert {m["instance_id"] for m in members} == {i["instance_id"] for i in instances}
    per_instance: defaultdict[str, int] = defaultdict(int)
    for m in members:
        per_instance[m["instance_id"]] += m["subject_kind"] == "transaction"
    assert all(per_instance[i["instance_id"]] == i["transactions"] for i in instances)


def test_ransom_split_adds_up_to_the_ransom(scenario: SynthResult) -> None:
    con = duckdb.connect()
    rows = con.execute(
        """
        SELECT i.instance_id, i.parameters, sum(t.amount)::BIGINT AS split, count(*) AS n
        FROM read_parquet(?) i
        JOIN read_parquet(?) m USING (instance_id)
        JOIN read_parquet(?) t ON t.id = m.subject_id
        WHERE i.typology = 'kidnap_ransom' AND m.role = 'ransom_split'
        GROUP BY ALL
        """,
        [str(scenario.files[k]) for k in ("truth_instances", "truth_members", "transactions")],
    ).fetchall()
    assert rows
    for _, parameters, split, n in rows:
        params = json.loads(parameters)
        assert split == params["ransom"]
        assert n >= params["collectors"]  # split across several wallets
        assert len(params["countries"]) >= 1


def test_sanctioned_name_comes_from_the_un_list(scenario: SynthResult) -> None:
    listed = {p.name: p.reference for p in load_un_individuals(None)}
    instances = pq.read_table(scenario.files["truth_instances"]).to_pylist()
    sanctioned = [
        json.loads(i["parameters"]) for i in instances if i["typology"] == "sanctioned_proxy"
    ]
    assert sanctioned
    names = set(pq.read_table(scenario.files["parties"], columns=["name"])["name"].to_pylist())
    for params in sanctioned:
        assert listed[params["listed_name"]] == params["un_reference"]
        assert params["listed_name"] in names


def test_shipped_extract_is_al_qaida_individuals() -> None:
    people = load_un_individuals(None)
    assert 20 <= len(people) <= 40
    assert all(p.reference.startswith("QDi.") for p in people)
    assert any(p.name == "IYAD AG GHALI" for p in people)


def _recall(files: dict[str, Path], flagged_sql: str) -> float:
    """Share of instances with at least half of their accounts flagged by a rule."""
    con = duckdb.connect()
    con.execute("CREATE TABLE tx AS SELECT * FROM read_parquet(?)", [str(files["transactions"])])
    con.execute(
        "CREATE TABLE members AS SELECT * FROM read_parquet(?)", [str(files["truth_members"])]
    )
    con.execute(f"CREATE VIEW flagged AS {flagged_sql}")
    found, total = con.execute(
        """
        WITH m AS (SELECT DISTINCT instance_id, subject_id FROM members
                   WHERE subject_kind = 'account'),
        share AS (SELECT instance_id, avg((f.account IS NOT NULL)::INT) AS s
                  FROM m LEFT JOIN flagged f ON f.account = m.subject_id GROUP BY 1)
        SELECT count(*) FILTER (WHERE s >= 0.5), count(*) FROM share
        """
    ).fetchone() or (0, 0)
    assert total > 0
    return float(found) / float(total)


def test_threshold_rules_do_not_find_most_instances(scenario: SynthResult) -> None:
    any_large = f"""
        SELECT src_account_id AS account FROM tx WHERE amount >= {THRESHOLD}
        UNION SELECT dst_account_id FROM tx WHERE amount >= {THRESHOLD}"""
    large_total = f"""
        SELECT account FROM (SELECT src_account_id AS account, amount FROM tx
                             UNION ALL SELECT dst_account_id, amount FROM tx)
        GROUP BY account HAVING sum(amount) >= {4 * THRESHOLD}"""
    assert _recall(scenario.files, any_large) < 0.5
    assert _recall(scenario.files, large_total) < 0.5
