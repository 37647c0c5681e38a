"""The model's defaults the faces show mirror the model package's constants; the product path
stays apart from the benchmark's peer.

The API module keeps its own copy of the thread count so that ``moneytrail`` starts without
importing lightgbm.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "moneytrail"


def test_cli_defaults_match_the_model_package() -> None:
    from moneytrail.api import model
    from moneytrail.detect.model import training

    assert model.NUM_THREADS == training.NUM_THREADS


def test_cli_start_up_does_not_import_lightgbm() -> None:
    code = "import sys, moneytrail.cli.main; print('lightgbm' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_product_never_reaches_for_the_benchmark_or_its_peer() -> None:
    imports_benchmarks = re.compile(r"^\s*(from|import)\s+benchmarks\b", re.M)
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        assert not imports_benchmarks.search(text), path
        assert "snapml" not in text.lower(), path
