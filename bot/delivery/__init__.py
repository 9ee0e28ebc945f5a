"""The outbox: plan rows, render them by kind, send within Telegram's limits, record results."""

from bot.delivery.config import EngineConfig
from bot.delivery.control import is_paused, set_paused
from bot.delivery.message import DeferDelivery, DropDelivery, OutgoingMessage
from bot.delivery.planning import cancel_batch, drop_where, owe, owe_from_select, owe_many
from bot.delivery.render import (
    GATES,
    RENDERERS,
    Gate,
    Renderer,
    register_gate,
    register_renderer,
    render_text,
)
from bot.delivery.split import split_html, visible_length
from bot.delivery.stats import Counters, backlog, batch_stats
from bot.delivery.worker import DeliveryEngine

__all__ = [
    "GATES",
    "RENDERERS",
    "Counters",
    "DeferDelivery",
    "DeliveryEngine",
    "DropDelivery",
    "EngineConfig",
    "Gate",
    "OutgoingMessage",
    "Renderer",
    "backlog",
    "batch_stats",
    "cancel_batch",
    "drop_where",
    "is_paused",
    "owe",
    "owe_from_select",
    "owe_many",
    "register_gate",
    "register_renderer",
    "render_text",
    "set_paused",
    "split_html",
    "visible_length",
]
