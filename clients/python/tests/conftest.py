import asyncio
import secrets
import uuid

import pytest
import pytest_asyncio

from support import Proxy, ServerProcess, mint_token

from workspace_client import AgentClient

JWT_SECRET = secrets.token_hex(32)


@pytest.fixture(scope="session")
def server():
    """One real server with in-memory state for the whole session; each test uses its own workspace."""
    s = ServerProcess().start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def token_server():
    """A real server in token mode."""
    s = ServerProcess("--auth", "token", env={"WORKSPACE_JWT_SECRET": JWT_SECRET}).start()
    yield s
    s.stop()


@pytest.fixture
def token_for():
    return lambda agent, workspace, **kw: mint_token(JWT_SECRET, agent, workspace, **kw)


@pytest.fixture
def ws_name():
    """A workspace of the test's own, so that nothing of another test reaches it."""
    return "t" + uuid.uuid4().hex[:12]


@pytest_asyncio.fixture
async def connect(server, ws_name):
    """Connects clients to the test's workspace and disconnects them at the end."""
    clients = []

    async def make(agent_id, url=None, **kwargs):
        metadata = kwargs.pop("metadata", None)
        c = AgentClient(agent_id=agent_id, workspace=ws_name, **kwargs)
        await c.connect(url or server.url, metadata=metadata)
        clients.append(c)
        return c

    yield make
    for c in clients:
        await c.disconnect()


@pytest_asyncio.fixture
async def proxy(server):
    p = await Proxy(server.port).start()
    yield p
    await p.stop()


async def settle(*clients):
    """A round trip through each client's session: every frame the server sent before it has been read."""
    for c in clients:
        await c.list_agents()
