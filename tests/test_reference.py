"""The reference server that `scaffold init` copies: it serves, keeps its data, and documents
exactly the routes it registers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from scaffold.repo.open import open_repo
from scaffold.scan.scanner import scan
from tests.conftest import run_repo_tests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(repo: Path, *args: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--port", str(port), *args],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/v4/system/ping", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode() if process.stderr else "no output") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


def test_serves_and_keeps_users_across_restarts(repo: Path, tmp_path: Path) -> None:
    database = tmp_path / "server.db"
    with serving(repo, "--db", str(database)) as url:
        assert httpx.get(f"{url}/api/v4/system/ping").status_code == 200
        created = httpx.post(
            f"{url}/api/v4/users",
            json={"username": "alice", "email": "alice@example.com", "password": "secret-password"},
        )
        assert created.status_code == 201, created.text
    with serving(repo, "--db", str(database)) as url:
        login = httpx.post(f"{url}/api/v4/users/login", json={"login_id": "alice", "password": "secret-password"})
        assert login.status_code == 200, login.text
        token = login.headers["Token"]
        me = httpx.get(f"{url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["id"] == created.json()["id"]


def test_default_database_is_a_file_under_the_repo(repo: Path) -> None:
    with serving(repo) as url:
        assert httpx.get(f"{url}/api/v4/system/ping").json()["status"] == "OK"
    assert list((repo / "data").glob("*.db"))


def test_every_route_is_documented_and_every_doc_has_a_route(repo: Path) -> None:
    inventory = scan(open_repo(repo))
    routes = {(r.method, r.path) for r in inventory.routes}
    documented = {(d.method, d.path) for d in inventory.docs}
    assert routes == documented
    assert len(routes) == 27


def test_own_suite_passes_in_an_init_copy(repo: Path) -> None:
    result = run_repo_tests(repo)
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_permission_model_of_scaffold_toml_is_the_servers(pristine: Path) -> None:
    """scaffold.toml's [permissions] describes server/model/role.py: the actors of the
    generated tests are only right while the two agree."""
    layout = open_repo(pristine)
    code = (
        "import json, sys; from server.model.role import ROLE_PERMISSIONS as R; "
        "json.dump({k: sorted(v) for k, v in R.items()}, sys.stdout)"
    )
    served = subprocess.run([sys.executable, "-c", code], cwd=pristine, capture_output=True, text=True, check=True)
    import json

    declared = {role: sorted(p) for role, p in layout.permissions.roles.items() if "*" not in p}
    assert declared == json.loads(served.stdout)
    assert layout.permissions.roles["system_admin"] == frozenset({"*"})  # grants all, as role.py says
