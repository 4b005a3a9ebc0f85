from __future__ import annotations

from server.api4.apitestlib import (
    TestHelper,
    check_bad_request_status,
    check_created_status,
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


def test_create_post(th: TestHelper) -> None:
    post, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "Hello"})
    check_created_status(resp)
    assert post["channel_id"] == th.basic_channel.id
    assert post["user_id"] == th.basic_user.id
    assert (post["message"], post["root_id"]) == ("Hello", "")


def test_create_post_reply(th: TestHelper) -> None:
    body = {"channel_id": th.basic_channel.id, "message": "Reply", "root_id": th.basic_post.id}
    post, resp = th.client.create_post(body)
    check_created_status(resp)
    assert post["root_id"] == th.basic_post.id


def test_create_post_bad_request(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": ""})
    check_bad_request_status(resp)


def test_create_post_message_too_long(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "x" * 16384})
    check_bad_request_status(resp)
    check_error_id(resp, "model.post.is_valid.msg.app_error")


def test_create_post_invalid_channel_id(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": "junk", "message": "Hello"})
    check_bad_request_status(resp)


def test_create_post_reply_to_another_channel(th: TestHelper) -> None:
    body = {"channel_id": th.basic_channel.id, "message": "Reply", "root_id": th.other_post.id}
    _, resp = th.client.create_post(body)
    check_bad_request_status(resp)
    check_error_id(resp, "app.post.create_post.invalid_root_id")


def test_create_post_in_unknown_channel(th: TestHelper) -> None:
    _, resp = th.system_admin_client.create_post({"channel_id": new_id(), "message": "Hello"})
    check_bad_request_status(resp)


def test_create_post_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "Hello"})
    check_unauthorized_status(resp)


def test_create_post_forbidden(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": th.other_channel.id, "message": "Hello"})
    check_forbidden_status(resp)


def test_create_post_too_large(th: TestHelper) -> None:
    body = {"channel_id": th.basic_channel.id, "message": "x" * MAX_BODY_SIZE}
    _, resp = th.client.create_post(body)
    check_request_entity_too_large_status(resp)


def test_get_post(th: TestHelper) -> None:
    post, resp = th.client.get_post(th.basic_post.id)
    check_ok_status(resp)
    assert post["id"] == th.basic_post.id
    assert post["message"] == th.basic_post.message


def test_get_post_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_post("junk")
    check_bad_request_status(resp)


def test_get_post_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_post(th.basic_post.id)
    check_unauthorized_status(resp)


def test_get_post_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_post(th.other_post.id)
    check_forbidden_status(resp)


def test_get_post_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_post(new_id())
    check_not_found_status(resp)


def test_delete_post(th: TestHelper) -> None:
    status, resp = th.client.delete_post(th.basic_post.id)
    check_ok_status(resp)
    assert status == {"status": "OK"}
    _, resp = th.client.get_post(th.basic_post.id)
    check_not_found_status(resp)


def test_delete_post_deletes_its_replies(th: TestHelper) -> None:
    body = {"channel_id": th.basic_channel.id, "message": "Reply", "root_id": th.basic_post.id}
    reply, resp = th.client.create_post(body)
    check_created_status(resp)
    _, resp = th.client.delete_post(th.basic_post.id)
    check_ok_status(resp)
    _, resp = th.client.get_post(reply["id"])
    check_not_found_status(resp)


def test_delete_post_bad_request(th: TestHelper) -> None:
    _, resp = th.client.delete_post("junk")
    check_bad_request_status(resp)


def test_delete_post_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.delete_post(th.basic_post.id)
    check_unauthorized_status(resp)


def test_delete_post_forbidden(th: TestHelper) -> None:
    _, resp = th.client.delete_post(th.other_post.id)
    check_forbidden_status(resp)


def test_delete_post_of_another_member(th: TestHelper) -> None:
    th.login_basic2()
    _, resp = th.client.delete_post(th.basic_post.id)
    check_forbidden_status(resp)


def test_delete_post_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.delete_post(new_id())
    check_not_found_status(resp)


def test_get_posts_for_channel(th: TestHelper) -> None:
    post, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "Newer"})
    check_created_status(resp)
    post_list, resp = th.client.get_posts_for_channel(th.basic_channel.id)
    check_ok_status(resp)
    assert post_list["order"] == [post["id"], th.basic_post.id]
    assert post_list["posts"][post["id"]]["message"] == "Newer"


def test_get_posts_for_channel_paging(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "Newer"})
    check_created_status(resp)
    post_list, resp = th.client.get_posts_for_channel(th.basic_channel.id, page=1, per_page=1)
    check_ok_status(resp)
    assert post_list["order"] == [th.basic_post.id]


def test_get_posts_for_channel_etag(th: TestHelper) -> None:
    _, resp = th.client.get_posts_for_channel(th.basic_channel.id)
    posts, resp = th.client.get_posts_for_channel(th.basic_channel.id, etag=resp.etag)
    check_etag(posts, resp)


def test_get_posts_for_channel_etag_changes_on_delete(th: TestHelper) -> None:
    _, resp = th.client.create_post({"channel_id": th.basic_channel.id, "message": "Newer"})
    check_created_status(resp)
    _, first = th.client.get_posts_for_channel(th.basic_channel.id)
    _, resp = th.client.delete_post(th.basic_post.id)
    check_ok_status(resp)
    post_list, resp = th.client.get_posts_for_channel(th.basic_channel.id, etag=first.etag)
    check_ok_status(resp)
    assert th.basic_post.id not in post_list["order"]


def test_get_posts_for_channel_bad_request(th: TestHelper) -> None:
    _, resp = th.client.get_posts_for_channel("junk")
    check_bad_request_status(resp)


def test_get_posts_for_channel_bad_paging(th: TestHelper) -> None:
    _, resp = th.client.get_posts_for_channel(th.basic_channel.id, page=-1)
    check_bad_request_status(resp)
    check_error_id(resp, "api.context.invalid_url_param.app_error")


def test_get_posts_for_channel_unauthorized(th: TestHelper) -> None:
    th.client.logout()
    _, resp = th.client.get_posts_for_channel(th.basic_channel.id)
    check_unauthorized_status(resp)


def test_get_posts_for_channel_forbidden(th: TestHelper) -> None:
    _, resp = th.client.get_posts_for_channel(th.other_channel.id)
    check_forbidden_status(resp)


def test_get_posts_for_channel_not_found(th: TestHelper) -> None:
    _, resp = th.system_admin_client.get_posts_for_channel(new_id())
    check_not_found_status(resp)
