"""The browsable API reference: a static page beside the merged spec, and a local server.

The page uses Swagger UI from the swagger-ui-bundle package, copied next to it, so it works
offline — no CDN — from disk or from `scaffold docs serve`.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.errors import UsageError
from scaffold.repo.workspace import Workspace

# Only for types: rendering (jinja) is needed by --html alone, and `docs build` without it
# should not pay for importing it.
if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from scaffold.text.render import Renderer

#: The Swagger UI files the page loads, copied from the packaged distribution.
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")


def page_directory(docs_output: str) -> str:
    return posixpath.dirname(docs_output) or "."


def plan_html(docs_output: str, spec: dict[str, Any], workspace: Workspace, renderer: Renderer) -> str:
    """Write index.html and its assets beside the spec; return the page's path."""
    import swagger_ui_bundle  # type: ignore[import-untyped]  # imported here: only --html needs it

    directory = page_directory(docs_output)
    # "</" would end the <script> element early; JSON allows the escaped form.
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=False).replace("</", "<\\/")
    title = str((spec.get("info") or {}).get("title") or "API Reference")
    page = f"{directory}/index.html"
    workspace.write(page, renderer.render("docs_index.html.jinja", title=title, spec_json=spec_json))
    source = Path(swagger_ui_bundle.swagger_ui_path)
    for name in ASSETS:
        workspace.write(f"{directory}/{name}", (source / name).read_text(encoding="utf-8"))
    return page


def docs_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """A server for the built page on 127.0.0.1 (port 0 picks a free one)."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer  # only `docs serve`

    root = os.path.realpath(directory)

    class _QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """The CLI says where the page is; one line per request would drown it."""

        def send_head(self) -> Any:
            """Nothing but the page's own files: a link in its directory serves nothing from elsewhere."""
            real = os.path.realpath(self.translate_path(self.path))
            if real != root and not real.startswith(root + os.sep):
                self.send_error(404, "File not found")
                return None
            return super().send_head()

    if not (directory / "index.html").is_file():
        raise UsageError(f"no API reference in {directory}", hint="run `scaffold docs build --html` first")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as err:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {err.strerror}", hint="choose another --port") from None

