"""Numbers typed on the command line: NaN, infinity, huge, negative, out of range (issue 13).

``--amount 1e999999`` and ``--window nan|inf`` ended in internal errors or silently changed
results. Every numeric option is driven with hostile values: the answer is a usage error
(exit 2) naming the option, in French and English, never exit 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.cli.values import parse_number
from moneytrail.errors import UsageError
from moneytrail.trace.model import Seed, TraceSettings
from moneytrail.workspace import Workspace
from tests.conftest import REPO

SAMPLE = REPO / "src" / "moneytrail" / "samples" / "orange_money_2024-03.csv"
PAYER = "+22370112233"
HOSTILE = ["nan", "inf", "-inf", "1e999999", "-1", "0", "1e9", "abc", "", "1,5,6"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("numbers") / "ws"
    with Workspace.init(path) as ws:
        ws.ingest([SAMPLE])
    return path


COMMANDS: dict[str, list[str]] = {
    "trace --window": ["trace", "--account", PAYER, "--window", "{}"],
    "trace --hops": ["trace", "--account", PAYER, "--hops", "{}"],
    "trace --amount": ["trace", "--account", PAYER, "--amount", "{}"],
    "network metrics --top": ["network", "metrics", "--top", "{}"],
    "network export --hops": ["network", "export", "/dev/null", "--ego", PAYER, "--hops", "{}"],
    "paths between --max-hops": ["paths", "between", PAYER, "+22376123456", "--max-hops", "{}"],
    "paths between --window": ["paths", "between", PAYER, "+22376123456", "--window", "{}"],
    "resolve pairs --min-prob": ["resolve", "pairs", "--min-prob", "{}"],
    "alerts list --limit": ["alerts", "list", "--limit", "{}"],
}
# Values some options accept on purpose (0 hops around an ego network is the node alone).
ACCEPTED = {
    ("network export --hops", "0"),
    ("resolve pairs --min-prob", "0"),
    ("trace --amount", "1e9"),  # a billion XOF is an amount
    ("trace --hops", "0"),  # the money stays where the seed put it
}


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_hostile_numbers_are_usage_errors(command: str, value: str, folder: Path, cli: Any) -> None:
    args = [a.replace("{}", value) for a in COMMANDS[command]]
    result = cli("--lang", "en", *args, "-w", folder)
    if (command, value) in ACCEPTED:
        assert result.code in (0, 2, 3), result.err
        return
    assert result.code == 2, (args, result.code, result.err)
    option = args[-2] if args[-1] == value else command.split()[-1]
    assert option in result.err, result.err
    assert "Internal" not in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["synth", "--scale", "-3", "--out", "x"],
        ["synth", "--difficulty", "1.5", "--out", "x"],
        ["synth", "--typology-rate", "nan", "--out", "x"],
        ["synth", "--duplicate-rate", "inf", "--out", "x"],
        ["synth", "--days", "0", "--out", "x"],
        ["exercise", "new", "--seed", "-1", "--out", "x"],
    ],
)
def test_generator_options(args: list[str], tmp_path: Path, cli: Any) -> None:
    args = [str(tmp_path / a) if a == "x" else a for a in args]
    result = cli("--lang", "fr", *args)
    assert result.code == 2, result.err
    assert args[-3] in result.err or args[1] in result.err
    assert "n'est pas" in result.err  # the French text
    assert not (tmp_path / "x").exists()


def test_the_library_refuses_the_same_values() -> None:
    for window in (float("nan"), float("inf"), 0.0, -3.0):
        with pytest.raises(UsageError):
            TraceSettings(window_days=window)
    with pytest.raises(UsageError):
        TraceSettings(max_hops=-1)
    from decimal import Decimal

    for amount in (Decimal("1e999999"), Decimal("NaN"), Decimal(0), Decimal(-5)):
        with pytest.raises(UsageError):
            Seed(accounts=("a",), amount=amount)


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12)))
def test_a_fraction_is_finite_and_between_0_and_1(value: float | str) -> None:
    try:
        parsed = parse_number(value, "--threshold", integer=False, low=0.0, high=1.0)
    except UsageError as exc:
        assert exc.params["option"] == "--threshold"
        return
    assert 0.0 <= parsed <= 1.0
