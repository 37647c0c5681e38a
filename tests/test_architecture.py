"""The layering of decision 0127, checked on every run of the suite (import-linter).

Faces (CLI) import the library API only; the API sits over analytics, analytics over the
engine, the engine over value types; no import goes upwards; analytics packages do not import
each other except through the contracts listed in pyproject.toml (and docs/api.md); only the
engine package imports DuckDB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_the_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "5 kept, 0 broken" in done.stdout


def test_the_cli_starts_without_heavy_libraries() -> None:
    """``moneytrail --help`` imports no engine, data frame, plotting or entity library."""
    probe = (
        "import sys, runpy; sys.argv = ['moneytrail', '--help']\n"
        "try:\n    runpy.run_module('moneytrail', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'duckdb', 'pyarrow', 'numpy', 'matplotlib', 'followthemoney', 'splink',"
        " 'sqlalchemy', 'lightgbm', 'numba', 'networkx', 'rustworkx', 'lxml', 'sqlglot'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-2000:] + done.stderr[-2000:]
