"""Around every private update: restore the user's half-finished steps, store them afterwards.

PTB keeps ConversationHandler states and user_data in process memory, which a restart wipes and
another instance behind the load balancer never sees: a moderator's /addwebinar would forget
its draft, or the next answer would reach an instance that takes it for a search. The database
(bot.services.dialogs) is the truth; the in-memory copies are set from it before the handlers
run (for this user only) and written back when the update changed them.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ConversationHandler

from bot.runtime import Runtime
from bot.services import dialogs

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Encoded = tuple[Any, Any]  # a user's steps as stored: (conversations, data), JSON-safe


def private_user(update: object) -> int | None:
    """The user of a private-chat update; steps happen only there."""
    if not isinstance(update, Update):
        return None
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or user.is_bot or chat.type != "private":
        return None
    return user.id


def _conversations(app: AnyApplication) -> list[ConversationHandler[Any]]:
    return [
        handler
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.name
    ]


def snapshot(app: AnyApplication, update: Update, user_id: int) -> dialogs.Steps:
    """The in-memory steps of this user now."""
    states = {}
    for handler in _conversations(app):
        # PTB exposes no public per-key accessor; persistence in PTB itself reads this dict.
        state = handler._conversations.get(handler._get_key(update))
        if state is not None:
            states[str(handler.name)] = state
    return dialogs.Steps(states, dict(app.user_data.get(user_id, {})))


def apply(app: AnyApplication, update: Update, user_id: int, steps: dialogs.Steps) -> None:
    """Make the in-memory steps of this user exactly the stored ones."""
    for handler in _conversations(app):
        key = handler._get_key(update)
        state = steps.conversations.get(str(handler.name))
        if state is None:
            handler._conversations.pop(key, None)
        else:
            handler._conversations[key] = state
    data = app.user_data[user_id]  # created on first access, like PTB's own context.user_data
    data.clear()
    data.update(steps.data)


class StepsApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, with each user's steps carried through the database."""

    async def process_update(self, update: object) -> None:
        user_id = private_user(update)
        if user_id is None:
            await super().process_update(update)
            return
        assert isinstance(update, Update)
        runtime: Runtime = self.bot_data["runtime"]
        before = await self._restore(runtime, update, user_id)
        await super().process_update(update)
        await self._store(runtime, update, user_id, before)

    async def _restore(self, runtime: Runtime, update: Update, user_id: int) -> Encoded | None:
        try:
            async with runtime.sessionmaker() as session:
                steps = await dialogs.load(session, user_id)
        except Exception:
            # The handlers answer a database outage themselves; keep what this process knows.
            log.warning("could not read the steps of user %s", user_id, exc_info=True)
            return None
        apply(self, update, user_id, steps)
        if steps.abandoned:
            return None  # differs from any snapshot: the old row is replaced or deleted
        return dialogs.encode(steps.conversations), dialogs.encode(steps.data)

    async def _store(
        self, runtime: Runtime, update: Update, user_id: int, before: Encoded | None
    ) -> None:
        try:
            steps = snapshot(self, update, user_id)
            if (dialogs.encode(steps.conversations), dialogs.encode(steps.data)) == before:
                return
            async with runtime.sessionmaker() as session, session.begin():
                await dialogs.save(session, user_id, steps)
        except Exception:
            log.error("could not store the steps of user %s", user_id, exc_info=True)
