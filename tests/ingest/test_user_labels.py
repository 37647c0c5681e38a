"""Ground-truth labels in a user's own tabular file (issue 19, decision 0138).

A transaction file with a ``label`` column (``is_laundering``, ``blanchiment``...) fills the
``labels`` table, keyed to the transaction of each row, so that ``moneytrail evaluate`` reads a
user's labelled data exactly as it reads synthetic truth.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

A, B, C, D = "+22376123456", "+22377451209", "+22365000001", "+22365000002"
CANONICAL = "id,timestamp,src_account,dst_account,amount,currency,is_laundering,typology,case_id\n"
LABELLED = (
    "SELECT t.ext_id, l.subject_kind, l.label, l.typology, l.instance_id, l.source_row"
    " FROM labels l JOIN transactions t ON t.id = l.subject_id ORDER BY t.ext_id"
)


def test_canonical_headers_label_the_right_transactions(ws: Workspace, tmp_path: Path) -> None:
    text = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,fan_in,C-7\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF,0,,\n"
        f"T3,2025-03-03T10:00:00Z,{C},{D},250,XOF,true,,\n"
        f"T4,2025-03-04T11:00:00Z,{D},{A},90,XOF,,,\n"  # empty: unlabelled, not rejected
    )
    out = load(ws, write(tmp_path, "mine.csv", text))
    assert out.status == "loaded", out.problems
    assert out.problems == [] and out.warnings == []  # every column was read
    assert rows(ws, LABELLED) == [
        ("T1", "transaction", "laundering", "fan_in", "C-7", 2),
        ("T3", "transaction", "laundering", None, None, 4),
    ]
    # the label points at the transaction the row loaded, not at the file's own id
    assert rows(ws, "SELECT count(*) FROM labels WHERE subject_id IN ('T1', 'T3')") == [(0,)]
    used = rows(ws, "SELECT mapping FROM sources")[0][0]
    assert '"label": "is_laundering"' in used and '"case_id": "case_id"' in used


def test_french_headers_and_words(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "identifiant;date;expediteur;destinataire;montant;devise;blanchiment;typologie;dossier\n"
        + (
            f"F1;01/03/2025 08:00;{A};{B};1 000;XOF;oui;dispersion;Affaire 12\n"
            f"F2;02/03/2025 09:30;{B};{C};400;XOF;non;;\n"
            f"F3;03/03/2025 10:00;{C};{D};250;XOF;Vrai;cycle;Affaire 12\n"
            f"F4;04/03/2025 11:00;{D};{A};90;XOF;FAUX;;\n"
        )
    )
    out = load(ws, write(tmp_path, "dossier.csv", text))
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT ext_id, typology, instance_id FROM (" + LABELLED + ")") == [
        ("F1", "dispersion", "Affaire 12"),
        ("F3", "cycle", "Affaire 12"),
    ]


def test_bad_label_value_rejects_its_row_and_adds_nothing(ws: Workspace, tmp_path: Path) -> None:
    text = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,fan_in,\n"
        f"T2,2025-03-02T09:30:00Z,{B},+22365999999,400,XOF,peut-être,fan_in,\n"
        f"T3,2025-03-03T10:00:00Z,{C},{D},250,XOF,no,,\n"
    )
    path = write(tmp_path, "mine.csv", text)
    out = load(ws, path)
    assert out.status == "loaded"
    assert problems(out) == [(3, "is_laundering", "peut-être", "label_invalid")]
    (problem,) = out.problems
    assert problem.render("en").startswith(f"{path}:3: is_laundering: unrecognised label")
    assert "étiquette « peut-être » non reconnue" in problem.render("fr")
    assert rows(ws, "SELECT ext_id FROM transactions ORDER BY 1") == [("T1",), ("T3",)]
    assert rows(ws, "SELECT ext_id FROM (" + LABELLED + ")") == [("T1",)]
    # the rejected row's receiver appears nowhere else: no orphan account
    assert rows(ws, "SELECT count(*) FROM accounts WHERE number = '+22365999999'") == [(0,)]


def test_a_row_rejected_at_commit_takes_its_label_back(ws: Workspace, tmp_path: Path) -> None:
    text = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,,\n"
        f"T1,2025-03-02T09:30:00Z,{B},{C},400,XOF,1,cycle,\n"  # duplicate id: rejected
        f"T2,2025-03-03T10:00:00Z,{C},{D},250,ZZZ,1,,\n"  # unknown currency: rejected
    )
    out = load(ws, write(tmp_path, "mine.csv", text))
    codes = {(line, code) for line, _f, _v, code in problems(out)}
    assert codes == {(3, "duplicate_transaction_id"), (4, "currency_unknown")}
    assert rows(ws, "SELECT ext_id, typology, source_row FROM (" + LABELLED + ")") == [
        ("T1", None, 2)
    ]


def test_a_refused_file_leaves_no_label(ws: Workspace, tmp_path: Path) -> None:
    # --strict refuses the file inside the commit, after its labels were inserted: the rollback
    # takes them with the rows (labels are written in the same transaction)
    text = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,fan_in,C1\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF,2,,\n"
    )
    out = load(ws, write(tmp_path, "mine.csv", text), strict=True)
    assert out.status == "refused"
    assert rows(ws, "SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM labels)"
                ", (SELECT count(*) FROM accounts)") == [(0, 0, 0)]  # fmt: skip


def test_mapping_null_ignores_a_detected_label(ws: Workspace, tmp_path: Path) -> None:
    text = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,fan_in,C1\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF,whatever,,\n"
    )
    mapping = write(tmp_path, "m.yaml", "version: 1\ncolumns:\n  label: null\n")
    out = load(ws, write(tmp_path, "mine.csv", text), mapping=mapping)
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT count(*) FROM transactions") == [(2,)]
    assert rows(ws, "SELECT count(*) FROM labels") == [(0,)]
    # typology and case_id describe a positive: without a label column they are not read,
    # and said so (the ignored label column itself is not named)
    (warning,) = out.warnings
    assert warning.code == "columns_unused"
    assert warning.params["detail"] == "typology, case_id"


def test_mapping_names_the_label_columns(ws: Workspace, tmp_path: Path) -> None:
    text = "ref;when;from;to;value;ccy;Verdict;Scheme;Case\n" + (
        f"R1;2025-03-01 08:00;{A};{B};10;XOF;yes;smurfing;K1\n"
        f"R2;2025-03-01 09:00;{B};{C};10;XOF;no;;\n"
    )
    mapping = write(
        tmp_path,
        "m.yaml",
        "version: 1\ncolumns:\n  ext_id: ref\n  timestamp: when\n  src_account: from\n"
        "  dst_account: to\n  amount: value\n  currency: ccy\n  label: Verdict\n"
        "  typology: Scheme\n  case_id: Case\n",
    )
    out = load(ws, write(tmp_path, "x.csv", text), mapping=mapping)
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT ext_id, typology, instance_id FROM (" + LABELLED + ")") == [
        ("R1", "smurfing", "K1")
    ]


def test_a_label_header_holding_descriptions_is_the_reference(
    ws: Workspace, tmp_path: Path
) -> None:
    text = "id,timestamp,src_account,dst_account,amount,currency,label\n" + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,Rent March\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF,Invoice 42\n"
    )
    out = load(ws, write(tmp_path, "bank.csv", text))
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT reference FROM transactions ORDER BY ext_id") == [
        ("Rent March",),
        ("Invoice 42",),
    ]
    assert rows(ws, "SELECT count(*) FROM labels") == [(0,)]


def test_a_label_header_holding_words_is_the_label(ws: Workspace, tmp_path: Path) -> None:
    text = "id,timestamp,src_account,dst_account,amount,currency,label\n" + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1\nT2,2025-03-02T09:30:00Z,{B},{C},400,XOF,0\n"
    )
    out = load(ws, write(tmp_path, "mine.csv", text))
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT ext_id, label FROM (" + LABELLED + ")") == [("T1", "laundering")]


def test_reingest_adds_no_duplicate_label(ws: Workspace, tmp_path: Path) -> None:
    first = CANONICAL + (
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF,1,fan_in,C1\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF,1,,\n"
        f"T3,2025-03-03T10:00:00Z,{C},{D},250,XOF,maybe,,\n"
    )
    path = write(tmp_path, "mine.csv", first)
    load(ws, path)
    load(ws, path, retry_rejected=True)  # the same file read again
    # a later export repeating the rows, one of them fixed, one new
    second = first.replace(",maybe,", ",1,") + f"T5,2025-03-05T10:00:00Z,{D},{A},5,XOF,1,,\n"
    again = load(ws, write(tmp_path, "mine-v2.csv", second))
    assert again.status == "loaded" and again.problems == [], again.problems
    assert rows(ws, "SELECT ext_id, typology, instance_id FROM (" + LABELLED + ")") == [
        ("T1", "fan_in", "C1"),
        ("T2", None, None),
        ("T3", None, None),
        ("T5", None, None),
    ]


def test_xlsx_labels(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "timestamp", "src_account", "dst_account", "amount", "currency", "isFraud"])
    sheet.append(["X1", "2025-03-01 08:00:00", A, B, 1000, "XOF", 1])
    sheet.append(["X2", "2025-03-02 08:00:00", B, C, 10, "XOF", 0])
    path = tmp_path / "mine.xlsx"
    book.save(path)
    out = load(ws, path, fmt="xlsx")
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT ext_id, label FROM (" + LABELLED + ")") == [("X1", "fraud")]


def test_parquet_labels_from_numbers(ws: Workspace, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["P1", "P2", "P3"],
            "timestamp": ["2025-03-01T08:00:00Z", "2025-03-02T08:00:00Z", "2025-03-03T08:00:00Z"],
            "src_account": [A, B, C],
            "dst_account": [B, C, D],
            "amount": [1000, 10, 20],
            "currency": ["XOF"] * 3,
            "is_laundering": pa.array([1.0, 0.0, None], pa.float64()),  # pandas with a NaN
            "pattern": ["cycle", None, None],
        }
    )
    path = tmp_path / "mine.parquet"
    pq.write_table(table, path)
    out = load(ws, path, fmt="parquet")
    assert out.status == "loaded" and out.problems == [], out.problems
    assert rows(ws, "SELECT ext_id, typology FROM (" + LABELLED + ")") == [("P1", "cycle")]


def write_labelled_csv(path: Path, seed: int = 5) -> int:
    """Random payments among 120 accounts over 40 days, plus 24 labelled fan-ins of 10 mules
    (as AMLSim's fan-in pattern); returns the number of positive rows."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    rows_: list[tuple[float, int, int, float, int, str]] = []
    for _ in range(2_000):
        a, b = rng.choice(120, 2, replace=False)
        rows_.append(
            (start + rng.integers(0, 40 * 86_400), a, b, round(rng.lognormal(6, 1)), 0, "")
        )
    for k in range(24):
        collector = int(rng.integers(0, 120))
        t0 = start + (k + 0.5) * 40 * 86_400 / 24
        for mule in rng.choice([m for m in range(120) if m != collector], 10, replace=False):
            rows_.append((t0 + rng.integers(0, 3_600), int(mule), collector, 9_800.0, 1, f"K{k}"))
    rows_.sort()
    lines = [CANONICAL.rstrip("\n")]
    for n, (ts, a, b, amount, label, case) in enumerate(rows_):
        when = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        typology = "fan_in" if label else ""
        lines.append(
            f"tx{n},{when},ACC{a:04d},ACC{b:04d},{amount:.0f},USD,{label},{typology},{case}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(r[4] for r in rows_)


def test_evaluate_reads_user_labels(tmp_path: Path, cli: Any) -> None:
    source = tmp_path / "labelled.csv"
    positives = write_labelled_csv(source)
    folder = tmp_path / "ws"
    assert cli("init", folder).code == 0
    loaded = cli("ingest", "-w", folder, source)
    assert loaded.code == 0, loaded.err
    with Workspace.open(folder, read_only=True) as ws:
        assert rows(ws, "SELECT count(*) FROM labels") == [(positives,)]
    result = cli("evaluate", "-w", folder, "--threads", "1", "--no-baselines", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["target_kind"] == "transaction"
    parts = [report["split"][part]["positives"] for part in ("train", "validation", "test")]
    assert all(p > 0 for p in parts) and sum(parts) == positives, parts
    test = report["sides"][0]["test"]
    assert test["positives"] == parts[2]
    assert set(test["recall_by_typology"]) == {"fan_in"}  # the file's typology column
    assert test["f1"] > 0.5, test  # a blatant pattern: the labels were learnt from
