"""A multi-report file read by worker processes gives what one process reading it gives.

The pool is forced on small files with the option ``goaml_workers`` (files below 32 MiB are
read in the calling process otherwise); 2 workers cut a file into 6 byte ranges, so these files
give ranges holding no report, one, or several, and reports that straddle a cut.
"""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from moneytrail.api import Workspace
from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.goaml_pool import layout, ranges
from moneytrail.ingest.goaml_run import Unusual

STR = Path(__file__).parent / "read_samples" / "str_uae.xml"
POOL = IngestOptions(extra={"goaml_workers": 2})
ALONE = IngestOptions(extra={"goaml_workers": 0})


def _report(number: int, repeat_from: int | None = None) -> bytes:
    """The sample STR under another reference; its transactions renumbered (or, with
    ``repeat_from``, the numbers of that earlier report: the same transactions again)."""
    body = STR.read_bytes().split(b"?>", 1)[1].strip()
    body = body.replace(b"BKM-STR-2024-0007", f"BKM-STR-2024-{number:04d}".encode())
    tx = repeat_from if repeat_from is not None else number
    return body.replace(b"TX-000", f"TX-{tx:03d}".encode())


def _file(tmp_path: Path, reports: list[bytes], between: bytes = b"\n") -> Path:
    path = tmp_path / "reports.xml"
    path.write_bytes(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<reports>\n"
        + between.join(reports)
        + b"\n</reports>\n"
    )
    return path


_TABLES = {
    "transactions": "SELECT * EXCLUDE (source_id) FROM transactions ORDER BY id",
    "accounts": "SELECT * EXCLUDE (source_id) FROM accounts ORDER BY id",
    "parties": "SELECT * EXCLUDE (source_id) FROM parties ORDER BY id",
    "identifiers": "SELECT * EXCLUDE (source_id) FROM identifiers ORDER BY ALL",
    "goaml_reports": "SELECT * EXCLUDE (source_id) FROM goaml_reports ORDER BY id",
}


def _load(tmp_path: Path, path: Path, options: IngestOptions, name: str) -> dict[str, Any]:
    with Workspace.init(tmp_path / name) as ws:
        (outcome,) = ws.ingest([path], options)
        tables = {t: ws.engine.fetchall(q) for t, q in _TABLES.items()}
        used = ws.engine.fetchall("SELECT mapping FROM sources")
        pooled = bool(used) and "read_by_workers" in str(used[0][0])
        return {"outcome": outcome, "pooled": pooled, **tables}


def _same_load(tmp_path: Path, path: Path, pooled: bool = True) -> dict[str, Any]:
    pool = _load(tmp_path, path, POOL, "pool")
    alone = _load(tmp_path, path, ALONE, "alone")
    assert pool["outcome"].status == "loaded", [p.render() for p in pool["outcome"].problems]
    assert (pool["pooled"], alone["pooled"]) == (pooled, False)
    for table in _TABLES:
        assert pool[table] == alone[table], table
    assert pool["outcome"].inserted == alone["outcome"].inserted
    return pool


def test_pool_loads_what_one_process_loads(tmp_path: Path) -> None:
    path = _file(tmp_path, [_report(n) for n in range(1, 8)])
    pool = _same_load(tmp_path, path)
    assert len(pool["transactions"]) == 14
    assert len(pool["goaml_reports"]) == 7
    lines = path.read_bytes().splitlines()
    for row in pool["transactions"]:  # each row's line is its <transaction> in the file
        assert lines[row[-1] - 1].strip() == b"<transaction>"


def test_rows_past_line_65535_of_a_report_name_their_own_line(tmp_path: Path) -> None:
    """A report of 1,000 transactions runs to about 90,000 lines; libxml2 numbers every
    element past line 65,535 as 65,535 when blank text is dropped (the workers' lean
    parser), so such a report must be read keeping it."""
    reports = []
    for n in range(1, 4):
        body = _report(n)
        cut = body.rindex(b"<transaction>")
        reports.append(body[:cut] + b"\n" * 70_000 + body[cut:])  # blank lines between elements
    path = _file(tmp_path, reports)
    pool = _same_load(tmp_path, path)
    lines = path.read_bytes().splitlines()
    rows = sorted(row[-1] for row in pool["transactions"])
    assert rows[-1] > 3 * 70_000, rows  # the last report's second transaction, far down
    for row in rows:
        assert lines[row - 1].strip() == b"<transaction>", row


def test_a_transaction_in_two_reports_is_staged_once(tmp_path: Path) -> None:
    reports = [_report(n) for n in range(1, 6)] + [_report(6, repeat_from=1)]
    pool = _same_load(tmp_path, _file(tmp_path, reports))
    assert len(pool["transactions"]) == 10  # report 6 repeats report 1's two transactions
    ids = {r[0]: r[-1] for r in pool["goaml_reports"]}
    assert len(ids) == 6


def test_an_invalid_report_refuses_the_file_with_the_same_problems(tmp_path: Path) -> None:
    bad = _report(5).replace(
        b"<amount_local>44000</amount_local>", b"<amount_local>x</amount_local>"
    )
    path = _file(tmp_path, [_report(n) for n in range(1, 5)] + [bad, _report(6)])
    pool = _load(tmp_path, path, POOL, "pool")
    alone = _load(tmp_path, path, ALONE, "alone")
    assert pool["outcome"].status == "refused"
    rendered = [p.render("en") for p in pool["outcome"].problems]
    assert rendered == [p.render("en") for p in alone["outcome"].problems]
    assert any("amount_local" in r for r in rendered)
    assert pool["transactions"] == [] and pool["goaml_reports"] == []  # nothing partial


@pytest.mark.parametrize(
    "between",
    [b"\n<!-- next -->\n", b"\n<note/>\n", b"\ntext\n"],
    ids=["comment", "other-element", "text"],
)
def test_other_layouts_are_read_the_ordinary_way(tmp_path: Path, between: bytes) -> None:
    path = _file(tmp_path, [_report(n) for n in range(1, 5)], between=between)
    pool = _same_load(tmp_path, path, pooled=False)
    assert len(pool["transactions"]) == 8


@pytest.mark.parametrize("broken", ["wrapper", "report"])
def test_a_broken_file_is_refused_as_before(tmp_path: Path, broken: str) -> None:
    reports = [_report(n) for n in range(1, 5)]
    if broken == "report":  # the pool takes the layout; a worker's parse fails
        reports[2] = reports[2].replace(b"</transactionnumber>", b"</transactionnumbr>", 1)
    path = _file(tmp_path, reports)
    if broken == "wrapper":  # the pool does not take this layout
        path.write_bytes(path.read_bytes().replace(b"</reports>", b"</report>"))
    pool = _load(tmp_path, path, POOL, "pool")
    alone = _load(tmp_path, path, ALONE, "alone")
    assert pool["outcome"].status == "refused"
    assert [p.render("fr") for p in pool["outcome"].problems] == [
        p.render("fr") for p in alone["outcome"].problems
    ]


def _layout(data: bytes) -> Any:
    return layout(io.BytesIO(data), len(data))


def test_layout_of_a_plain_multi_report_file() -> None:
    data = b"<?xml version='1.0'?>\n\n<reports a='1'>\n<report></report>\n</reports>\n"
    shape = _layout(data)
    assert data[shape.body - 1 : shape.body] == b">" and shape.line == 3
    assert data[shape.end :].startswith(b"</reports>")
    cut = ranges(shape, 4)
    assert cut[0][0] == shape.body and cut[-1][1] == shape.end
    assert all(a < b for a, b in cut) and all(x[1] == y[0] for x, y in pairwise(cut))


@pytest.mark.parametrize(
    "data",
    [
        b"<report><rentity_id>1</rentity_id></report>",
        b"<reports xmlns='urn:x'><report/></reports>",
        b"<?xml version='1.0' encoding='ISO-8859-1'?><reports><report/></reports>",
        b"<!DOCTYPE reports><reports><report/></reports>",
        b"<reports><report/></reports><!-- after -->",
        b"<reports a=1><report/></reports>",
        b"\xef\xbb\xbf<reports><report/></reports>",
    ],
    ids=["one-report", "namespace", "latin-1", "doctype", "comment-after", "bad-attr", "bom"],
)
def test_unusual_layouts_are_left_to_the_ordinary_path(data: bytes) -> None:
    with pytest.raises(Unusual):
        _layout(data)
