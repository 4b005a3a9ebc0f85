from __future__ import annotations

from typing import Any

import pytest

from server.api4.apitestlib import (
    TestHelper,
    check_bad_request_status,
    check_created_status,
    check_documented,
    check_error_id,
    check_forbidden_status,
    check_not_found_status,
    check_ok_status,
    check_request_entity_too_large_status,
    check_unauthorized_status,
)
from server.model.channel import CHANNEL_PRIVATE
from server.model.ids import new_id
from server.web.handlers import MAX_BODY_SIZE


def _new_channel_body(team_id: str, type: str = "O") -> dict[str, Any]:
    name = f"channel-{new_id()[:12]}"
    return {"team_id": team_id, "name": name, "display_name": "A Channel", "type": type}


def test_create_channel(th: TestHelper) -> None:
    body = {**_new_channel_body(th.basic_team.id), "purpose": "Talk", "header": "Hello"}
    channel, resp = th.client.create_channel(body)
    check_created_status(resp)
    assert channel["team_id"] == th.basic_team.id
    assert channel["creator_id"] == th.basic_user.id
    assert channel["name"] == body["name"]
    assert (channel["purpose"], channel["header"]) == ("Talk", "Hello")


def test_create_channel_private(th: TestHelper) -> None:
    channel, resp = th.client.create_channel(_new_channel_body(th.basic_team.id, type="P"))
    check_created_status(resp)
    assert channel["type"] == "P"


def test_create_channel_bad_request(th: TestHelper) -> None:
    _, resp = th.client.create_channel({**_new_channel_body(th.basic_team.id), "name": "Bad Name"})
    check_bad_request_status(resp)
    check_error_id(resp, "model.channel.is_valid.name.app_error")


def test_create_channel_invalid_team_id(th: TestHelper) -> None:
    _, resp = th.client.create_channel(_new_channel_body("junk"))
    check_bad_request_status(resp)


def test_create_channel_unknown_type(th: TestHelper) -> None:
    _, resp = th.client.create_channel(_new_channel_body(th.basic_team.id, type="D"))
    check_bad_request_status(resp)


def test_create_channel_unknown_team(th: TestHelper) -> None:
    _, resp = th.system_admin_client.create_channel(_new_channel_body(new_id()))
    check_bad_request_status(resp)
    check_error_id(resp, "app.channel.create_channel.invalid_team")


def test_create_channel_duplicate_name(th: TestHelper) -> None:
    body = {**_new_channel_body(th.basic_team.id), "name": th.basic_channel.name}
    _, resp = th.client.create_channel(body)
    check_bad_request_status(resp)
    check_error_id(resp, "app.channel.create_channel.existing")


def test_create_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.create_channel(_new_channel_body(th.basic_team.id))
    check_unauthorized_status(resp)


def test_create_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.create_channel(_new_channel_body(th.other_team.id))
    check_forbidden_status(resp)


def test_create_channel_private_forbidden(th: TestHelper) -> None:
    _, resp = th.client.create_channel(_new_channel_body(th.other_team.id, type="P"))
    check_forbidden_status(resp)


def test_create_channel_too_large(th: TestHelper) -> None:
    body = {**_new_channel_body(th.basic_team.id), "purpose": "x" * MAX_BODY_SIZE}
    _, resp = th.client.create_channel(body)
    check_request_entity_too_large_status(resp)


def test_get_channel(th: TestHelper) -> None:
    channel, resp = th.client.get_channel(th.basic_channel.id)
    check_ok_status(resp)
    assert channel["id"] == th.basic_channel.id


def test_get_channel_public_to_team_members(th: TestHelper) -> None:
    th.link_user_to_team(th.guest_user, th.basic_team)
    channel, resp = th.guest_client.get_channel(th.basic_channel.id)
    check_ok_status(resp)
    assert channel["id"] == th.basic_channel.id


def test_get_channel_private_to_its_members(th: TestHelper) -> None:
    private = th.create_channel(th.basic_team, th.basic_user, type=CHANNEL_PRIVATE)
    _, resp = th.client.get_channel(private.id)
    check_ok_status(resp)
    th.login_basic2()
    _, resp = th.client.get_channel(private.id)
    check_forbidden_status(resp)


def test_get_channel_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_channel("junk")
    check_bad_request_status(resp)


def test_get_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_channel(th.basic_channel.id)
    check_unauthorized_status(resp)


def test_get_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_channel(th.other_channel.id)
    check_forbidden_status(resp)


def test_get_channel_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_channel(new_id())
    check_not_found_status(resp)


def test_patch_channel(th: TestHelper) -> None:
    patch = {"display_name": "Renamed", "purpose": "New purpose", "header": "New header"}
    channel, resp = th.client.patch_channel(th.basic_channel.id, patch)
    check_ok_status(resp)
    assert (channel["display_name"], channel["purpose"], channel["header"]) == (
        "Renamed",
        "New purpose",
        "New header",
    )


def test_patch_channel_bad_request(th: TestHelper) -> None:
    _, resp = th.client.patch_channel("junk", {"display_name": "Renamed"})
    check_bad_request_status(resp)


def test_patch_channel_header_too_long(th: TestHelper) -> None:
    _, resp = th.client.patch_channel(th.basic_channel.id, {"header": "x" * 1025})
    check_bad_request_status(resp)


def test_patch_channel_archived(th: TestHelper) -> None:
    _, resp = th.client.delete_channel(th.basic_channel.id)
    check_ok_status(resp)
    _, resp = th.client.patch_channel(th.basic_channel.id, {"display_name": "Renamed"})
    check_bad_request_status(resp)


def test_patch_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.patch_channel(th.basic_channel.id, {"display_name": "Renamed"})
    check_unauthorized_status(resp)


def test_patch_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.patch_channel(th.other_channel.id, {"display_name": "Renamed"})
    check_forbidden_status(resp)


def test_patch_channel_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.patch_channel(new_id(), {"display_name": "Renamed"})
    check_not_found_status(resp)


def test_patch_channel_too_large(th: TestHelper) -> None:
    _, resp = th.client.patch_channel(th.basic_channel.id, {"header": "x" * MAX_BODY_SIZE})
    check_request_entity_too_large_status(resp)


def test_delete_channel(th: TestHelper) -> None:
    status, resp = th.client.delete_channel(th.basic_channel.id)
    check_ok_status(resp)
    assert status == {"status": "OK"}
    channel, resp = th.client.get_channel(th.basic_channel.id)
    check_ok_status(resp)
    assert channel["delete_at"] > 0


def test_delete_channel_twice(th: TestHelper) -> None:
    _, resp = th.client.delete_channel(th.basic_channel.id)
    check_ok_status(resp)
    _, resp = th.client.delete_channel(th.basic_channel.id)
    check_bad_request_status(resp)


def test_delete_channel_bad_request(th: TestHelper) -> None:
    _, resp = th.client.delete_channel("junk")
    check_bad_request_status(resp)


def test_delete_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.delete_channel(th.basic_channel.id)
    check_unauthorized_status(resp)


def test_delete_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.delete_channel(th.other_channel.id)
    check_forbidden_status(resp)


def test_delete_channel_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.delete_channel(new_id())
    check_not_found_status(resp)


def test_get_public_channels_for_team(th: TestHelper) -> None:
    private = th.create_channel(th.basic_team, th.basic_user, type=CHANNEL_PRIVATE)
    channels, resp = th.client.get_public_channels_for_team(th.basic_team.id)
    check_ok_status(resp)
    ids = [channel["id"] for channel in channels]
    assert th.basic_channel.id in ids
    assert private.id not in ids


def test_get_public_channels_for_team_paging(th: TestHelper) -> None:
    th.create_channel(th.basic_team, th.basic_user)
    channels, resp = th.client.get_public_channels_for_team(th.basic_team.id, page=0, per_page=1)
    check_ok_status(resp)
    assert len(channels) == 1


def test_get_public_channels_for_team_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_public_channels_for_team("junk")
    check_bad_request_status(resp)


def test_get_public_channels_for_team_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_public_channels_for_team(th.basic_team.id)
    check_unauthorized_status(resp)


def test_get_public_channels_for_team_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_public_channels_for_team(th.other_team.id)
    check_forbidden_status(resp)


def test_get_public_channels_for_team_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_public_channels_for_team(new_id())
    check_not_found_status(resp)


def test_add_channel_member(th: TestHelper) -> None:
    user = th.create_user()
    th.link_user_to_team(user, th.basic_team)
    member, resp = th.client.add_channel_member(th.basic_channel.id, user.id)
    check_created_status(resp)
    assert member == {
        "channel_id": th.basic_channel.id,
        "user_id": user.id,
        "roles": "channel_user",
        "last_viewed_at": 0,
    }


def test_add_channel_member_not_on_the_team(th: TestHelper) -> None:
    _, resp = th.client.add_channel_member(th.basic_channel.id, th.guest_user.id)
    check_bad_request_status(resp)
    check_error_id(resp, "app.channel.add_channel_member.not_team_member")


def test_add_channel_member_bad_request(th: TestHelper) -> None:
    _, resp = th.client.add_channel_member("junk", th.basic_user2.id)
    check_bad_request_status(resp)


def test_add_channel_member_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.add_channel_member(th.basic_channel.id, th.basic_user2.id)
    check_unauthorized_status(resp)


def test_add_channel_member_forbidden(th: TestHelper) -> None:
    _, resp = th.client.add_channel_member(th.other_channel.id, th.basic_user.id)
    check_forbidden_status(resp)


def test_add_channel_member_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.add_channel_member(new_id(), th.basic_user.id)
    check_not_found_status(resp)


def test_add_channel_member_too_large(th: TestHelper) -> None:
    _, resp = th.client.add_channel_member(th.basic_channel.id, "x" * MAX_BODY_SIZE)
    check_request_entity_too_large_status(resp)


@pytest.mark.xfail(strict=True, reason="implement server.app.channel.pin_channel")
def test_pin_channel(th: TestHelper) -> None:
    th.login_basic2()
    result, resp = th.client.pin_channel(th.basic_channel.id)
    check_ok_status(resp)
    check_documented(result, resp, "PinChannel")


def test_pin_channel_bad_channel_id(th: TestHelper) -> None:
    th.login_basic2()
    _, resp = th.client.pin_channel("junk")
    check_bad_request_status(resp)


def test_pin_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.pin_channel(th.basic_channel.id)
    check_unauthorized_status(resp)


def test_pin_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.pin_channel(th.other_channel.id)
    check_forbidden_status(resp)


@pytest.mark.xfail(strict=True, reason="implement server.app.channel.pin_channel")
def test_pin_channel_not_found(th: TestHelper) -> None:
    channel_id = new_id()
    _, resp = th.system_admin_client.pin_channel(channel_id)
    check_not_found_status(resp)
