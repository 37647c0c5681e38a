"""Spark benchmark: ingest, rules, features, scoring, network and a trace, Spark vs DuckDB.

The scenario is ``moneytrail synth --scale N --seed 1`` (one year; 7,000 residents give about
1.15 million transactions), kept under ``benchmarks/.data``. Each engine runs in its own
process: a fresh workspace, ingest of the scenario's files (with its ground truth), then all
shipped rules. Peak memory is the largest resident set of the process *and its children*
(Spark's JVM is a child of the Python driver), sampled every 0.2 s.

Every shipped rule that has a faithful Spark form runs on both (all 16 since decision 0143;
``unportable_rules()`` lists any that does not). Figures: seconds per step, peak MiB, transactions per second per executor core (rules step;
local[2] has 2 cores), and whether both engines found the same hits per rule (they must). The
issue's 50M-row run is a later step (docs/scale.md): this machine is shared by several
engineers and has 2 cores.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, Measure, measure, stamp, synth_scenario, write_section

FILES = ("parties", "accounts", "identifiers", "transactions", "truth_members")
CORES = 2
MODEL = "bench"
TRAIN_SCALE = 300  # the model's training scenario (about 50,000 transactions)


def scenario(scale: int) -> Path:
    """The synth scenario of ``scale`` residents (kept between runs)."""
    return synth_scenario(DATA / f"spark-synth-{scale}", "--seed", "1", "--scale", str(scale))


class PeakMemory:
    """Largest RSS of this process plus all its descendants, sampled in a thread."""

    def __init__(self) -> None:
        import psutil

        self._me = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            total = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def job(engine: str, data: str, folder: str) -> dict[str, Any]:
    """One engine: init, ingest, all rules; figures per step."""
    from moneytrail.workspace import Workspace

    memory = PeakMemory()
    shutil.rmtree(folder, ignore_errors=True)
    began = time.perf_counter()
    ws = Workspace.init(folder, engine=engine)
    started = time.perf_counter() - began
    began = time.perf_counter()
    outcomes = ws.ingest([Path(data) / f"{name}.parquet" for name in FILES])
    ingest = time.perf_counter() - began
    transactions = int(ws.engine.fetchall("SELECT count(*) FROM transactions")[0][0])
    from moneytrail.api.spark import unportable_rules
    from moneytrail.detect.rules import load_library

    portable = sorted(set(load_library()) - set(unportable_rules()))
    began = time.perf_counter()
    done = ws.rules.run(portable)
    rules = time.perf_counter() - began
    alerts = rule_alerts(ws)
    analytics = _analytics(ws, engine)
    ws.close()
    return {
        "engine": engine,
        "init": round(started, 2),
        "ingest": round(ingest, 2),
        "rules": round(rules, 2),
        "transactions": transactions,
        "loaded": [o.status.value for o in outcomes],
        "hits": {o.rule: o.hits for o in done.rules},
        "rule_alerts": alerts,
        **analytics,
        "peak_tree_mib": round(memory.stop(), 1),
    }


def _analytics(ws: Any, engine: str) -> dict[str, Any]:
    """Part 2 of issue 22: the feature matrix, model scoring (a model trained on the DuckDB
    side, copied to the Spark side), the network's metrics and a seeded trace."""
    out: dict[str, Any] = {}
    features = DATA / f"spark-bench-features-{engine}"
    shutil.rmtree(features, ignore_errors=True)
    began = time.perf_counter()
    ws.model.features(features)
    out["features"] = round(time.perf_counter() - began, 2)
    shutil.copytree(DATA / "spark-bench-models", Path(ws.path) / "models", dirs_exist_ok=True)
    began = time.perf_counter()
    scored = ws.model.score(MODEL)
    out["score"] = round(time.perf_counter() - began, 2)
    out["model_alerts"] = sorted(
        r[0] for r in ws.engine.fetchall("SELECT id FROM alerts WHERE detector_kind = 'model'")
    )
    out["flagged"] = scored.flagged
    began = time.perf_counter()
    metrics = ws.network.metrics(top=10)
    out["network"] = round(time.perf_counter() - began, 2)
    out["network_top"] = [r.id for r in metrics.top_pagerank] + [metrics.nodes, metrics.edges]
    out.update(_trace(ws))
    return out


def warm(folder: str) -> dict[str, Any]:
    """Compile the numba kernels of the features and the trace once, on a tiny scenario, before
    anything is timed. Why: they are cached on disk beside the sources, so in a fresh checkout
    the first timed step that used them paid the compilation (the 2.3M-row DuckDB trace took
    24 s in a fresh clone against 3.5 s with the cache warm)."""
    from moneytrail.workspace import Workspace

    data = synth_scenario(DATA / "spark-synth-warm", "--seed", "1", "--scale", "50")
    shutil.rmtree(folder, ignore_errors=True)
    began = time.perf_counter()
    ws = Workspace.init(folder)
    ws.ingest([Path(data) / f"{name}.parquet" for name in FILES])
    ws.model.features(Path(folder) / "features")
    _trace(ws)
    ws.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"warm": round(time.perf_counter() - began, 2)}


def train(data: str, folder: str) -> dict[str, Any]:
    """The model both engines score with, trained on DuckDB on a small scenario of the same
    generator (training does not run on Spark; a national model is trained on a sample)."""
    from moneytrail.workspace import Workspace

    shutil.rmtree(folder, ignore_errors=True)
    ws = Workspace.init(folder)
    ws.ingest([Path(data) / f"{name}.parquet" for name in FILES])
    began = time.perf_counter()
    ws.model.train(MODEL, threads=CORES)
    seconds = time.perf_counter() - began
    models = DATA / "spark-bench-models"
    shutil.rmtree(models, ignore_errors=True)
    shutil.copytree(Path(ws.path) / "models", models)
    rows = int(ws.engine.fetchall("SELECT count(*) FROM transactions")[0][0])
    ws.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"train": round(seconds, 2), "train_rows": rows}


def _trace(ws: Any) -> dict[str, Any]:
    """A seeded FIFO trace (4 hops) from the busiest sender, on engines that run traces."""
    from moneytrail.engine.errors import EngineError
    from moneytrail.errors import UsageError
    from moneytrail.trace import Seed, TraceSettings

    seed = ws.engine.fetchall(
        "SELECT src_account_id FROM transactions WHERE src_account_id IS NOT NULL"
        " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )[0][0]
    began = time.perf_counter()
    try:
        result = ws.trace(Seed(accounts=(str(seed),)), TraceSettings(max_hops=4))
    except UsageError:
        return {}
    except EngineError as exc:  # the reached sub-graph did not fit the driver (Spark)
        return {
            "trace_error": exc.detail,
            "trace_failed_after": round(time.perf_counter() - began, 1),
        }
    seconds = round(time.perf_counter() - began, 2)
    ends = sorted((e.kind.value, str(e.account_id), str(e.amount)) for e in result.endpoints)
    return {"trace": seconds, "trace_endpoints": ends}


def rule_alerts(ws: Any) -> dict[str, list[Any]]:
    """Per rule: the number of its alerts and a digest of their rows (id, subject, window,
    score, money, evidence in order, explanation), so that two engines' alerts compare row for
    row and not only by count. Numbers inside explanations are compared by value (DuckDB
    writes ``2660000.0`` where Spark writes ``2660000.00000000``)."""
    import hashlib
    import json
    from decimal import Decimal

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value.normalize())
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    rows = ws.engine.fetchall(
        "SELECT detector, id, subject_id, window_start, window_end, score, amount_reporting,"
        " transaction_ids, explanation FROM alerts WHERE detector_kind = 'rule'"
    )
    by_rule: dict[str, list[Any]] = {}
    for rule, *rest in rows:
        ident, subject, start, end, score, amount, ids, explanation = rest
        parsed = json.loads(explanation, parse_float=Decimal, parse_int=Decimal)
        money = None if amount is None else str(Decimal(amount).normalize())
        row = [ident, subject, str(start), str(end), repr(float(score)), money, list(ids)]
        by_rule.setdefault(rule, []).append([*row, plain(parsed)])
    out = {}
    for rule, found in sorted(by_rule.items()):
        text = json.dumps(sorted(found, key=lambda r: r[0]), sort_keys=True, default=str)
        out[rule] = [len(found), hashlib.sha256(text.encode()).hexdigest()[:16]]
    return out


def different_rules(duck: dict[str, Any], spark: dict[str, Any]) -> list[str]:
    """The rules whose alerts differ between the two engines' :func:`rule_alerts`."""
    left, right = duck.get("rule_alerts", {}), spark.get("rule_alerts", {})
    return sorted(r for r in set(left) | set(right) if left.get(r) != right.get(r))


def _same_features(a: Path, b: Path) -> tuple[int, int]:
    """(values compared, values differing) between two feature folders, column by column."""
    import numpy as np
    import pyarrow.parquet as pq

    left_ids = pq.read_table(a, columns=["id"])["id"].to_numpy(zero_copy_only=False)
    right_ids = pq.read_table(b, columns=["id"])["id"].to_numpy(zero_copy_only=False)
    lo, ro = np.argsort(left_ids), np.argsort(right_ids)
    if not np.array_equal(left_ids[lo], right_ids[ro]):
        return len(left_ids), len(left_ids)
    names = pq.read_schema(next(a.glob("*.parquet"))).names[1:]
    compared = differing = 0
    for name in names:
        x = pq.read_table(a, columns=[name])[name].to_numpy()[lo]
        y = pq.read_table(b, columns=[name])[name].to_numpy()[ro]
        same = (x.view(np.uint32) == y.view(np.uint32)) | (np.isnan(x) & np.isnan(y))
        compared += len(x)
        differing += int((~same).sum())
    return compared, differing


def _one_scale(scale: int, model: dict[str, Any]) -> tuple[list[str], dict[str, Measure]]:
    """Both engines on the scenario of ``scale``: the section's lines for it, and the measures."""
    data = scenario(scale)
    results: dict[str, Measure] = {}
    for engine in ("duckdb", "spark"):
        target = DATA / f"spark-bench-{engine}"
        results[engine] = measure("bench_spark", "job", engine, str(data), str(target))
        shutil.rmtree(target, ignore_errors=True)
    duck, spark = results["duckdb"].figures, results["spark"].figures
    same = duck["hits"] == spark["hits"]
    compared, differing = _same_features(
        DATA / "spark-bench-features-duckdb", DATA / "spark-bench-features-spark"
    )
    for engine in results:
        shutil.rmtree(DATA / f"spark-bench-features-{engine}", ignore_errors=True)
    rows = duck["transactions"]
    lines = [
        f"### {rows:,} transactions (`--spark-scale {scale}`)",
        "",
        f"Scenario: synth, seed 1, scale {scale}, {rows:,} transactions. Spark 4.3, local[2], 4 shuffle partitions; the ingest into"
        " Spark is staged by DuckDB on the driver and written as Parquet (decision 0135);"
        " features and scoring run the single-machine code per bucket of whole components"
        " on the executors, the network's graph is aggregated by Spark and its metrics"
        " computed on the driver, a seeded trace collects the reachable sub-graph to the"
        " driver (decisions 0140, 0141).",
        "",
        f"| engine | start (s) | ingest (s) | {len(duck['hits'])} rules (s) | features (s)"
        " | scoring (s) | network metrics (s) | seeded trace (s) | total (s)"
        " | peak MiB (with JVM) | rules: tx/s per core | features: tx/s per core |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in results.items():
        f = m.figures
        per_core = rows / f["rules"] / CORES
        feat_core = rows / f["features"] / CORES
        lines.append(
            f"| {name} | {f['init']} | {f['ingest']} | {f['rules']} | {f['features']}"
            f" | {f['score']} | {f['network']} | {f.get('trace', '-')} | {m.seconds:.1f}"
            f" | {max(m.peak_mib, f['peak_tree_mib']):.0f} | {per_core:,.0f} | {feat_core:,.0f} |"
        )
    same_alerts = duck["model_alerts"] == spark["model_alerts"]
    same_network = duck["network_top"] == spark["network_top"]
    same_trace = duck.get("trace_endpoints") == spark.get("trace_endpoints")
    lines += [
        "",
        "Same results on both engines:",
        "",
        f"* hits per rule: **{'yes' if same else 'NO'}** ({sum(duck['hits'].values())} hits"
        f" over {len(duck['hits'])} rules);",
        f"* rule alerts row for row (ids, windows, scores, money, evidence, explanations):"
        f" {_alert_verdict(duck, spark)};",
        f"* feature matrix: **{differing:,} differing values of {compared:,}** (bit for bit);",
        f"* model alerts (model trained on DuckDB on the scale-{TRAIN_SCALE} scenario,"
        f" {model['train_rows']:,} transactions, in {model['train']} s, copied to both):"
        f" **{'yes' if same_alerts else 'NO'}** ({len(duck['model_alerts']):,} alerts,"
        f" {duck['flagged']:,} scores over the threshold);",
        f"* network: nodes, edges and top-10 PageRank **{'yes' if same_network else 'NO'}**;",
        f"* seeded trace endpoints: **{'yes' if same_trace else 'NO'}**"
        f" ({len(duck.get('trace_endpoints', []))} endpoints).",
    ]
    return lines, results


def _alert_verdict(duck: dict[str, Any], spark: dict[str, Any]) -> str:
    if "rule_alerts" not in duck or "rule_alerts" not in spark:
        return "not compared"
    differ = different_rules(duck, spark)
    if not differ:
        return "**yes**"
    return f"**NO**, {len(differ)} rule(s) differ: {', '.join(differ)}"


STEPS = ("ingest", "rules", "features", "score", "network", "trace")


def run(scales: Sequence[int] = (7000,)) -> str:
    """Measure both engines on the scenario of each of ``scales``, one after the other in this
    run; with several, how each step's time grows with the rows. Writes section ``spark``."""
    from moneytrail.engine.spark_session import check_spark_available

    check_spark_available()
    measure("bench_spark", "warm", str(DATA / "spark-bench-warm"))
    model = measure(
        "bench_spark", "train", str(scenario(TRAIN_SCALE)), str(DATA / "spark-bench-train")
    ).figures
    flags = " ".join(f"--spark-scale {scale}" for scale in scales)
    lines = [
        f"{stamp()} Shared machine (several engineers at once): figures are an upper bound.",
        "",
        f"Command: `python -m benchmarks.run spark {flags}`.",
    ]
    runs: list[dict[str, Measure]] = []
    for scale in scales:
        block, results = _one_scale(scale, model)
        lines += ["", *block]
        runs.append(results)
    if len(runs) > 1:
        lines += ["", *_growth(runs)]
    lines += [
        "",
        f"Both engines used the machine's {CORES} cores (DuckDB threads, Spark"
        f" local[{CORES}]); the Spark rules step includes its fixed cost per rule (planning,"
        " scheduling, the executors' Parquet writes). The 50M-row run of issue 22 is a later"
        " step (docs/scale.md).",
    ]
    body = "\n".join(lines)
    write_section("spark", "## Spark vs DuckDB (issue 22)\n\n" + body)
    shown = [
        {
            name: {
                k: v for k, v in m.figures.items() if k not in ("model_alerts", "trace_endpoints")
            }
            for name, m in results.items()
        }
        for results in runs
    ]
    return body + "\n" + json.dumps(shown, indent=1)


def _growth(
    runs: list[dict[str, Measure]], places: int = 2, caption: str = "same run:"
) -> list[str]:
    """Seconds of each step at the smallest and the largest size, their ratio beside the rows'
    ratio, and the marginal rate (extra rows per extra second, per core): what a step costs
    once its fixed cost is paid, the figure a cluster's cost model scales (``places``: digits
    of the ratios; steps a run did not measure are left out)."""
    small, large = runs[0], runs[-1]
    rows = [int(r["duckdb"].figures["transactions"]) for r in (small, large)]
    lines = [
        f"Growth from {rows[0]:,} to {rows[1]:,} transactions"
        f" (x{rows[1] / rows[0]:.{places}f} rows), {caption}",
        "",
        "| engine | step | seconds, small | seconds, large | time ratio | marginal tx/s per core |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for engine in ("duckdb", "spark"):
        for step in STEPS:
            a, b = small[engine].figures.get(step), large[engine].figures.get(step)
            if a is None or b is None:
                continue
            ratio = f"{b / a:.{places}f}" if a else "-"
            marginal = f"{(rows[1] - rows[0]) / (b - a) / CORES:,.0f}" if b > a else "(no growth)"
            lines.append(f"| {engine} | {step} | {a} | {b} | {ratio} | {marginal} |")
    return lines
