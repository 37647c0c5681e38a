"""``moneytrail network``: metrics, exports, ego pictures and shortest paths of a workspace.

A thin face over :mod:`moneytrail.network`. Examples::

    moneytrail network metrics -w case1 --top 10 --json
    moneytrail network export --format gexf case1.gexf -w case1 [--ego "Awa Traoré" --hops 2]
    moneytrail network picture "Awa Traoré" --out ego.png --hops 2 -w case1
    moneytrail network path +22376000001 +22370000002 -w case1 --json
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from moneytrail.cli.common import JsonOpt, WorkspaceOpt, console, print_json, tr, workspace_path
from moneytrail.errors import UsageError
from moneytrail.network import (
    FORMATS,
    NetworkMetrics,
    Ranked,
    compute_metrics,
    ego_network,
    resolve,
    shortest_path,
    write_network,
)
from moneytrail.workspace import Workspace

network_app = typer.Typer(
    help="Network analysis / analyse de réseau (metrics, export, picture, path).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach ``network`` to ``app``."""
    app.add_typer(network_app, name="network")


@network_app.command("metrics")
def metrics_command(
    workspace: WorkspaceOpt = None,
    top: Annotated[int, typer.Option("--top", help="Length of the top lists")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Central accounts and communities / comptes centraux et communautés."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        result = compute_metrics(ws.network(), top=top)
    if json_out:
        print_json(result)
    else:
        show_metrics(result)


@network_app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="Output file")],
    fmt: Annotated[str, typer.Option("--format", help="graphml | gexf | cytoscape")] = "graphml",
    ego: Annotated[str | None, typer.Option("--ego", help="Only the network of this")] = None,
    hops: Annotated[int, typer.Option("--hops", help="Links around --ego")] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the network for Gephi, yEd or Cytoscape / exporter le réseau."""
    if fmt not in FORMATS:
        raise UsageError("error.network_bad_format", format=fmt)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        net = ws.network()
    if ego is not None:
        net = ego_network(net, ego, hops)
    write_network(net, out, fmt)
    summary = {
        "path": str(out),
        "format": fmt,
        "nodes": net.graph.num_nodes(),
        "edges": net.graph.num_edges(),
    }
    if json_out:
        print_json(summary)
    else:
        console.print(tr("network.exported", **summary))


@network_app.command("picture")
def picture_command(
    subject: Annotated[str, typer.Argument(help="Account number, party name or id")],
    out: Annotated[Path, typer.Option("--out", help="ego.png or ego.svg")] = Path("ego.png"),
    hops: Annotated[int, typer.Option("--hops", help="Links around the subject")] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Draw the network around a subject / dessiner le réseau d'un sujet."""
    from moneytrail.network.picture import draw_ego

    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        net = ws.network()
    focus = net.node(resolve(net, subject)).id
    ego = ego_network(net, subject, hops)
    title = tr("network.picture_title", subject=subject, hops=hops, currency=net.currency)
    draw_ego(ego, out, title, focus=focus)
    summary = {"path": str(out), "nodes": ego.graph.num_nodes(), "edges": ego.graph.num_edges()}
    if json_out:
        print_json(summary)
    else:
        console.print(tr("network.picture_written", **summary))


@network_app.command("path")
def path_command(
    source: Annotated[str, typer.Argument(help="From (account number, name or id)")],
    target: Annotated[str, typer.Argument(help="To (account number, name or id)")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Shortest chain of transfers / plus court chemin de flux."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        net = ws.network()
    ids = shortest_path(net, source, target)
    nodes = [net.node(net.index[i]) for i in ids]
    if json_out:
        print_json({"source": source, "target": target, "path": nodes})
    elif nodes:
        console.print(tr("network.path", path=" → ".join(n.label for n in nodes)))
    else:
        console.print(tr("network.no_path", source=source, target=target))


def show_metrics(m: NetworkMetrics) -> None:
    """Summary line, communities, then the three top lists as tables."""
    console.print(
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
        console.print(tr("network.communities_skipped", nodes=m.nodes))
    else:
        sizes = ", ".join(str(s) for s in m.communities[:20])
        console.print(tr("network.communities", count=len(m.communities), sizes=sizes))
    if m.betweenness_sampled:
        console.print(tr("network.betweenness_sampled"))
    for key, rows in (
        ("network.top_pagerank", m.top_pagerank),
        ("network.top_betweenness", m.top_betweenness),
        ("network.top_degree", m.top_degree),
    ):
        _table(tr(key), rows)


def _table(title: str, rows: list[Ranked]) -> None:
    table = Table(title=title)
    for key in ("network.col_rank", "network.col_node", "network.col_type", "network.col_score"):
        table.add_column(tr(key))
    for rank, row in enumerate(rows, start=1):
        table.add_row(str(rank), row.label, tr(f"network.type.{row.type}"), f"{row.score:.6g}")
    console.print(table)
