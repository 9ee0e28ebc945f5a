"""Long-lived resources of one bot process, owned by the composition root."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.settings import Settings


def instance_name() -> str:
    # The random part matters in containers, where every restart is pid 1 on the same host.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    instance: str = field(default_factory=instance_name)
    # Optional parts wired by the app (delivery engine, metrics); typed loosely to avoid cycles.
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> Runtime:
        path = settings.sqlite_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.DATABASE_URL)
        return cls(settings=settings, engine=engine, sessionmaker=make_sessionmaker(engine))

    async def close(self) -> None:
        await self.engine.dispose()
