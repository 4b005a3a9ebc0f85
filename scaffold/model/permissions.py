"""Who may call an endpoint, and who its generated tests run as.

A repo's permission model (`[permissions]` in scaffold.toml): the roles and the permissions
each grants; the scopes a permission is checked in, each named by a path parameter, with the
App method that checks it there and the member roles that count there besides the system roles;
and the actors of the tests (`[[tests.actors]]`), least privileged first: the client each runs
as, the roles it holds, and the values of path parameters naming the resources it holds them on.

From these, the matrix picks its actors: the success case runs as the least privileged actor
the endpoint admits, the 403 case as the most privileged one that lacks exactly the checked
permission, the 404 case as the least privileged one its system roles alone admit (a resource
that does not exist has no members). Defaults are the reference server's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scaffold.model.reader import TableReader

#: A role that grants every permission.
EVERY = "*"


@dataclass(frozen=True)
class Scope:
    """Where the App method `check` checks a permission: the resource `param` names."""

    #: the App method that checks a permission there
    check: str
    #: the path parameter (or body field) that names the resource
    param: str
    #: the member roles that count there, besides the system roles
    roles: tuple[str, ...] = ()
    #: whoever owns the resource is admitted whatever the permission (the user themself, a
    #: post's author)
    admits_owner: bool = False


@dataclass(frozen=True)
class Actor:
    """Someone a generated test runs as."""

    name: str
    #: the expression of its driver client
    client: str
    #: every role it holds: system roles, and member roles on the resources of `params`
    roles: tuple[str, ...]
    #: path parameter → the expression of a resource it holds its member roles on
    params: Mapping[str, str] = field(default_factory=dict)
    #: the parameters of `params` that name resources it owns (itself, a post it wrote)
    owns: tuple[str, ...] = ()
    #: statements that make it the one `client` logs in as
    setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Permissions:
    #: the App method that checks a permission with the system roles alone
    check: str
    #: role → the permissions it grants (`*`: all)
    roles: Mapping[str, frozenset[str]]
    #: narrowest first
    scopes: tuple[Scope, ...]
    #: permissions that exist though no role but an all-granting one grants them
    others: frozenset[str] = frozenset()

    @property
    def known(self) -> frozenset[str]:
        """Every permission of the repo."""
        granted = {p for permissions in self.roles.values() for p in permissions if p != EVERY}
        return frozenset(granted) | self.others

    @property
    def member_roles(self) -> frozenset[str]:
        return frozenset(role for scope in self.scopes for role in scope.roles)

    def scope_for(self, params: Iterable[str]) -> Scope | None:
        """The narrowest scope a path with these parameters names (None: the system scope):
        the one a generated handler checks."""
        names = set(params)
        return next((scope for scope in self.scopes if scope.param in names), None)

    def scope_checked_by(self, check: str, param: str | None) -> Scope | None:
        """The scope of a handler that calls the App method `check` on the resource `param`
        names (None for the system check, or a method the model does not know)."""
        scope = next((s for s in self.scopes if s.check == check), None)
        if scope is None or param is None or param == scope.param:
            return scope
        return Scope(scope.check, param, scope.roles, scope.admits_owner)

    def grants(self, roles: Iterable[str], permission: str) -> bool:
        return any(
            permission in self.roles.get(role, ()) or EVERY in self.roles.get(role, ())
            for role in roles
        )

    def admits(self, actor: Actor, permission: str | None, scope: Scope | None, *, members: bool = True) -> bool:
        """Whether `actor`, calling with its own `params`, passes the permission check.

        With `members` False only its system roles count (a resource that does not exist).
        """
        if permission is None:
            return True
        if scope is not None and scope.admits_owner and members and scope.param in actor.owns:
            return True
        counting = [r for r in actor.roles if r not in self.member_roles]
        if members and scope is not None:
            counting += [r for r in actor.roles if r in scope.roles]
        return self.grants(counting, permission)


def success_actor(perms: Permissions, actors: tuple[Actor, ...], permission: str | None, scope: Scope | None) -> Actor | None:
    return next((a for a in actors if perms.admits(a, permission, scope)), None)


def forbidden_actor(perms: Permissions, actors: tuple[Actor, ...], permission: str | None, scope: Scope | None) -> Actor | None:
    if permission is None:
        return None
    return next((a for a in reversed(actors) if not perms.admits(a, permission, scope)), None)


def not_found_actor(perms: Permissions, actors: tuple[Actor, ...], permission: str | None, scope: Scope | None) -> Actor | None:
    return next((a for a in actors if perms.admits(a, permission, scope, members=False)), None)


_CHANNEL_ROLES = ("channel_user", "team_user", "team_admin")
_TEAM_USER = frozenset({"view_team", "list_team_channels", "create_public_channel", "create_private_channel"})

DEFAULT_PERMISSIONS = Permissions(
    check="session_has_permission_to",
    roles={
        "system_admin": frozenset({EVERY}),
        "system_user": frozenset({"create_team"}),
        "system_guest": frozenset(),
        "team_user": _TEAM_USER,
        "team_admin": _TEAM_USER | {"manage_team", "add_user_to_team", "remove_user_from_team"},
        "channel_user": frozenset(
            {
                "read_channel",
                "create_post",
                "manage_public_channel_properties",
                "manage_public_channel_members",
                "delete_public_channel",
            }
        ),
    },
    scopes=(
        Scope("session_has_permission_to_channel", "channel_id", _CHANNEL_ROLES),
        Scope("session_has_permission_to_channel_by_post", "post_id", _CHANNEL_ROLES),
        Scope("session_has_permission_to_post", "post_id", _CHANNEL_ROLES, admits_owner=True),
        Scope("session_has_permission_to_team", "team_id", ("team_user", "team_admin")),
        Scope("session_has_permission_to_user", "user_id", admits_owner=True),
    ),
    others=frozenset({"manage_system", "edit_other_users"}),
)

_BASIC = {
    "team_id": "th.basic_team.id",
    "channel_id": "th.basic_channel.id",
    "post_id": "th.basic_post.id",
}

DEFAULT_ACTORS = (
    Actor("guest", "th.guest_client", ("system_guest",), {"user_id": "th.basic_user.id", **_BASIC}),
    Actor(
        "outsider",
        "th.client",
        ("system_user",),
        {
            "user_id": "th.basic_user2.id",
            "team_id": "th.other_team.id",
            "channel_id": "th.other_channel.id",
            "post_id": "th.other_post.id",
        },
    ),
    Actor(
        "member",
        "th.client",
        ("system_user", "team_user", "channel_user"),
        {"user_id": "th.basic_user2.id", **_BASIC},
        owns=("user_id",),
        setup=("th.login_basic2()",),
    ),
    Actor(
        "owner",
        "th.client",
        ("system_user", "team_user", "team_admin", "channel_user"),
        {"user_id": "th.basic_user.id", **_BASIC},
        owns=("user_id", "post_id"),
    ),
    Actor(
        "admin",
        "th.system_admin_client",
        ("system_admin", "system_user"),
        {"user_id": "th.basic_user.id", **_BASIC},
    ),
)


def parse_permissions(reader: TableReader, data: dict[str, Any]) -> Permissions:
    """`[permissions]` of scaffold.toml, the reference's model where it says nothing."""
    table = reader.table(data, "permissions", required=False)
    if not table:
        return DEFAULT_PERMISSIONS
    roles: dict[str, frozenset[str]] = {}
    for role, granted in reader.table(table, "permissions.roles").items():
        if not isinstance(granted, list) or not all(isinstance(p, str) and p for p in granted):
            raise reader.error("permissions.roles", role, f"[permissions.roles] {role} must be a list of permissions")
        roles[role] = frozenset(granted)
    scopes = []
    for check, spec in reader.table(table, "permissions.scopes", required=False).items():
        name = f"permissions.scopes.{check}"
        if not isinstance(spec, dict):
            raise reader.error("permissions.scopes", check, f"[{name}] must be a table")
        members = tuple(reader.string_list(spec, name, "roles", default=[]))
        unknown = [r for r in members if r not in roles]
        if unknown:
            raise reader.error(name, "roles", f"[{name}] roles names {unknown[0]!r}, which [permissions.roles] lacks")
        admits_owner = spec.get("admits_owner", False)
        if not isinstance(admits_owner, bool):
            raise reader.error(name, "admits_owner", f"[{name}] admits_owner must be true or false")
        scopes.append(Scope(check, reader.string(spec, name, "param"), members, admits_owner))
    check = reader.string(table, "permissions", "check", default=DEFAULT_PERMISSIONS.check)
    others = frozenset(reader.string_list(table, "permissions", "others", default=[]))
    return Permissions(check, roles, tuple(scopes), others)


def parse_actors(reader: TableReader, tests: dict[str, Any], permissions: Permissions) -> tuple[Actor, ...]:
    """`[[tests.actors]]` of scaffold.toml, least privileged first (the reference's by default)."""
    listed = tests.get("actors")
    if listed is None:
        return DEFAULT_ACTORS
    if not isinstance(listed, list) or not listed or not all(isinstance(a, dict) for a in listed):
        raise reader.error("tests", "actors", "[[tests.actors]] must be tables, one per actor")
    actors = []
    for spec in listed:
        name = reader.string(spec, "tests.actors", "name")
        roles = tuple(reader.string_list(spec, "tests.actors", "roles", default=[]))
        unknown = [r for r in roles if r not in permissions.roles]
        if unknown:
            raise reader.error("tests.actors", "roles", f"actor {name} holds {unknown[0]!r}, which [permissions.roles] lacks")
        params = spec.get("params", {})
        if not isinstance(params, dict) or not all(isinstance(v, str) and v for v in params.values()):
            raise reader.error("tests.actors", "params", f"actor {name}: params must map parameters to expressions")
        owns = tuple(reader.string_list(spec, "tests.actors", "owns", default=[]))
        if not set(owns) <= set(params):
            raise reader.error("tests.actors", "owns", f"actor {name}: owns names a parameter its params lack")
        actors.append(
            Actor(
                name=name,
                client=reader.string(spec, "tests.actors", "client"),
                roles=roles,
                params=dict(params),
                owns=owns,
                setup=tuple(reader.string_list(spec, "tests.actors", "setup", default=[])),
            )
        )
    return tuple(actors)
