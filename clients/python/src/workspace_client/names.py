"""Client-side checks of names, ids, destinations and patterns, as ``docs/PROTOCOL.md`` states them, and
wildcard matching."""

from __future__ import annotations

import re

from .errors import ErrorKind, WorkspaceError

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_SEGMENT = re.compile(r"[a-z][a-z0-9_\-]*")
_RESERVED_AGENT_IDS = frozenset({"system", "broadcast"})
MAX_NAME_LENGTH = 256
MAX_SEGMENTS = 16


def is_valid_id(value: str) -> bool:
    """Whether ``value`` is 1-64 characters of ``A-Z a-z 0-9 _ - .`` starting with a letter or digit."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def require_agent_id(value: str) -> str:
    """Returns ``value`` when it is a valid agent id, else raises :class:`WorkspaceError` (``invalid``)."""
    if not is_valid_id(value) or value in _RESERVED_AGENT_IDS:
        raise WorkspaceError(ErrorKind.INVALID, f"agent id {value!r} must be 1-64 characters of A-Z a-z 0-9 _ - . "
                             "starting with a letter or digit, and not 'system' or 'broadcast'", "invalid_frame")
    return value


def require_channel(value: str) -> str:
    """Returns the channel name without a leading ``#``, or raises :class:`WorkspaceError` (``invalid``)."""
    name = value[1:] if isinstance(value, str) and value.startswith("#") else value
    if not is_valid_id(name):
        raise WorkspaceError(ErrorKind.INVALID, f"channel name {value!r} must be 1-64 characters of A-Z a-z 0-9 "
                             "_ - . starting with a letter or digit", "invalid_frame")
    return name


def require_event_name(name: str) -> str:
    """Returns ``name`` when it is 2-16 dot-separated segments ``[a-z][a-z0-9_-]*`` of at most 256 characters."""
    segments = name.split(".") if isinstance(name, str) else []
    if (not 2 <= len(segments) <= MAX_SEGMENTS or len(name) > MAX_NAME_LENGTH
            or any(_SEGMENT.fullmatch(s) is None for s in segments)):
        raise WorkspaceError(ErrorKind.INVALID, f"event name {name!r} must be 2-16 dot-separated segments of "
                             "[a-z][a-z0-9_-]*, at most 256 characters", "invalid_name")
    return name


def normalize_destination(destination: str) -> str:
    """Returns the destination in its full form (a bare agent id becomes ``agent:<id>``), or raises
    :class:`WorkspaceError` (``invalid``)."""
    if not isinstance(destination, str):
        raise WorkspaceError(ErrorKind.INVALID, "an event needs a destination_id", "invalid_destination")
    if destination == "agent:broadcast":
        return destination
    kind, sep, name = destination.partition(":")
    if not sep:
        kind, name = "agent", destination
    if kind == "agent" and is_valid_id(name) and name not in _RESERVED_AGENT_IDS:
        return "agent:" + name
    if kind == "channel" and is_valid_id(name):
        return "channel:" + name
    if kind == "pool" and is_valid_id(name):
        return "pool:" + name
    raise WorkspaceError(ErrorKind.INVALID, f"destination {destination!r} is not agent:<id>, channel:<name>, "
                         "pool:<capability> or agent:broadcast", "invalid_destination")


def require_pattern(pattern: str) -> str:
    """Returns ``pattern`` when it is a valid subscription pattern: dot-separated segments, each a name segment,
    ``*`` (one segment) or ``>`` (the rest, last only); bare ``*`` and ``>`` match everything."""
    if pattern in ("*", ">"):
        return pattern
    segments = pattern.split(".") if isinstance(pattern, str) else []
    ok = bool(segments) and len(segments) <= MAX_SEGMENTS and len(pattern) <= MAX_NAME_LENGTH
    for i, s in enumerate(segments):
        if s == ">" and i != len(segments) - 1:
            ok = False
        elif s not in ("*", ">") and _SEGMENT.fullmatch(s) is None:
            ok = False
    if not ok:
        raise WorkspaceError(ErrorKind.INVALID, f"pattern {pattern!r} must be dot-separated segments of "
                             "[a-z][a-z0-9_-]*, '*' or a final '>', at most 16 segments and 256 characters",
                             "invalid_pattern")
    return pattern


def matches(pattern: str, name: str) -> bool:
    """Whether an event name matches a pattern: ``*`` matches exactly one segment, ``>`` as the last segment one
    or more remaining segments, a literal segment itself; the bare ``*`` and ``>`` match every name."""
    if pattern in ("*", ">"):
        return True
    ps = pattern.split(".")
    ns = name.split(".")
    for i, p in enumerate(ps):
        if p == ">":
            return len(ns) > i
        if i >= len(ns) or (p != "*" and p != ns[i]):
            return False
    return len(ns) == len(ps)
