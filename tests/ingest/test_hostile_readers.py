"""Hostile input given to the readers through the CLI: refused (exit code 3) or quarantined with
``file:line: field: reason``, loaded exactly when it is only unusually encoded; never a traceback
(exit code 1), never a silent partial load, never memory without bound.

Each test builds its hostile file in ``tmp_path`` (see :mod:`tests.ingest.hostile_builders`).
"""

from __future__ import annotations

import json
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from moneytrail.errors import BadInputError
from moneytrail.files.xlsx_guard import MAX_MEMBERS, PROLOG_BYTES, check_xlsx
from moneytrail.ingest.ftm import MAX_LINE_CHARS
from moneytrail.model.ftm import MAX_DEPTH, LineError, parse_entity_line
from moneytrail.model.money import AmountError, storable_amount
from moneytrail.workspace import Workspace
from tests.ingest.hostile_builders import (
    CAMT_SAMPLE,
    SAMPLES,
    STATEMENT_ROWS,
    doctype_prefix,
    write_wide_camt,
    write_xlsx,
)

PERSON_A = {"id": "p-a", "schema": "Person", "properties": {"name": ["Awa Traoré"]}}
PERSON_B = {"id": "p-b", "schema": "Person", "properties": {"name": ["Bakary Keïta"]}}


def payment(**props: Any) -> str:
    values = {"date": ["2024-03-01"], "amount": ["1500"], "currency": ["XOF"]}
    values |= {"payer": ["p-a"], "beneficiary": ["p-b"]}
    values |= {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return json.dumps({"id": "pay-1", "schema": "Payment", "properties": values})


def ftm_file(tmp_path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    """Two people, then ``lines`` (lines 3, 4...)."""
    path = tmp_path / "dossier.ftm.jsonl"
    text = "\n".join([json.dumps(PERSON_A), json.dumps(PERSON_B), *lines]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    return folder


def counts(folder: Path) -> dict[str, int]:
    with Workspace.open(folder, read_only=True) as ws:
        return dict(ws.info().counts)


def ingest(cli: Any, ws_dir: Path, path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``(exit code, the file's JSON outcome, stderr)``; a crash fails the test loudly."""
    result = cli("ingest", "-w", str(ws_dir), str(path), "--json", *args)
    assert result.code != 1, result.err
    assert "Traceback" not in result.err
    (outcome,) = result.json()["files"]
    return result.code, outcome, result.err


def refused(cli: Any, ws_dir: Path, path: Path, *args: str) -> dict[str, Any]:
    """The single problem of a refused file; the workspace is unchanged."""
    before = counts(ws_dir)
    code, outcome, _ = ingest(cli, ws_dir, path, *args)
    assert (code, outcome["status"]) == (3, "refused")
    (problem,) = outcome["problems"]
    assert problem["file"] == str(path)
    assert problem["message"].startswith(str(path))
    assert counts(ws_dir) == before
    return dict(problem)


def quarantined(cli: Any, ws_dir: Path, path: Path, *args: str) -> list[tuple[Any, ...]]:
    """``(line, field, code)`` of each problem of a file that loads with rejected lines."""
    code, outcome, _ = ingest(cli, ws_dir, path, *args)
    assert (code, outcome["status"]) == (0, "loaded")
    assert all(p["message"].startswith(f"{path}:{p['line']}") for p in outcome["problems"])
    return [(p["line"], p["field"], p["code"]) for p in outcome["problems"]]


def transactions(folder: Path) -> set[tuple[Any, ...]]:
    with Workspace.open(folder, read_only=True) as ws:
        rows = ws.engine.fetchall(
            "SELECT id, ts, amount, currency, src_account_id, dst_account_id, reference"
            " FROM transactions"
        )
    return set(rows)


# 1. Text in UTF-16/UTF-32 with a byte-order mark ------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_camt053_loads_like_its_utf8_twin(
    cli: Any, tmp_path: Path, ws_dir: Path, encoding: str
) -> None:
    wide = write_wide_camt(tmp_path / f"releve.{encoding}.xml", encoding)
    code, outcome, _ = ingest(cli, ws_dir, wide)
    assert (code, outcome["format"], outcome["rows_rejected"]) == (0, "camt.053", 0)
    twin = tmp_path / "twin"
    Workspace.init(twin).close()
    assert ingest(cli, twin, CAMT_SAMPLE)[0] == 0
    assert transactions(ws_dir) == transactions(twin)
    assert len(transactions(ws_dir)) == outcome["inserted"]["transactions"] > 0


def test_utf16_csv_is_detected_not_called_binary(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    sample = SAMPLES / "orange_money_2024-03.csv"
    wide = tmp_path / "orange.csv"
    wide.write_bytes(sample.read_text(encoding="utf-8").encode("utf-16"))
    code, outcome, _ = ingest(cli, ws_dir, wide)
    assert (code, outcome["format"]) == (0, "mobile_money")
    twin = tmp_path / "twin"
    Workspace.init(twin).close()
    ingest(cli, twin, sample)
    assert transactions(ws_dir) == transactions(twin)


def test_utf16_benchmark_csv_is_refused_with_its_encoding(
    cli: Any, tmp_path: Path, ws_dir: Path
) -> None:
    header = (
        "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
        "Amount Paid,Payment Currency,Payment Format,Is Laundering"
    )
    row = "2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Wire,0"
    path = tmp_path / "HI-Small_Trans.csv"
    path.write_bytes(f"{header}\n{row}\n".encode("utf-16"))
    problem = refused(cli, ws_dir, path)
    assert problem["code"] == "encoding_wide_unsupported"
    assert "UTF-16" in problem["message"]


def test_utf16_mt940_is_never_called_binary(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    text = (
        ":20:REL-1\n:25:ML102012345678\n:28C:1/1\n:60F:C240301XOF1000,\n"
        ":61:2403010301C500,NTRFNONREF//B1\n:86:VIREMENT AWA TRAORE\n:62F:C240301XOF1500,\n-\n"
    )
    path = tmp_path / "releve.sta"
    path.write_bytes(text.encode("utf-16"))
    code, outcome, _ = ingest(cli, ws_dir, path)
    assert code in (0, 3)
    assert outcome["format"] == "mt940"
    assert "file_binary" not in {p["code"] for p in outcome["problems"]}


def test_utf16_ftm_loads_like_utf8(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = ftm_file(tmp_path, payment(), encoding="utf-16")
    code, outcome, _ = ingest(cli, ws_dir, path)
    assert (code, outcome["format"], outcome["inserted"]["transactions"]) == (0, "ftm", 1)
    assert outcome["inserted"]["parties"] == 2


@pytest.mark.parametrize(
    ("day", "zone"),
    [
        ("0001-01-01T00:00:00+01:00", "UTC"),
        ("9999-12-31T23:00:00-05:00", "UTC"),
        ("0001-01-01", "Africa/Niamey"),
    ],
)
def test_iso20022_date_without_a_utc_time_is_quarantined(
    cli: Any, tmp_path: Path, ws_dir: Path, day: str, zone: str
) -> None:
    text = CAMT_SAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "releve.xml"
    booked = "<BookgDt>\n          <Dt>2024-03-01</Dt>"  # the first entry's, line 80
    assert booked in text
    path.write_text(text.replace(booked, booked.replace("2024-03-01", day), 1), encoding="utf-8")
    problems = quarantined(cli, ws_dir, path, "--timezone", zone)
    assert problems == [(80, "Ntry/BookgDt/Dt", "date_out_of_range")]


# 2. FollowTheMoney lines that are not entities ---------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"id": "x", "schema": "Person", "properties": {"name": ' + "[" * 50 + "]" * 50 + "}}",
    ],
    ids=["lists", "objects", "in-properties"],
)
def test_ftm_deep_nesting_is_quarantined(cli: Any, tmp_path: Path, ws_dir: Path, line: str) -> None:
    problems = quarantined(cli, ws_dir, ftm_file(tmp_path, line))
    assert problems == [(3, None, "ftm_too_deep")]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1234567890123456789012345678901234567890", "ftm_values_invalid"),
        ("1e999999", "ftm_values_invalid"),
        ("-1e999999", "ftm_values_invalid"),
        ("NaN", "ftm_json_constant"),
        ("Infinity", "ftm_json_constant"),
        ("-Infinity", "ftm_json_constant"),
        ('"\\ud800"', "ftm_text_invalid"),
        ('{"a": "b"}', "ftm_values_invalid"),
        ('["nested"]', "ftm_values_invalid"),
    ],
)
def test_ftm_values_that_are_not_texts_are_quarantined(
    cli: Any, tmp_path: Path, ws_dir: Path, value: str, code: str
) -> None:
    line = '{"id": "x", "schema": "Person", "properties": {"name": [' + value + "]}}"
    problems = quarantined(cli, ws_dir, ftm_file(tmp_path, line))
    assert problems == [(3, None if code == "ftm_json_constant" else "name", code)]
    assert counts(ws_dir)["parties"] == 2


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ("[1, 2, 3]", None, "ftm_not_object"),
        ('"text"', None, "ftm_not_object"),
        ("null", None, "ftm_not_object"),
        ('{"id": "x", "schema": "Person", "properties": {"name": "Awa"}}', "name", ""),
        ('{"id": "x", "schema": "Person", "properties": ["Awa"]}', "properties", ""),
        ('{"id": ["x"], "schema": "Person"}', "id", "ftm_entity_invalid"),
        ('{"id": 5, "schema": "Person"}', "id", "ftm_entity_invalid"),
        ('{"id": "x", "schema": ["Person"]}', "schema", "ftm_entity_invalid"),
        ('{"id": "\\ud800", "schema": "Person"}', "id", "ftm_text_invalid"),
        ('{"id": "\\u0000", "schema": "Person", "properties": {"name": ["A"]}}', "id", ""),
    ],
    ids=[
        "array",
        "string",
        "null",
        "str-values",
        "list-props",
        "id-list",
        "id-int",
        "schema-list",
        "id-surrogate",
        "id-control",
    ],
)
def test_ftm_lines_of_the_wrong_shape_are_quarantined(
    cli: Any, tmp_path: Path, ws_dir: Path, line: str, field: str | None, code: str
) -> None:
    expected = code or {"name": "ftm_values_invalid", "properties": "ftm_properties_invalid"}.get(
        str(field), "ftm_entity_invalid"
    )
    problems = quarantined(cli, ws_dir, ftm_file(tmp_path, line))
    assert problems == [(3, field, expected)]


@pytest.mark.parametrize(
    ("props", "code"),
    [
        ({"amount": "1234567890123456789012345678901234567890"}, "amount_too_large"),
        ({"amount": "0.123456789"}, "amount_not_storable"),
        ({"amount": "1e999999"}, "amount_not_number"),
        ({"amount": "NaN"}, "amount_not_number"),
        ({"amount": "Infinity"}, "amount_not_number"),
        ({"date": "0000-00-00"}, "date_invalid"),
        ({"date": "99999-01-01"}, "date_invalid"),
        ({"date": "1800-01-01"}, "date_out_of_range"),
    ],
)
def test_ftm_payment_values_beyond_the_workspace_are_quarantined(
    cli: Any, tmp_path: Path, ws_dir: Path, props: dict[str, str], code: str
) -> None:
    problems = quarantined(cli, ws_dir, ftm_file(tmp_path, payment(**props)))
    assert problems == [(3, next(iter(props)), code)]
    assert counts(ws_dir)["transactions"] == 0


def test_ftm_invalid_utf8_is_refused_at_its_line(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = ftm_file(tmp_path)
    path.write_bytes(path.read_bytes() + b'{"id": "x\xff", "schema": "Person"}\n')
    problem = refused(cli, ws_dir, path)
    assert (problem["line"], problem["code"]) == (3, "encoding_invalid")


def test_ftm_line_over_the_limit_is_not_read_whole(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = ftm_file(tmp_path)
    with path.open("ab") as handle:
        handle.write(b'{"id": "')
        handle.write(b"x" * (MAX_LINE_CHARS + (1 << 20)))  # no newline until the end of file
    problems = quarantined(cli, ws_dir, path)
    assert problems == [(3, None, "ftm_line_too_long")]
    assert counts(ws_dir)["parties"] == 2


def test_ftm_deep_first_line_is_not_sniffed_as_ftm(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert refused(cli, ws_dir, path)["code"] == "format_not_recognised"


# Property tests of the FtM line parser and amounts ------------------------------------------

NUMBER_TEXT = st.one_of(
    st.from_regex(r"-?[0-9]{1,60}(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,8})?", fullmatch=True),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999999", "-0", "1E-999999"]),
)
SCALARS = st.one_of(
    st.text(max_size=20).map(json.dumps), NUMBER_TEXT, st.sampled_from(["true", "false", "null"])
)


def _json_texts(depth: int) -> st.SearchStrategy[str]:
    """JSON-like texts nested up to ``depth``, with numbers written any way at all."""
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.dictionaries(st.text(max_size=8), inner, max_size=4).map(
                lambda d: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in d.items()) + "}"
            ),
        ),
        max_leaves=depth,
    )


def _entity_text(props: str) -> str:
    return '{"id": "x", "schema": "Payment", "properties": ' + props + "}"


@given(
    st.one_of(
        _json_texts(40),
        _json_texts(20).map(_entity_text),
        st.integers(min_value=0, max_value=3 * MAX_DEPTH).map(lambda n: "[" * n + "]" * n),
        st.text(max_size=200),
    )
)
@example("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
@example('{"id": "x", "schema": "Payment", "properties": {"amount": [1e999999]}}')
def test_ftm_line_parser_gives_an_entity_or_a_line_error(line: str) -> None:
    try:
        data = parse_entity_line(line)
    except LineError as exc:
        assert exc.code.startswith("ftm_")
        return
    assert type(data["id"]) is str and type(data["schema"]) is str
    for values in (data.get("properties") or {}).values():
        assert all(type(v) is str for v in values)


def test_ftm_line_parser_scans_escaped_quotes_once() -> None:
    # A scan restarting at each of 60,000 quotes took minutes; one pass takes milliseconds.
    line = "[" * (MAX_DEPTH + 1) + '"' + '\\"' * 60_000
    started = time.perf_counter()
    with pytest.raises(LineError) as caught:
        parse_entity_line(line)
    assert caught.value.code == "ftm_too_deep"
    assert time.perf_counter() - started < 5


@given(st.one_of(NUMBER_TEXT, st.decimals(allow_nan=True, allow_infinity=True).map(str)))
@example("99999999999999999999999999999.99999999")
@example("1000000000000000000000000000000")
def test_storable_amount_fits_the_workspace_or_is_refused(raw: str) -> None:
    try:
        amount = storable_amount(raw)
    except AmountError as exc:
        assert exc.code in ("amount_not_number", "amount_too_large", "amount_not_storable")
        return
    assert pa.array([amount], pa.decimal128(38, 8))[0].as_py() == amount
    assert amount == Decimal(raw.replace(",", ""))


# 3. XLSX: external entities, zip bombs, damaged archives -----------------------------------


@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_xlsx_declaring_an_entity_is_refused_before_parsing(
    cli: Any, tmp_path: Path, ws_dir: Path, part: str
) -> None:
    hostile = {f"{part}_doctype": doctype_prefix()}
    path = write_xlsx(tmp_path / "xxe.xlsx", **hostile)  # type: ignore[arg-type]
    problem = refused(cli, ws_dir, path)
    member = "xl/worksheets/sheet1.xml" if part == "sheet" else "xl/sharedStrings.xml"
    assert (problem["code"], problem["field"]) == ("xlsx_unsafe_dtd", member)
    assert "XXE" in problem["message"]


def test_xlsx_zip_bomb_is_refused_before_parsing(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = write_xlsx(tmp_path / "bomb.xlsx", bomb_bytes=300 << 20)
    assert path.stat().st_size < 1 << 20
    problem = refused(cli, ws_dir, path)
    assert (problem["code"], problem["field"]) == ("xlsx_unsafe_ratio", "xl/sharedStrings.xml")


def test_legitimate_xlsx_still_loads(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = write_xlsx(tmp_path / "releve.xlsx")
    check_xlsx(path)
    code, outcome, _ = ingest(cli, ws_dir, path, "--currency", "XOF")
    assert (code, outcome["inserted"]["transactions"]) == (0, len(STATEMENT_ROWS) - 1)


def test_xlsx_that_is_not_a_zip_is_refused(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    problem = refused(cli, ws_dir, path, "--format", "xlsx")
    assert problem["code"] == "xlsx_unsafe_zip"


def test_xlsx_with_broken_xml_is_refused_not_crashed(
    cli: Any, tmp_path: Path, ws_dir: Path
) -> None:
    path = write_xlsx(tmp_path / "broken.xlsx")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b[: len(b) // 2])
    assert refused(cli, ws_dir, path)["code"] == "xlsx_unreadable"


def test_xlsx_row_past_excel_last_row_is_refused(cli: Any, tmp_path: Path, ws_dir: Path) -> None:
    path = write_xlsx(tmp_path / "far.xlsx")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b.replace(b'r="3"', b'r="1048577"'))
    problem = refused(cli, ws_dir, path, "--currency", "XOF")
    assert (problem["code"], problem["value"]) == ("xlsx_too_many_rows", "1048577")


def test_xlsx_part_declaring_an_unknown_encoding_is_refused(
    cli: Any, tmp_path: Path, ws_dir: Path
) -> None:
    path = write_xlsx(tmp_path / "codec.xlsx")
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"UTF-8", b"NaN", 1))
    problem = refused(cli, ws_dir, path)
    assert (problem["code"], problem["field"]) == (
        "xlsx_unsafe_encoding",
        "xl/worksheets/sheet1.xml",
    )


def test_xlsx_of_an_unsupported_zip_version_is_refused(
    cli: Any, tmp_path: Path, ws_dir: Path
) -> None:
    path = write_xlsx(tmp_path / "v14.xlsx")
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6 : central + 8] = (146).to_bytes(2, "little")  # "needs zip 14.6"
    path.write_bytes(bytes(data))
    assert refused(cli, ws_dir, path, "--format", "xlsx")["code"] == "xlsx_unsafe_zip"


def _rewrite_member(path: Path, name: str, change: Any) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in parts.items():
            target.writestr(member, data)


def _guard_problem(path: Path) -> tuple[str, str | None]:
    with pytest.raises(BadInputError) as caught:
        check_xlsx(path)
    (problem,) = caught.value.problems
    return problem.code, problem.field


def test_guard_refuses_a_doctype_hidden_after_a_long_comment(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "late.xlsx")
    padding = b"<!--" + b" " * PROLOG_BYTES + b"-->"
    _rewrite_member(path, "xl/sharedStrings.xml", lambda b: padding + doctype_prefix() + b)
    assert _guard_problem(path) == ("xlsx_unsafe_prolog", "xl/sharedStrings.xml")


def test_guard_refuses_a_doctype_in_a_utf16_part(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "wide.xlsx")
    _rewrite_member(
        path,
        "xl/workbook.xml",
        lambda b: (
            b.decode()
            .replace("UTF-8", "UTF-16")
            .replace("?>", "?>" + doctype_prefix().decode(), 1)
            .encode("utf-16")
        ),
    )
    assert _guard_problem(path) == ("xlsx_unsafe_dtd", "xl/workbook.xml")


def test_guard_refuses_too_many_parts_and_encrypted_parts(tmp_path: Path) -> None:
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(MAX_MEMBERS + 1):
            archive.writestr(f"xl/media/{n}.bin", b"")
    assert _guard_problem(many) == ("xlsx_unsafe_members", None)
    locked = write_xlsx(tmp_path / "locked.xlsx")
    data = bytearray(locked.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last part's directory entry: set "encrypted"
    data[central + 8] |= 0x1
    locked.write_bytes(bytes(data))
    assert _guard_problem(locked)[0] == "xlsx_unsafe_zip"


def test_custom_sanctions_list_xlsx_goes_through_the_guard(tmp_path: Path) -> None:
    from moneytrail.screen.formats.custom import load_custom

    rows = [["id", "name"], ["QDi.1", "Iyad Ag Ghali"]]
    path = write_xlsx(tmp_path / "liste.xlsx", rows, strings_doctype=doctype_prefix())
    with pytest.raises(BadInputError) as caught:
        load_custom(path)
    assert caught.value.problems[0].code == "xlsx_unsafe_dtd"
