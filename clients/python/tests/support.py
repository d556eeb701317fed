"""What the tests share: a real server process on a free loopback port, tokens, and a TCP proxy that can cut
every connection through it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[3]
SERVER_JAR = pathlib.Path(os.environ.get("WORKSPACE_SERVER_JAR",
                                         ROOT / "workspace-server/target/workspace-server-0.1.0-SNAPSHOT.jar"))
START_DEADLINE = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """The real server, started from its jar with in-memory state; stopped by :meth:`stop`."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        if not SERVER_JAR.is_file():
            raise RuntimeError(f"{SERVER_JAR} is missing: build it first (mvn -DskipTests package)")
        self.args = list(args)
        self.env = {**os.environ, **(env or {})}
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log = None

    def start(self) -> "ServerProcess":
        for _ in range(3):
            self.port = free_port()
            self.log = open(os.environ.get("WORKSPACE_TEST_LOG_DIR", "/tmp") + f"/workspace-py-{self.port}.log", "wb")
            self.proc = subprocess.Popen(
                ["java", "-jar", str(SERVER_JAR), "--host", "127.0.0.1", "--port", str(self.port), "--instances", "1",
                 *self.args], stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
            if self._wait_healthy():
                return self
            self.stop()
        raise RuntimeError("the server did not start; see its log in /tmp/workspace-py-*.log")

    def _wait_healthy(self) -> bool:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None


def mint_token(secret: str, agent: str, workspace: str, ttl: int = 3600, channels: list[str] | None = None) -> str:
    """An HS256 token as the server expects it (``sub``, ``ws``, ``exp``, optional ``channels``)."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims: dict = {"sub": agent, "ws": workspace, "exp": int(time.time()) + ttl}
    if channels is not None:
        claims["channels"] = channels
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


class Proxy:
    """A TCP proxy on a free loopback port in front of the server. :meth:`cut` closes every connection through
    it at once, as a network failure would; while :attr:`refusing` is set, new connections are closed at once."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.refusing = False
        self.accepted = 0
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> "Proxy":
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.discard(writer)
        self._writers.discard(up_writer)

    def cut(self) -> None:
        for w in list(self._writers):
            transport = w.transport
            transport.abort()
        self._writers.clear()

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
