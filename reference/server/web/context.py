from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any, NoReturn
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import is_valid_id
from server.model.session import Session
from server.model.user import is_valid_email, is_valid_username

logger = logging.getLogger(__name__)

PAGE_DEFAULT = 0
# page * per_page is the SQL OFFSET, a signed 64-bit integer in SQLite: a page that fits in 32
# bits keeps it in range whatever per_page is.
PAGE_MAXIMUM = (1 << 31) - 1
PER_PAGE_DEFAULT = 60
PER_PAGE_MAXIMUM = 200

# Plain decimal digits only: int() would also take "1_0", " 7 " and non-ASCII digits.
_UNSIGNED_INT = re.compile(r"[0-9]{1,10}")


class Params:
    """The path and query parameters of a request.

    The common ones are typed attributes. Any other reads as a string ("" when absent), so a
    handler for a new path can use c.params.<name> for its own parameters.
    """

    def __init__(self, path: Mapping[str, Any], query: Mapping[str, str]) -> None:
        self._values: dict[str, str] = {**query, **{k: str(v) for k, v in path.items()}}
        self.user_id = self._values.get("user_id", "")
        self.team_id = self._values.get("team_id", "")
        self.channel_id = self._values.get("channel_id", "")
        self.post_id = self._values.get("post_id", "")
        self.username = self._values.get("username", "")
        # The first query parameter that failed to parse; the wrapper turns it into a 400
        # before the handler runs, so handlers read page and per_page as plain integers.
        self.invalid = ""
        self.page = self._int("page", PAGE_DEFAULT, 0, PAGE_MAXIMUM)
        self.per_page = self._int("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAXIMUM)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._values.get(name, "")

    def _int(self, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = self._values.get(name)
        if raw is None:
            return default
        value = int(raw) if _UNSIGNED_INT.fullmatch(raw) else minimum - 1
        if not minimum <= value <= maximum:
            self.invalid = self.invalid or name
            return default
        return value


class Context:
    """Everything a handler needs: the app, the session, the parameters and the error state.

    A handler validates with the require_* helpers, which record the first failure in c.err,
    and returns None when c.err is set; the wrapper renders the error.
    """

    def __init__(self, app: App, request: Request, body: bytes, request_id: str) -> None:
        self.app = app
        self.request = request
        self.request_id = request_id
        self.session = Session()
        self.params = Params(request.path_params, request.query_params)
        self.err: AppError | None = None
        self._body = body
        self._etag = ""
        self._headers: dict[str, str] = {}

    # URL parameters (400 invalid_url_param). Each returns the context, so calls chain.

    def require_id(self, name: str) -> Context:
        if self.err is None and not is_valid_id(getattr(self.params, name)):
            self.set_invalid_url_param(name)
        return self

    def require_user_id(self) -> Context:
        if self.err is None and self.params.user_id == "me" and self.session.user_id:
            self.params.user_id = self.session.user_id
        return self.require_id("user_id")

    def require_team_id(self) -> Context:
        return self.require_id("team_id")

    def require_channel_id(self) -> Context:
        return self.require_id("channel_id")

    def require_post_id(self) -> Context:
        return self.require_id("post_id")

    def require_username(self) -> Context:
        if self.err is None and not is_valid_username(self.params.username):
            self.set_invalid_url_param("username")
        return self

    # The JSON body (400 invalid_body_param).

    def json_object(self) -> dict[str, Any]:
        """json_object decodes the body, which must be a JSON object; {} after an error."""
        if self.err is not None:
            return {}
        value = decode_json(self._body)
        if not isinstance(value, dict):
            self.set_invalid_param("body")
            return {}
        return value

    def require_fields(
        self,
        body: Mapping[str, Any],
        required: Mapping[str, type] | None = None,
        *,
        optional: Mapping[str, type] | None = None,
    ) -> Context:
        """require_fields checks the fields' types; a required string must not be empty."""
        if self.err is not None:
            return self
        for name, kind in (required or {}).items():
            value = body.get(name)
            if not _has_type(value, kind) or value == "":
                self.set_invalid_param(name)
                return self
        for name, kind in (optional or {}).items():
            if name in body and not _has_type(body[name], kind):
                self.set_invalid_param(name)
                return self
        return self

    def require_values(
        self,
        body: Mapping[str, Any],
        *,
        lengths: Mapping[str, tuple[int | None, int | None]] | None = None,
        ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
        choices: Mapping[str, tuple[str, ...]] | None = None,
        patterns: Mapping[str, str] | None = None,
        formats: Mapping[str, str] | None = None,
    ) -> Context:
        """require_values checks what the docs state of each field present, after
        require_fields has checked its type: a length or a range (bounds included, None for no
        bound), one of the choices, a pattern (searched, as JSON Schema does), a format (`id`,
        `email`, `uuid`, `date-time`, `uri`)."""
        if self.err is not None:
            return self
        checks: list[tuple[str, Callable[[Any], bool]]] = [
            *((name, partial(_length_within, bounds=b)) for name, b in (lengths or {}).items()),
            *((name, partial(_within, bounds=b)) for name, b in (ranges or {}).items()),
            *((name, partial(_one_of, choices=c)) for name, c in (choices or {}).items()),
            *((name, partial(_matches, pattern=p)) for name, p in (patterns or {}).items()),
            *((name, FORMATS[kind]) for name, kind in (formats or {}).items()),
        ]
        for name, valid in checks:
            if body.get(name) is not None and not valid(body[name]):
                self.set_invalid_param(name)
                return self
        return self

    # Errors.

    def set_invalid_url_param(self, name: str) -> None:
        self.err = AppError(
            "api.context.invalid_url_param.app_error",
            f"Invalid or missing {name} parameter in request URL.",
            status_code=400,
        )

    def set_invalid_param(self, name: str) -> None:
        self.err = AppError(
            "api.context.invalid_body_param.app_error",
            f"Invalid or missing {name} in request body.",
            status_code=400,
        )

    def set_permission_error(self, permission: str) -> None:
        self.err = AppError(
            "api.context.permissions.app_error",
            "You do not have the appropriate permissions.",
            detailed_error=f"user_id={self.session.user_id}, permission={permission}",
            status_code=403,
        )

    # Responses.

    def handle_etag(self, etag: str, route_name: str) -> bool:
        """handle_etag sends etag with the response and tells whether the client has it already."""
        self._etag = etag
        if etag and self.request.headers.get("If-None-Match") == etag:
            logger.debug("%s: not modified", route_name)
            return True
        return False

    def set_header(self, name: str, value: str) -> None:
        self._headers[name] = value

    def json(self, value: object, status: int = 200) -> Response:
        body = json.dumps(to_jsonable(value), separators=(",", ":"))
        headers = self._response_headers()
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    def status_ok(self) -> Response:
        return self.json({"status": "OK"})

    def not_modified(self) -> Response:
        return Response(status_code=304, headers=self._response_headers())

    def _response_headers(self) -> dict[str, str]:
        headers = dict(self._headers)
        if self._etag:
            headers["ETag"] = self._etag
        return headers


def decode_json(body: bytes) -> Any:
    """decode_json parses a request body as strict JSON text; None when it is not.

    Python's parser takes more than JSON: NaN and Infinity, and lone surrogates (`"\\ud800"`)
    that no UTF-8 text can hold, which would fail later, in the database or a password hash.
    Nesting deeper than the interpreter's recursion limit is refused too.
    """
    try:
        value = json.loads(body, parse_constant=_reject_constant)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):
        # UnicodeError is a ValueError: bad UTF-8 in the body, or a lone surrogate in a string.
        return None
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def to_jsonable(value: object) -> Any:
    """to_jsonable turns entities (anything with to_dict) and containers of them into JSON."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


def _within(value: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def _length_within(value: str, bounds: tuple[int | None, int | None]) -> bool:
    return _within(len(value), bounds)


def _one_of(value: str, choices: tuple[str, ...]) -> bool:
    return value in choices


def _matches(value: str, pattern: str) -> bool:
    return re.search(pattern, value) is not None


def _is_uuid(value: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value) is not None


def _is_date_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value.upper()


def _is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or bool(parts.path))


#: The formats require_values knows: each a test of a string.
FORMATS: dict[str, Callable[[str], bool]] = {
    "id": is_valid_id,
    "email": is_valid_email,
    "uuid": _is_uuid,
    "date-time": _is_date_time,
    "uri": _is_uri,
}


def _has_type(value: object, kind: type) -> bool:
    # bool is an int in Python, never in JSON.
    if isinstance(value, bool) and kind is not bool:
        return False
    return isinstance(value, kind)
