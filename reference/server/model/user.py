from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Any

from server.model.app_error import AppError
from server.model.ids import is_valid_id
from server.model.utils import etag

# A username starts with a letter, so "." and ".." (which a URL path cannot hold as a segment)
# are never usernames, as in Mattermost.
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{0,63}$")
USER_EMAIL_MAX_LENGTH = 128
# An email address is the docs' `format: email` in ASCII: a dot-atom local part of at most 64
# characters, then a domain of dot-separated labels of at most 63 letters, digits and single
# inner hyphens. RFC 5321 also allows quoted local parts and address literals ("a b"@x,
# a@[10.0.0.1]), and IDNA gives a `--` in a label its own rules (punycode); the docs' `pattern`
# rules all three out, and so does this.
EMAIL_LOCAL_PART_MAX_LENGTH = 64
EMAIL_LABEL_MAX_LENGTH = 63
_EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LOCAL_PART = re.compile(rf"{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
USER_NAME_MAX_LENGTH = 64
PASSWORD_MIN_LENGTH = 5
DEFAULT_LOCALE = "en"

# The fields PUT /users/{user_id}/patch may change; anything else in the body is ignored.
USER_PATCH_FIELDS = ("nickname", "first_name", "last_name", "email")

_PASSWORD_SCHEME = "pbkdf2_sha256"
# Hashes run in the request threads, and each keeps a core busy for a good part of a second.
# More of them at once than there are cores finish no sooner, and every extra one takes CPU
# from the requests that need little of it: the others wait their turn here.
_HASHING = threading.BoundedSemaphore(os.cpu_count() or 1)


@dataclass
class User:
    id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    username: str = ""
    password: str = ""
    email: str = ""
    nickname: str = ""
    first_name: str = ""
    last_name: str = ""
    roles: str = ""
    locale: str = DEFAULT_LOCALE

    def to_dict(self) -> dict[str, Any]:
        # The password hash never leaves the server, even when a caller forgets sanitized().
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "username": self.username,
            "email": self.email,
            "nickname": self.nickname,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "roles": self.roles,
            "locale": self.locale,
        }

    def sanitized(self) -> User:
        """sanitized returns a copy without the password hash, fit to hand to a client."""
        return replace(self, password="")

    def etag(self) -> str:
        return etag(self.id, self.update_at)

    def is_valid(self) -> AppError | None:
        """is_valid checks the fields a client controls; the error names the first bad one."""
        if not is_valid_id(self.id):
            return _invalid_user("id", self.id)
        if USERNAME_PATTERN.fullmatch(self.username) is None:
            return _invalid_user("username", self.id)
        if not is_valid_email(self.email):
            return _invalid_user("email", self.id)
        for field, value in (
            ("nickname", self.nickname),
            ("first_name", self.first_name),
            ("last_name", self.last_name),
        ):
            if len(value) > USER_NAME_MAX_LENGTH:
                return _invalid_user(field, self.id)
        return None


def is_valid_username(username: str) -> bool:
    return USERNAME_PATTERN.fullmatch(username) is not None


def is_valid_email(email: str) -> bool:
    local_part, _, domain = email.partition("@")
    return (
        len(email) <= USER_EMAIL_MAX_LENGTH
        and len(local_part) <= EMAIL_LOCAL_PART_MAX_LENGTH
        and _EMAIL_LOCAL_PART.fullmatch(local_part) is not None
        and all(
            len(label) <= EMAIL_LABEL_MAX_LENGTH and _EMAIL_LABEL.fullmatch(label) is not None
            for label in domain.split(".")
        )
    )


def normalize_email(email: str) -> str:
    """normalize_email lower-cases a valid email: emails are case-insensitive, as in Mattermost.

    A valid email is ASCII, so its lower case is valid too; str.lower() of other text may not be
    (the Kelvin sign lower-cases to "k").
    """
    return email.lower()


def is_valid_password(password: str) -> AppError | None:
    if len(password) < PASSWORD_MIN_LENGTH:
        return AppError(
            "model.user.is_valid.pwd_length.app_error",
            f"Your password must contain at least {PASSWORD_MIN_LENGTH} characters.",
            status_code=400,
        )
    return None


def hash_password(password: str, iterations: int) -> str:
    """hash_password salts and stretches a password; the result records how, for comparing."""
    salt = secrets.token_bytes(16)
    with _HASHING:
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_PASSWORD_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def compare_password(hashed: str, password: str) -> bool:
    """compare_password checks a password against hash_password's output in constant time."""
    try:
        scheme, iterations, salt, digest = hashed.split("$")
        rounds = int(iterations)
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        return False
    if scheme != _PASSWORD_SCHEME:
        return False
    with _HASHING:
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt_bytes, rounds)
    return hmac.compare_digest(candidate.hex(), digest)


def _invalid_user(field: str, user_id: str) -> AppError:
    return AppError(
        f"model.user.is_valid.{field}.app_error",
        f"Invalid {field} for the user.",
        detailed_error=f"user_id={user_id}",
        status_code=400,
    )
