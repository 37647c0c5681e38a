"""The money network of a Spark workspace equals DuckDB's (decision 0141).

On Spark the graph's SQL (transfer pairs, holders, shared identifiers) runs on the executors;
the metrics run on the driver with the same rustworkx code. Betweenness is summed by rustworkx
on several threads, so it is compared within 1e-12 (two DuckDB runs differ by ~1e-17 as well);
everything else is compared exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.network.graph import build_graph
from tests.spark.conftest import Pair

BETWEENNESS_TOLERANCE = 1e-12


def _edges(engine: Any) -> list[tuple[str, str, str]]:
    net = build_graph(engine)
    return sorted(
        (net.node(a).id, net.node(b).id, repr(e)) for a, b, e in net.graph.weighted_edge_list()
    )


def test_the_graph_has_the_same_nodes_and_edges(pair: Pair) -> None:
    duck, spark = _edges(pair.duck.engine), _edges(pair.spark.engine)
    print(f"\nnetwork edges compared: {len(duck)}")
    assert len(duck) > 1_000
    assert duck == spark
    assert any("references=('" in e[2] for e in duck)  # bank references travel on edges


def test_the_metrics_are_the_same(pair: Pair) -> None:
    duck, spark = pair.duck.network.metrics(top=10), pair.spark.network.metrics(top=10)
    for name in ("nodes", "edges", "transfer_edges", "components", "largest_component"):
        assert getattr(duck, name) == getattr(spark, name), name
    for name in ("pagerank", "in_degree", "out_degree", "core", "community_of", "communities"):
        assert getattr(duck, name) == getattr(spark, name), name
    assert duck.betweenness.keys() == spark.betweenness.keys()
    worst = max(abs(duck.betweenness[k] - spark.betweenness[k]) for k in duck.betweenness)
    assert worst <= BETWEENNESS_TOLERANCE
    assert duck.top_pagerank == spark.top_pagerank
    assert duck.top_degree == spark.top_degree
    assert [r.id for r in duck.top_betweenness] == [r.id for r in spark.top_betweenness]
    print(f"\nnetwork metrics compared: {duck.nodes} nodes, betweenness within {worst:.1e}")


def _busiest_pair(pair: Pair) -> tuple[str, str]:
    row = pair.duck.engine.fetchall(
        "SELECT src_account_id, dst_account_id FROM transactions"
        " WHERE src_account_id IS NOT NULL AND dst_account_id IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1"
    )[0]
    return str(row[0]), str(row[1])


def test_paths_and_brokers_are_the_same(pair: Pair) -> None:
    a, b = _busiest_pair(pair)
    assert pair.duck.network.shortest_path(a, b) == pair.spark.network.shortest_path(a, b)
    duck = pair.duck.network.widest_path(a, b, temporal=True)
    assert duck == pair.spark.network.widest_path(a, b, temporal=True)
    assert pair.duck.network.brokers(top=5) == pair.spark.network.brokers(top=5)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape"])
def test_exports_are_the_same_file(pair: Pair, tmp_path: Path, fmt: str) -> None:
    pair.duck.network.export(tmp_path / "duck", fmt)
    pair.spark.network.export(tmp_path / "spark", fmt)
    assert (tmp_path / "duck").read_bytes() == (tmp_path / "spark").read_bytes()


def test_the_cli_draws_an_ego_picture_from_a_spark_workspace(
    cli: Any, pair: Pair, tmp_path: Path
) -> None:
    a, _ = _busiest_pair(pair)
    out = tmp_path / "ego.png"
    args = ("network", "picture", a, "-w", str(pair.spark.path), "--out", str(out))
    result = cli("--lang", "fr", *args)
    assert result.code == 0, result.err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000


def test_account_facts_and_a_sankey_of_a_spark_trace(pair: Pair, tmp_path: Path) -> None:
    from moneytrail.flows.subjects import account_facts
    from moneytrail.trace import Seed, TraceSettings

    a, _ = _busiest_pair(pair)
    result = pair.spark.trace(Seed(accounts=(a,)), TraceSettings(max_hops=3))
    ids = sorted({e.account_id for e in result.endpoints if e.account_id} | {a})
    duck = account_facts(pair.duck.engine, ids)
    assert len(duck) == len(ids) and duck == account_facts(pair.spark.engine, ids)
    picture = pair.spark.flows.sankey(result, tmp_path / "sankey.svg", "fr")
    assert picture.boxes > 1 and picture.bands > 0
    assert "<svg" in (tmp_path / "sankey.svg").read_text(encoding="utf-8")
