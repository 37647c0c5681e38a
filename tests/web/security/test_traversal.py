"""Path traversal: no route, and no static file, serves a file it should not.

Every route with a path parameter gets traversal payloads in each of its parameters (the
others real), sent by a head of unit; the answer must never be 200 with the bytes of
``/etc/passwd``, the workspace's DuckDB file or the case store. The upload keeps a hostile
file name inside the workspace's ``uploads/`` folder.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.web.security.calls import CSV_BODY, describe, send, url_of
from tests.web.security.conftest import World
from tests.web.security.routemap import RouteInfo, declared_routes

PAYLOADS = [
    "../../../../../../../../etc/passwd",
    "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\..\\etc\\passwd",
    "../../workspace.duckdb",
    "../../cases.sqlite",
    "/etc/passwd",
    "....//....//etc/passwd",
]
STATIC = [
    "/static/../workspace.duckdb",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fapp.py",
    "/static//etc/passwd",
    "/static/..\\..\\app.py",
    "/static/%2e%2e/app.py",
]
WITH_PARAMS = [r for r in declared_routes() if r.of("path") and r.method == "GET"]


def leaked(answer: httpx.Response, world: World) -> str | None:
    """What the answer gives away of a file outside what it serves, if anything."""
    body = answer.content
    if b"root:x:0:0" in body or b"root:*:0:0" in body:
        return "/etc/passwd"
    if b"SQLite format 3" in body:
        return "an SQLite file"
    if body[8:12] == b"DUCK" or (world.folder / "workspace.duckdb").read_bytes()[:64] in body:
        return "a DuckDB file"
    if b"def create_app" in body:
        return "the app's source"
    return None


@pytest.mark.parametrize("route", WITH_PARAMS, ids=lambda r: r.id)
def test_path_parameters_do_not_traverse(world: World, route: RouteInfo) -> None:
    fatou = world.signed("fatou")
    for param in route.of("path"):
        for payload in PAYLOADS:
            path = url_of(world, route, world.moussa_case, {param.name: "SENTINEL"})
            raw = payload if "%" in payload else payload.replace("/", "%2F")
            path = path.replace("SENTINEL", raw)
            answer = send(world, fatou, route, world.moussa_case, path=path)
            assert leaked(answer, world) is None, f"{path}: {describe(answer)}"
            assert answer.status_code != 200 or route.public, (
                f"{route.id} {param.name}={payload!r}: {describe(answer)}"
            )


@pytest.mark.parametrize("path", STATIC)
def test_static_files_stay_in_their_folder(world: World, path: str) -> None:
    answer = world.anon.get(path)
    assert answer.status_code == 404, f"{path}: {describe(answer)}"
    assert leaked(answer, world) is None


def test_static_files_are_served(world: World) -> None:
    assert world.anon.get("/static/app.css").status_code == 200


def _upload_route() -> RouteInfo | None:
    """The workspace's upload (a file field, ``workspace.ingest``), if the table has one."""
    for route in declared_routes():
        files = [p for p in route.of("form") if p.is_file]
        uploads = route.method == "POST" and route.action == "workspace.ingest" and files
        if uploads and not route.path.startswith("/screening"):
            return route
    return None


@pytest.mark.parametrize(
    "name",
    ["../../secprobe.csv", "..\\..\\secprobe.csv", "/tmp/secprobe.csv", "..%2F..%2Fsecprobe.csv"],
)
def test_upload_name_stays_in_uploads(world: World, name: str) -> None:
    route = _upload_route()
    assert route is not None, "no upload route in the table: the test must follow it"
    field = next(p.name for p in route.of("form") if p.is_file)
    uploads = Path(world.app.state.web.settings.upload_dir).resolve()
    answer = send(world, world.signed("fatou"), route, files={field: (name, CSV_BODY, "text/csv")})
    assert answer.status_code < 500, describe(answer)
    escaped = [p for p in _probes(world.folder) if uploads not in p.resolve().parents]
    assert not escaped, f"upload named {name!r} wrote {escaped}"


def _probes(folder: Path) -> list[Path]:
    """Files made from the probe's name near the workspace (every world of this run) or in
    /tmp itself."""
    near = list(folder.parent.parent.glob("**/*secprobe*"))
    return near + list(Path("/tmp").glob("*secprobe*"))
