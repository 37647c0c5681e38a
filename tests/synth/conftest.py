"""One small scenario shared by the synth tests (generated once per session: about half a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.synth import SynthResult, generate
from moneytrail.synth.config import SynthConfig

SMALL = SynthConfig(scale=400, seed=5, days=90)


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """A 400-resident, 90-day scenario with every typology injected at least once."""
    out: Path = tmp_path_factory.mktemp("synth") / "out"
    return generate(SMALL, out)
