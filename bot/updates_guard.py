"""getUpdates that never stalls on one update the installed PTB cannot parse.

PTB parses a getUpdates batch in one go: a single update it cannot read (a field it requires is
missing or has an odd shape) raises before the offset moves, so every later poll fetches the
same batch and fails again - the bot stops answering everyone. Such an update is replaced by an
empty one with the same update_id: PTB confirms it and carries on; the log says what was skipped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


def readable(update: Any) -> Any:
    """The update if PTB can parse it, else a stub keeping only its update_id."""
    try:
        parsed = Update.de_json(update, None)  # type: ignore[arg-type]
        if not _complete(parsed):
            raise ValueError("a field Telegram always sends is missing")
        return update
    except Exception as exc:
        update_id = update.get("update_id") if isinstance(update, dict) else None
        log.warning("skipping update %s that cannot be read (%s)", update_id, type(exc).__name__)
        return {"update_id": update_id} if isinstance(update_id, int) else None


def _complete(update: Update) -> bool:
    """PTB parses some updates that lack fields the Bot API always sends; handlers rely on them."""
    message = update.effective_message
    if message is not None and message.chat is None:
        return False
    return not ((update.callback_query or update.inline_query) and update.effective_user is None)


def guard_body(body: bytes) -> bytes:
    try:
        data = json.loads(body)
    except ValueError:
        return body  # PTB reports a broken answer itself
    if not isinstance(data, dict) or not isinstance(data.get("result"), list):
        return body
    kept = [readable(update) for update in data["result"]]
    if all(a is b for a, b in zip(kept, data["result"], strict=True)):
        return body
    data["result"] = [update for update in kept if update is not None]
    return json.dumps(data).encode()


class GuardedUpdatesRequest(HTTPXRequest):
    """The request object for getUpdates only (ApplicationBuilder.get_updates_request)."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, body = await super().do_request(*args, **kwargs)
        if status == 200:
            body = guard_body(body)
        return status, body
