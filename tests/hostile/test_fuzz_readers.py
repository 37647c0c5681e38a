"""Every reader keeps the ingest promise on mutated real files: LOADED or REFUSED, nothing else.

One property per reader family draws a target, one of its seeds and a few mutations
(:mod:`tests.hostile.fuzz_support`), loads the result through the library and fails with the
broken promise (an internal error, an exception, a refusal that changed the workspace, a problem
without a location or a translation, a load that read no record of a file holding some).

The default (``repeatable``) profile runs a few examples per family so the file stays well under
two minutes on a 2-core machine; ``make explore`` scales them by its own ``max_examples``; the
coverage-guided hunt is ``make fuzz`` (``tests/fuzz/atheris_readers.py``). Reproducers it kept
under ``tests/fuzz/crashers/`` are replayed here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.canonical import STAGING
from moneytrail.workspace import Workspace
from tests.hostile.fuzz_support import (
    TARGETS,
    Finding,
    Harness,
    Mutation,
    mutate,
    ops_for,
    saved_findings,
    seeds,
)

# Readers whose crashes were fixed. A crash found in shared code still being fixed would be
# listed in ELSEWHERE (by Finding.family) and replayed as xfail; none is left: every saved
# reproducer under tests/fuzz/crashers/ must keep the promise.
FIXED = set(TARGETS)  # every crash the fuzzers found is fixed: every reproducer must pass
ELSEWHERE: set[str] = set()


def fixed_here(name: str, found: Finding) -> bool:
    """Whether ``found`` (in reader ``name``) is in code fixed with this harness."""
    return name in FIXED and found.family not in ELSEWHERE


SAVED = saved_findings()
KNOWN = {found.family for name, _, found in SAVED if not fixed_here(name, found)}


def examples(per_hundred: int) -> settings:
    """``per_hundred`` examples in the default profile, as many more as the profile asks."""
    count = max(1, settings.default.max_examples * per_hundred // 100)
    return settings(max_examples=count, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """One harness (and reused workspace) for the whole module."""
    loader = Harness(tmp_path_factory.mktemp("fuzz"))
    try:
        yield loader
    finally:
        loader.close()


@st.composite
def hostile_inputs(draw: st.DrawFn, names: tuple[str, ...]) -> tuple[str, bytes]:
    """``(target, bytes)``: a seed of one of ``names`` after one to four mutations."""
    name = draw(st.sampled_from(names))
    seed = draw(st.sampled_from(seeds(name)))
    mutation = st.builds(
        Mutation,
        st.sampled_from(ops_for(name)),
        st.integers(0, 1 << 20),
        st.integers(0, 1 << 16),
    )
    return name, mutate(seed.data, draw(st.lists(mutation, min_size=1, max_size=4)))


def keeps_promise(harness: Harness, name: str, data: bytes, known: set[str] = KNOWN) -> None:
    found = harness.check(TARGETS[name], data)
    if found is not None and not fixed_here(name, found) and found.family in known:
        return  # a crash already kept for the engineers of its code, see the replay below
    assert found is None, f"{name}: {found.signature}\n{found}"


ISO = ("camt.052", "camt.053", "camt.054", "pain.001", "pain.008", "pacs.008", "pacs.009")


@examples(12)
@given(hostile_inputs(ISO))
def test_iso20022_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("mt940", "mt942")))
def test_mt940_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("goaml",)))
def test_goaml_reader(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(8)
@given(hostile_inputs(("ftm",)))
def test_ftm_reader(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("amlworld", "amlsim")))
def test_aml_benchmark_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("csv", "tsv", "mobile_money")))
def test_tabular_text_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("cash_declarations", "hawala")))
def test_cash_and_hawala_template_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(8)
@given(hostile_inputs(("xlsx",)))
def test_xlsx_reader(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


@examples(12)
@given(hostile_inputs(("parquet", "moneytrail")))
def test_parquet_readers(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


LISTS = tuple(name for name, target in TARGETS.items() if target.kind == "list")


@examples(24)
@given(hostile_inputs(LISTS))
def test_sanctions_list_loaders(harness: Harness, case: tuple[str, bytes]) -> None:
    keeps_promise(harness, *case)


def test_every_reader_has_a_property() -> None:
    """A format added to the registry or to the list loaders must be fuzzed too."""
    from moneytrail.ingest.registry import format_names
    from moneytrail.screen.lists import FORMATS

    expected = set(format_names()) | {f"list-{name}" for name in FORMATS}
    covered = {*ISO, "mt940", "mt942", "goaml", "ftm", "amlworld", "amlsim", "csv", "tsv"}
    covered |= {"mobile_money", "xlsx", "parquet", "moneytrail", *LISTS}
    covered |= {"cash_declarations", "hawala"}
    assert expected == set(TARGETS) == covered


@pytest.mark.parametrize(
    ("name", "path"),
    [
        pytest.param(
            name,
            path,
            id=f"{name}/{path.name}",
            marks=[]
            if fixed_here(name, found)
            else [pytest.mark.xfail(reason=f"being fixed elsewhere: {found.frame}", strict=False)],
        )
        for name, path, found in SAVED
    ],
)
def test_saved_crashers_keep_the_promise(harness: Harness, name: str, path: Path) -> None:
    keeps_promise(harness, name, path.read_bytes(), known=set())


# Stories: the smallest form of each crash the fuzzers found in the readers fixed here.
MT940_HEAD = ":20:X\n:25:123\n:28C:1\n:60F:C240101EUR1,00\n"
MT940_TAIL = ":62F:C240101EUR1,00\n-\n"


def _parties(birth: object = date(1990, 1, 1), name: str | None = "Moussa Traoré") -> bytes:
    """A canonical parties file of two rows, the second with ``birth`` and ``name``."""
    births = [date(1984, 5, 17), birth] if isinstance(birth, date) else ["1984-05-17", birth]
    table = pa.table(
        {
            "id": ["p1", "p2"],
            "kind": ["person", "person"],
            "name": ["Aïssata Maïga", name],
            "aliases": [["Aissata"], []],
            "birth_date": births,
            "nationality": ["ML", "ML"],
            "country": ["ML", "ML"],
            "source_row": [1, 2],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _transactions_without_time() -> bytes:
    """A canonical transactions file of one row whose ``ts`` is null."""
    columns: dict[str, pa.Array] = {f.name: pa.nulls(1, f.type) for f in STAGING["transactions"]}
    columns |= {
        "id": pa.array(["t1"]),
        "amount": pa.array([Decimal("10")], STAGING["transactions"].field("amount").type),
        "currency": pa.array(["XOF"]),
        "channel": pa.array(["wire"]),
        "source_row": pa.array([1], pa.int64()),
    }
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


STORIES = {
    "mt940_amount_of_40_digits": (
        "mt940",
        "releve.sta",
        f"{MT940_HEAD}:61:2401020102D{'9' * 40},00NTRFREF//B\n{MT940_TAIL}".encode(),
        ("loaded", 5, "amount", "amount_too_large"),
    ),
    "mt940_amount_with_nine_decimals": (
        "mt940",
        "releve.sta",
        f"{MT940_HEAD}:61:2401020102D1,123456789NTRFREF//B\n{MT940_TAIL}".encode(),
        ("loaded", 5, "amount", "amount_not_storable"),
    ),
    "mt942_with_a_time_but_no_floor_limit": (
        "mt942",
        "interim.sta",
        b":20:X\n:25:123\n:28C:1\n:13D:2401020102+0100\n:61:2401020102D1,00NTRF\n-\n",
        ("refused", 1, "34F", "mt940_field_missing"),
    ),
    "amlsim_step_beyond_any_date": (
        "amlsim",
        "transactions.csv",
        b"sourceNodeId,targetNodeId,value,time\n1,2,10.5,3\n1,2,10.5,2147483647\n",
        ("loaded", 3, "time", "date_invalid"),
    ),
    "amlworld_header_with_a_quote_left_open": (
        "amlworld",
        "Fuzz_accounts.csv",
        b'"Bank Name,Bank ID,Account Number,Entity ID,Entity Name\nB,010,A1,E1,Corporation #1\n',
        ("refused", 1, None, "aml_header_unknown"),
    ),
    "amlworld_quote_closed_lines_later": (
        "amlworld",
        "Fuzz_accounts.csv",
        b'Bank Name,Bank ID,Account Number,Entity ID,Entity Name\nB,010,A1,E1,Corp #1\nB,010,"A2,E2,Corp\nB,010,A3",E3,Corp #3\n',
        ("refused", 3, None, "aml_quoted_line_break"),
    ),
    "amlworld_in_year_0": (
        "amlworld",
        "Fuzz_Trans.csv",
        b"Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering\n0/09/01 00:21,010,A,010,B,1,US Dollar,1,US Dollar,Wire,0\n",
        ("loaded", 2, "Timestamp", "date_out_of_range"),
    ),
    "canonical_parties_with_text_for_a_date": (
        "moneytrail",
        "parties.parquet",
        _parties(birth="hier"),  # text where a date is expected
        ("loaded", 2, "birth_date", "canonical_value_invalid"),
    ),
    "canonical_parties_born_in_year_1": (
        "moneytrail",
        "parties.parquet",
        _parties(birth=date(1, 1, 1)),
        ("loaded", 2, "birth_date", "date_out_of_range"),
    ),
    "canonical_transaction_without_a_time": (  # was neither staged nor quarantined
        "moneytrail",
        "transactions.parquet",
        _transactions_without_time(),
        ("loaded", 1, "ts", "date_missing"),
    ),
    "canonical_parties_without_a_name": (
        "moneytrail",
        "parties.parquet",
        _parties(name=None),
        ("loaded", 2, "name", "field_missing"),
    ),
}


@pytest.mark.parametrize("story", list(STORIES))
def test_fixed_crash_stories(ws: Workspace, tmp_path: Path, story: str) -> None:
    fmt, name, data, (status, line, field, code) = STORIES[story]
    path = tmp_path / name
    path.write_bytes(data)
    outcome = ws.ingest([path], IngestOptions(format=fmt))[0]
    assert outcome.status == status, outcome
    assert [(p.line, p.field, p.code) for p in outcome.problems] == [(line, field, code)]
    assert outcome.problems[0].render("fr").startswith(f"{path}:{line}: ")
