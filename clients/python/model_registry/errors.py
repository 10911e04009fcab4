"""Errors the client raises. Each carries the server's code (docs/api.md), so callers branch on it."""

from __future__ import annotations

from typing import Optional


class RegistryError(Exception):
    """A refusal or failure, with the server's ``code`` (``NOT_FOUND``, ``FORBIDDEN``, ...) when it sent one."""

    def __init__(self, message: str, code: Optional[str] = None, status: Optional[int] = None) -> None:
        super().__init__(f"{message} [{code}]" if code else message)
        self.message = message
        self.code = code
        self.status = status


class BadInputError(RegistryError):
    """``BAD_USER_INPUT``: the request was wrong; nothing changed."""


class UnauthenticatedError(RegistryError):
    """``UNAUTHENTICATED``: no token, or the token was refused (expired, for another server)."""


class ForbiddenError(RegistryError):
    """``FORBIDDEN``: you may not do this here (a protected alias needs a registry admin)."""


class NotFoundError(RegistryError):
    """``NOT_FOUND``: no such registry, model or version, or you may not read it."""


class ConflictError(RegistryError):
    """``CONFLICT``: a compare-and-swap lost (``expected``), or another write got there first."""


class IntegrityError(RegistryError):
    """Downloaded bytes did not match their digest; the partial file was removed."""


class InterruptedDownloadError(RegistryError):
    """The connection dropped or timed out before the last byte; the ``.part`` file is kept, so calling
    again resumes where it stopped."""


_BY_CODE = {
    "BAD_USER_INPUT": BadInputError,
    "UNAUTHENTICATED": UnauthenticatedError,
    "FORBIDDEN": ForbiddenError,
    "NOT_FOUND": NotFoundError,
    "CONFLICT": ConflictError,
}


def error_for(code: Optional[str], message: str, status: Optional[int] = None) -> RegistryError:
    """The exception class that matches a server code."""
    return _BY_CODE.get(code or "", RegistryError)(message, code, status)
