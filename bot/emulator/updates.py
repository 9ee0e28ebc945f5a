"""The update queue: getUpdates long polling with Telegram's offsets and conflicts; webhooks.

* ``getUpdates``: ``offset`` confirms (forgets) every update with a lower id, a negative offset
  keeps only the last ``-offset``; ``limit`` 1-100; ``timeout`` long-polls and returns as soon as
  an update arrives; ``allowed_updates`` persists until changed ([] = Telegram's default set). A
  newer ``getUpdates`` makes the older, still waiting one answer 409 "Conflict: terminated by other
  getUpdates request; ..." (that is the side Telegram terminates); with a webhook set it answers
  409 "Conflict: can't use getUpdates method while webhook is active; ...".
* Webhook: after ``setWebhook`` every pending update is POSTed in order to the URL as JSON with
  ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set. A non-2xx answer or a connection error
  is retried ``webhook_attempts`` times with doubling backoff from ``webhook_backoff`` s; then the
  update is dropped and ``getWebhookInfo`` reports ``last_error_message``. (Telegram retries for
  longer; tests want an end.) ``webhook_delivered`` lists what the bot acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any

import aiohttp

from .params import Params
from .state import ApiError, EmulatorState, bad_request

DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "business_connection",
        "business_message",
    }
)
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFIGURED = object()  # post_webhook(secret=CONFIGURED): use the secret the bot set


class UpdateQueue:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.pending: list[dict] = []
        self.next_update_id = 10_001
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED
        self.webhook: dict[str, Any] | None = None
        self.webhook_attempts = 4
        self.webhook_backoff = 0.05
        self.webhook_delivered: list[dict] = []
        self.webhook_last_error: tuple[int, str] | None = None
        self._poll_generation = 0
        self._closing = False
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None

    def push(self, payload: dict) -> dict:
        """Queue ``{"message": {...}}``-style payload as a new update and return the update."""
        update = {"update_id": self.next_update_id, **payload}
        self.next_update_id += 1
        self.pending.append(update)
        self.state.notify()
        self._kick_webhook()
        return update

    def _allowed(self, update: dict) -> bool:
        return any(key in self.allowed_updates for key in update if key != "update_id")

    # -- getUpdates ---------------------------------------------------------------------------
    async def get_updates(self, p: Params) -> list[dict]:
        if self.webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = p.int("offset")
        if offset is not None and offset < 0:
            self.pending = self.pending[offset:]
        elif offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        allowed = p.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
        self.pending = [u for u in self.pending if self._allowed(u)]
        limit = min(max(p.int("limit", 100) or 100, 1), 100)
        self._poll_generation += 1
        mine = self._poll_generation
        self.state.notify()  # wakes an older poll so that it answers 409

        def ready() -> bool:
            return bool(self.pending) or self._closing or self._poll_generation != mine

        await self.state.wait_until(ready, max(p.int("timeout", 0) or 0, 0))
        if self._poll_generation != mine:
            raise ApiError(409, CONFLICT_POLL)
        if self.webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        return [u for u in self.pending if self._allowed(u)][:limit]

    # -- webhook methods ----------------------------------------------------------------------
    def set_webhook(self, p: Params) -> bool:
        url = p.str("url", "") or ""
        if not url:
            return self.delete_webhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if p.bool("drop_pending_updates"):
            self.pending.clear()
        allowed = p.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": p.int("max_connections", 40),
        }
        self.state.notify()
        self._kick_webhook()
        return True

    def delete_webhook(self, p: Params) -> bool:
        self.webhook = None
        if p.bool("drop_pending_updates"):
            self.pending.clear()
        self.state.notify()
        return True

    def webhook_info(self) -> dict:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            info["ip_address"] = "127.0.0.1"
            if self.allowed_updates != DEFAULT_ALLOWED:
                info["allowed_updates"] = sorted(self.allowed_updates)
        if self.webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    # -- webhook delivery ---------------------------------------------------------------------
    def _kick_webhook(self) -> None:
        if self.webhook and self.pending and (self._worker is None or self._worker.done()):
            self._worker = asyncio.get_running_loop().create_task(self._deliver_all())

    async def _deliver_all(self) -> None:
        while self.webhook and self.pending and not self._closing:
            update = self.pending[0]
            for attempt in range(self.webhook_attempts):
                status, error = await self._post(update, self.webhook)
                if 200 <= status < 300:
                    self.webhook_delivered.append(update)
                    break
                self.webhook_last_error = (int(time.time()), error)
                await asyncio.sleep(self.webhook_backoff * 2**attempt)
            if self.pending and self.pending[0] is update:
                self.pending.pop(0)
            self.state.notify()

    async def _post(
        self, update: dict, webhook: dict, secret: object = CONFIGURED
    ) -> tuple[int, str]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        secret = webhook.get("secret_token") if secret is CONFIGURED else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": str(secret)} if secret else {}
        try:
            async with self._session.post(webhook["url"], json=update, headers=headers) as resp:
                await resp.read()
                return resp.status, f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, f"Connection failed: {exc!r}"

    async def post_webhook(
        self, update: dict, secret: object = CONFIGURED, url: str | None = None
    ) -> int:
        """POST one update to the webhook (or ``url``) as Telegram would; return the HTTP status.

        ``secret=CONFIGURED`` sends the bot's own secret, a string sends that one, None sends no
        header. Status 0 means the connection failed.
        """
        webhook = dict(self.webhook or {})
        if url:
            webhook["url"] = url
        if "url" not in webhook:
            raise RuntimeError("no webhook is set and no url was given")
        if "update_id" not in update:
            update = {"update_id": self.next_update_id, **update}
            self.next_update_id += 1
        status, _ = await self._post(update, webhook, secret)
        return status

    async def close(self) -> None:
        self._closing = True
        self.state.notify()
        if self._worker:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._session:
            await self._session.close()
