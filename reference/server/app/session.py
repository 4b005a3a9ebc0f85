from __future__ import annotations

from server.app.app import App
from server.model.app_error import AppError
from server.model.ids import new_id
from server.model.session import Session
from server.model.user import User
from server.model.utils import get_millis


def create_session(a: App, user: User) -> Session:
    now = get_millis()
    session = Session(
        id=new_id(),
        token=new_id(),
        create_at=now,
        expires_at=now + a.config.session_length_ms,
        last_activity_at=now,
        user_id=user.id,
        roles=user.roles,
    )
    return a.store.session().save(session)


def get_session(a: App, token: str) -> Session:
    """get_session returns the live session of a token; an unknown or expired one is a 401."""
    session = a.store.session().get(token)
    if session is not None and session.is_expired():
        a.store.session().remove(session.id)
        session = None
    if session is None:
        raise AppError(
            "api.context.session_expired.app_error",
            "Invalid or expired session, please login again.",
            status_code=401,
        )
    return session


def revoke_session(a: App, session: Session) -> None:
    a.store.session().remove(session.id)


def revoke_all_sessions_for_user(a: App, user_id: str) -> None:
    a.store.session().remove_all_for_user(user_id)
