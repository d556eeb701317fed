"""The WebSocket underneath, over the ``websockets`` library (10.4 and later, old and new asyncio APIs)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import websockets
import websockets.exceptions

from .errors import ErrorKind, WorkspaceError

DEFAULT_PORT = 8700
DEFAULT_PATH = "/ws"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

try:  # websockets 13 and later
    from websockets.asyncio.client import connect as _connect_new  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the installed version
    _connect_new = None


class ServerAddress:
    """A server URL, ``ws://`` or ``wss://``: port 8700 and path ``/ws`` when left out; a ``workspace`` query
    parameter names the workspace."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise WorkspaceError(ErrorKind.INVALID, f"bad server URL {url!r}: expected ws://host[:port][/ws]")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError as e:
            raise WorkspaceError(ErrorKind.INVALID, f"bad server URL {url!r}: {e}") from None
        path = parts.path if parts.path not in ("", "/") else DEFAULT_PATH
        query = parse_qs(parts.query)
        self.workspace = query.get("workspace", [None])[0]
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        self.url = urlunsplit((parts.scheme, f"{host}:{port}", path, parts.query, ""))
        self.display = f"{parts.scheme}://{host}:{port}{path}"

    def __str__(self) -> str:
        return self.display


def handshake_failure(e: BaseException, address: ServerAddress) -> WorkspaceError:
    """The error of a WebSocket that could not be opened."""
    status = None
    if _connect_new is not None:
        if isinstance(e, websockets.exceptions.InvalidStatus):  # type: ignore[attr-defined]
            status = e.response.status_code
    elif isinstance(e, websockets.exceptions.InvalidStatusCode):
        status = e.status_code
    if status is not None:
        if status == 401:
            kind = ErrorKind.UNAUTHORIZED
        elif status in (403, 429):
            kind = ErrorKind.REJECTED
        elif status >= 500:
            kind = ErrorKind.UNAVAILABLE
        else:
            kind = ErrorKind.INVALID
        return WorkspaceError(kind, f"the server at {address} refused the WebSocket handshake with HTTP {status}")
    if isinstance(e, asyncio.TimeoutError):
        return WorkspaceError(ErrorKind.UNAVAILABLE, f"cannot reach {address}: the handshake timed out")
    return WorkspaceError(ErrorKind.UNAVAILABLE, f"cannot reach {address}: {e}")


async def open_socket(address: ServerAddress, token: str | None, timeout: float) -> Any:
    """Opens the WebSocket, sending the token as ``Authorization: Bearer``; the library's own keep-alive is off
    since the protocol has its own."""
    headers = [("Authorization", "Bearer " + token)] if token else []
    try:
        if _connect_new is not None:
            return await _connect_new(address.url, additional_headers=headers, open_timeout=timeout,
                                      ping_interval=None, max_size=MAX_MESSAGE_BYTES, close_timeout=2)
        return await websockets.connect(address.url, extra_headers=headers, open_timeout=timeout,  # type: ignore
                                        ping_interval=None, max_size=MAX_MESSAGE_BYTES, close_timeout=2)
    except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
        raise handshake_failure(e, address) from None


def close_of(ws: Any) -> tuple[int, str]:
    """The close code and reason of a socket that ended (1006 when it ended without a close frame)."""
    code = getattr(ws, "close_code", None)
    reason = getattr(ws, "close_reason", None) or ""
    return (code if isinstance(code, int) else 1006), reason


ConnectionClosed = websockets.exceptions.ConnectionClosed
