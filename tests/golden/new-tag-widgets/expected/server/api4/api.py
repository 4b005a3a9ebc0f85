from __future__ import annotations

from starlette.applications import Starlette

from server.api4.channel import init_channel
from server.api4.post import init_post
from server.api4.status import init_status
from server.api4.system import init_system
from server.api4.team import init_team
from server.api4.user import init_user
from server.api4.widget import init_widget
from server.app.app import App
from server.web.handlers import Handler, HandlerFunc, Router


class Routes:
    """The sub-routers, each commented with the full prefix of the paths it serves."""

    def __init__(self, root: Router) -> None:
        self.api_root = root.prefix("/api/v4")  # 'api/v4'

        self.users = self.api_root.prefix("/users")  # 'api/v4/users'
        self.user = self.users.prefix("/{user_id}")  # 'api/v4/users/{user_id}'
        self.user_by_username = self.users.prefix("/username/{username}")  # 'api/v4/users/username/{username}'

        self.teams = self.api_root.prefix("/teams")  # 'api/v4/teams'
        self.team = self.teams.prefix("/{team_id}")  # 'api/v4/teams/{team_id}'
        self.team_members = self.team.prefix("/members")  # 'api/v4/teams/{team_id}/members'

        self.channels = self.api_root.prefix("/channels")  # 'api/v4/channels'
        self.channel = self.channels.prefix("/{channel_id}")  # 'api/v4/channels/{channel_id}'
        self.channel_members = self.channel.prefix("/members")  # 'api/v4/channels/{channel_id}/members'
        self.channels_for_team = self.team.prefix("/channels")  # 'api/v4/teams/{team_id}/channels'

        self.posts = self.api_root.prefix("/posts")  # 'api/v4/posts'
        self.post = self.posts.prefix("/{post_id}")  # 'api/v4/posts/{post_id}'
        self.posts_for_channel = self.channel.prefix("/posts")  # 'api/v4/channels/{channel_id}/posts'

        self.system = self.api_root.prefix("/system")  # 'api/v4/system'


class API:
    """What every init_<resource> needs: the app, the routes and the handler wrappers."""

    def __init__(self, app: App, routes: Routes) -> None:
        self.app = app
        self.routes = routes

    def api_handler(self, h: HandlerFunc) -> Handler:
        """api_handler wraps a public handler: it runs with or without a session."""
        return Handler(self.app, h, require_session=False)

    def api_session_required(self, h: HandlerFunc) -> Handler:
        """api_session_required wraps a handler that needs a valid session (else 401)."""
        return Handler(self.app, h, require_session=True)

    def api_session_required_trust_requester(self, h: HandlerFunc) -> Handler:
        """api_session_required_trust_requester also takes the token from the query string,
        for URLs a browser requests directly (images, downloads)."""
        return Handler(self.app, h, require_session=True, trust_requester=True)


def init_api(app: App) -> Starlette:
    """init_api registers every route and returns the ASGI app that serves them."""
    root = Router()
    api = API(app, Routes(root))

    init_user(api)
    init_status(api)
    init_team(api)
    init_channel(api)
    init_post(api)
    init_system(api)
    init_widget(api)

    return root.asgi_app()
