"""Web workbench load test (issue 17): simulated analysts on a real server, loopback only.

The workspace is ``moneytrail synth --scale N --seed 17`` (one year; 6,000 residents give about
1 million transactions), ingested, with every shipped typology rule run (so the queue is full),
a team in its case store (a head of unit, a supervisor, ``USERS`` analysts, all with the same
password) and ``CASES`` cases spread over the analysts, a few holding an alert as evidence. It
is built once through the library API and kept under ``benchmarks/.data``.

The measured run starts the real server, ``moneytrail serve -w WS --host 127.0.0.1 --port P``
(uvicorn, one process, its default pool of workspace connections), and ``users`` simulated
analysts (asyncio + httpx, each with its own session: the login page, the login form with its
CSRF token) who browse for ``seconds`` seconds: the queue, an alert, their case list, one of
their cases, a seeded trace (``/api/trace?seed=<an alerted account>&hops=4``), with a random
think time between clicks (seeded RNG). Every response is counted; anything but 2xx/3xx is an
error. Bounded: loopback only, at most ``MAX_USERS`` users, the duration, and ``MAX_REQUESTS``.

No peer: there is no other web workbench of this field to run offline on the same data. The
yardstick measured in the same run is the same seeded traces called in-process through the
library (``ws.trace``), so the ratio web / library is what the web layer costs.

Run: ``python -m benchmarks.run web-load`` (the figures of docs/benchmarks.md) or
``python -m benchmarks.run web-load --quick`` (100,000 transactions, 10 users, 15 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, ROOT, stamp, write_section

SEED = 17
PASSWORD = "un mot de passe assez long pour le banc"
USERS = 5  # analysts in the team (the simulated users sign in as them, in turn)
CASES = 50
CASES_WITH_EVIDENCE = 5
MAX_USERS = 50
MAX_REQUESTS = 200_000
HOPS = 4
TRACE_SEEDS = 200
THINK = (0.2, 1.0)
RAMP_S = 5.0  # sign-ins spread over the first seconds, as a team arrives
PAGE_GOAL_S, TRACE_GOAL_S = 0.3, 1.0


@dataclass(frozen=True)
class Size:
    """One configuration of the benchmark."""

    scale: int
    users: int
    seconds: float

    @property
    def folder(self) -> Path:
        return DATA / f"web_load_ws_{self.scale}"


FULL = Size(scale=6000, users=50, seconds=120.0)
QUICK = Size(scale=600, users=10, seconds=15.0)


# -- the workspace ------------------------------------------------------------------------------


def generate(scale: int, folder: Path) -> Path:
    """The workspace, its alerts, its team and its cases (built once, kept between runs)."""
    if (folder / "workspace.duckdb").exists():
        return folder
    from moneytrail.api import SynthConfig, Workspace, synth
    from moneytrail.api.cases import CaseDesk

    building = folder.with_name(folder.name + ".tmp")
    scenario = folder.with_name(folder.name + ".scenario")
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(scenario, ignore_errors=True)
    made = synth(SynthConfig(scale=scale, seed=SEED), scenario)
    with Workspace.init(building) as ws:
        for outcome in ws.ingest(made.ingest_order):
            if outcome.status.value != "loaded":
                raise RuntimeError(f"ingest refused: {outcome.error_key}")
        ws.rules.run()
        alerts = ws.alerts.list(limit=CASES_WITH_EVIDENCE, lang="fr").alerts
        with CaseDesk.for_workspace(building) as desk:
            desk.add_user(None, "chef", "head", "Aminata Sangaré", PASSWORD)
            head = desk.login("chef", PASSWORD)
            desk.add_user(head, "superviseur", "supervisor", "Moussa Diarra", PASSWORD)
            for i in range(USERS):
                desk.add_user(head, f"analyste{i}", "analyst", f"Analyste n°{i} Traoré", PASSWORD)
            analysts = [desk.login(f"analyste{i}", PASSWORD) for i in range(USERS)]
            for n in range(CASES):
                owner = analysts[n % USERS]
                case = desk.new(owner, f"Dossier {n:03d} — Bamako", "Réseau de collecte présumé")
                if n < len(alerts):
                    desk.add_alert(owner, case.ref, ws, alerts[n].id, lang="fr")
    shutil.rmtree(scenario, ignore_errors=True)
    building.rename(folder)
    return folder


def job_build(scale: str) -> dict[str, Any]:
    """Build (or find) the workspace of ``scale`` residents; its size."""
    from moneytrail.api import Workspace

    folder = generate(int(scale), DATA / f"web_load_ws_{scale}")
    with Workspace.open(folder, read_only=True) as ws:
        info = ws.info()
    return {"transactions": int(info.counts["transactions"]), "folder": str(folder)}


# -- what the simulated analysts click on --------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Ids the simulated analysts pick from (read through the library before the server runs)."""

    alerts: list[str]
    seeds: list[str]
    cases: dict[str, list[str]]  # analyst login -> refs of their cases
    alerts_total: int


def plan(folder: Path) -> Plan:
    """Alerts to open, alerted accounts to trace from, each analyst's cases."""
    from moneytrail.api import Workspace
    from moneytrail.api.cases import CaseDesk

    with Workspace.open(folder, read_only=True) as ws:
        listed = ws.alerts.list(limit=100_000, lang="fr", status=None).alerts
    rng = random.Random(SEED)
    alerts = [a.id for a in listed]
    accounts = sorted({a.subject_id for a in listed if a.subject_kind == "account"})
    seeds = rng.sample(accounts, min(TRACE_SEEDS, len(accounts)))
    cases: dict[str, list[str]] = {}
    with CaseDesk.for_workspace(folder) as desk:
        for i in range(USERS):
            login = f"analyste{i}"
            cases[login] = [c.ref for c in desk.list(desk.login(login, PASSWORD)).cases]
    return Plan(alerts, seeds, cases, len(listed))


def trace_query(seed: str) -> str:
    """The JSON endpoint of a seeded trace (the web's defaults but the hops)."""
    return f"/api/trace?seed={seed}&hops={HOPS}"


# -- the in-process yardstick --------------------------------------------------------------------


def job_library(folder: str, seeds: str) -> dict[str, Any]:
    """The same seeded traces through the library in one process (``ws.trace``), one warm-up."""
    from moneytrail.api import Seed, TraceSettings, Workspace

    times: list[float] = []
    chosen = seeds.split(",")
    with Workspace.open(folder, read_only=True) as ws:
        ws.trace(Seed(accounts=(chosen[0],)), TraceSettings(max_hops=HOPS))
        for seed in chosen:
            started = time.perf_counter()
            ws.trace(Seed(accounts=(seed,)), TraceSettings(max_hops=HOPS))
            times.append(time.perf_counter() - started)
    return {"times": times}


def job_trace_view(folder: str, seeds: str) -> dict[str, Any]:
    """What ``/api/trace`` does for each seed, in one process without HTTP: the seed resolved,
    the trace, shaped for the Sankey (``graph_web.trace_view``), and its JSON sent."""
    import json

    from moneytrail.api import Workspace, graph_web
    from moneytrail.api.serialize import to_jsonable

    times: list[float] = []
    chosen = seeds.split(",")
    with Workspace.open(folder, read_only=True) as ws:
        graph_web.trace_view(ws, chosen[0], hops=HOPS)
        for seed in chosen:
            started = time.perf_counter()
            json.dumps(to_jsonable(graph_web.trace_view(ws, seed, hops=HOPS), "fr"))
            times.append(time.perf_counter() - started)
    return {"times": times}


# -- the server and the simulated analysts -------------------------------------------------------

PAGES = ("queue", "alert", "cases", "case")
KINDS = ("login page", "login", *PAGES, "trace")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Tally:
    """Every response of the run: latencies per kind, errors, the cap."""

    cap: int
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    requests: int = 0

    def full(self) -> bool:
        return self.requests >= self.cap

    def record(self, kind: str, seconds: float, problem: str | None) -> None:
        self.requests += 1
        self.times[kind].append(seconds)
        if problem is not None:
            self.error_count += 1
            if len(self.errors) < 10:
                self.errors.append(f"{kind}: {problem}")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    folder: Path, port: int, pool: int | None, log: Path, timed: Path | None = None
) -> subprocess.Popen[bytes]:
    """``moneytrail serve`` on 127.0.0.1:``port``, once it answers ``/healthz`` (``timed``:
    the diagnosis server of :mod:`benchmarks.web_load_timed`, writing its totals there)."""
    import httpx

    command = [sys.executable, "-m", "moneytrail", "serve", "-w", str(folder)]
    if timed is not None:
        command[2:4] = ["benchmarks.web_load_timed", str(timed)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if pool is not None:
        command += ["--pool", str(pool)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not answer /healthz in 120 s")


def _session_cookie(response: Any) -> str | None:
    """The session cookie the server set (read by hand: it is ``Secure``, and a cookie jar
    keeps a Secure cookie from plain HTTP, which browsers allow on localhost)."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == "mt_session":
            return str(rest).split(";", 1)[0]
    return None


async def _timed(client: Any, tally: Tally, kind: str, method: str, url: str, **kwargs: Any) -> Any:
    """One request, timed to its last byte, counted; ``None`` when it failed."""
    import httpx

    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
        await response.aread()
    except httpx.HTTPError as error:
        tally.record(kind, time.perf_counter() - started, f"{url}: {type(error).__name__}")
        return None
    seconds = time.perf_counter() - started
    expected = (303,) if kind == "login" else (200,)
    problem = None
    if response.status_code not in expected:
        problem = f"{url}: HTTP {response.status_code} {response.text[:200]!r}"
    tally.record(kind, seconds, problem)
    return response if problem is None else None


async def sign_in(client: Any, tally: Tally, login: str) -> bool:
    """The login page (its CSRF token, a pre-login session), then the form; the client then
    carries the new session cookie."""
    page = await _timed(client, tally, "login page", "GET", "/login")
    if page is None:
        return False
    cookie = _session_cookie(page)
    found = CSRF.search(page.text)
    if cookie is None or found is None:
        tally.record("login page", 0.0, "no session cookie or CSRF token")
        return False
    client.headers["cookie"] = f"mt_session={cookie}"
    form = {"login": login, "password": PASSWORD, "csrf": found.group(1)}
    signed = await _timed(client, tally, "login", "POST", "/login", data=form)
    cookie = _session_cookie(signed) if signed is not None else None
    if cookie is None:
        return False
    client.headers["cookie"] = f"mt_session={cookie}"
    return True


def clicks(work: Plan, login: str, rng: random.Random) -> list[tuple[str, Callable[[], str]]]:
    """What an analyst clicks, in order: the kind of request and its URL (drawn each time)."""
    mine = work.cases[login]
    return [
        ("queue", lambda: "/alerts"),
        ("alert", lambda: f"/alerts/{rng.choice(work.alerts)}"),
        ("cases", lambda: "/cases"),
        ("case", lambda: f"/cases/{rng.choice(mine)}"),
        ("trace", lambda: trace_query(rng.choice(work.seeds))),
    ]


async def analyst(
    number: int, base: str, work: Plan, tally: Tally, deadline: float, kinds: frozenset[str]
) -> None:
    """One simulated analyst: sign in, then browse until the deadline (or the cap)."""
    import httpx

    rng = random.Random(SEED * 1000 + number)
    login = f"analyste{number % USERS}"
    await asyncio.sleep(rng.uniform(0, RAMP_S))
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        if not await sign_in(client, tally, login):
            return
        chosen = [(kind, url) for kind, url in clicks(work, login, rng) if kind in kinds]
        while True:
            for kind, url in chosen:
                if time.monotonic() >= deadline or tally.full():
                    return
                await _timed(client, tally, kind, "GET", url())
                await asyncio.sleep(rng.uniform(*THINK))


async def crowd(base: str, work: Plan, users: int, seconds: float, kinds: frozenset[str]) -> Tally:
    """``users`` analysts at once for ``seconds`` seconds (sign-ins spread over ``RAMP_S``)."""
    tally = Tally(MAX_REQUESTS)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(analyst(n, base, work, tally, deadline, kinds) for n in range(users)))
    return tally


async def warm_up(base: str, work: Plan) -> frozenset[str]:
    """One click of each kind, not counted (the server's first trace maps the trace store and
    loads the compiled kernels, its first pages compile the templates); the kinds the server
    has (a route another change has not added yet answers 404, and is left out)."""
    import httpx

    tally = Tally(MAX_REQUESTS)
    rng = random.Random(SEED)
    found = set()
    async with httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=False) as client:
        if not await sign_in(client, tally, "analyste0"):
            raise RuntimeError(f"warm-up: sign-in failed: {tally.errors}")
        for kind, url in clicks(work, "analyste0", rng):
            response = await client.get(url())
            if response.status_code == 200:
                found.add(kind)
            elif response.status_code != 404:
                raise RuntimeError(f"warm-up: {kind}: HTTP {response.status_code}")
    return frozenset(found)


# -- figures -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-share * len(ordered) // 1)) - 1))]


def _row(kind: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {kind} | {len(ms):,} | {percentile(ms, 0.5):,.0f} | {percentile(ms, 0.95):,.0f} |"
        f" {percentile(ms, 0.99):,.0f} | {max(ms, default=0):,.0f} |"
    )


def _goal(values: list[float], goal_s: float) -> str:
    """``met (120 ms)``, ``**not met** (1,400 ms)`` or ``not measured``."""
    if not values:
        return "not measured"
    p95 = percentile(values, 0.95)
    return f"{'met' if p95 < goal_s else '**not met**'} ({p95 * 1000:,.0f} ms)"


def _audit_entries(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{folder / 'cases.sqlite'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def _peak_mib(pid: int) -> float:
    """The server's peak resident memory (``VmHWM``, Linux; 0 elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# -- the run -------------------------------------------------------------------------------------

SERVE_DEFAULT_POOL = 4  # ``moneytrail serve --pool``'s default


@dataclass
class Run:
    """What one load run measured, beside the latencies."""

    tally: Tally
    wall_s: float
    server_cpu_s: float
    client_cpu_s: float
    server_peak_mib: float
    audit_entries: int
    kinds: frozenset[str]
    loadavg_end: float


def load(folder: Path, work: Plan, size: Size, pool: int | None, timed: Path | None) -> Run:
    """Start the server on a copy of the case store, run the crowd, stop the server."""
    import psutil

    store = folder / "cases.sqlite"
    saved = folder.with_name(folder.name + ".cases.sqlite")
    shutil.copyfile(store, saved)  # the run's audit entries are dropped afterwards
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder.with_name(folder.name + ".server.log")
    server = start_server(folder, port, pool, log, timed)
    try:
        watched = psutil.Process(server.pid)
        kinds = asyncio.run(warm_up(base, work))
        before = _audit_entries(folder)
        cpu = sum(watched.cpu_times()[:2])
        mine = time.process_time()
        started = time.perf_counter()
        tally = asyncio.run(crowd(base, work, size.users, size.seconds, kinds))
        wall = time.perf_counter() - started
        measured = Run(
            tally=tally,
            wall_s=wall,
            server_cpu_s=sum(watched.cpu_times()[:2]) - cpu,
            client_cpu_s=time.process_time() - mine,
            server_peak_mib=_peak_mib(server.pid),
            audit_entries=_audit_entries(folder) - before,
            kinds=kinds,
            loadavg_end=os.getloadavg()[0],
        )
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl+C: uvicorn shuts down, atexit hooks run
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for extra in ("-wal", "-shm"):
            Path(f"{store}{extra}").unlink(missing_ok=True)
        shutil.move(saved, store)
    return measured


@dataclass(frozen=True)
class Facts:
    """The setting of a run, for its section."""

    size: Size
    transactions: int
    loadavg: float
    pool: int | None

    @property
    def pool_text(self) -> str:
        if self.pool is None:
            return f"{SERVE_DEFAULT_POOL} (the default of `moneytrail serve`)"
        return f"{self.pool} (`--pool {self.pool}`)"


def run(
    quick: bool = False,
    pool: int | None = None,
    diagnose: bool = False,
    think: tuple[float, float] | None = None,
) -> str:
    """Measure; the full run writes the ``web-load`` section of docs/benchmarks.md (not the
    ``diagnose`` run, whose server times its own calls: see :func:`serve_timed`).

    ``think`` replaces the think time between clicks (:data:`THINK`, the stress pace the
    benchmark was written with); its run writes its own section, ``web-load-think-A-B``.
    """
    from benchmarks.common import measure

    global THINK
    section = "web-load"
    if think is not None:
        THINK = think
        section = f"web-load-think-{think[0]:g}-{think[1]:g}"

    size = QUICK if quick else FULL
    if not 1 <= size.users <= MAX_USERS:
        raise ValueError(f"{size.users} users: at most {MAX_USERS}")
    built = measure("bench_web_load", "job_build", str(size.scale))
    folder = Path(built.figures["folder"])
    work = plan(folder)
    seeds = ",".join(work.seeds)
    library = measure("bench_web_load", "job_library", str(folder), seeds).figures["times"]
    view = measure("bench_web_load", "job_trace_view", str(folder), seeds).figures["times"]
    loadavg = os.getloadavg()[0]
    timed = folder.with_name(folder.name + ".timed.json") if diagnose else None
    measured = load(folder, work, size, pool, timed)
    facts = Facts(size, int(built.figures["transactions"]), loadavg, pool)
    body = document(facts, work, measured, library, view)
    if timed is not None:
        from benchmarks.web_load_timed import diagnosis

        return body + diagnosis(json.loads(timed.read_text(encoding="utf-8")), measured.wall_s)
    if not quick:
        write_section(section, body)
    return body


def document(
    facts: Facts, work: Plan, measured: Run, library: list[float], view: list[float]
) -> str:
    """The ``web-load`` section: setting, latencies per kind, goals, the yardstick."""
    tally, size = measured.tally, facts.size
    pages = [t for kind in PAGES for t in tally.times[kind]]
    traces = tally.times["trace"]
    trace_p95 = percentile(traces, 0.95)
    lib_p95, view_p95 = percentile(library, 0.95), percentile(view, 0.95)
    rate = tally.requests / measured.wall_s
    ratio = "Seeded traces were not measured through the server: no ratio."
    if traces and lib_p95 and view_p95:
        ratio = (
            f"Web p95 / library p95: **{trace_p95 / lib_p95:,.1f}×**; web p95 / endpoint's work"
            f" p95: {trace_p95 / view_p95:,.1f}× (what {size.users} concurrent users on one"
            " process, HTTP, the session and permission checks with their audit entries add)."
        )
    rows = [_row(kind, tally.times[kind]) for kind in KINDS if tally.times[kind]]
    rows.append(_row("**pages** (queue, alert, cases, case)", pages))
    errors = "\n".join(f"    {e}" for e in tally.errors) or "    (none)"
    missing = [kind for kind in (*PAGES, "trace") if kind not in measured.kinds]
    if missing:
        rows.append(
            f"| not measured (the server answered 404: no such route) | {', '.join(missing)} |"
        )
    return f"""## Web workbench under load: {size.users} analysts, {size.seconds:.0f} s, loopback, {THINK[0]:g}–{THINK[1]:g} s between clicks

{stamp()} Load average when the load run started: {facts.loadavg:.1f}, when it ended:
{measured.loadavg_end:.1f} (figures taken on a machine busy with other jobs are upper bounds).
Command:
`python -m benchmarks.run web-load` (see `benchmarks/bench_web_load.py`).

Setting: `moneytrail synth --scale {size.scale} --seed {SEED}` ingested
({facts.transactions:,} transactions, one year), every shipped typology rule run
({work.alerts_total:,} alerts), a head of unit, a supervisor and {USERS} analysts, {CASES} cases
({CASES_WITH_EVIDENCE} holding an alert as evidence). The real server, `moneytrail serve --host
127.0.0.1` (uvicorn, **one process**, workspace connections: {facts.pool_text}; case store:
SQLite in the workspace, every permitted request appends a hash-chained audit entry), and
{size.users} simulated analysts in one client process (asyncio + httpx, a session each, signing
in as one of the {USERS} accounts over the first seconds) on the same machine. Each analyst
repeats: the queue (`/alerts`), a random alert, their case list, one of their cases, a seeded
trace (`/api/trace?seed=<alerted account>&hops={HOPS}`, {len(work.seeds)} seeds), with
{THINK[0]}–{THINK[1]} s of think time after each click (seeded RNG). One click of each kind
was made before the measured run (not counted). Latency: request sent to last byte received.
An error is any response other than the one expected (200; 303 for the login form).

| request | count | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

{tally.requests:,} requests in {measured.wall_s:.1f} s ({rate:,.1f} requests/s),
**{tally.error_count} errors**. Server CPU {measured.server_cpu_s:.1f} s
({measured.server_cpu_s / measured.wall_s:.0%} of one core,
{1000 * measured.server_cpu_s / max(tally.requests, 1):,.0f} ms of server CPU per request), client CPU
{measured.client_cpu_s:.1f} s, server peak memory {measured.server_peak_mib:,.0f} MiB;
{measured.audit_entries:,} audit entries appended during the run.

Goals (issue 17): 0 errors: {"met" if tally.error_count == 0 else "**not met**"}; pages p95 <
{PAGE_GOAL_S * 1000:.0f} ms: {_goal(pages, PAGE_GOAL_S)}; seeded trace p95 <
{TRACE_GOAL_S:.0f} s: {_goal(traces, TRACE_GOAL_S)}.

No peer: no other web workbench of this field runs offline on the same data, so there is no
ratio to a peer. Yardstick measured in the same run: the same {len(work.seeds)} seeded traces
through the library in one process, one after the other: `ws.trace` p95
{lib_p95 * 1000:,.1f} ms (median {statistics.median(library) * 1000:,.1f} ms); the endpoint's
whole work without HTTP (seed resolved, trace, shaped for the Sankey by
`graph_web.trace_view`, `to_jsonable`, `json.dumps`) p95 {view_p95 * 1000:,.1f} ms (median
{statistics.median(view) * 1000:,.1f} ms). {ratio}

Where the server's time goes: `python -m benchmarks.run web-load --web-diagnose` runs the
same load on a server whose calls are timed from inside (waiting for a workspace connection,
for the case store's write lock, the alert, case and trace calls); it does not write here.

First errors (at most 10):

{errors}
"""
