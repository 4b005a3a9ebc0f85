from __future__ import annotations

from collections.abc import Mapping

SYSTEM_ADMIN_ROLE_ID = "system_admin"
SYSTEM_USER_ROLE_ID = "system_user"
SYSTEM_GUEST_ROLE_ID = "system_guest"
TEAM_ADMIN_ROLE_ID = "team_admin"
TEAM_USER_ROLE_ID = "team_user"
CHANNEL_USER_ROLE_ID = "channel_user"

_TEAM_USER_PERMISSIONS = frozenset(
    {
        "view_team",
        "list_team_channels",
        "create_public_channel",
        "create_private_channel",
    }
)

# The permissions each role grants within its scope: system roles everywhere, team roles in
# their team, channel roles in their channel. system_admin is absent on purpose: it grants every
# permission, including ones added after this table was written.
ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    SYSTEM_USER_ROLE_ID: frozenset({"create_team"}),
    SYSTEM_GUEST_ROLE_ID: frozenset(),
    TEAM_USER_ROLE_ID: _TEAM_USER_PERMISSIONS,
    TEAM_ADMIN_ROLE_ID: _TEAM_USER_PERMISSIONS
    | {"manage_team", "add_user_to_team", "remove_user_from_team"},
    CHANNEL_USER_ROLE_ID: frozenset(
        {
            "read_channel",
            "create_post",
            "manage_public_channel_properties",
            "manage_public_channel_members",
            "delete_public_channel",
        }
    ),
}


def roles_grant_permission(roles: str, permission: str) -> bool:
    """roles_grant_permission tells whether any of the space-separated roles grants permission."""
    for role in roles.split():
        if role == SYSTEM_ADMIN_ROLE_ID:
            return True
        if permission in ROLE_PERMISSIONS.get(role, frozenset()):
            return True
    return False
