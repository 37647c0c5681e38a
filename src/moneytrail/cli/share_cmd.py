"""``moneytrail share``: cooperation between FIUs without revealing files (docs/cooperation.md).

Example::

    moneytrail share keys init CENTIF-ML
    moneytrail share keys export --out centif-ml.card.json
    moneytrail share keys add centif-bf.card.json
    moneytrail share filter --case D-2026-0001 --for CENTIF-BF --out ml-bf.mtf --as awa -w enquete
    moneytrail share package ml-bf.mtf --to CENTIF-BF --out envoi.mtp
    moneytrail share open envoi.mtp --out recu/          # at CENTIF-BF
    moneytrail share match recu/ml-bf.mtf -w enquete-bf  # at CENTIF-BF
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import share
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, open_desk, sign_in
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count, positive

share_app = typer.Typer(
    help="Cooperation between FIUs / coopération entre CRF", no_args_is_help=True
)
keys_app = typer.Typer(help="Keys of this FIU and its partners / clés", no_args_is_help=True)
psi_app = typer.Typer(
    help="Exact private set intersection / intersection privée", no_args_is_help=True
)
share_app.add_typer(keys_app, name="keys")
share_app.add_typer(psi_app, name="psi")

KeyringOpt = Annotated[
    Path | None,
    typer.Option("--keyring", envvar="MONEYTRAIL_SHARE_HOME", help="Keyring folder / trousseau"),
]
CaseOpt = Annotated[str | None, typer.Option("--case", help="Case reference / dossier")]
PartnerOpt = Annotated[str, typer.Option("--for", help="Partner FIU / CRF partenaire")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="File written / fichier écrit")]


def register(app: typer.Typer) -> None:
    """Attach the ``share`` group to ``app``."""
    app.add_typer(share_app, name="share")


@contextmanager
def _case(
    case: str | None, workspace: Path | None, cases_url: str | None, as_user: str | None
) -> Iterator[share.CaseLink | None]:
    """The case link when ``--case`` is given (signed in), else None."""
    if case is None:
        yield None
        return
    with open_desk(workspace, cases_url) as desk:
        yield share.CaseLink(desk, sign_in(desk, as_user), case)


def _show_card(out: Output, card: share.Card) -> None:
    out.print(out.tr("share.card", fiu=card.fiu, fingerprint=card.fingerprint))


@keys_app.command("init")
def keys_init(
    ctx: typer.Context,
    fiu: Annotated[str, typer.Argument(help="This FIU's name / nom de cette CRF")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace existing keys")] = False,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create this FIU's keys / créer les clés de cette CRF."""
    out = output(ctx)
    card = share.keys_init(fiu, keyring, replace)
    out.json(card) if json_out else _show_card(out, card)


@keys_app.command("export")
def keys_export(
    ctx: typer.Context, out_file: OutOpt, keyring: KeyringOpt = None, json_out: JsonOpt = False
) -> None:
    """Write this FIU's public card / écrire la carte publique."""
    out = output(ctx)
    card = share.keys_export(out_file, keyring)
    out.json(card) if json_out else _show_card(out, card)


@keys_app.command("add")
def keys_add(
    ctx: typer.Context,
    card_file: Annotated[Path, typer.Argument(help="Partner's card / carte du partenaire")],
    replace: Annotated[bool, typer.Option("--replace", help="Accept new keys")] = False,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a partner (check the fingerprint aloud) / ajouter un partenaire."""
    out = output(ctx)
    card = share.keys_add(card_file, keyring, replace)
    out.json(card) if json_out else _show_card(out, card)


@keys_app.command("list")
def keys_list(ctx: typer.Context, keyring: KeyringOpt = None, json_out: JsonOpt = False) -> None:
    """This FIU and its partners / cette CRF et ses partenaires."""
    out = output(ctx)
    view = share.keys_list(keyring)
    if json_out:
        out.json(view)
        return
    out.print(out.tr("share.keyring", home=view.home))
    for card in [c for c in [view.me] if c] + view.partners:
        _show_card(out, card)


@share_app.command("filter")
def filter_command(
    ctx: typer.Context,
    partner: PartnerOpt,
    out_file: OutOpt,
    case: CaseOpt = None,
    fp_rate: Annotated[
        float,
        typer.Option("--fp-rate", parser=positive("--fp-rate", 0.1), help="False-positive rate"),
    ] = 1e-4,
    no_names: Annotated[bool, typer.Option("--no-names", help="Identifiers only")] = False,
    valid_days: Annotated[
        int, typer.Option("--valid-days", parser=count("--valid-days", 1, 365), help="Validity")
    ] = 30,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Make a keyed filter of subjects for a partner / filtre pour un partenaire."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        made = share.make_filter(
            workspace_path(workspace), partner, out_file, case=link, fp_rate=fp_rate,
            names=not no_names, valid_days=valid_days, home=keyring,
        )  # fmt: skip
    if json_out:
        out.json(made)
    else:
        text = out.tr(
            "share.filter_made", path=made.path, partner=made.made_for,
            subjects=made.subjects, items=made.items, rate=made.expected_rate,
        )  # fmt: skip
        out.print(text)


@share_app.command("match")
def match_command(
    ctx: typer.Context,
    filter_file: Annotated[Path, typer.Argument(help="Partner's filter / filtre reçu")],
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Which of my subjects hit a partner's filter / mes sujets présents dans le filtre."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        found = share.match_filter(filter_file, workspace_path(workspace), case=link, home=keyring)
    if json_out:
        out.json(found)
        return
    text = out.tr(
        "share.match_summary", partner=found.made_by, hits=len(found.hits),
        subjects=found.subjects_tested, rate=found.expected_false_positive_rate,
    )  # fmt: skip
    out.print(text)
    for hit in found.hits:
        out.print(f"  {hit.ref}  {hit.label}  " + ", ".join(hit.identifiers + hit.names))


@psi_app.command("start")
def psi_start(
    ctx: typer.Context,
    partner: PartnerOpt,
    out_file: OutOpt,
    state: Annotated[Path, typer.Option("--state", help="Private state kept here / état privé")],
    count_only: Annotated[bool, typer.Option("--count-only", help="Learn only how many")] = False,
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """PSI round 1, for the partner / premier message."""
    out = output(ctx)
    mode = "count" if count_only else "identify"
    with _case(case, workspace, cases_url, as_user) as link:
        step = share.psi_start(workspace_path(workspace), partner, out_file, state, mode=mode,
                               case=link, home=keyring)  # fmt: skip
    out.json(step) if json_out else out.print(
        out.tr("share.psi_written", path=step.path, items=step.items)
    )


@psi_app.command("reply")
def psi_reply(
    ctx: typer.Context,
    round1: Annotated[Path, typer.Argument(help="Partner's round 1 / premier message")],
    out_file: OutOpt,
    count_only: Annotated[bool, typer.Option("--count-only", help="Reveal only how many")] = False,
    max_items: Annotated[
        int,
        typer.Option(
            "--max-items", parser=count("--max-items", 1, 100_000_000), help="Refuse larger"
        ),
    ] = 1_000_000,
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """PSI round 2, the answer / second message."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        step = share.psi_reply(round1, workspace_path(workspace), out_file, count_only=count_only,
                               max_items=max_items, case=link, home=keyring)  # fmt: skip
    out.json(step) if json_out else out.print(
        out.tr("share.psi_written", path=step.path, items=step.items)
    )


@psi_app.command("finish")
def psi_finish(
    ctx: typer.Context,
    round2: Annotated[Path, typer.Argument(help="Partner's round 2 / second message")],
    state: Annotated[Path, typer.Option("--state", help="State of round 1 / état privé")],
    result: Annotated[Path | None, typer.Option("--out", "-o", help="Result file")] = None,
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """PSI result / résultat."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        found = share.psi_finish(round2, state, result, case=link)
    if json_out:
        out.json(found)
        return
    out.print(out.tr("share.psi_result", count=found.count, mine=found.mine, partner=found.partner))
    for value in found.matched or []:
        out.print(f"  {value}")


@share_app.command("package")
def package_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to send / fichiers à envoyer")],
    to: Annotated[str, typer.Option("--to", help="Partner FIU / CRF destinataire")],
    out_file: OutOpt,
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Sign and encrypt files for a partner / signer et chiffrer pour un partenaire."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        sent = share.make_package(files, to, out_file, case=link, home=keyring)
    out.json(sent) if json_out else out.print(
        out.tr("share.package_made", path=sent.path, to=sent.to, id=sent.id)
    )


@share_app.command("open")
def open_command(
    ctx: typer.Context,
    package: Annotated[Path, typer.Argument(help="Package received / paquet reçu")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for its files")],
    case: CaseOpt = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    keyring: KeyringOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Check and open a partner's package / vérifier et ouvrir un paquet."""
    out = output(ctx)
    with _case(case, workspace, cases_url, as_user) as link:
        opened = share.open_package(package, out_dir, case=link, home=keyring)
    if json_out:
        out.json(opened)
        return
    out.print(
        out.tr("share.package_opened", sender=opened.sender, id=opened.id, files=len(opened.files))
    )
    for name, digest in opened.files:
        out.print(f"  {out_dir / name}  sha256 {digest}")


@share_app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    persons_a: Annotated[
        int, typer.Option("--persons-a", parser=count("--persons-a", 10, 10_000_000))
    ] = 20_000,
    persons_b: Annotated[
        int, typer.Option("--persons-b", parser=count("--persons-b", 10, 10_000_000))
    ] = 20_000,
    shared_ids: Annotated[
        int, typer.Option("--shared-ids", parser=count("--shared-ids", 1, 1_000_000))
    ] = 1_000,
    shared_names: Annotated[
        int, typer.Option("--shared-names", parser=count("--shared-names", 1, 1_000_000))
    ] = 1_000,
    fp_rate: Annotated[float, typer.Option("--fp-rate", parser=positive("--fp-rate", 0.1))] = 1e-3,
    seed: Annotated[int, typer.Option("--seed", parser=count("--seed", 0, 2**32 - 1))] = 7,
    psi_limit: Annotated[
        int, typer.Option("--psi-limit", parser=count("--psi-limit", 1, 10_000_000))
    ] = 5_000,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Rewrite this doc's section")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Measure filters and PSI on two synthetic FIUs / mesurer sur deux CRF synthétiques."""
    from moneytrail.api.share_evaluate import evaluate_share, to_markdown, write_markdown

    out = output(ctx)
    figures = evaluate_share(
        persons_a, persons_b, shared_ids, shared_names, fp_rate, seed, psi_limit
    )
    command = (
        f"moneytrail share evaluate --persons-a {persons_a} --persons-b {persons_b}"
        f" --shared-ids {shared_ids} --shared-names {shared_names} --fp-rate {fp_rate:g}"
        f" --seed {seed} --psi-limit {psi_limit}"
    )
    if markdown is not None:
        write_markdown(markdown, figures, command)
    out.json(figures) if json_out else out.print(to_markdown(figures, command))
