"""``ws.paths``: time-respecting paths and shared counterparties through the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.paths import CommonCounterparties, LabelledPath, PathsBetween
from moneytrail.api.serialize import to_jsonable
from tests.ingest.story_reader import account_id
from tests.network import conftest as network_fixtures
from tests.network.network_story import A1, A2, A3, AWA, H
from tests.trace.stories import acc_id, tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS

story_ws = network_fixtures.story_ws


@pytest.fixture
def ransom(ws: Workspace) -> Workspace:
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders={"A": "Awa Traoré"})
    return ws


def test_between_gives_labelled_paths(ransom: Workspace) -> None:
    found = ransom.paths.between("KIDNAPPERS", "CASH-A", max_hops=3, window_days=2)
    assert isinstance(found, PathsBetween)
    [path] = found.paths
    assert isinstance(path, LabelledPath)
    assert to_jsonable(found, "fr") == {
        "source": "KIDNAPPERS",
        "target": "CASH-A",
        "complete": True,
        "paths": [
            {
                "transaction_ids": [tx_id("T1"), tx_id("T3")],
                "accounts": [acc_id(x) for x in ("KIDNAPPERS", "A", "CASH-A")],
                "amounts": ["10000000", "8000000"],
                "first_ts": "2024-03-02T08:00:00",
                "last_ts": "2024-03-04T08:00:00",
                "labels": ["KIDNAPPERS", "Awa Traoré", "CASH-A"],
            }
        ],
        "picture": None,
    }
    # A party (any case, no accents) stands for its accounts.
    assert [p.labels for p in ransom.paths.between("awa traore", "B").paths] == [
        ["Awa Traoré", "B"]
    ]


def test_between_draws_a_picture(ransom: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "paths.png"
    found = ransom.paths.between("EMPLOYER", "B", picture=out, lang="en")
    assert found.picture == str(out)
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"max_hops": 0}, "error.flows_bad_number"),
        ({"max_paths": 0}, "error.flows_bad_number"),
        ({"window_days": float("nan")}, "error.flows_bad_window"),
        ({"window_days": 0.0}, "error.flows_bad_window"),
    ],
)
def test_between_refuses_settings_that_mean_nothing(
    ransom: Workspace, kwargs: dict[str, float], key: str
) -> None:
    with pytest.raises(UsageError) as err:
        ransom.paths.between("KIDNAPPERS", "CASH-A", **kwargs)  # type: ignore[arg-type]
    assert err.value.key == key


def test_common_counterparties_with_labels(story_ws: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        found = ws.paths.common([A1, A2, A3])
        with pytest.raises(UsageError) as err:
            ws.paths.common([A1])
    assert isinstance(found, CommonCounterparties)
    assert to_jsonable(found, "fr") == {
        "subjects": [A1, A2, A3],
        "counterparties": [
            {
                "account_id": account_id(H),
                "account_number": H,
                "subjects": [A1, A2, A3],
                "transactions": 3,
                "total": "3000",
                "label": AWA,
            }
        ],
    }
    assert err.value.key == "error.flows_too_few_subjects"
