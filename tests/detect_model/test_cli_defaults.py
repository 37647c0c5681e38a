"""The evaluate command's defaults mirror the model package's constants.

The CLI module keeps its own copies so that ``moneytrail`` starts without importing lightgbm.
"""

from __future__ import annotations

import subprocess
import sys


def test_cli_defaults_match_the_model_package() -> None:
    from moneytrail.cli import evaluate_cmd
    from moneytrail.detect.model import peer, training

    assert evaluate_cmd.NUM_THREADS == training.NUM_THREADS
    assert evaluate_cmd.PEER_BATCH == peer.BATCH


def test_cli_start_up_does_not_import_lightgbm() -> None:
    code = "import sys, moneytrail.cli.main; print('lightgbm' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
