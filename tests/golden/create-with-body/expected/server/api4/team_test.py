from __future__ import annotations

import pytest

from server.api4.apitestlib import (
    TestHelper,
    check_bad_request_status,
    check_created_status,
    check_documented,
    check_error_id,
    check_etag,
    check_forbidden_status,
    check_not_found_status,
    check_ok_status,
    check_request_entity_too_large_status,
    check_unauthorized_status,
)
from server.model.ids import new_id
from server.web.handlers import MAX_BODY_SIZE


def _new_team_body() -> dict[str, str]:
    name = f"team-{new_id()[:12]}"
    return {"name": name, "display_name": "A Team", "type": "O"}


def test_create_team(th: TestHelper) -> None:
    body = _new_team_body()
    team, resp = th.client.create_team(body)
    check_created_status(resp)
    assert (team["name"], team["display_name"], team["type"]) == (body["name"], "A Team", "O")
    members, resp = th.client.get_team_members(team["id"])
    check_ok_status(resp)
    assert [(member["user_id"], member["roles"]) for member in members] == [
        (th.basic_user.id, "team_user team_admin")
    ]


def test_create_team_bad_request(th: TestHelper) -> None:
    _, resp = th.client.create_team({**_new_team_body(), "name": "Not A Name"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.team.is_valid.name.app_error")


def test_create_team_missing_type(th: TestHelper) -> None:
    _, resp = th.client.create_team({"name": "missing-type", "display_name": "Missing type"})
    check_bad_request_status(resp)
    check_error_id(resp, "api.context.invalid_body_param.app_error")


def test_create_team_unknown_type(th: TestHelper) -> None:
    _, resp = th.client.create_team({**_new_team_body(), "type": "X"})
    check_bad_request_status(resp)


def test_create_team_duplicate_name(th: TestHelper) -> None:
    _, resp = th.client.create_team({**_new_team_body(), "name": th.basic_team.name})
    check_bad_request_status(resp)
    check_error_id(resp, "app.team.create_team.existing")


def test_create_team_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.create_team(_new_team_body())
    check_unauthorized_status(resp)


def test_create_team_forbidden(th: TestHelper) -> None:
    _, resp = th.guest_client.create_team(_new_team_body())
    check_forbidden_status(resp)


def test_create_team_too_large(th: TestHelper) -> None:
    _, resp = th.client.create_team({**_new_team_body(), "display_name": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)


def test_get_team(th: TestHelper) -> None:
    team, resp = th.client.get_team(th.basic_team.id)
    check_ok_status(resp)
    assert team["id"] == th.basic_team.id
    assert team["name"] == th.basic_team.name


def test_get_team_etag(th: TestHelper) -> None:
    _, resp = th.client.get_team(th.basic_team.id)
    team, resp = th.client.get_team(th.basic_team.id, etag=resp.etag)
    check_etag(team, resp)


def test_get_team_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_team("junk")
    check_bad_request_status(resp)


def test_get_team_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_team(th.basic_team.id)
    check_unauthorized_status(resp)


def test_get_team_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_team(th.other_team.id)
    check_forbidden_status(resp)


def test_get_team_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_team(new_id())
    check_not_found_status(resp)


def test_patch_team(th: TestHelper) -> None:
    patch = {"display_name": "Renamed", "description": "What the team is for."}
    team, resp = th.client.patch_team(th.basic_team.id, patch)
    check_ok_status(resp)
    assert (team["display_name"], team["description"]) == ("Renamed", "What the team is for.")
    assert team["name"] == th.basic_team.name


def test_patch_team_bad_request(th: TestHelper) -> None:
    _, resp = th.client.patch_team("junk", {"display_name": "Renamed"})
    check_bad_request_status(resp)


def test_patch_team_empty_display_name(th: TestHelper) -> None:
    _, resp = th.client.patch_team(th.basic_team.id, {"display_name": ""})
    check_bad_request_status(resp)


def test_patch_team_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.patch_team(th.basic_team.id, {"display_name": "Renamed"})
    check_unauthorized_status(resp)


def test_patch_team_forbidden(th: TestHelper) -> None:
    _, resp = th.client.patch_team(th.other_team.id, {"display_name": "Renamed"})
    check_forbidden_status(resp)


def test_patch_team_forbidden_to_a_plain_member(th: TestHelper) -> None:
    th.login_basic2()
    _, resp = th.client.patch_team(th.basic_team.id, {"display_name": "Renamed"})
    check_forbidden_status(resp)


def test_patch_team_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.patch_team(new_id(), {"display_name": "Renamed"})
    check_not_found_status(resp)


def test_patch_team_too_large(th: TestHelper) -> None:
    _, resp = th.client.patch_team(th.basic_team.id, {"description": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)


def test_delete_team(th: TestHelper) -> None:
    status, resp = th.client.delete_team(th.basic_team.id)
    check_ok_status(resp)
    assert status == {"status": "OK"}
    team, resp = th.client.get_team(th.basic_team.id)
    check_ok_status(resp)
    assert team["delete_at"] > 0


def test_delete_team_bad_request(th: TestHelper) -> None:
    _, resp = th.client.delete_team("junk")
    check_bad_request_status(resp)


def test_delete_team_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.delete_team(th.basic_team.id)
    check_unauthorized_status(resp)


def test_delete_team_forbidden(th: TestHelper) -> None:
    _, resp = th.client.delete_team(th.other_team.id)
    check_forbidden_status(resp)


def test_delete_team_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.delete_team(new_id())
    check_not_found_status(resp)


def test_get_team_members(th: TestHelper) -> None:
    members, resp = th.client.get_team_members(th.basic_team.id)
    check_ok_status(resp)
    assert {member["user_id"] for member in members} == {th.basic_user.id, th.basic_user2.id}
    assert all(member["team_id"] == th.basic_team.id for member in members)


def test_get_team_members_paging(th: TestHelper) -> None:
    members, resp = th.client.get_team_members(th.basic_team.id, page=1, per_page=1)
    check_ok_status(resp)
    assert len(members) == 1


def test_get_team_members_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_team_members("junk")
    check_bad_request_status(resp)


def test_get_team_members_bad_paging(th: TestHelper) -> None:
    _, resp = th.client.get_team_members(th.basic_team.id, per_page=0)
    check_bad_request_status(resp)


def test_get_team_members_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_team_members(th.basic_team.id)
    check_unauthorized_status(resp)


def test_get_team_members_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_team_members(th.other_team.id)
    check_forbidden_status(resp)


def test_get_team_members_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_team_members(new_id())
    check_not_found_status(resp)


def test_add_team_member(th: TestHelper) -> None:
    user = th.create_user()
    member, resp = th.client.add_team_member(th.basic_team.id, user.id)
    check_created_status(resp)
    assert member == {
        "team_id": th.basic_team.id,
        "user_id": user.id,
        "roles": "team_user",
        "delete_at": 0,
    }


def test_add_team_member_twice(th: TestHelper) -> None:
    member, resp = th.client.add_team_member(th.basic_team.id, th.basic_user2.id)
    check_created_status(resp)
    assert member["user_id"] == th.basic_user2.id


def test_add_team_member_bad_request(th: TestHelper) -> None:
    _, resp = th.client.add_team_member("junk", th.basic_user2.id)
    check_bad_request_status(resp)


def test_add_team_member_invalid_user_id(th: TestHelper) -> None:
    _, resp = th.client.add_team_member(th.basic_team.id, "junk")
    check_bad_request_status(resp)


def test_add_team_member_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.add_team_member(th.basic_team.id, th.guest_user.id)
    check_unauthorized_status(resp)


def test_add_team_member_forbidden(th: TestHelper) -> None:
    _, resp = th.client.add_team_member(th.other_team.id, th.basic_user.id)
    check_forbidden_status(resp)


def test_add_team_member_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.add_team_member(new_id(), th.basic_user.id)
    check_not_found_status(resp)


def test_add_team_member_unknown_user(th: TestHelper) -> None:
    _, resp = th.client.add_team_member(th.basic_team.id, new_id())
    check_not_found_status(resp)
    check_error_id(resp, "app.team.add_team_member.user_not_found")


def test_add_team_member_too_large(th: TestHelper) -> None:
    _, resp = th.client.add_team_member(th.basic_team.id, "x" * MAX_BODY_SIZE)
    check_request_entity_too_large_status(resp)


@pytest.mark.xfail(strict=True, reason="implement server.app.team.create_team_widget")
def test_create_team_widget(th: TestHelper) -> None:
    body = {"name": "n" + new_id()[:11], "size": 1, "visible": True}
    result, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_created_status(resp)
    check_documented(result, resp, "CreateTeamWidget")


def test_create_team_widget_bad_team_id(th: TestHelper) -> None:
    body = {"name": "n" + new_id()[:11], "size": 1, "visible": True}
    _, resp = th.client.create_team_widget("junk", body)
    check_bad_request_status(resp)


def test_create_team_widget_body_not_object(th: TestHelper) -> None:
    body = []
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_bad_request_status(resp)


def test_create_team_widget_missing_name(th: TestHelper) -> None:
    body = {"size": 1, "visible": True}
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_bad_request_status(resp)


def test_create_team_widget_missing_visible(th: TestHelper) -> None:
    body = {"name": "n" + new_id()[:11], "size": 1}
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_bad_request_status(resp)


def test_create_team_widget_wrong_name_type(th: TestHelper) -> None:
    body = {"name": 1, "size": 1, "visible": True}
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_bad_request_status(resp)


def test_create_team_widget_unauthorized(th: TestHelper) -> None:
    body = {"name": "n" + new_id()[:11], "size": 1, "visible": True}
    th.client.logout()
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_unauthorized_status(resp)


def test_create_team_widget_forbidden(th: TestHelper) -> None:
    th.login_basic2()
    body = {"name": "n" + new_id()[:11], "size": 1, "visible": True}
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_forbidden_status(resp)


@pytest.mark.xfail(strict=True, reason="implement server.app.team.create_team_widget")
def test_create_team_widget_not_found(th: TestHelper) -> None:
    team_id = new_id()
    body = {"name": "n" + new_id()[:11], "size": 1, "visible": True}
    _, resp = th.system_admin_client.create_team_widget(team_id, body)
    check_not_found_status(resp)


def test_create_team_widget_too_large(th: TestHelper) -> None:
    body = {"name": "x" * MAX_BODY_SIZE, "size": 1, "visible": True}
    _, resp = th.client.create_team_widget(th.basic_team.id, body)
    check_request_entity_too_large_status(resp)
