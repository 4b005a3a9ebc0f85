"""The browsable API reference: built offline, served on 127.0.0.1, rendered by a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

from scaffold.repo.open import open_repo
from scaffold.spec.html import docs_server
from tests.conftest import Cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def build(cli: Cli, repo: Path) -> tuple[Path, list[str]]:
    result = cli("docs", "build", "--html", "--repo", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    spec = yaml.safe_load((repo / report["output"]).read_text())
    operation_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    return repo / report["html"], operation_ids


def test_page_is_self_contained(cli: Cli, repo: Path) -> None:
    page, operation_ids = build(cli, repo)
    html = page.read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("./") for s in sources), sources
    for source in sources:
        assert (page.parent / source).is_file()
    for operation_id in operation_ids:
        assert f'"operationId": "{operation_id}"' in html


def test_serve_answers_on_loopback(cli: Cli, repo: Path) -> None:
    page, _ = build(cli, repo)
    server = docs_server(page.parent, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        import httpx

        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        response = httpx.get(f"http://127.0.0.1:{port}/index.html", timeout=10)
        assert response.status_code == 200 and "SwaggerUIBundle" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/swagger-ui-bundle.js", timeout=10).status_code == 200
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_page_is_a_clear_error(tmp_path: Path) -> None:
    from scaffold.errors import UsageError

    with pytest.raises(UsageError, match="docs build --html"):
        docs_server(tmp_path, 0)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: the page is not rendered in a browser")
def test_every_operation_renders_in_chromium(cli: Cli, repo: Path) -> None:
    assert cli("endpoint", "add", "GET", "/widgets/{widget_id}", "--permission", "none", "--summary", "Get a widget", "--repo", str(repo)).exit_code == 0
    page, operation_ids = build(cli, repo)
    assert "GetWidget" in operation_ids
    server = docs_server(page.parent, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run(
                [
                    str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                    "--dump-dom", f"http://127.0.0.1:{port}/index.html",
                ],
                capture_output=True, text=True, timeout=120,
            ).stdout
    finally:
        server.shutdown()
        server.server_close()
    # Swagger UI draws one block per operation, showing its operationId.
    rendered = set(re.findall(r'class="opblock-summary-operation-id"[^>]*>([^<]+)<', dom))
    assert rendered == set(operation_ids), set(operation_ids) ^ rendered
    assert open_repo(repo).docs_prefix + "/widgets/{widget_id}" in dom
