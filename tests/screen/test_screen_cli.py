"""The ``lists`` and ``screen`` commands, in-process, in JSON and in French/English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WATCHLIST = [
    "QDi.425,Amadou Koufa,Person,1958,ML",
    "QDi.316,Iyad Ag Ghali,Person,1958,ML",
    "QDe.135,Ansar Eddine,Organization,,ML",
]


def _custom(tmp_path: Path, rows: list[str], name: str = "liste.csv") -> Path:
    path = tmp_path / name
    path.write_text("id,name,schema,birth_date,nationality\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_lists_load_show_and_diff(cli: Any, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert cli("init", ws).code == 0
    old = _custom(tmp_path, ["A,Amadou Ould Baba,Person,1970,ML", "B,Sahel Or SARL,Organization,,"])
    new = _custom(
        tmp_path,
        ["A,Amadou Ould Baba,Person,1971,ML", "C,Hamadou Ag Moussa,Person,1980,NE"],
        "liste2.csv",
    )
    first = cli("lists", "load", old, "-w", ws, "--json")
    assert first.code == 0, first.err
    assert (first.json()["entries"], first.json()["created"], first.json()["diff"]) == (
        2,
        True,
        {"added": ["A", "B"], "removed": [], "changed": {}},  # first version: all added
    )
    assert first.json()["counts"] == {"added": 2, "removed": 0, "changed": 0}
    second = cli("lists", "load", new, "-w", ws, "--json").json()
    assert second["diff"] == {"added": ["C"], "removed": ["B"], "changed": {"A": ["birth_dates"]}}
    assert second["counts"] == {"added": 1, "removed": 1, "changed": 1}
    again = cli("--lang", "fr", "lists", "load", new, "-w", ws)
    assert again.code == 0 and "déjà chargée" in again.out
    shown = cli("lists", "show", "-w", ws, "--json").json()["versions"]
    assert [v["entry_count"] for v in shown] == [2, 2]
    diff = cli("lists", "diff", old, new, "--json").json()
    assert diff["removed"] == [{"entry_id": "B", "name": "Sahel Or SARL"}]
    text = cli("--lang", "en", "lists", "diff", old, new)
    assert "1 added, 1 removed, 1 changed" in text.out
    assert "+ C " in text.out and "Hamadou Ag Moussa" in text.out


def test_screen_name_against_files_and_workspace(cli: Any, tmp_path: Path) -> None:
    un = _custom(tmp_path, WATCHLIST)
    ad_hoc = cli("screen", "Amadou Kouffa", "--list", un, "--json")
    assert ad_hoc.code == 0, ad_hoc.err
    hits = ad_hoc.json()["hits"]
    assert ad_hoc.json()["entries_indexed"] == 3
    assert hits and hits[0]["entry_id"] == "QDi.425" and hits[0]["match"] is True
    assert hits[0]["explanation"]["scorer"] == "sahel-names"
    ws = tmp_path / "ws"
    cli("init", ws)
    cli("lists", "load", un, "-w", ws)
    named = cli("screen", "name", "Koufa Amadou", "-w", ws, "--dob", "1958", "--json").json()
    assert named["hits"][0]["entry_id"] == "QDi.425" and named["hits"][0]["source"] == "custom"
    none = cli("--lang", "en", "screen", "Aminata Traore", "-w", ws)
    assert none.code == 0 and "No match for 'Aminata Traore'" in none.out


def test_screen_parties_and_review(cli: Any, tmp_path: Path) -> None:
    from moneytrail.workspace import Workspace

    ws_path = tmp_path / "ws"
    cli("init", ws_path)
    assert cli("screen", "parties", "-w", ws_path, "--json").code == 2  # no list loaded yet
    cli("lists", "load", _custom(tmp_path, WATCHLIST), "-w", ws_path)
    with Workspace.open(ws_path) as ws:
        ws.engine.execute(
            "INSERT INTO parties (id, kind, name, source_id, source_row) "
            "VALUES ('p1', 'person', 'Hamadoun Kouffa', 'test', 1)"
        )
    summary = cli("screen", "parties", "-w", ws_path, "--json").json()
    assert (summary["parties"], summary["matches_new"]) == (1, 1)
    matches = cli("screen", "matches", "-w", ws_path, "--json").json()["matches"]
    assert matches[0]["entry_id"] == "QDi.425" and matches[0]["status"] == "to_review"
    done = cli("screen", "review", matches[0]["id"], "--status", "false_positive", "-w", ws_path)
    assert done.code == 0
    bad = cli("screen", "review", matches[0]["id"], "--status", "maybe", "-w", ws_path)
    assert bad.code == 2 and "maybe" in bad.err
    left = cli("screen", "matches", "--status", "to_review", "-w", ws_path, "--json").json()
    assert left["matches"] == []


def test_bad_list_file_exits_3_with_location(cli: Any, tmp_path: Path) -> None:
    broken = _custom(tmp_path, ["A,,Person,1970,ML"])
    result = cli("--lang", "en", "screen", "X", "--list", broken)
    assert result.code == 3
    assert f"{broken}:2: name: required field is empty" in result.err
    assert "Traceback" not in result.err


def test_evaluate_names_command(cli: Any, shared_data: Path) -> None:
    folder = shared_data / "names/opensanctions"
    result = cli(
        "screen",
        "evaluate-names",
        folder / "nomenklatura_name_bench_cases.csv",
        "--reference",
        folder / "nomenklatura_name_bench_logicv2_results.csv",
        "--json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["pairs"] == 826 and data["threshold"] == 0.8
    assert data["reference"]["f1"] == 0.7904
    assert data["tp"] + data["fn"] == 425  # pairs labelled as matches in the file


def test_evaluate_names_cross_validation(cli: Any, tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    rows = ["case_group,schema,name1,name2,is_match"]
    rows += [f"g,Person,Oumar Sangare {i},Oumar Sangaré {i},true" for i in range(4)]
    rows += [f"g,Company,Ets Diallo {i},Groupe Keita {i},false" for i in range(4)]
    cases.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = cli("screen", "evaluate-names", cases, "--cv", "2", "--json").json()
    assert data["cross_validation"]["held_out"]["pairs"] == 8
    text = cli("--lang", "en", "screen", "evaluate-names", cases, "--cv", "2")
    assert text.code == 0 and "2-fold cross-validation" in text.out
    assert cli("screen", "evaluate-names", cases, "--cv", "1").code == 2  # at least 2 folds


def test_screen_parties_warns_about_an_interrupted_run_on_stderr(cli: Any, tmp_path: Path) -> None:
    from datetime import datetime

    from moneytrail.workspace import Workspace

    ws_path = tmp_path / "ws"
    cli("init", ws_path)
    cli("lists", "load", _custom(tmp_path, WATCHLIST), "-w", ws_path)
    with Workspace.open(ws_path) as ws:
        ws.engine.execute(
            "INSERT INTO parties (id, kind, name, source_id, source_row) "
            "VALUES ('p1', 'person', 'Hamadoun Kouffa', 'test', 1)"
        )
        ws.engine.execute(
            "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
            " VALUES ('deadbeef00112233', 'screen', ?, 'running', '{}', '0.1.0', 'gone:1:1')",
            [datetime(2024, 5, 2, 10, 41)],
        )
    done = cli("--lang", "en", "screen", "parties", "-w", ws_path, "--workers", "1", "--json")
    assert done.code == 0, done.err
    assert [r["id"] for r in done.json()["interrupted_runs"]] == ["deadbeef00112233"]
    assert "deadbeef00" in done.err and "2024-05-02 10:41" in done.err
    assert "none of its results were kept" in done.err
    again = cli("--lang", "fr", "screen", "parties", "-w", ws_path, "--workers", "1")
    assert again.code == 0 and "deadbeef00" not in again.err  # warned once, then retired


def test_lists_versions_review_and_evaluation_json(cli: Any, tmp_path: Path) -> None:
    from moneytrail.workspace import Workspace

    ws_path = tmp_path / "ws"
    cli("init", ws_path)
    cli("lists", "load", _custom(tmp_path, WATCHLIST), "-w", ws_path, "--list-id", "veille")
    versions = cli("lists", "versions", "-w", ws_path, "--json").json()["versions"]
    assert versions == cli("lists", "show", "-w", ws_path, "--json").json()["versions"]
    assert [v["list_id"] for v in versions] == ["veille"]
    with Workspace.open(ws_path) as ws:
        ws.engine.execute(
            "INSERT INTO parties (id, kind, name, source_id, source_row) "
            "VALUES ('p1', 'person', 'Iyad Ag Ghaly', 'test', 1)"
        )
    cli("screen", "parties", "-w", ws_path, "--workers", "1")
    (match,) = cli("screen", "matches", "-w", ws_path, "--json").json()["matches"]
    decided = cli(
        "screen",
        "review",
        match["id"],
        "--status",
        "confirmed",
        "--by",
        "awa",
        "-w",
        ws_path,
        "--json",
    ).json()
    assert decided == {"id": match["id"], "status": "confirmed", "note": None, "by": "awa"}
    shown = cli("--lang", "en", "screen", "matches", "-w", ws_path)
    assert "confirmed  Iyad Ag Ghaly -> Iyad Ag Ghali" in shown.out
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "schema,name1,name2,is_match\nPerson,Oumar Sangare,Oumar Sangaré,true\n", "utf-8"
    )
    data = cli("screen", "evaluate-names", cases, "--json").json()
    assert (data["pairs"], data["errors"], data["cross_validation"], data["reference"]) == (
        1,
        None,  # asked with --errors only (null, not left out, since the typed result)
        None,
        None,
    )
