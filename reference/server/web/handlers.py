from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from server.app import session as session_app
from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import new_id
from server.model.version import CURRENT_VERSION
from server.web.context import Context

logger = logging.getLogger(__name__)

HandlerFunc = Callable[[Context], Response | None]

# Bodies are small JSON documents; anything larger is refused before it is parsed.
MAX_BODY_SIZE = 1 << 20

HEADER_REQUEST_ID = "X-Request-Id"
HEADER_VERSION_ID = "X-Version-Id"


class Handler:
    """An endpoint: a handler function and how its requests are authenticated.

    It is an ASGI app, so it plugs into a starlette Route as it is. The handler itself is
    synchronous, and it may be slow (a login hashes a password for a good part of a second): it
    runs in a worker thread, as starlette runs any sync endpoint, so the event loop keeps
    serving every other request meanwhile.
    """

    def __init__(
        self,
        app: App,
        handle_func: HandlerFunc,
        *,
        require_session: bool,
        trust_requester: bool = False,
    ) -> None:
        self.app = app
        self.handle_func = handle_func
        self.require_session = require_session
        # A trusted requester may pass its token in the query string (access_token=...), for
        # URLs a browser loads directly, such as images and downloads.
        self.trust_requester = trust_requester

    @property
    def name(self) -> str:
        return self.handle_func.__name__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request_id = new_id()
        try:
            body = await read_body(request)
        except AppError as err:
            response = error_response(err, request_id)
        else:
            context = Context(self.app, request, body, request_id)
            response = await run_in_threadpool(self.serve, context)
        response.headers[HEADER_REQUEST_ID] = request_id
        response.headers[HEADER_VERSION_ID] = CURRENT_VERSION
        await response(scope, receive, send)

    def serve(self, c: Context) -> Response:
        response: Response | None = None
        try:
            self.authenticate(c)
            if c.err is None and c.params.invalid:
                c.set_invalid_url_param(c.params.invalid)
            if c.err is None:
                response = self.handle_func(c)
        except AppError as err:
            c.err = err
        except Exception:
            logger.exception("%s: unexpected error (request_id=%s)", self.name, c.request_id)
            c.err = _internal_error(self.name)
        if c.err is None and response is None:
            c.err = _internal_error(self.name)
        if c.err is not None:
            if c.err.status_code >= 500:
                logger.error("%s: %s (request_id=%s)", self.name, c.err, c.request_id)
            return error_response(c.err, c.request_id)
        assert response is not None
        return response

    def authenticate(self, c: Context) -> None:
        """authenticate loads the session of the request's token into c.session.

        A public route serves an anonymous request, and ignores a bad token.
        """
        token, from_query = parse_auth_token(c.request)
        if token and from_query and not self.trust_requester:
            if self.require_session:
                c.err = AppError(
                    "api.context.token_provided.app_error",
                    "This route takes the session token in the Authorization header only.",
                    status_code=401,
                )
            return
        if token:
            try:
                c.session = session_app.get_session(c.app, token)
            except AppError:
                if self.require_session:
                    raise
        elif self.require_session:
            c.err = AppError(
                "api.context.session_expired.app_error",
                "Invalid or expired session, please login again.",
                detailed_error="no token",
                status_code=401,
            )


def parse_auth_token(request: Request) -> tuple[str, bool]:
    """parse_auth_token returns the request's session token and whether it came from the query.

    The header is `Authorization: Bearer <token>`; Mattermost's older `Token <token>` works too.
    """
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() in ("bearer", "token") and token.strip():
        return token.strip(), False
    query_token = request.query_params.get("access_token", "")
    return query_token, bool(query_token)


async def read_body(request: Request) -> bytes:
    """read_body reads at most MAX_BODY_SIZE bytes; a larger body is a 413."""
    declared = request.headers.get("Content-Length", "")
    # isdigit() alone takes digits int() refuses, such as "²".
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_SIZE:
        raise _too_large_error()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_SIZE:
            raise _too_large_error()
        chunks.append(chunk)
    return b"".join(chunks)


def error_response(err: AppError, request_id: str) -> Response:
    """error_response renders an AppError: its JSON, with its status."""
    err.request_id = request_id
    body = json.dumps(err.to_dict(), separators=(",", ":"))
    return Response(body, status_code=err.status_code, media_type="application/json")


def _internal_error(where: str) -> AppError:
    return AppError(
        "api.context.internal_error.app_error",
        "An internal error occurred.",
        detailed_error=where,
        status_code=500,
    )


def _too_large_error() -> AppError:
    return AppError(
        "api.context.request_body_too_large.app_error",
        f"The request body is larger than the limit of {MAX_BODY_SIZE} bytes.",
        status_code=413,
    )


class Router:
    """A route table with sub-routers: prefix() nests, handle() registers a method+path."""

    def __init__(self, path: str = "", table: list[Route] | None = None) -> None:
        self.path = path
        self._table: list[Route] = table if table is not None else []

    def prefix(self, path: str) -> Router:
        """prefix returns a sub-router for the paths under path; it shares this table."""
        return Router(self.path + path, self._table)

    def handle(self, path: str, handler: Handler, method: str) -> None:
        full_path = self.path + path
        for route in self._table:
            if route.path == full_path and method in (route.methods or ()):
                raise ValueError(f"{method} {full_path} is registered twice")
        self._table.append(APIRoute(full_path, handler, method))

    @property
    def routes(self) -> list[Route]:
        return list(self._table)

    def asgi_app(self) -> Starlette:
        """asgi_app serves the table; unknown paths and methods get the JSON error shape too."""
        routes = self.routes
        for route in routes:
            if isinstance(route, APIRoute):
                route.yield_to(routes)
        return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})


class APIRoute(Route):
    """A route of the API: one method+path, which leaves a path to the more literal routes.

    `/users/login` is a path of its own, not a user id: GET on it is a 405 (only POST is served
    there), not GET /users/{user_id}. Starlette serves the first route whose path and method
    match, so a parameter would take every literal sibling whose method differs. Here, as in
    most routers, a literal segment beats a parameter, from the left.
    """

    def __init__(self, path: str, handler: Handler, method: str) -> None:
        super().__init__(path, endpoint=handler, methods=[method], name=handler.name)
        # One entry per segment, a parameter sorting after a literal.
        self.specificity = tuple(segment.startswith("{") for segment in path.split("/"))
        self.more_literal: list[Route] = []

    def yield_to(self, routes: list[Route]) -> None:
        self.more_literal = [
            route
            for route in routes
            if isinstance(route, APIRoute) and route.specificity < self.specificity
        ]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.NONE and any(
            Route.matches(route, scope)[0] is not Match.NONE for route in self.more_literal
        ):
            return Match.NONE, {}
        return match, child_scope


async def _http_error(request: Request, exc: Exception) -> Response:
    # Routing errors happen before any Handler runs: give them the AppError shape here.
    status_code = exc.status_code if isinstance(exc, HTTPException) else 500
    if status_code == 404:
        err = AppError(
            "api.context.404.app_error",
            "Sorry, we could not find the page.",
            detailed_error=request.url.path,
            status_code=404,
        )
    elif status_code == 405:
        err = AppError(
            "api.context.405.app_error",
            f"The method {request.method} is not allowed on {request.url.path}.",
            status_code=405,
        )
    else:
        err = AppError(
            "api.context.http_error.app_error",
            exc.detail if isinstance(exc, HTTPException) else "An internal error occurred.",
            status_code=status_code,
        )
    request_id = new_id()
    response = error_response(err, request_id)
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)
    if status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    response.headers[HEADER_REQUEST_ID] = request_id
    response.headers[HEADER_VERSION_ID] = CURRENT_VERSION
    return response


def _allowed_methods(request: Request) -> list[str]:
    """_allowed_methods lists every method the request's path serves, for the `Allow` header.

    Each method of a path is a route of its own, and starlette's 405 names only the methods of
    the first route whose path matched. That first route decides which path was meant
    (`/users/logout` rather than `/users/{user_id}`); every method registered on it counts.
    """
    matched = [
        route
        for route in request.app.routes
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE
    ]
    if not matched:
        return []
    path = matched[0].path
    return sorted(
        {method for route in matched if route.path == path for method in route.methods or ()}
    )
