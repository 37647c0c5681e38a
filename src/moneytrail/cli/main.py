"""``moneytrail`` command: the root app and the error -> exit-code map.

Exit codes: 0 success, 2 usage error, 3 bad input data, 4 not allowed (roles, need to know),
1 internal error. A user error never shows a traceback; an internal error writes its traceback
to a file and says where.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

# typer vendors its own click; its exception classes are only reachable there.
from typer._click.exceptions import ClickException

from moneytrail.api import LANGS, MachineRefusedError, MoneytrailError, default_lang
from moneytrail.api.faces import machine_error, report_crash
from moneytrail.cli.output import Output, output

app = typer.Typer(
    name="moneytrail",
    help="moneytrail: financial investigations (TF/ML) / enquêtes financières (FT/BC).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr | en (default: locale, else fr)")
    ] = None,
) -> None:
    """moneytrail — follow the money / suivre l'argent."""
    if lang is not None:
        if lang not in LANGS:
            raise typer.BadParameter(f"--lang: {lang!r} not in {', '.join(LANGS)}")
        output(ctx).lang = lang


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
    "moneytrail.cli.conflicts_cmd",
    "moneytrail.cli.users_cmd",
    "moneytrail.cli.cases_cmd",
    "moneytrail.cli.audit_cmd",
    "moneytrail.cli.goaml_cmd",
    "moneytrail.cli.goaml_validate_cmd",
    "moneytrail.cli.goaml_reports_cmd",
    "moneytrail.cli.goaml_write_cmd",
    "moneytrail.cli.report_cmd",
    "moneytrail.cli.signature_cmd",
    "moneytrail.cli.serve_cmd",
    "moneytrail.cli.share_cmd",
)
for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def run(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code instead of raising.

    Each run gets its own :class:`Output` (language, consoles): nothing of one run's
    ``--lang`` survives into the next, even in the same process.
    """
    args = sys.argv[1:] if argv is None else argv
    out = Output(_language(args))
    try:
        result = app(args=args, standalone_mode=False, obj=out)
    except MoneytrailError as exc:
        out.warn(exc.render(out.lang))
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
    except MemoryError:
        refused = MachineRefusedError("error.out_of_memory", detail="MemoryError")
        out.warn(refused.render(out.lang))
        return refused.exit_code
    except OSError as exc:
        translated = machine_error(exc)
        if translated is None:
            return _crash(out, exc)
        out.warn(translated.render(out.lang))
        return translated.exit_code
    except Exception as exc:
        return _crash(out, exc)
    return result if isinstance(result, int) else 0


def _language(args: list[str]) -> str:
    """``--lang`` read before typer parses anything (errors of the parse need it too)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return default_lang()


def _crash(out: Output, exc: BaseException) -> int:
    """Write ``exc``'s traceback to a private file and say where (exit code 1)."""
    report = report_crash(exc)
    out.warn(out.tr("error.internal", path=str(report or "-")))
    return 1


def main() -> None:
    """``python -m moneytrail``."""
    sys.exit(run())
