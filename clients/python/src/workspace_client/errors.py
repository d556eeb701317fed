"""The one exception type of the client, and the kinds of failure it reports."""

from __future__ import annotations

import enum


class ErrorKind(str, enum.Enum):
    """Why a call failed: the ``kind`` of every :class:`WorkspaceError`."""

    TIMEOUT = "timeout"
    """No answer within the time allowed: an ack, a reply, or a matching event."""
    NOT_FOUND = "not_found"
    """The agent, channel or stream named is not there, e.g. a request to an agent that is not connected."""
    REJECTED = "rejected"
    """The server, or the client's own bounds, refused the call: forbidden, not a member, a limit or rate hit."""
    DISCONNECTED = "disconnected"
    """There is no connection: never connected, lost before the answer came, or closed."""
    INVALID = "invalid"
    """The call or a frame was malformed: an invalid name, destination, pattern or field."""
    UNAUTHORIZED = "unauthorized"
    """Credentials are missing or invalid."""
    UNAVAILABLE = "unavailable"
    """The server cannot serve the call right now, or could not be reached, or a remote agent went away mid-run."""
    CANCELED = "canceled"
    """A run ended because it was canceled (``run.canceled``)."""
    FAILED = "failed"
    """A remote agent ended a run with a failure of its own (``run.failed``)."""


_KIND_OF_CODE = {
    "not_found": ErrorKind.NOT_FOUND,
    "bad_json": ErrorKind.INVALID,
    "invalid_frame": ErrorKind.INVALID,
    "unknown_type": ErrorKind.INVALID,
    "invalid_event": ErrorKind.INVALID,
    "invalid_name": ErrorKind.INVALID,
    "invalid_destination": ErrorKind.INVALID,
    "invalid_pattern": ErrorKind.INVALID,
    "not_connected": ErrorKind.INVALID,
    "already_connected": ErrorKind.INVALID,
    "forbidden": ErrorKind.REJECTED,
    "not_member": ErrorKind.REJECTED,
    "limit_exceeded": ErrorKind.REJECTED,
    "rate_limited": ErrorKind.REJECTED,
    "too_large": ErrorKind.REJECTED,
    "unauthorized": ErrorKind.UNAUTHORIZED,
    "unavailable": ErrorKind.UNAVAILABLE,
    "internal": ErrorKind.UNAVAILABLE,
}


def kind_of_code(code: str) -> ErrorKind:
    """Maps a server error code (``not_found``, ``forbidden``, ...) to the kind of failure it means.

    Codes the client does not know map to :attr:`ErrorKind.REJECTED`.
    """
    return _KIND_OF_CODE.get(code, ErrorKind.REJECTED)


class WorkspaceError(Exception):
    """Every failure of the client: a :class:`ErrorKind`, a message naming what failed, and the server's error
    code when the server refused the call (``None`` otherwise)."""

    def __init__(self, kind: ErrorKind, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message

    @classmethod
    def from_server(cls, code: str, message: str) -> "WorkspaceError":
        """An error the server answered with ``code``."""
        return cls(kind_of_code(code), message, code)

    def __repr__(self) -> str:
        extra = f", code={self.code!r}" if self.code else ""
        return f"WorkspaceError(kind={self.kind.value!r}, message={self.message!r}{extra})"
