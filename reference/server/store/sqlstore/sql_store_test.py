from __future__ import annotations

from pathlib import Path

import pytest

from server.model.ids import new_id
from server.model.team import Team, TeamMember
from server.model.user import User
from server.store.sqlstore import SqlStore
from server.store.store import ConflictError


def _user(username: str) -> User:
    return User(
        id=new_id(),
        username=username,
        email=f"{username}@example.com",
        password="x",
        roles="system_user",
    )


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "server.db")
    store = SqlStore(path)
    user = store.user().save(_user("kept"))
    store.close()

    store = SqlStore(path)
    try:
        assert store.user().get(user.id) == user
    finally:
        store.close()


def test_unique_username_is_a_conflict() -> None:
    store = SqlStore(":memory:")
    try:
        store.user().save(_user("taken"))
        with pytest.raises(ConflictError):
            store.user().save(_user("taken"))
    finally:
        store.close()


def test_save_member_rejoins() -> None:
    store = SqlStore(":memory:")
    try:
        user = store.user().save(_user("member"))
        team = store.team().save(Team(id=new_id(), display_name="T", name="team"))
        store.team().save_member(TeamMember(team.id, user.id, "team_user", delete_at=5))
        assert store.team().get_members(team.id, offset=0, limit=10) == []
        store.team().save_member(TeamMember(team.id, user.id, "team_user"))
        assert [m.user_id for m in store.team().get_members(team.id, 0, 10)] == [user.id]
    finally:
        store.close()
