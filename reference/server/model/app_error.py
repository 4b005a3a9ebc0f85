from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An error with the HTTP status it maps to, fixed where the error is created.

    The app layer raises it; the handler wrapper renders it as JSON. The id is a stable,
    translatable key (clients match on it); the message is for people.
    """

    def __init__(
        self,
        id: str,
        message: str,
        *,
        detailed_error: str = "",
        status_code: int,
        request_id: str = "",
    ) -> None:
        super().__init__(f"{id}: {message}")
        self.id = id
        self.message = message
        self.detailed_error = detailed_error
        self.status_code = status_code
        self.request_id = request_id

    @classmethod
    def not_implemented(cls, where: str) -> AppError:
        """not_implemented is the error of an app function that has no body yet."""
        return cls(
            "api.not_implemented",
            f"{where} is not implemented yet.",
            status_code=501,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": self.message,
            "detailed_error": self.detailed_error,
            "request_id": self.request_id,
            "status_code": self.status_code,
        }
