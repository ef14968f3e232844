"""The one exception family of the application. Services raise these; pages turn them into form
errors and messages, the API's exception handler into 400/403/404/409 responses."""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ValidationFailed(ApplicationError):
    status_code = 400


class NotPermitted(ApplicationError):
    status_code = 403


class NotFoundForUser(ApplicationError):
    """Raised where revealing that an object exists would leak another department's data."""

    status_code = 404


class Conflict(ApplicationError):
    """Someone else changed the object first (a concurrent transition or edit)."""

    status_code = 409
