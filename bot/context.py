"""The CallbackContext every handler receives: settings and a database session factory."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.models import Member
from bot.runtime import Runtime
from bot.settings import Settings


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    # Set once per update by handlers.common.prepare: a detached snapshot, read-only here.
    member: Member | None = None

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]  # type: ignore[no-any-return]

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def session(self) -> AsyncSession:
        """A new session; use `async with context.session() as s, s.begin():`."""
        return self.runtime.sessionmaker()


CONTEXT_TYPES = ContextTypes(context=BotContext)

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]
