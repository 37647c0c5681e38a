"""``moneytrail network``: metrics, exports, ego pictures and shortest paths of a workspace.

A thin face over ``ws.network`` (:class:`moneytrail.api.network.NetworkPart`); subjects are
named as the analyst writes them (an account number in any form, a name, an id). Examples::

    moneytrail network metrics -w case1 --top 10 --json
    moneytrail network export --format gexf case1.gexf -w case1 [--ego "Awa Traoré" --hops 2]
    moneytrail network picture "Awa Traoré" --out ego.png --hops 2 -w case1
    moneytrail network path "+223 76 00 00 01" +22370000002 -w case1 --json
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moneytrail.api import Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count

if TYPE_CHECKING:
    from moneytrail.api.network import NetworkMetrics, Ranked

network_app = typer.Typer(
    help="Network analysis / analyse de réseau (metrics, export, picture, path).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach ``network`` to ``app``."""
    app.add_typer(network_app, name="network")


@network_app.command("metrics")
def metrics_command(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    top: Annotated[
        int,
        typer.Option("--top", parser=count("--top", 1, 100_000), help="Length of the top lists"),
    ] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Central accounts and communities / comptes centraux et communautés."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        result = ws.network.metrics(top=top)
    if json_out:
        out.json(result)
    else:
        show_metrics(out, result)


@network_app.command("export")
def export_command(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Argument(help="Output file")],
    fmt: Annotated[str, typer.Option("--format", help="graphml | gexf | cytoscape")] = "graphml",
    ego: Annotated[str | None, typer.Option("--ego", help="Only the network of this")] = None,
    hops: Annotated[
        int, typer.Option("--hops", parser=count("--hops", 0, 20), help="Links around --ego")
    ] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the network for Gephi, yEd or Cytoscape / exporter le réseau."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        done = ws.network.export(out_file, fmt, ego=ego, hops=hops)
    if json_out:
        out.json(done)
    else:
        out.print(
            out.tr(
                "network.exported",
                path=done.path,
                format=done.format,
                nodes=done.nodes,
                edges=done.edges,
            )
        )


@network_app.command("picture")
def picture_command(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Account number, party name or id")],
    out_file: Annotated[Path, typer.Option("--out", help="ego.png or ego.svg")] = Path("ego.png"),
    hops: Annotated[
        int, typer.Option("--hops", parser=count("--hops", 0, 20), help="Links around the subject")
    ] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Draw the network around a subject / dessiner le réseau d'un sujet."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        drawn = ws.network.picture(subject, out_file, hops, lang=out.lang)
    if json_out:
        out.json(drawn)
    else:
        out.print(
            out.tr("network.picture_written", path=drawn.path, nodes=drawn.nodes, edges=drawn.edges)
        )


@network_app.command("path")
def path_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="From (account number, name or id)")],
    target: Annotated[str, typer.Argument(help="To (account number, name or id)")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Shortest chain of transfers / plus court chemin de flux."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        found = ws.network.shortest_path(source, target)
    if json_out:
        out.json(found)
    elif found.path:
        out.print(out.tr("network.path", path=" → ".join(n.label for n in found.path)))
    else:
        out.print(out.tr("network.no_path", source=source, target=target))


def show_metrics(out: Output, m: NetworkMetrics) -> None:
    """Summary line, communities, then the three top lists as tables."""
    tr = out.tr
    out.print(
        tr(
            "network.summary",
            nodes=m.nodes,
            edges=m.edges,
            transfers=m.transfer_edges,
            components=m.components,
            largest=m.largest_component,
            core=m.max_core,
        )
    )
    if m.communities_skipped:
        out.print(tr("network.communities_skipped", nodes=m.nodes))
    else:
        sizes = ", ".join(str(s) for s in m.communities[:20])
        out.print(tr("network.communities", count=len(m.communities), sizes=sizes))
    if m.betweenness_sampled:
        out.print(tr("network.betweenness_sampled"))
    for key, rows in (
        ("network.top_pagerank", m.top_pagerank),
        ("network.top_betweenness", m.top_betweenness),
        ("network.top_degree", m.top_degree),
    ):
        _table(out, tr(key), rows)


def _table(out: Output, title: str, rows: list[Ranked]) -> None:
    table = Table(title=title)
    for key in ("network.col_rank", "network.col_node", "network.col_type", "network.col_score"):
        table.add_column(out.tr(key))
    for rank, row in enumerate(rows, start=1):
        table.add_row(str(rank), row.label, out.tr(f"network.type.{row.type}"), f"{row.score:.6g}")
    out.print(table)
