"""Helpers for the member tests: content in the harness database, relative to the test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.harness import BotHarness


@asynccontextmanager
async def content(bot: BotHarness) -> AsyncIterator[AsyncSession]:
    """One committed transaction on the bot's database, for factories and checks."""
    async with bot.sessionmaker() as session, session.begin():
        yield session


def labels(message: Any) -> list[str]:
    """Every button label on a message, row by row."""
    return [label for row in message.buttons for label in row]
