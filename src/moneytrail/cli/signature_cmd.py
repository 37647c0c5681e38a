"""``moneytrail signature``: a unit's signing key, and the check of a signed report.

Example::

    export MONEYTRAIL_SIGN_PASSPHRASE='…'
    moneytrail signature key --out centif.p12 --name "CENTIF Mali" --country ML
    moneytrail report --case D-2026-0001 --out rapport.pdf --sign centif.p12 --as moussa
    moneytrail signature verify rapport.pdf --trust centif.pem

``verify`` exits with 0 when every signature is intact and trusted (or, without ``--trust``,
intact and valid: the reader then compares the fingerprint it prints), 1 otherwise, and 1 for
an unsigned file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from moneytrail.cli.common import JsonOpt
from moneytrail.cli.output import Output, output

PASSPHRASE_ENV = "MONEYTRAIL_SIGN_PASSPHRASE"

signature_app = typer.Typer(
    help="Signed reports: key, verify / rapports signés : clé, vérification",
    no_args_is_help=True,
)

PassEnvOpt = Annotated[
    str,
    typer.Option(
        "--passphrase-env",
        help="Environment variable holding the key's passphrase / variable de la phrase secrète",
    ),
]


def register(app: typer.Typer) -> None:
    """Attach the ``signature`` group to ``app``."""
    app.add_typer(signature_app, name="signature")


def passphrase_from(var: str) -> str:
    """The passphrase in the environment variable ``var`` (never on the command line, where
    other users of the machine could read it in the process list)."""
    from moneytrail.api import UsageError

    value = os.environ.get(var, "")
    if not value:
        raise UsageError("signature.error.no_passphrase", var=var)
    return value


@signature_app.command("key")
def key_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="PKCS#12 file to write / fichier .p12")],
    name: Annotated[str, typer.Option("--name", help="Signer: the unit / l'unité signataire")],
    country: Annotated[
        str | None, typer.Option("--country", help="ISO country code / code pays (ML)")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Validity / validité (jours)")] = 1095,
    passphrase_env: PassEnvOpt = PASSPHRASE_ENV,
    json_out: JsonOpt = False,
) -> None:
    """Create a signing key and its self-signed certificate / créer une clé de signature."""
    from moneytrail.api.report import create_signing_key

    shown = output(ctx)
    pem, fingerprint = create_signing_key(
        out, name, passphrase_from(passphrase_env), country=country, days=days
    )
    if json_out:
        shown.json({"key": str(out), "certificate": pem, "fingerprint": fingerprint})
        return
    shown.print(shown.tr("signature.key_written", path=out, pem=pem, fingerprint=fingerprint))


@signature_app.command("verify")
def verify_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Signed PDF / PDF signé")],
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="Certificate you trust (PEM/DER) / certificat de confiance"),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Check the signatures of a PDF report / vérifier les signatures d'un rapport."""
    from moneytrail.api.report import verify_signatures

    shown = output(ctx)
    checks = verify_signatures(file, trust or [])
    if json_out:
        shown.json({"file": str(file), "signatures": checks})
    elif not checks:
        shown.warn(shown.tr("signature.none", path=file))
    else:
        shown.print(_lines(shown, checks))
    wanted = {"trusted"} if trust else {"trusted", "untrusted"}
    if not checks or any(c.verdict not in wanted for c in checks):
        raise typer.Exit(1)


def _lines(shown: Output, checks: list[Any]) -> str:
    """One block per signature, a ``label: value`` line each (a fingerprint is too long for a
    table column in a terminal, and a reader compares it character by character)."""
    blocks = []
    for c in checks:
        verdict = shown.tr(f"signature.verdict.{c.verdict}")
        if c.detail:
            verdict += f" ({c.detail})"
        values = {
            "field": c.field,
            "signer": c.signer,
            "fingerprint": c.fingerprint,
            "signed_at": c.signed_at or "-",
            "reason": c.reason or "-",
            "verdict": verdict,
        }
        rows = [
            shown.tr("signature.line", label=shown.tr(f"signature.col.{k}"), value=v)
            for k, v in values.items()
        ]
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks)
