"""An asyncio client of the workspace event bus, with the OpenAgents ``AgentClient`` API.

::

    from workspace_client import AgentClient

    client = AgentClient(agent_id="alice")
    await client.connect_to_server("localhost", 8700, metadata={"name": "Alice"})
    await client.workspace().channel("general").post("hello @bob")
"""

from .client import AgentClient, EventHandler, EventStream, LifecycleHandler, Registration
from .errors import ErrorKind, WorkspaceError
from .models import (AgentInfo, ChannelInfo, Event, HistoryPage, LifecycleEvent, PublishResult, SessionInfo,
                     StreamPosition)
from .names import matches
from .runs import RemoteAgent, Run, RunContext, RunInput, RunResult
from .workspace import AgentRef, Channel, Workspace

__version__ = "0.1.0"

__all__ = [
    "AgentClient", "AgentInfo", "AgentRef", "Channel", "ChannelInfo", "ErrorKind", "Event", "EventHandler",
    "EventStream", "HistoryPage", "RemoteAgent", "Run", "RunContext", "RunInput", "RunResult", "LifecycleEvent", "LifecycleHandler", "PublishResult", "Registration",
    "SessionInfo", "StreamPosition", "Workspace", "WorkspaceError", "matches",
]
