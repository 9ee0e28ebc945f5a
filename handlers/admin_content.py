"""Handlers for admin content (to be filled in)."""

from __future__ import annotations

from telegram.ext import BaseHandler

HANDLERS: list[BaseHandler] = []  # type: ignore[type-arg]
