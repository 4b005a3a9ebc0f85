from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

API_URL_SUFFIX = "/api/v4"
HEADER_AUTH = "Authorization"
HEADER_ETAG_CLIENT = "If-None-Match"
HEADER_ETAG_SERVER = "ETag"
HEADER_REQUEST_ID = "X-Request-Id"
HEADER_TOKEN = "Token"


@dataclass
class Response:
    """What came back besides the body: the status, the Etag and, on failure, the AppError."""

    status_code: int
    etag: str = ""
    error: dict[str, Any] | None = None
    request_id: str = ""
    header: httpx.Headers = field(default_factory=httpx.Headers)


class Client4:
    """Client4 drives the REST API v4 over any httpx.Client.

    Every method returns the decoded JSON (None on 304 or on an error) and a Response; an HTTP
    error never raises, so callers and tests check resp.status_code or resp.error.
    """

    def __init__(self, url: str, http: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self.api_url = self.url + API_URL_SUFFIX
        self.http_client = http if http is not None else httpx.Client(timeout=30.0)
        self.auth_token = ""

    def set_token(self, token: str) -> None:
        self.auth_token = token

    # Routes

    def users_route(self) -> str:
        return "/users"

    def user_route(self, user_id: str) -> str:
        return f"{self.users_route()}/{user_id}"

    def user_by_username_route(self, username: str) -> str:
        return f"{self.users_route()}/username/{username}"

    def user_status_route(self, user_id: str) -> str:
        return f"{self.user_route(user_id)}/status"

    def teams_route(self) -> str:
        return "/teams"

    def team_route(self, team_id: str) -> str:
        return f"{self.teams_route()}/{team_id}"

    def team_members_route(self, team_id: str) -> str:
        return f"{self.team_route(team_id)}/members"

    def team_channels_route(self, team_id: str) -> str:
        return f"{self.team_route(team_id)}/channels"

    def channels_route(self) -> str:
        return "/channels"

    def channel_route(self, channel_id: str) -> str:
        return f"{self.channels_route()}/{channel_id}"

    def channel_members_route(self, channel_id: str) -> str:
        return f"{self.channel_route(channel_id)}/members"

    def channel_posts_route(self, channel_id: str) -> str:
        return f"{self.channel_route(channel_id)}/posts"

    def posts_route(self) -> str:
        return "/posts"

    def post_route(self, post_id: str) -> str:
        return f"{self.posts_route()}/{post_id}"

    def system_route(self) -> str:
        return "/system"

    # Verbs

    def do_api_get(
        self, url: str, etag: str = "", params: dict[str, Any] | None = None
    ) -> tuple[Any, Response]:
        return self.do_request("GET", url, etag=etag, params=params)

    def do_api_post(
        self, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> tuple[Any, Response]:
        return self.do_request("POST", url, body=body, params=params)

    def do_api_put(
        self, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> tuple[Any, Response]:
        return self.do_request("PUT", url, body=body, params=params)

    def do_api_patch(
        self, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> tuple[Any, Response]:
        return self.do_request("PATCH", url, body=body, params=params)

    def do_api_delete(
        self, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> tuple[Any, Response]:
        return self.do_request("DELETE", url, body=body, params=params)

    def do_request(
        self,
        method: str,
        url: str,
        *,
        body: Any = None,
        etag: str = "",
        params: dict[str, Any] | None = None,
    ) -> tuple[Any, Response]:
        """do_request sends one request to the API and decodes the answer."""
        headers: dict[str, str] = {}
        if self.auth_token:
            headers[HEADER_AUTH] = f"Bearer {self.auth_token}"
        if etag:
            headers[HEADER_ETAG_CLIENT] = etag
        http_response = self.http_client.request(
            method, self.api_url + url, json=body, params=params, headers=headers
        )
        return _decode(http_response)

    # User Section

    def create_user(self, user: dict[str, Any]) -> tuple[Any, Response]:
        """create_user creates an account (username, email and password are required)."""
        return self.do_api_post(self.users_route(), user)

    def login(self, login_id: str, password: str) -> tuple[Any, Response]:
        """login signs in with a username or email and keeps the session token for later calls."""
        user, resp = self.do_api_post(
            f"{self.users_route()}/login", {"login_id": login_id, "password": password}
        )
        if resp.status_code == 200:
            self.auth_token = resp.header.get(HEADER_TOKEN, "")
        return user, resp

    def logout(self) -> tuple[Any, Response]:
        """logout ends the session on the server and forgets its token."""
        status, resp = self.do_api_post(f"{self.users_route()}/logout")
        self.auth_token = ""
        return status, resp

    def get_users(self, page: int = 0, per_page: int = 60) -> tuple[Any, Response]:
        """get_users returns a page of users, ordered by username."""
        return self.do_api_get(self.users_route(), params={"page": page, "per_page": per_page})

    def get_user(self, user_id: str, etag: str = "") -> tuple[Any, Response]:
        """get_user returns a user by id (`me` for the session's user)."""
        return self.do_api_get(self.user_route(user_id), etag=etag)

    def patch_user(self, user_id: str, patch: dict[str, Any]) -> tuple[Any, Response]:
        """patch_user changes the given fields of a user and returns the user."""
        return self.do_api_put(f"{self.user_route(user_id)}/patch", patch)

    def delete_user(self, user_id: str) -> tuple[Any, Response]:
        """delete_user deactivates a user and ends their sessions."""
        return self.do_api_delete(self.user_route(user_id))

    def get_user_by_username(self, username: str) -> tuple[Any, Response]:
        """get_user_by_username returns a user by username."""
        return self.do_api_get(self.user_by_username_route(username))

    # Status Section

    def get_user_status(self, user_id: str) -> tuple[Any, Response]:
        """get_user_status returns a user's status (online, away, dnd or offline)."""
        return self.do_api_get(self.user_status_route(user_id))

    def update_user_status(self, user_id: str, status: dict[str, Any]) -> tuple[Any, Response]:
        """update_user_status sets a user's status; the body repeats the user_id."""
        return self.do_api_put(self.user_status_route(user_id), status)

    # Team Section

    def create_team(self, team: dict[str, Any]) -> tuple[Any, Response]:
        """create_team creates a team; its creator becomes a team admin."""
        return self.do_api_post(self.teams_route(), team)

    def get_team(self, team_id: str, etag: str = "") -> tuple[Any, Response]:
        """get_team returns a team by id."""
        return self.do_api_get(self.team_route(team_id), etag=etag)

    def patch_team(self, team_id: str, patch: dict[str, Any]) -> tuple[Any, Response]:
        """patch_team changes the given fields of a team and returns the team."""
        return self.do_api_put(f"{self.team_route(team_id)}/patch", patch)

    def delete_team(self, team_id: str) -> tuple[Any, Response]:
        """delete_team archives a team."""
        return self.do_api_delete(self.team_route(team_id))

    def get_team_members(
        self, team_id: str, page: int = 0, per_page: int = 60
    ) -> tuple[Any, Response]:
        """get_team_members returns a page of a team's members."""
        return self.do_api_get(
            self.team_members_route(team_id), params={"page": page, "per_page": per_page}
        )

    def add_team_member(self, team_id: str, user_id: str) -> tuple[Any, Response]:
        """add_team_member adds a user to a team and returns the team member."""
        return self.do_api_post(
            self.team_members_route(team_id), {"team_id": team_id, "user_id": user_id}
        )

    def create_team_widget(self, team_id: str, body: dict[str, Any]) -> tuple[Any, Response]:
        'create_team_widget: Create a "widget": it\'s {{ fancy }} — naïve \\ """.'
        return self.do_api_post(f"{self.team_route(team_id)}/widgets", body)

    # Channel Section

    def create_channel(self, channel: dict[str, Any]) -> tuple[Any, Response]:
        """create_channel creates a public (O) or private (P) channel in a team."""
        return self.do_api_post(self.channels_route(), channel)

    def get_channel(self, channel_id: str) -> tuple[Any, Response]:
        """get_channel returns a channel by id."""
        return self.do_api_get(self.channel_route(channel_id))

    def patch_channel(self, channel_id: str, patch: dict[str, Any]) -> tuple[Any, Response]:
        """patch_channel changes the given fields of a channel and returns the channel."""
        return self.do_api_put(f"{self.channel_route(channel_id)}/patch", patch)

    def delete_channel(self, channel_id: str) -> tuple[Any, Response]:
        """delete_channel archives a channel."""
        return self.do_api_delete(self.channel_route(channel_id))

    def get_public_channels_for_team(
        self, team_id: str, page: int = 0, per_page: int = 60
    ) -> tuple[Any, Response]:
        """get_public_channels_for_team returns a page of a team's public channels."""
        return self.do_api_get(
            self.team_channels_route(team_id), params={"page": page, "per_page": per_page}
        )

    def add_channel_member(self, channel_id: str, user_id: str) -> tuple[Any, Response]:
        """add_channel_member adds a member of the channel's team to the channel."""
        return self.do_api_post(self.channel_members_route(channel_id), {"user_id": user_id})

    # Post Section

    def create_post(self, post: dict[str, Any]) -> tuple[Any, Response]:
        """create_post posts a message in a channel, or replies in a thread with root_id."""
        return self.do_api_post(self.posts_route(), post)

    def get_post(self, post_id: str) -> tuple[Any, Response]:
        """get_post returns a post by id."""
        return self.do_api_get(self.post_route(post_id))

    def delete_post(self, post_id: str) -> tuple[Any, Response]:
        """delete_post deletes a post and the replies to it."""
        return self.do_api_delete(self.post_route(post_id))

    def get_posts_for_channel(
        self, channel_id: str, page: int = 0, per_page: int = 60, etag: str = ""
    ) -> tuple[Any, Response]:
        """get_posts_for_channel returns a page of a channel's posts, newest first."""
        return self.do_api_get(
            self.channel_posts_route(channel_id),
            etag=etag,
            params={"page": page, "per_page": per_page},
        )

    # System Section

    def get_ping(self) -> tuple[Any, Response]:
        """get_ping checks that the server is up and can reach its database."""
        return self.do_api_get(f"{self.system_route()}/ping")


def _decode(http_response: httpx.Response) -> tuple[Any, Response]:
    resp = Response(
        status_code=http_response.status_code,
        etag=http_response.headers.get(HEADER_ETAG_SERVER, ""),
        request_id=http_response.headers.get(HEADER_REQUEST_ID, ""),
        header=http_response.headers,
    )
    if http_response.status_code == 304:
        return None, resp
    if http_response.status_code >= 400:
        resp.error = _decode_error(http_response)
        return None, resp
    if not http_response.content:
        return None, resp
    return http_response.json(), resp


def _decode_error(http_response: httpx.Response) -> dict[str, Any]:
    try:
        error = http_response.json()
    except ValueError:
        error = None
    if isinstance(error, dict):
        return error
    # Something other than this server answered (a proxy, say): keep its text.
    return {
        "id": "",
        "message": http_response.text,
        "detailed_error": "",
        "request_id": "",
        "status_code": http_response.status_code,
    }
