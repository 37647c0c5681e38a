"""``moneytrail demo`` and the library call under it (:func:`moneytrail.api.demo.build_demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.api import UsageError
from moneytrail.api.demo import MARKER, DemoOutcome, build_demo, sample_files
from moneytrail.api.serialize import to_jsonable


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoOutcome:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo", "en")


def test_the_demo_traces_the_ransom_and_draws_both_pictures(built: DemoOutcome) -> None:
    folder = Path(built.path)
    assert (folder / MARKER).is_file() and built.all_loaded
    names = [Path(o.path).name for o in built.files]
    assert names[: len(sample_files())] == [p.name for p in sample_files()]
    assert names[len(sample_files()) :] == [
        "parties.parquet",
        "accounts.parquet",
        "identifiers.parquet",
        "transactions.parquet",
        "virements_bis_2024-03.csv",  # read with its column mapping; names in Arabic script
    ]
    assert len(built.clue) > 1 and built.trace.seed_amount > 0
    assert built.trace.endpoints and built.trace.policy.value == "fifo"
    assert built.picture.path == str(folder / "reseau_rancon.png") and built.picture.nodes > 1
    assert built.sankey.path == str(folder / "sankey_rancon.png") and built.sankey.bands > 0
    for picture in (built.picture.path, built.sankey.path):
        assert Path(picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert built.rules.hits >= len(built.alerts) > 0 and len(built.alerts) <= 5
    assert all(alert.text for alert in built.alerts)  # explained, in English here
    data = to_jsonable(built, "en")
    assert {"files", "info", "trace", "alerts"} <= set(data)
    assert data["alerts"][0]["text"] == built.alerts[0].text


def test_a_folder_the_demo_did_not_make_is_refused(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("x")
    with pytest.raises(UsageError) as refused:
        build_demo(mine, "fr")
    assert refused.value.key == "error.demo_not_demo_dir"
    assert (mine / "notes.txt").read_text() == "x"


def test_the_command_prints_the_demo_in_french_and_rebuilds_its_folder(
    cli: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    first = cli("demo", "--out", folder)
    assert first.code == 0, first.err
    assert first.out.startswith("Démonstration : espace de travail construit dans")
    for text in (
        "Piste de départ du scénario",
        "Image du réseau du payeur",
        "Diagramme de Sankey écrit",
        "Alertes de typologie du scénario",
        "Pourquoi :",
    ):
        assert text in first.out
    again = cli("--lang", "en", "demo", "--out", folder, "--json")
    assert again.code == 0, again.err
    data = again.json()
    assert data["path"] == str(folder) and len(data["alerts"]) <= 5
    assert data["alerts"][0]["text"] and len(data["clue"]) > 1 and data["trace"]["endpoints"]
    refused = cli("demo", "--out", tmp_path)  # holds the demo folder: not the demo's own
    assert refused.code == 2 and "Traceback" not in refused.err
