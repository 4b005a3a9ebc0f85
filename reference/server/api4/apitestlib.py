from __future__ import annotations

import asyncio
import functools
import tomllib
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from starlette.types import ASGIApp

from server.api4.api import init_api
from server.app import channel as channel_app
from server.app import post as post_app
from server.app import team as team_app
from server.app import user as user_app
from server.app.app import App, Config
from server.model.channel import CHANNEL_OPEN, Channel
from server.model.client4 import Client4, Response
from server.model.ids import new_id
from server.model.post import Post
from server.model.role import SYSTEM_ADMIN_ROLE_ID, SYSTEM_GUEST_ROLE_ID, SYSTEM_USER_ROLE_ID
from server.model.team import TEAM_OPEN, Team
from server.model.user import User
from server.store.sqlstore import SqlStore

# The password of every user the helper creates.
PASSWORD = "Pa$$word11"

# The address the test client answers on; requests never leave the process.
TEST_URL = "http://testserver"

# Few hashing rounds keep each test's setup fast; the hashing code is the production one.
TEST_CONFIG = Config(password_hash_iterations=1_000)


class InProcessTransport(httpx.BaseTransport):
    """Serves a plain httpx.Client from an ASGI app in this process, on one event loop.

    The driver takes any httpx.Client, so tests run the real app, wrappers and all, without a
    socket or a thread.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Reading the body here turns a sync-only stream (a generator) into one the ASGI
        # transport can read; a streamed body still arrives without a Content-Length.
        request.read()
        return self._loop.run_until_complete(self._handle(request))

    def close(self) -> None:
        self._loop.close()

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )


class TestHelper:
    """A server on a fresh in-memory database, its users, a team, channels and posts.

    The basic users share basic_team and basic_channel; other_team, other_channel and
    other_post belong to the system admin and are out of the basic user's reach.
    """

    __test__ = False  # a helper, not a test class

    system_admin_user: User
    basic_user: User
    basic_user2: User
    guest_user: User
    basic_team: Team
    basic_channel: Channel
    basic_post: Post
    other_team: Team
    other_channel: Channel
    other_post: Post
    client: Client4
    system_admin_client: Client4
    guest_client: Client4

    #: the password of every user the helper creates
    password = PASSWORD

    def __init__(self) -> None:
        self.store = SqlStore(":memory:")
        self.app = App(self.store, TEST_CONFIG)
        transport = InProcessTransport(init_api(self.app))
        self.http = httpx.Client(transport=transport, base_url=TEST_URL)

    def init_basic(self) -> TestHelper:
        self.system_admin_user = self.create_user(f"{SYSTEM_ADMIN_ROLE_ID} {SYSTEM_USER_ROLE_ID}")
        self.basic_user = self.create_user()
        self.basic_user2 = self.create_user()
        # A guest of the system: member of nothing, allowed nothing beyond reading users.
        self.guest_user = self.create_user(SYSTEM_GUEST_ROLE_ID)

        # The basic user created basic_team, so administers it; basic_user2 is a plain member.
        self.basic_team = self.create_team(self.basic_user)
        self.link_user_to_team(self.basic_user2, self.basic_team)
        self.basic_channel = self.create_channel(self.basic_team, self.basic_user)
        self.add_user_to_channel(self.basic_user2, self.basic_channel)
        self.basic_post = self.create_post(self.basic_channel, self.basic_user)

        self.other_team = self.create_team(self.system_admin_user)
        self.other_channel = self.create_channel(self.other_team, self.system_admin_user)
        self.other_post = self.create_post(self.other_channel, self.system_admin_user)

        self.client = self.login(self.basic_user)
        self.system_admin_client = self.login(self.system_admin_user)
        self.guest_client = self.login(self.guest_user)
        return self

    def tear_down(self) -> None:
        self.http.close()
        self.store.close()

    def create_client(self) -> Client4:
        """create_client returns a client without a session."""
        return Client4(TEST_URL, http=self.http)

    def login(self, user: User) -> Client4:
        client = self.create_client()
        _, resp = client.login(user.username, PASSWORD)
        check_ok_status(resp)
        return client

    def login_basic2(self) -> None:
        """login_basic2 switches th.client to basic_user2, a plain member of basic_team."""
        self.client = self.login(self.basic_user2)

    def create_user(self, roles: str = SYSTEM_USER_ROLE_ID) -> User:
        username = f"user-{new_id()[:12]}"
        user = user_app.create_user(
            self.app,
            {"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        )
        if user.roles != roles:
            user.roles = roles
            self.store.user().update(user)
        return user

    def create_team(self, creator: User) -> Team:
        name = f"team-{new_id()[:12]}"
        return team_app.create_team(
            self.app, creator.id, {"name": name, "display_name": name, "type": TEAM_OPEN}
        )

    def link_user_to_team(self, user: User, team: Team) -> None:
        team_app.add_team_member(self.app, team.id, user.id)

    def create_channel(self, team: Team, creator: User, type: str = CHANNEL_OPEN) -> Channel:
        name = f"channel-{new_id()[:12]}"
        return channel_app.create_channel(
            self.app,
            creator.id,
            {"team_id": team.id, "name": name, "display_name": name, "type": type},
        )

    def add_user_to_channel(self, user: User, channel: Channel) -> None:
        channel_app.add_channel_member(self.app, channel.id, user.id)

    def create_post(self, channel: Channel, user: User) -> Post:
        return post_app.create_post(
            self.app, user.id, {"channel_id": channel.id, "message": f"message {new_id()}"}
        )


def setup() -> TestHelper:
    return TestHelper()


def check_ok_status(resp: Response) -> None:
    _check_status(resp, 200)


def check_created_status(resp: Response) -> None:
    _check_status(resp, 201)


def check_accepted_status(resp: Response) -> None:
    _check_status(resp, 202)


def check_no_content_status(resp: Response) -> None:
    _check_status(resp, 204)


def check_bad_request_status(resp: Response) -> None:
    _check_status(resp, 400)


def check_unauthorized_status(resp: Response) -> None:
    _check_status(resp, 401)


def check_forbidden_status(resp: Response) -> None:
    _check_status(resp, 403)


def check_not_found_status(resp: Response) -> None:
    _check_status(resp, 404)


def check_request_entity_too_large_status(resp: Response) -> None:
    _check_status(resp, 413)


def check_not_implemented_status(resp: Response) -> None:
    _check_status(resp, 501)


def check_error_id(resp: Response, error_id: str) -> None:
    if resp.error is None:
        raise AssertionError(f"expected error {error_id!r}, got status {resp.status_code}")
    if resp.error.get("id") != error_id:
        raise AssertionError(f"expected error {error_id!r}, got {resp.error.get('id')!r}")


def check_documented(data: Any, resp: Response, operation_id: str) -> None:
    """check_documented asserts the body matches what the API reference documents for the
    operation and the response's status code."""
    schema = _documented_schema(operation_id, resp.status_code)
    if schema is None:
        raise AssertionError(f"{operation_id} documents no JSON body for status {resp.status_code}")
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "the body"
        raise AssertionError(f"{operation_id}: {where} does not match the doc: {errors[0].message}")


# The API reference: the fragments of api/v4/source merged in the build order of scaffold.toml.
_ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _spec() -> dict[str, Any]:
    docs = tomllib.loads((_ROOT / "scaffold.toml").read_text(encoding="utf-8"))["docs"]
    text = "".join((_ROOT / docs["source"] / name).read_text(encoding="utf-8") for name in docs["build"])
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def _documented_schema(operation_id: str, status: int) -> dict[str, Any] | None:
    for item in _spec()["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                response = operation["responses"].get(str(status)) or {}
                return response.get("content", {}).get("application/json", {}).get("schema")
    raise AssertionError(f"no operation {operation_id} in the API reference")


def _validator(schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    # `$ref`s point into the whole reference: resolve them there.
    spec = Resource.from_contents(_spec(), default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource("urn:api", spec)
    return jsonschema.Draft4Validator(_rebased(schema), registry=registry)


def _rebased(schema: Any) -> Any:
    """`schema` with its local `$ref`s (`#/components/...`) pointing into the reference (those
    of the schemas they lead to resolve there by themselves)."""
    if isinstance(schema, dict):
        return {k: ("urn:api" + v if k == "$ref" and v.startswith("#") else _rebased(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebased(item) for item in schema]
    return schema


def check_etag(data: Any, resp: Response) -> None:
    """check_etag asserts a 304: the client's copy is current, and no body came back."""
    if resp.status_code != 304:
        raise AssertionError(f"expected status 304, got {resp.status_code}: {resp.error}")
    if data is not None:
        raise AssertionError(f"expected no data with a 304, got {data!r}")


def _check_status(resp: Response, expected: int) -> None:
    # Explicit raises rather than assert: this module is imported, not rewritten by pytest.
    if resp.status_code != expected:
        raise AssertionError(f"expected status {expected}, got {resp.status_code}: {resp.error}")
    if expected >= 400:
        if resp.error is None:
            raise AssertionError(f"expected an error body with status {expected}")
        if resp.error.get("status_code") != expected:
            raise AssertionError(f"error body says status {resp.error.get('status_code')}")
        if resp.error.get("request_id") != resp.request_id:
            raise AssertionError("the error body and the X-Request-Id header disagree")
