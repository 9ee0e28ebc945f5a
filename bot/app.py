"""Composition root: builds the Application, wires handlers, jobs and long-lived resources."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import HTTPXRequest

import handlers
from bot import jobs
from bot.commands import GROUP_ADMIN_COMMANDS, MEMBER_COMMANDS, MODERATOR_COMMANDS
from bot.context import CONTEXT_TYPES
from bot.delivery import DeliveryEngine
from bot.i18n import LANGUAGES, _, load_catalogues, use_locale
from bot.runtime import Runtime
from bot.steps import StepsApplication
from bot.updates_guard import GuardedUpdatesRequest
from handlers import admin_roles

log = logging.getLogger(__name__)

# Hooks other modules add to run after start-up and before shutdown (delivery engine, jobs, ...).
Hook = Callable[[Application[Any, Any, Any, Any, Any, Any], Runtime], Awaitable[None]]
STARTUP_HOOKS: list[Hook] = []
SHUTDOWN_HOOKS: list[Hook] = []


def _commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(name, _(description)) for name, description in pairs]


async def register_commands(bot: Any, moderator_chat_ids: list[int]) -> None:
    """Members see their menu in their language; moderators get theirs in their own chat;
    group administrators see how to link their group."""
    scope = BotCommandScopeAllPrivateChats()
    await _set_menu(bot, MEMBER_COMMANDS, scope)
    with use_locale("uk"):
        await bot.set_my_commands(_commands(MEMBER_COMMANDS), scope=scope)
    await _set_menu(bot, GROUP_ADMIN_COMMANDS, BotCommandScopeAllChatAdministrators())
    for chat_id in moderator_chat_ids:
        await set_moderator_menu(bot, chat_id)


async def set_moderator_menu(bot: Any, chat_id: int) -> None:
    await _set_menu(bot, MEMBER_COMMANDS + MODERATOR_COMMANDS, BotCommandScopeChat(chat_id))


async def _set_menu(bot: Any, pairs: list[tuple[str, str]], scope: BotCommandScope) -> None:
    """One menu for one scope, in each language."""
    for language in LANGUAGES:
        with use_locale(language):
            await bot.set_my_commands(_commands(pairs), scope=scope, language_code=language)


async def start_delivery(app: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime) -> None:
    """The outbox sender: its own Bot, so a broadcast's 429 never pauses replies to members."""
    engine = DeliveryEngine.from_settings(
        runtime.settings, runtime.sessionmaker, instance_id=runtime.instance
    )
    await engine.start()
    runtime.extras["delivery"] = engine


async def stop_delivery(app: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime) -> None:
    engine = runtime.extras.pop("delivery", None)
    if engine is not None:
        await engine.stop(graceful=True)


def _startup_hooks() -> list[Hook]:
    # Order matters: renderers and the engine exist before jobs can plan work for them.
    return [start_delivery, jobs.start_scheduler, admin_roles.on_startup, *STARTUP_HOOKS]


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime: Runtime = app.bot_data["runtime"]
    await register_commands(app.bot, runtime.settings.ADMIN_IDS)
    for hook in _startup_hooks():
        await hook(app, runtime)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime: Runtime = app.bot_data["runtime"]
    for hook in [stop_delivery, *reversed(SHUTDOWN_HOOKS)]:
        await hook(app, runtime)


def build_application(runtime: Runtime) -> Application[Any, Any, Any, Any, Any, Any]:
    """The real PTB Application, talking to TELEGRAM_API_URL."""
    settings = runtime.settings
    load_catalogues()
    api = settings.TELEGRAM_API_URL.rstrip("/")
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    app = (
        ApplicationBuilder()
        .application_class(StepsApplication)
        .token(settings.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(defaults)
        .context_types(CONTEXT_TYPES)
        .request(HTTPXRequest(connection_pool_size=16, read_timeout=15, connect_timeout=10))
        .get_updates_request(GuardedUpdatesRequest(connection_pool_size=2, read_timeout=40))
        .concurrent_updates(False)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data["runtime"] = runtime
    handlers.register(app)
    return app
