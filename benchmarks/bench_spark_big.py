"""Issue 22's national-size run: about 50 million generated transactions on Spark and DuckDB.

The scenario is ``moneytrail synth --seed 1 --scale 305000`` (one year of 305,000 residents,
kept under ``benchmarks/.data``). On each engine, in its own process: a fresh workspace, the
ingest of the scenario's files, every shipped typology rule and the seeded trace of
:mod:`benchmarks.bench_spark` (4 hops from the busiest sender). The 2.3M-transaction scenario
of the ``spark`` benchmark (scale 14,000) runs the same steps first, in the same run, so that
each step's growth is read from one run on one machine.

Not run at this size, and why (docs/scale.md): the feature matrix, the model's scoring and the
network metrics. Their cost grows faster than the rows on the generator (2.4-3.0x for 2x rows,
measured by the ``spark`` benchmark): at 50M rows they would take many hours on 2 cores.

Spark runs with 16 shuffle partitions and 6 GiB of driver memory for both sizes (the one-machine
defaults, 4 partitions and 2 GiB, are for the tests' small scenarios; docs/scale.md advises
about 4 partitions per core and more for larger data). Each step's figures are appended to a
progress file as soon as the step ends, so a run stopped part-way keeps what it measured.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_spark import CORES, FILES, PeakMemory, _alert_verdict, _trace, rule_alerts
from benchmarks.bench_spark import _growth as spark_growth
from benchmarks.common import DATA, Measure, measure, stamp, synth_scenario, write_section

BIG_SCALE = 305_000
SMALL_SCALE = 14_000
SPARK_CONF = "spark.sql.shuffle.partitions=16;spark.driver.memory=6g"
PROGRESS = DATA / "spark-big-progress.jsonl"


def scenario(scale: int) -> Path:
    """The synth scenario of ``scale`` residents (kept between runs; the same folders as the
    ``spark`` benchmark's)."""
    return synth_scenario(DATA / f"spark-synth-{scale}", "--seed", "1", "--scale", str(scale))


def _note(**figures: Any) -> None:
    with PROGRESS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(figures) + "\n")


def _rule_notes(engine: str, data: str) -> Any:
    """A rules progress callback noting each rule's seconds as soon as it ends, so that a rules
    step stopped part-way still says which rules had ended and what each one cost."""

    def factory(rule: str) -> Any:
        began = time.perf_counter()
        noted: list[bool] = []

        def report(done: float, total: float) -> None:
            if done >= total and not noted:
                noted.append(True)
                seconds = round(time.perf_counter() - began, 2)
                _note(engine=engine, data=data, rule_done={rule: seconds})

        return report

    return factory


def _rules_and_trace(ws: Any, engine: str, data: str, rerun: bool = False) -> dict[str, Any]:
    """Every portable rule, then the seeded trace, on the open workspace ``ws``; each step's
    figures noted in the progress file as soon as it ends (``rerun``: on a workspace a stopped
    run had loaded)."""
    from moneytrail.api.spark import unportable_rules
    from moneytrail.detect.rules import load_library

    extra = {"rerun": True} if rerun else {}
    portable = sorted(set(load_library()) - set(unportable_rules()))
    began = time.perf_counter()
    done = ws.rules.run(portable, progress=_rule_notes(engine, data))
    out: dict[str, Any] = {"rules": round(time.perf_counter() - began, 2)}
    out["hits"] = {o.rule: o.hits for o in done.rules}
    out["rule_seconds"] = {o.rule: o.seconds for o in done.rules}
    out["rule_alerts"] = rule_alerts(ws)
    _note(engine=engine, data=data, **out, **extra)
    out.update(_trace(ws))
    steps = ("trace", "trace_error", "trace_failed_after", "trace_endpoints")
    trace = {k: out.get(k) for k in steps}
    _note(engine=engine, data=data, **trace, **extra)
    return out


def job(engine: str, data: str, folder: str) -> dict[str, Any]:
    """One engine on one scenario: init, ingest, every rule, a seeded trace."""
    from moneytrail.errors import MoneytrailError
    from moneytrail.workspace import Workspace

    os.environ["MONEYTRAIL_SPARK_CONF"] = SPARK_CONF
    memory = PeakMemory()
    shutil.rmtree(folder, ignore_errors=True)
    began = time.perf_counter()
    ws = Workspace.init(folder, engine=engine)
    out: dict[str, Any] = {
        "engine": engine,
        "data": data,
        "init": round(time.perf_counter() - began, 2),
    }
    began = time.perf_counter()
    try:
        outcomes = ws.ingest([Path(data) / f"{name}.parquet" for name in FILES])
    except MoneytrailError as exc:  # noted, so that the section says which step stopped
        out["ingest_error"] = str(exc)
        out["ingest_failed_after"] = round(time.perf_counter() - began, 2)
        _note(**out)
        ws.close()
        shutil.rmtree(folder, ignore_errors=True)
        return out
    out["ingest"] = round(time.perf_counter() - began, 2)
    out["loaded"] = [o.status.value for o in outcomes]
    out["transactions"] = int(ws.engine.fetchall("SELECT count(*) FROM transactions")[0][0])
    _note(**out)
    out.update(_rules_and_trace(ws, engine, data))
    ws.close()
    out["peak_tree_mib"] = round(memory.stop(), 1)
    shutil.rmtree(folder, ignore_errors=True)
    return out


def job_rules(engine: str, data: str, folder: str) -> dict[str, Any]:
    """The rules and the trace again on a workspace a stopped run had loaded (``folder``): what
    a rerun costs after a fix, without loading 50M rows a second time."""
    from moneytrail.workspace import Workspace

    os.environ["MONEYTRAIL_SPARK_CONF"] = SPARK_CONF
    memory = PeakMemory()
    ws = Workspace.open(folder)
    out: dict[str, Any] = {"engine": engine, "data": data}
    out.update(_rules_and_trace(ws, engine, data, rerun=True))
    ws.close()
    out["peak_tree_mib"] = round(memory.stop(), 1)
    return out


def _both(scale: int) -> dict[str, Measure]:
    data = scenario(scale)
    results = {}
    for engine in ("duckdb", "spark"):
        target = DATA / f"spark-big-{engine}"
        results[engine] = measure("bench_spark_big", "job", engine, str(data), str(target),
                                  timeout=6 * 3600)  # fmt: skip
    return results


def run() -> str:
    """Both engines on both sizes; writes section ``spark-big`` of docs/benchmarks.md."""
    from moneytrail.engine.spark_session import check_spark_available

    check_spark_available()
    measure("bench_spark", "warm", str(DATA / "spark-bench-warm"))
    PROGRESS.unlink(missing_ok=True)
    began = time.perf_counter()
    scenario(BIG_SCALE)
    generated = time.perf_counter() - began
    runs = [_both(SMALL_SCALE), _both(BIG_SCALE)]
    lines = [
        f"{stamp()} Command: `python -m benchmarks.run spark-big` (`benchmarks/bench_spark_big.py`).",
        "",
        f"Scenarios: synth seed 1, scale {SMALL_SCALE:,} and {BIG_SCALE:,} (generated in"
        f" {generated:.0f} s, or reused). Spark 4.3, local[{CORES}], `{SPARK_CONF}` on both"
        " sizes. Each engine in its own process: init, ingest, the 16 shipped rules, a seeded"
        " 4-hop trace from the busiest sender. Features, scoring and network metrics are not"
        " run at this size (docs/scale.md says why).",
        "",
        "| transactions | engine | ingest (s) | 16 rules (s) | seeded trace (s) | process (s)"
        " | peak MiB (with JVM) | rules: tx/s per core |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for results in runs:
        for name, m in results.items():
            f = m.figures
            rows = int(f["transactions"])
            lines.append(
                f"| {rows:,} | {name} | {f['ingest']} | {f['rules']} | {f.get('trace', '-')}"
                f" | {m.seconds:.1f} | {max(m.peak_mib, f['peak_tree_mib']):,.0f}"
                f" | {rows / f['rules'] / CORES:,.0f} |"
            )
    lines += ["", "Same results on both engines:", ""]
    for results in runs:
        duck, spark = results["duckdb"].figures, results["spark"].figures
        same_hits = duck["hits"] == spark["hits"]
        same_trace = duck.get("trace_endpoints") == spark.get("trace_endpoints")
        same_rows = duck["transactions"] == spark["transactions"]
        lines.append(
            f"* {duck['transactions']:,} transactions: rows **{'yes' if same_rows else 'NO'}**,"
            f" hits per rule **{'yes' if same_hits else 'NO'}** ({sum(duck['hits'].values()):,}"
            f" hits), rule alerts row for row {_alert_verdict(duck, spark)},"
            f" trace endpoints **{'yes' if same_trace else 'NO'}**"
            f" ({len(duck.get('trace_endpoints', [])):,} endpoints);"
        )
    lines += [
        "",
        *_growth(runs),
        "",
        *_per_rule([{e: m.figures for e, m in r.items()} for r in runs]),
    ]
    lines += _trace_errors([m.figures for r in runs for m in r.values()])
    body = "\n".join(lines)
    write_section("spark-big", "## Spark vs DuckDB at about 50M transactions (issue 22)\n\n" + body)
    return body


def _trace_errors(figures: list[dict[str, Any]]) -> list[str]:
    """A line for each ingest or seeded trace that failed, with the engine's reason."""
    out = ["", "Steps that failed:", ""]
    for f in figures:
        for step in ("ingest", "trace"):
            if f.get(f"{step}_error"):
                rows = f"{int(f['transactions']):,}" if "transactions" in f else "?"
                out.append(
                    f"* {step}, {f.get('engine')}, {rows} transactions, after"
                    f" {f.get(f'{step}_failed_after', '?')} s: `{f[f'{step}_error']}`"
                )
    return out if len(out) > 3 else []


def _per_rule(runs: list[dict[str, dict[str, Any]]]) -> list[str]:
    """Each rule's seconds on each engine and size (where that step ended), and its growth on
    Spark: which rules make the cost at national size."""
    if len(runs) != 2:
        return []
    small, big = runs
    names = sorted(set(small["duckdb"].get("rule_seconds", {})) | set(
        small["spark"].get("rule_seconds", {})))  # fmt: skip
    ratio = big["duckdb"]["transactions"] / small["duckdb"]["transactions"]
    lines = [
        f"Seconds per rule (rows x{ratio:.1f} from the small scenario to the large one; Spark's"
        " seconds include its fixed cost per rule: planning, scheduling, the work table's"
        " Parquet write):",
        "",
        "| rule | duckdb, small | duckdb, large | spark, small | spark, large | spark time ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def cell(figures: dict[str, Any], rule: str) -> str:
        value = figures.get("rule_seconds", {}).get(rule)
        return "-" if value is None else f"{value:.1f}"

    for rule in names:
        s_small = small["spark"].get("rule_seconds", {}).get(rule)
        s_big = big["spark"].get("rule_seconds", {}).get(rule)
        growth = f"{s_big / s_small:.1f}" if s_small and s_big else "-"
        cells = [cell(small["duckdb"], rule), cell(big["duckdb"], rule)]
        cells += [cell(small["spark"], rule), cell(big["spark"], rule), growth]
        lines.append(f"| {rule} | {' | '.join(cells)} |")
    return lines


def _growth(runs: list[dict[str, Measure]]) -> list[str]:
    caption = "same run (a time ratio equal to the rows' ratio is linear growth):"
    return spark_growth(runs, places=1, caption=caption)


def from_progress(stopped: str) -> str:
    """The section written from the progress file of a run stopped before its end (``stopped``
    says when and why): every step that ended, the hits compared where both engines ran the
    rules. ``python -m benchmarks.bench_spark_big partial "REASON"``."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for line in PROGRESS.read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        figures = merged.setdefault((note["data"], note["engine"]), {})
        figures.setdefault("rule_seconds", {}).update(note.pop("rule_done", {}))
        figures.update(note)

    def rows_of(data: str) -> int:
        """The size's row count from whichever engine loaded it (0: neither did)."""
        counts = [merged.get((data, e), {}).get("transactions") for e in ("duckdb", "spark")]
        return int(next((c for c in counts if c is not None), 0))

    sizes = sorted({data for data, _ in merged}, key=rows_of)
    lines = [
        f"{stamp()} Command: `python -m benchmarks.run spark-big`, **stopped before its end**"
        f" ({stopped}); this section is written from the steps it had finished"
        " (`python -m benchmarks.bench_spark_big partial`, from its progress file).",
        "",
        f"Scenarios: synth seed 1, scale {SMALL_SCALE:,} and {BIG_SCALE:,}. Spark 4.3,"
        f" local[{CORES}], `{SPARK_CONF}` on both sizes. Each engine in its own process: init,"
        " ingest, the 16 shipped rules, a seeded 4-hop trace from the busiest sender. Features,"
        " scoring and network metrics are not run at this size (docs/scale.md says why).",
        "",
        "| transactions | engine | ingest (s) | 16 rules (s) | seeded trace (s) |"
        " rules: tx/s per core |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for data in sizes:
        for engine in ("duckdb", "spark"):
            f = merged.get((data, engine), {})
            rows = rows_of(data)
            rate = f"{rows / f['rules'] / CORES:,.0f}" if "rules" in f else "-"
            cells = [str(f.get(step, "not finished")) for step in ("ingest", "rules", "trace")]
            if "ingest_error" in f:
                cells[0] = f"failed after {f['ingest_failed_after']} s"
            lines.append(f"| {rows:,} | {engine} | {' | '.join(cells)} | {rate} |")
    lines += ["", "Same results on both engines, where both finished the step:", ""]
    for data in sizes:
        duck, spark = merged.get((data, "duckdb"), {}), merged.get((data, "spark"), {})
        rows = rows_of(data)
        same_rows = "yes" if duck.get("transactions") == spark.get("transactions") else "NO"
        if "transactions" not in duck or "transactions" not in spark:
            same_rows = "not compared (one engine did not load them)"
        hits = "not compared (one engine did not finish)"
        if "hits" in duck and "hits" in spark:
            hits = "yes" if duck["hits"] == spark["hits"] else "NO"
            hits = f"**{hits}** ({sum(duck['hits'].values()):,} hits)"
        alerts = _alert_verdict(duck, spark)
        ends = "not compared (one engine did not note them)"
        if duck.get("trace_endpoints") is not None and spark.get("trace_endpoints") is not None:
            same_ends = duck["trace_endpoints"] == spark["trace_endpoints"]
            ends = f"**{'yes' if same_ends else 'NO'}** ({len(duck['trace_endpoints']):,})"
        lines.append(
            f"* {rows:,} transactions: rows **{same_rows}**, hits per rule {hits},"
            f" rule alerts row for row {alerts}, seeded trace endpoints {ends};"
        )
    runs = [
        {e: Measure(0.0, 0.0, merged.get((data, e), {})) for e in ("duckdb", "spark")}
        for data in sizes
    ]
    for data, run_ in zip(sizes, runs, strict=True):  # the growth table reads each engine's rows
        for m in run_.values():
            m.figures.setdefault("transactions", rows_of(data))
    lines += [
        "",
        *_growth(runs),
        "",
        *_per_rule([{e: m.figures for e, m in r.items()} for r in runs]),
    ]
    lines += _trace_errors(
        [f for d in sizes for e in ("duckdb", "spark") if (f := merged.get((d, e), {}))]
    )
    body = "\n".join(lines)
    write_section("spark-big", "## Spark vs DuckDB at about 50M transactions (issue 22)\n\n" + body)
    return body


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["partial"]:
        print(from_progress(" ".join(sys.argv[2:]) or "stopped by hand"))
