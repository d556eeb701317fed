"""An event handler that records what it is handed, for tests that assert what arrived and nothing else."""

from __future__ import annotations

import asyncio

from workspace_client import Event


class Recorder:
    """Records events in the order a handler got them; :meth:`until` waits for a condition on them."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Condition()

    async def __call__(self, event: Event) -> None:
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    async def until(self, condition, timeout: float = 10.0) -> list[Event]:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self.events)), timeout)
        return list(self.events)

    async def count(self, n: int, timeout: float = 10.0) -> list[Event]:
        return await self.until(lambda events: len(events) >= n, timeout)

    def names(self) -> list[str]:
        return [e.event_name for e in self.events]

    def texts(self) -> list[str | None]:
        return [e.text for e in self.events]
