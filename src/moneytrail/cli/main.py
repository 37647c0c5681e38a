"""``moneytrail`` command: the root app and the error -> exit-code map.

Exit codes: 0 success, 2 usage error, 3 bad input data, 1 internal error. A user error never
shows a traceback; an internal error writes its traceback to a file and says where.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import traceback
from typing import Annotated

import typer

# typer vendors its own click; its exception classes are only reachable there.
from typer._click.exceptions import ClickException

from moneytrail.cli.common import err_console, state, tr
from moneytrail.errors import MoneytrailError
from moneytrail.i18n import LANGS

app = typer.Typer(
    name="moneytrail",
    help="moneytrail: financial investigations (TF/ML) / enquêtes financières (FT/BC).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr | en (default: locale, else fr)")
    ] = None,
) -> None:
    """moneytrail — follow the money / suivre l'argent."""
    if lang is not None:
        if lang not in LANGS:
            raise typer.BadParameter(f"--lang: {lang!r} not in {', '.join(LANGS)}")
        state.lang = lang


# Each module listed here has a ``register(app)`` that attaches its commands. Adding a capability
# to the CLI is adding its module to this tuple.
COMMAND_MODULES = (
    "moneytrail.cli.commands",
    "moneytrail.cli.demo",
    "moneytrail.cli.training_cmd",
    "moneytrail.cli.synth_cmd",
    "moneytrail.cli.screen_cmd",
    "moneytrail.cli.export_cmd",
    "moneytrail.cli.trace_cmd",
    "moneytrail.cli.network_cmd",
    "moneytrail.cli.resolve_cmd",
    "moneytrail.cli.flows_cmd",
    "moneytrail.cli.evaluate_cmd",
    "moneytrail.cli.detect_cmd",
)
for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def run(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code instead of raising."""
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):  # the language is needed before typer parses anything
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            state.lang = args[i + 1]
        elif arg.startswith("--lang=") and arg[7:] in LANGS:
            state.lang = arg[7:]
    try:
        result = app(args=args, standalone_mode=False)
    except MoneytrailError as exc:
        err_console.print(exc.render(state.lang), markup=False, soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return 130
    except ClickException as exc:
        exc.show(file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        with tempfile.NamedTemporaryFile(
            "w", prefix="moneytrail-crash-", suffix=".txt", delete=False
        ) as fh:
            traceback.print_exc(file=fh)
        err_console.print(tr("error.internal", path=fh.name), markup=False, soft_wrap=True)
        return 1
    return result if isinstance(result, int) else 0


def main() -> None:
    """``python -m moneytrail``."""
    sys.exit(run())
