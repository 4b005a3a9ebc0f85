from __future__ import annotations

import base64
import re
import uuid

# Mattermost's base32 alphabet: lowercase, without the characters most easily misread (0, 2, l, v).
_ID_ALPHABET = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "ybndrfg8ejkmcpqxot1uwisza345h769",
)
_ID_PATTERN = re.compile(r"^[a-z0-9]{26}$")


def new_id() -> str:
    """new_id returns a random 26-character id: a UUID4 in base32, without padding."""
    encoded = base64.b32encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
    return encoded.translate(_ID_ALPHABET)


def is_valid_id(value: str) -> bool:
    """is_valid_id tells whether value has the shape of an id (26 characters of [a-z0-9])."""
    return _ID_PATTERN.fullmatch(value) is not None
